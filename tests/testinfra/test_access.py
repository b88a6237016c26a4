# -*- coding: utf-8 -*-
"""What the audit needs on every server: sshd up and a Python 3.6+ for the collector."""
import pytest

COLLECTOR_MIN_PYTHON = (3, 6)  # plugins/module_utils/fep top level (tests/unit/test_target_python.py)


def test_sshd_is_running(host):
    assert host.service("sshd").is_running


def test_sshd_listens_on_the_inventory_port(hostvars, listeners):
    port = int(hostvars.get("ansible_port", 22))
    assert "sshd" in listeners.get(port, set()), "port %d: %s" % (port, listeners.get(port))


@pytest.fixture(scope="module")
def python_version(host, hostvars):
    interpreter = hostvars.get("ansible_python_interpreter", "python3")
    if "{{" in interpreter:  # templated (inventories/local): not this suite's business
        interpreter = "python3"
    out = host.check_output("%s -c 'import sys; print(\"%%d.%%d\" %% sys.version_info[:2])'" % interpreter)
    return tuple(int(part) for part in out.split("."))


def test_python_runs_the_collector(python_version):
    assert python_version >= COLLECTOR_MIN_PYTHON
