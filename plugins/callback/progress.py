# -*- coding: utf-8 -*-
"""``n/N audited, k failing`` while playbooks/audit.yml runs (report/progress.py decides when)."""
from ansible.plugins.callback import CallbackBase
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.progress import (
    AUDITED,
    FAILING,
    NOT_AUDITED,
    Progress,
)

DOCUMENTATION = r"""
name: progress
type: notification
short_description: Print "n/N audited, k failing" while a long audit runs
description:
  - Counts the hosts whose C(fepkit.fep.fep_audit) task has finished, and those that fail the sheet
    or could not be audited, and prints one line when another tenth of the hosts has finished, when
    a host finishes O(interval) seconds or more after the last line, and once at the end. It adds lines to the output of
    the stdout callback (the terminal, or AWX's job output); it does not replace it.
  - The number of hosts N comes from C(fepkit.fep.fep_validate) at the start of the audit.
  - Enabled by the collection's ansible.cfg (C(callbacks_enabled = fepkit.fep.progress)).
version_added: "0.2.0"
author: fepkit maintainers
requirements:
  - enable in the configuration (callbacks_enabled)
options:
  interval:
    description: Seconds after which a line is printed even if another tenth has not finished.
    type: float
    default: 30
    env:
      - name: FEP_PROGRESS_INTERVAL
    ini:
      - section: callback_fepkit_progress
        key: interval
"""


def action_is(result, name):
    return str(getattr(result._task, "action", "") or "").rsplit(".", 1)[-1] == name


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "fepkit.fep.progress"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display=display)
        self.progress = None

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super(CallbackModule, self).set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        self.progress = Progress(every_seconds=float(self.get_option("interval")))

    def record(self, result, state):
        if self.progress is None:
            self.progress = Progress()
        line = self.progress.record(result._host.get_name(), state)
        if line:
            self._display.display(line)

    def v2_runner_on_ok(self, result):
        if action_is(result, "fep_validate") and self.progress is not None:
            self.progress.total = result._result.get("fep_hosts") or self.progress.total
        elif action_is(result, "fep_audit"):
            verdict = result._result.get("fep_verdict")
            if "failure" in (result._task.args or {}):  # the rescue recording a failure
                self.record(result, NOT_AUDITED)
            else:
                self.record(result, FAILING if verdict == "fail" else AUDITED)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if action_is(result, "fep_audit"):
            self.record(result, NOT_AUDITED)

    def v2_runner_on_unreachable(self, result):
        if action_is(result, "fep_audit"):
            self.record(result, NOT_AUDITED)

    def v2_playbook_on_stats(self, stats):
        line = self.progress.finish() if self.progress is not None else None
        if line:
            self._display.display(line)
