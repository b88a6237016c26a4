# -*- coding: utf-8 -*-
"""What fep_results decides on its own: the default report folder, and the audit outcome it reads."""
import datetime
import json
import os

import pytest

from fep.report.results import OUTCOME_KEY, audit_outcome, host_entry
from fep.report.spool import default_report_dir

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_default_report_folder_is_a_timestamp_beside_the_playbooks():
    path = default_report_dir(os.path.join(REPO, "playbooks"), datetime.datetime(2026, 11, 25, 9, 5, 7))
    assert path == os.path.join(REPO, "reports", "20261125-090507")


def test_an_installed_collection_writes_reports_under_the_current_folder(tmp_path):
    installed = tmp_path / "ansible_collections" / "fepkit" / "fep"
    (installed / "playbooks").mkdir(parents=True)
    (installed / "MANIFEST.json").write_text("{}")
    path = default_report_dir(str(installed / "playbooks"), datetime.datetime(2026, 11, 25, 9, 5, 7),
                                     cwd=str(tmp_path / "work"))
    assert path == str(tmp_path / "work" / "reports" / "20261125-090507")


def test_a_spooled_outcome_is_read_as_it_was_written():
    outcome = {"level": 2, "checks": {"cpu.cores": {"status": "fail"}}, "facts": {"cpu": {"physical_cores": 8}}}
    entry = host_entry({"host": "h", "outcome": outcome}, level=3)
    assert (entry["status"], entry["level"], entry["facts"]) == ("ok", 2, outcome["facts"])
    assert entry["summary"]["fail"] == 1


def test_a_host_without_any_record_is_not_audited_and_says_why():
    entry = host_entry(None, level=2)
    assert entry["status"] == "failed"
    assert entry["message"].startswith("not audited: the play failed for this host before the audit task")
    assert "run was stopped" in entry["message"]


def test_the_outcome_travels_as_one_json_string_and_is_read_back():
    outcome = {"level": 3, "checks": {"cpu.cores": {"status": "pass"}}, "python": {"profile": "default"},
               "limited": [], "facts": {"cpu": {"physical_cores": 64}}}
    entry = host_entry({OUTCOME_KEY: json.dumps(outcome), "changed": False})
    assert (entry["status"], entry["level"], entry["facts"]) == ("ok", 3, outcome["facts"])
    assert entry["summary"]["pass"] == 1


def test_a_result_without_outcome_is_a_failed_host():
    assert audit_outcome({}) == {}
    assert audit_outcome({OUTCOME_KEY: "{not json"}) == {}
    entry = host_entry({"failed": True, "msg": "host x: collector produced no result"})
    assert entry["status"] == "failed" and entry["message"].startswith("host x")
    assert host_entry({"unreachable": True, "msg": "ssh: timeout"})["status"] == "unreachable"


def test_results_text_is_the_same_document_one_host_per_line():
    from fep.report.results import results_text
    from tests.builders.region_fixture import load_region_results
    results = load_region_results()
    text = results_text(results)
    assert json.loads(text) == json.loads(json.dumps(results))
    lines = text.splitlines()
    for host in results["hosts"]:
        line = [entry for entry in lines if entry.startswith('    "%s": {' % host)]
        assert len(line) == 1 and json.loads("{%s}" % line[0].rstrip(",")) == {host: results["hosts"][host]}
    assert '"schema": 1' in text and "医院" in text  # readable, not \\u-escaped
    assert json.loads(results_text(dict(results, hosts={})))["hosts"] == {}


@pytest.mark.parametrize("registered", [
    {"failed": True, "msg": "Task failed: Timed out after 3 second(s).", "timedout": {"period": 3, "frame": "…"}},
    {"failed": True, "msg": "The fep_audit action failed to execute in the expected time frame (3) and was terminated"},
], ids=["ansible-core-2.19", "ansible-core-2.16"])
def test_a_task_timeout_names_fep_audit_timeout(registered):
    entry = host_entry(registered, level=2)
    assert entry["status"] == "failed"
    assert entry["message"].startswith("no result within fep_audit_timeout (3 s), the audit of this host was ended")
    assert registered["msg"] in entry["message"]


def test_another_failure_keeps_its_message():
    assert host_entry({"failed": True, "msg": "host h: fep_ports: must be a mapping"})["message"] == \
        "host h: fep_ports: must be a mapping"
