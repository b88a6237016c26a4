# -*- coding: utf-8 -*-
"""Hospital servers with Python 3.6 and 3.7, run for real (tests.support.find_python).

UOS 1050a ships Python 3.6, Kylin V10 and openEuler 20.03 ship 3.7.  The audit
pipes its collector and must work on them under either profile; modules (the
roles', fep_facts) need ansible-core 2.16, the legacy profile, which is what
results.json tells the region's ops team for such a host.
"""
import os

import pytest
import yaml

from tests.builders.profiles import PROFILES, build_root, snapshot_host
from tests.support import REPO, find_python, load_results, run_module, run_playbook

LEGACY_BIN = os.path.join(REPO, ".venv-legacy", "bin")
# one profile per interpreter: a UOS server on 3.6, a Kylin one on 3.7
SERVERS = {"3.6": "hygon-uos-l2-short", "3.7": "kunpeng-kylin-l3"}


def interpreter(version):
    python = find_python(version)
    if python is None:
        pytest.skip("no Python %s on this machine (looked in $PYENV_ROOT/versions and /usr/bin)" % version)
    return python


def legacy_bin():
    if not os.path.exists(os.path.join(LEGACY_BIN, "ansible")):
        if os.environ.get("CI"):
            pytest.fail("the legacy profile is not installed: make setup-legacy-dev")
        pytest.skip("the legacy profile is not installed (make setup-legacy-dev)")
    return LEGACY_BIN


@pytest.fixture(scope="module")
def old_region(tmp_path_factory):
    """``{version: inventory host}``: one snapshot server per old Python."""
    base = tmp_path_factory.mktemp("old-python-region")
    hosts = {}
    for version, profile in SERVERS.items():
        hosts["py%s-%s" % (version.replace(".", ""), profile)] = snapshot_host(
            base / "roots" / profile, profile, interpreter(version))
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return {"base": base, "inventory": inventory, "hosts": hosts}


@pytest.mark.parametrize("profile_bin", ["default", "legacy"])
def test_audit_of_old_python_servers(old_region, profile_bin, tmp_path):
    bin_dir = legacy_bin() if profile_bin == "legacy" else None
    runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", old_region["inventory"], bin_dir=bin_dir,
                                  extravars={"fep_report_dir": str(tmp_path / "reports"),
                                             "fep_fail_on_findings": False})
    assert runner.status == "successful", stdout
    results = load_results(tmp_path / "reports")
    for version, profile in SERVERS.items():
        entry = results["hosts"]["py%s-%s" % (version.replace(".", ""), profile)]
        assert entry["status"] == "ok", entry.get("message")
        observed = {check_id: entry["checks"][check_id]["status"] for check_id in PROFILES[profile]["expect"]}
        assert observed == PROFILES[profile]["expect"]
        # the interpreter really ran the collector, and the ops team is told which profile provisions it
        assert entry["python"]["version"].startswith(version + "."), entry["python"]
        assert entry["python"]["profile"] == "legacy"
        assert "make setup PROFILE=legacy" in entry["python"]["note_zh"]


@pytest.mark.parametrize("version", sorted(SERVERS))
def test_fep_facts_module_runs_on_old_python_under_the_legacy_profile(version, tmp_path):
    python, bin_dir = interpreter(version), legacy_bin()
    root = tmp_path / "root"
    build_root(root, SERVERS[version])
    facts, versions = {}, {}
    for label, interpreter_path in (("old", python), ("current", None)):
        runner, res = run_module(tmp_path / label, "fepkit.fep.fep_facts", "root=%s" % root, python=interpreter_path,
                                 bin_dir=bin_dir)
        assert runner.status == "successful", res
        facts[label] = res["ansible_facts"]["fep"]
        versions[label] = facts[label]["collector"].pop("python")["version"]
        facts[label]["collector"].pop("duration_ms")
    assert versions["old"].startswith(version + ".")
    # the same facts as the test run's own Python gathers from the same snapshot
    assert facts["old"] == facts["current"]


@pytest.mark.parametrize("version", sorted(SERVERS))
def test_default_profile_cannot_run_modules_on_old_python(version, tmp_path):
    # why results.json sends these hosts to the legacy profile: ansible-core
    # 2.19's module wrapper does not run on them at all
    runner, res = run_module(tmp_path, "fepkit.fep.fep_facts", "root=/", python=interpreter(version))
    assert runner.status == "failed"
    assert "ansible_facts" not in res
