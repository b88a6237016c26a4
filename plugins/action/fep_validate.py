# -*- coding: utf-8 -*-
"""Validate every audited host's inventory metadata before anything runs, and open the run.

One message lists every problem as ``host H: variable.field: problem``; the
run stops so that no survey form is produced from a wrong inventory.
Personal values (mobiles) never appear in the message.

When the metadata is valid, the run's report folder is chosen (``report_dir``,
else the job's artifact folder under ansible-runner/AWX, else
``reports/<timestamp>/``, report/spool.py) and its spool created there, with
``run.json``: the hosts in play order and their validated metadata (a host
audited from an archive, ``fep_snapshot``, without hospital metadata in the
inventory takes the manifest's: what the hospital gave tools/fep_snapshot.py).
The result (``report_dir``, ``spool``, ``fep_hosts``) is registered by the
playbook as ``__fep_run`` for every audited host (``fep_audit`` spools there)
and set as that fact on localhost (delegate_facts), where fep_results runs:
nothing reads another host's variables.
"""
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.fepkit.fep.plugins.module_utils.fep.archive import host_metadata
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.hospital import validate_hospital
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.spool import new_spool, report_location, write_run


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # reads inventory variables; writes only the run's spool on the controller

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        hostvars = task_vars["hostvars"]
        hosts = list(self._task.args.get("hosts") or [])
        problems = []
        metadata = {}  # host -> {"level", "hospital"} as fep_results writes them into results.json
        for host in hosts:
            variables = hostvars[host]
            hospital, level, error = host_metadata(variables)
            if error:
                # an archive refused: fep_audit fails that host with the reason, not the run; the
                # inventory's metadata (if any) still names the hospital in the reports
                hospital, level = variables.get("fep_hospital"), variables.get("fep_hospital_level")
                metadata[host] = {"level": level, "hospital": validate_hospital(hospital, level)[0]}
                continue
            normalised, errors = validate_hospital(hospital, level)
            problems.extend("host %s: %s" % (host, error) for error in errors)
            metadata[host] = {"level": level, "hospital": normalised}
        result["changed"] = False
        if problems:
            result["failed"] = True
            result["msg"] = ("invalid hospital metadata in the inventory (%d problem(s)); nothing was audited:\n  %s"
                             % (len(problems), "\n  ".join(problems)))
            return result
        if not hosts:
            return dict(result, msg="no host to audit")  # fep_results says why, naming the inventory
        report_dir = report_location(self._task.args.get("report_dir"), os.environ,
                                     task_vars.get("playbook_dir") or os.getcwd())
        try:
            spool = new_spool(report_dir)
            write_run(spool, hosts, metadata)
        except OSError as exc:
            raise AnsibleActionFail("cannot create the report folder %s: %s" % (report_dir, exc.strerror or exc))
        run = {"report_dir": report_dir, "spool": spool, "fep_hosts": len(hosts)}
        result.update(run)
        result["msg"] = "hospital metadata valid for %d host(s); reports in %s" % (len(hosts), report_dir)
        result["ansible_facts"] = {"__fep_run": run}
        return result
