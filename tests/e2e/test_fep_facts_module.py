# -*- coding: utf-8 -*-
"""The fep_facts module (classic Ansible module) returns the same facts as the audit."""
import os
import sys

import ansible_runner
import yaml

from tests.builders.profiles import build_root
from tests.support import REPO


def run_module(tmp_path, module_args):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"snapshot-host": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}}))
    (tmp_path / "runner").mkdir()
    runner = ansible_runner.run(
        private_data_dir=str(tmp_path / "runner"), project_dir=REPO, inventory=str(inventory),
        host_pattern="snapshot-host", module="fep_facts", module_args=module_args, quiet=True,
        envvars={"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                 "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg")})
    results = [e["event_data"]["res"] for e in runner.events if e["event"] in ("runner_on_ok", "runner_on_failed")]
    assert len(results) == 1
    return runner, results[0]


def test_module_reads_a_snapshot_root(tmp_path):
    root = tmp_path / "root"
    build_root(root, "phytium-openeuler-8884")
    runner, res = run_module(tmp_path, "root=%s" % root)
    assert runner.status == "successful"
    facts = res["ansible_facts"]["fep"]
    assert facts["cpu"]["vendor_family"] == "phytium"
    assert facts["cpu"]["physical_cores"] == 128
    assert facts["os"]["category"] == "openeuler"
    assert any(s["port"] == 8884 and s["process"] == "nginx" for s in facts["ports"]["listening"])
    assert res["changed"] is False


def test_module_fails_cleanly_on_a_missing_root(tmp_path):
    runner, res = run_module(tmp_path, "root=/nonexistent/snapshot")
    assert runner.status == "failed"
    assert res["msg"] == "root /nonexistent/snapshot is not a directory on this host"
