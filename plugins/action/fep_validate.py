# -*- coding: utf-8 -*-
"""Validate every audited host's inventory metadata before anything runs.

One message lists every problem as ``host H: variable.field: problem``; the
run stops so that no survey form is produced from a wrong inventory.
Personal values (mobiles) never appear in the message.

When the metadata is valid, the host list is returned as the fact
``__fep_audited_hosts`` (the playbook delegates it to localhost, where the
results play reads it): one task instead of a set_fact after it.  A host
audited from an archive (``fep_snapshot``) without hospital metadata in the
inventory takes the manifest's (what the hospital gave tools/fep_snapshot.py):
``__fep_archive_metadata``, for fep_audit and fep_results.
"""


from ansible.plugins.action import ActionBase
from ansible_collections.fepkit.fep.plugins.module_utils.fep.archive import host_metadata
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.hospital import validate_hospital


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        hostvars = task_vars["hostvars"]
        problems = []
        from_archives = {}  # host -> metadata its archive's manifest supplied (fep_results reads it)
        for host in self._task.args.get("hosts") or []:
            variables = hostvars[host]
            hospital, level, error = host_metadata(variables)
            if error:
                continue  # an archive refused: fep_audit fails that host with the reason, not the run
            if (hospital, level) != (variables.get("fep_hospital"), variables.get("fep_hospital_level")):
                from_archives[host] = {"fep_hospital": hospital, "fep_hospital_level": level}
            _, errors = validate_hospital(hospital, level)
            problems.extend("host %s: %s" % (host, error) for error in errors)
        result["changed"] = False
        if problems:
            result["failed"] = True
            result["msg"] = ("invalid hospital metadata in the inventory (%d problem(s)); nothing was audited:\n  %s"
                             % (len(problems), "\n  ".join(problems)))
        else:
            hosts = list(self._task.args.get("hosts") or [])
            result["msg"] = "hospital metadata valid for %d host(s)" % len(hosts)
            result["ansible_facts"] = {"__fep_audited_hosts": hosts, "__fep_archive_metadata": from_archives}
        return result
