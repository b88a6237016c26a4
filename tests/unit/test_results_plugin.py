# -*- coding: utf-8 -*-
"""What fep_results decides on its own: the default report folder, and the audit outcome it reads."""
import datetime
import importlib.util
import json
import os

from fep.report.results import OUTCOME_KEY, audit_outcome, host_entry

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_plugin():
    spec = importlib.util.spec_from_file_location(
        "fep_results_plugin", os.path.join(REPO, "plugins", "action", "fep_results.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_report_folder_is_a_timestamp_beside_the_playbooks():
    plugin = load_plugin()
    path = plugin.default_report_dir(os.path.join(REPO, "playbooks"), datetime.datetime(2026, 11, 25, 9, 5, 7))
    assert path == os.path.join(REPO, "reports", "20261125-090507")


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
