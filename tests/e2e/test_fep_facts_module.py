# -*- coding: utf-8 -*-
"""The fep_facts module (classic Ansible module) returns the same facts as the audit."""
from tests import support
from tests.builders.profiles import build_root


def run_module(tmp_path, module_args):
    return support.run_module(tmp_path, "fepkit.fep.fep_facts", module_args)


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
