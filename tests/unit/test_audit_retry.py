# -*- coding: utf-8 -*-
"""fep_audit tries a dropped ssh link once more, and never a dead or refusing host.

The plugin's own decision and loop, with the connection replaced at its I/O
seam (_low_level_execute_command): the real ssh behaviour is covered by the
lab tests.
"""
import os
import sys

import pytest
from ansible.errors import AnsibleConnectionFailure

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "plugins", "action"))
try:
    import fep_audit  # the plugin module itself
finally:
    sys.path.pop(0)

UNREACHABLE = 'Data could not be sent to remote host "10.231.10.13". Make sure this host can be reached over ssh: '


@pytest.mark.parametrize("stderr, seconds, expected", [
    ("", 0.4, True),  # ssh's bare exit 255: the connection was closed during the handshake
    ("kex_exchange_identification: read: Connection reset by peer", 0.2, True),
    ("Connection closed by 10.231.10.13 port 22", 1.0, True),
    ("ssh: connect to host 10.231.10.15 port 22: Connection timed out", 20.0, False),
    ("ssh: connect to host 10.231.10.15 port 22: No route to host", 3.0, False),
    ("ssh: connect to host 10.0.0.9 port 22: Connection refused", 0.1, False),
    ("root@10.231.10.13: Permission denied (publickey,password).", 0.3, False),
    ("Host key verification failed.", 0.1, False),
    ("ssh: Could not resolve hostname jc-renmin-fep: Name or service not known", 0.1, False),
    ("Timeout, server 10.231.10.13 not responding.", 47.0, True),  # a session that stalled mid-audit
    ("", 47.0, True),  # the same, with LogLevel=ERROR hiding ssh's message
    ("", 130.0, False),  # beyond a stalled session's end: not repeated
])
def test_which_failures_are_tried_again(stderr, seconds, expected):
    assert fep_audit.dropped_connection(UNREACHABLE + stderr, seconds) is expected


class FakeDisplay(object):
    def __init__(self):
        self.lines = []

    def vvv(self, text):
        self.lines.append(text)


class Plugin(object):
    """Just enough of the action for its retry method: the connection is the seam."""
    execute_once_more_if_dropped = fep_audit.ActionModule.execute_once_more_if_dropped

    def __init__(self, failures):
        self.failures = list(failures)
        self.calls = 0
        self._display = FakeDisplay()

    def _low_level_execute_command(self, command, in_data=None):
        self.calls += 1
        if self.failures:
            raise AnsibleConnectionFailure(self.failures.pop(0))
        return {"rc": 0, "stdout": "FEP_RESULT_BEGIN\n{}\nFEP_RESULT_END\n", "stderr": ""}


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(fep_audit, "RETRY_PAUSE", 0)


def test_a_dropped_link_is_tried_once_more_and_said():
    plugin, result = Plugin([UNREACHABLE]), {}
    outcome = plugin.execute_once_more_if_dropped("lj-renmin-fep", "python3 -", b"payload", result)
    assert outcome["rc"] == 0 and plugin.calls == 2
    assert result["warnings"] == ["host lj-renmin-fep: the ssh connection dropped during the audit and "
                                  "succeeded on a second attempt"]
    assert "connection dropped" in plugin._display.lines[0]


def test_a_second_drop_makes_the_host_unreachable():
    plugin = Plugin([UNREACHABLE, UNREACHABLE + "Connection reset by peer"])
    with pytest.raises(AnsibleConnectionFailure, match="reset by peer"):
        plugin.execute_once_more_if_dropped("lj-renmin-fep", "python3 -", b"payload", {})
    assert plugin.calls == 2


def test_a_refusing_host_is_not_tried_again():
    plugin, result = Plugin([UNREACHABLE + "root@10.231.10.13: Permission denied (publickey)."]), {}
    with pytest.raises(AnsibleConnectionFailure, match="Permission denied"):
        plugin.execute_once_more_if_dropped("qc-renmin-fep", "python3 -", b"payload", result)
    assert plugin.calls == 1 and "warnings" not in result
