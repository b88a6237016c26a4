# -*- coding: utf-8 -*-
"""Plan the firewalld changes of the fep_firewall role (computed here, nothing runs on the host).

Input: what the role's read-only probe printed (firewall-cmd listings) and the
validated inputs.  Output: the plan (``create_zones``, ``policy_commands``,
``ops`` for ansible.posix.firewalld, ``reload``, ``warnings``), ``changed``
when the host's firewall would change, and a ``diff`` of every zone the plan
touches, so that ``--check --diff`` shows exactly what a run would do.
"""
from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible_collections.fepkit.fep.plugins.module_utils.fep.firewall import firewalld


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        args = self._task.args
        for name in ("probe", "desired", "managed"):
            if name not in args:
                raise AnsibleActionFail("fep_firewall_plan: argument %r is required" % name)
        state = firewalld.read_state(args["probe"])
        if state["state"] != "running":
            result.update(failed=True, changed=False,
                          msg="firewalld is not running (firewall-cmd --state: %s)" % (state["state"] or "no answer"))
            return result
        plan = firewalld.plan(state, args["desired"], args["managed"])
        result.update(plan)
        # ansible shows (and strips) "warnings"; the role reads its own copy
        result["firewall_warnings"] = list(plan["warnings"])
        result["summary"] = firewalld.summary(plan)
        # what a rollback's reload would discard and must put back (the helper replays it)
        result["runtime_replay"] = firewalld.runtime_replay(state)
        if plan["blocked"]:
            result.update(failed=True, changed=False, msg="; ".join(plan["blocked"]))
            return result
        result["changed"] = plan["changed"]
        if plan["changed"]:
            result["diff"] = firewalld.diff(state, plan)
        result["msg"] = ("%d change(s): %s" % (len(result["summary"]), "; ".join(result["summary"]))
                         if plan["changed"] else "firewalld already as wanted")
        return result
