# -*- coding: utf-8 -*-
"""Write ``results.json`` for the run, its reports and summary, and return the verdict table.

Runs once on the control node after the audit play.  It reads the run's spool
(report/spool.py): the hosts and hospital metadata fep_validate checked, and
what each host's audit left there, so hosts that were unreachable, failed or
hung are in the results too.  No host variable is read here.

The summary goes to ``set_stats`` (``fep_summary``, aggregate, not per host):
AWX shows it in the job's artifacts and passes it to the next workflow node.
"""
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ansible_version
from ansible_collections.fepkit.fep.plugins.module_utils.fep import __version__ as fep_version
from ansible_collections.fepkit.fep.plugins.module_utils.fep.checks.hospital import judge_hospitals
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.job_summary import STATS_KEY, job_summary
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.private import write_private
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.render import render_reports
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.results import (
    build_results,
    host_entry,
    results_text,
)
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.spool import read_record, read_run, remove_spool
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.table import render_verdict


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # writes only on the controller, as a report

    def no_host(self, task_vars):
        # a wrong path, a typo in fep_audit_hosts or an empty inventory file: an empty report
        # ("0 hosts") with exit 0 would read as a region with nothing to fix
        sources = ", ".join(task_vars.get("ansible_inventory_sources") or []) or "none"
        return AnsibleActionFail(
            "no host was audited: the inventory (%s) has no host matching %r; nothing was written. "
            "Check the inventory path (-i / INVENTORY=) and fep_audit_hosts"
            % (sources, task_vars.get("fep_audit_hosts", "all")))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        spool = self._task.args.get("spool")
        if not spool:  # fep_validate did not run: the audit play matched no host
            raise self.no_host(task_vars)
        try:
            hosts, metadata = read_run(spool)
        except ValueError as exc:
            raise AnsibleActionFail("the run's spool is unusable: %s" % exc)
        if not hosts:
            raise self.no_host(task_vars)
        report_dir = os.path.dirname(os.path.abspath(spool))
        lang = self._task.args.get("lang") or "zh"
        entries = {}
        for host in hosts:
            known = metadata.get(host) or {}
            entries[host] = host_entry(read_record(spool, host), known.get("level"), known.get("hospital"))
        run = {
            "fepkit": fep_version,
            "ansible_core": ansible_version,
            "check_mode": bool(task_vars.get("ansible_check_mode")),
            "lang": lang,
        }
        results = build_results(judge_hospitals(entries), run=run)
        path = os.path.join(report_dir, "results.json")
        try:
            write_private(path, results_text(results))
        except OSError as exc:
            raise AnsibleActionFail("cannot write %s: %s; every host's outcome stays in %s"
                                    % (path, exc.strerror or exc, spool))
        remove_spool(spool)  # results.json holds every record now
        report_errors = []  # one report failing keeps the others and results.json
        reports = render_reports(results, report_dir, lang, errors=report_errors)
        result["warnings"] = ["report not written: %s" % error for error in report_errors]
        summary = job_summary(results, report_dir, reports)
        result.update({
            "changed": False,
            "results_path": path,
            "report_dir": report_dir,
            "summary": summary,
            "verdict": render_verdict(results, lang),
            "host_status": dict(results["summary"]["host_status"]),
            # AWX: the job's artifacts, and extra variables of the workflow's next nodes
            "ansible_stats": {"data": {STATS_KEY: summary}, "per_host": False, "aggregate": True},
        })
        return result
