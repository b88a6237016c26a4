# -*- coding: utf-8 -*-
"""Write ``results.json`` for the run and return the verdict table.

Runs once on the control node after the audit play: it reads what each
host's audit task registered (``__fep_audit``) from hostvars, so hosts that
were unreachable or failed are in the results too.
"""
import datetime
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.release import __version__ as ansible_version
from ansible.vars.hostvars import HostVarsVars
from ansible_collections.fepkit.fep.plugins.module_utils.fep import __version__ as fep_version
from ansible_collections.fepkit.fep.plugins.module_utils.fep.checks.hospital import judge_hospitals
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.hospital import validate_hospital
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.render import (
    private_dir,
    render_reports,
    write_private,
)
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.results import (
    build_results,
    host_entry,
    results_text,
)
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.summary import failing_hosts
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.table import render_verdict


def host_view(raw, loader, host):
    """The host's vars, templated on access (HostVarsVars changed signature in ansible-core 2.19)."""
    try:
        return HostVarsVars(raw, loader=loader, host=host)
    except TypeError:  # ansible-core 2.16 (legacy profile)
        return HostVarsVars(raw, loader=loader)


def default_report_dir(playbook_dir, now=None, cwd=None):
    """``reports/<YYYYmmdd-HHMMSS>/``, one per run: beside the playbooks folder in a checkout or an
    AWX project; under the current folder when the playbook runs from an installed collection
    (``ansible-playbook fepkit.fep.audit``), whose folder is not the user's to write in."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = os.path.dirname(os.path.abspath(playbook_dir))
    if os.path.isfile(os.path.join(base, "MANIFEST.json")):  # written by ansible-galaxy install
        base = cwd or os.getcwd()
    return os.path.join(base, "reports", stamp)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # writes only on the controller, as a report

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        hosts = args.get("hosts") or []
        if not hosts:
            # a wrong path, a typo in fep_audit_hosts or an empty inventory file: an empty report
            # ("0 hosts") with exit 0 would read as a region with nothing to fix
            sources = ", ".join(task_vars.get("ansible_inventory_sources") or []) or "none"
            raise AnsibleActionFail(
                "no host was audited: the inventory (%s) has no host matching %r; nothing was written. "
                "Check the inventory path (-i / INVENTORY=) and fep_audit_hosts"
                % (sources, task_vars.get("fep_audit_hosts", "all")))
        report_dir = args.get("report_dir") or default_report_dir(task_vars.get("playbook_dir") or os.getcwd())
        lang = args.get("lang") or "zh"
        hostvars = task_vars["hostvars"]
        from_archives = task_vars.get("__fep_archive_metadata") or {}
        entries = {}
        for host in hosts:
            raw = hostvars.raw_get(host)
            # inventory values may be templates: render them; the registered audit result is data
            # from the server, never a template: read it as is (templating walks every fact)
            variables = host_view(raw, self._loader, host)
            # a host audited from an archive without metadata in the inventory: the manifest's
            metadata = from_archives.get(host) or variables
            level = metadata.get("fep_hospital_level")
            # already validated by fep_validate; here only normalised
            hospital, _ = validate_hospital(metadata.get("fep_hospital"), level)
            entries[host] = host_entry(raw.get("__fep_audit"), level, hospital)
        run = {
            "fepkit": fep_version,
            "ansible_core": ansible_version,
            "check_mode": bool(task_vars.get("ansible_check_mode")),
            "lang": lang,
        }
        results = build_results(judge_hospitals(entries), run=run)
        report_dir = os.path.abspath(os.path.expanduser(report_dir))
        path = os.path.join(private_dir(report_dir), "results.json")
        write_private(path, results_text(results))
        report_errors = []  # one report failing keeps the others and results.json
        reports = render_reports(results, report_dir, lang, errors=report_errors)
        result["warnings"] = ["report not written: %s" % error for error in report_errors]
        result.update({
            "changed": False,
            "results_path": path,
            "reports": reports,
            "verdict": render_verdict(results, lang),
            "failing_hosts": failing_hosts(results),
            "host_status": dict(results["summary"]["host_status"]),
        })
        return result
