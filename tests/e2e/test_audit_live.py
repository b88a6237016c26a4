# -*- coding: utf-8 -*-
"""The audit of this live machine: as root and without root (become su nobody)."""
import socket
import sys

import pytest
import yaml

from tests.support import load_results, run_playbook

SYSTEM_PYTHON = "/usr/bin/python3"


@pytest.fixture(scope="module")
def listener():
    """A real listener on loopback, owned by this (root) test process."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture(scope="module")
def live(listener, tmp_path_factory):
    base = tmp_path_factory.mktemp("live")
    common = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
              "fep_hospital_level": 2, "fep_ports": {"web": listener},
              "fep_hospital": {"name": "本机"}}
    hosts = {
        # the hospital's database goes under a directory of its choice (fep_opengauss_data_dir)
        "live-root": dict(common, fep_opengauss_data_dir=str(base / "gauss" / "data")),
        # an unprivileged audit account, as many regions are given
        # the system Python, as on a hospital server: the collector needs nothing else
        "live-nobody": dict(common, ansible_become=True, ansible_become_method="su",
                            ansible_become_user="nobody", ansible_become_flags="-s /bin/sh",
                            ansible_python_interpreter=SYSTEM_PYTHON),
    }
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    runner, stdout = run_playbook(base / "runner", "audit.yml", inventory,
                                  extravars={"fep_report_dir": str(base / "rep"), "fep_fail_on_findings": False})
    assert runner.status == "successful", stdout
    return load_results(base / "rep"), stdout


def test_root_audit_names_the_process_holding_the_port(live, listener):
    entry = live[0]["hosts"]["live-root"]
    assert entry["facts"]["collector"]["privileged"] is True
    outcome = entry["checks"]["port.8884"]
    assert outcome["status"] == "fail"
    assert "%d 被 python" % listener in outcome["message_zh"] or "%d 被 pytest" % listener in outcome["message_zh"]


def test_unprivileged_audit_runs_and_says_what_was_limited(live, listener):
    entry = live[0]["hosts"]["live-nobody"]
    assert entry["status"] == "ok"
    assert entry["facts"]["collector"]["privileged"] is False
    assert entry["checks"]["port.8884"]["status"] == "unknown"
    assert "become" in entry["checks"]["port.8884"]["message_en"]
    assert any(item.startswith("ports:") and "without root" in item for item in entry["limited"])
    # everything that needs no root is judged as for root
    root_entry = live[0]["hosts"]["live-root"]
    for check_id in ("cpu.domestic", "cpu.cores", "os.domestic", "nic.dual", "storage.size"):
        assert entry["checks"][check_id]["status"] == root_entry["checks"][check_id]["status"], check_id


def test_this_x86_vm_fails_cpu_and_os_with_reasons(live):
    checks = live[0]["hosts"]["live-root"]["checks"]
    assert checks["cpu.domestic"]["status"] == "fail" and "不是国产自研 CPU" in checks["cpu.domestic"]["message_zh"]
    assert checks["os.domestic"]["status"] == "fail" and "非国产系统" in checks["os.domestic"]["message_zh"]


def test_the_declared_opengauss_data_dir_is_the_one_measured(live):
    data_dir = live[0]["hosts"]["live-root"]["facts"]["opengauss"]["data_dir"]
    # not created yet: judged on its nearest existing parent, the test's own directory
    assert data_dir["path"].endswith("/gauss/data")
    assert data_dir["path"] == data_dir["measured"] + "/gauss/data"
    assert data_dir["free_bytes"] > 0
