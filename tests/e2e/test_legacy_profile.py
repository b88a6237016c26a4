# -*- coding: utf-8 -*-
"""The legacy profile (ansible-core 2.16, `make setup PROFILE=legacy`) audits like the default one.

Hospitals whose servers run Python 3.6/3.7 drive fepkit from `.venv-legacy`; the audit, its
results and its reports must not depend on which ansible-core runs them.
"""
import os

import pytest

from tests.builders.profiles import PROFILES
from tests.support import REPO, load_results, run_playbook

LEGACY_BIN = os.path.join(REPO, ".venv-legacy", "bin")


@pytest.fixture(scope="module")
def legacy_audit(region, tmp_path_factory):
    if not os.path.exists(os.path.join(LEGACY_BIN, "ansible-playbook")):
        if os.environ.get("CI"):
            pytest.fail("the legacy profile is not installed: make setup-legacy-dev")
        pytest.skip("the legacy profile is not installed (make setup-legacy-dev)")
    report_dir = tmp_path_factory.mktemp("legacy-reports")
    runner, stdout = run_playbook(tmp_path_factory.mktemp("legacy-runner"), "audit.yml",
                                  region["inventory"], bin_dir=LEGACY_BIN,
                                  extravars={"fep_report_dir": str(report_dir),
                                             "fep_fail_on_findings": False})
    return {"runner": runner, "stdout": stdout, "report_dir": report_dir,
            "results": load_results(report_dir)}


def test_the_legacy_run_really_uses_ansible_core_2_16(legacy_audit):
    assert legacy_audit["results"]["run"]["ansible_core"].startswith("2.16."), legacy_audit["stdout"]
    assert legacy_audit["runner"].rc == 0, legacy_audit["stdout"]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_verdicts_are_the_same_under_the_legacy_profile(legacy_audit, profile):
    entry = legacy_audit["results"]["hosts"][profile]
    assert entry["status"] == "ok", entry.get("message")
    observed = {check_id: entry["checks"][check_id]["status"] for check_id in PROFILES[profile]["expect"]}
    assert observed == PROFILES[profile]["expect"]


def test_reports_are_written_under_the_legacy_profile(legacy_audit):
    names = set(os.listdir(str(legacy_audit["report_dir"])))
    assert {"results.json", "report.html", "rollup.xlsx", "junit.xml", "survey"} <= names
    assert legacy_audit["results"]["hosts"]["unreachable-hospital"]["status"] == "unreachable"
