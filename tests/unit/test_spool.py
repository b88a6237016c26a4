# -*- coding: utf-8 -*-
"""The run's spool and report folder (report/spool.py), the lean per-host result and the run's
summary for AWX (report/results.py lean_result, report/job_summary.py)."""
import datetime
import json
import os
import stat

import pytest

from fep.checks.registry import CHECKS, top_level
from fep.report import spool
from fep.report.job_summary import job_summary
from fep.report.results import build_results, host_entry, lean_result
from tests.builders.region_fixture import load_region_results

HOSTILE_NAMES = ["../../etc/passwd", "/abs/path", "a/b", "..", ".", "x\x00y", "医院-前置机-01", "h" * 400,
                 "CON", "host name with spaces"]


def test_under_ansible_runner_the_reports_go_to_the_job_s_artifacts(tmp_path):
    env = {"AWX_ISOLATED_DATA_DIR": str(tmp_path / "artifacts" / "ident")}
    assert spool.report_location(None, env, "/p/playbooks") == str(tmp_path / "artifacts" / "ident" / "fep-reports")


def test_fep_report_dir_wins_over_the_artifacts(tmp_path):
    env = {"AWX_ISOLATED_DATA_DIR": str(tmp_path / "artifacts")}
    assert spool.report_location(str(tmp_path / "pv"), env, "/p/playbooks") == str(tmp_path / "pv")
    assert spool.report_location("~/rep", {}, "/p/playbooks") == os.path.expanduser("~/rep")


def test_outside_ansible_runner_the_default_is_a_timestamp_beside_the_playbooks():
    when = datetime.datetime(2026, 11, 25, 9, 5, 7)
    assert spool.report_location(None, {}, "/p/playbooks", now=when) == "/p/reports/20261125-090507"


@pytest.mark.parametrize("host", HOSTILE_NAMES)
def test_a_host_name_never_becomes_a_path(tmp_path, host):
    run = spool.new_spool(str(tmp_path / "rep"))
    path = spool.record_path(run, host)
    assert os.path.dirname(path) == run
    assert len(os.path.basename(path)) == 64 + len(".json")
    spool.write_record(run, host, {"outcome": {"level": 2}})
    assert spool.read_record(run, host) == {"host": host, "outcome": {"level": 2}}
    assert sorted(os.listdir(run)) == [os.path.basename(path)]


def test_names_that_differ_get_different_files(tmp_path):
    assert len({spool.record_path("/s", host) for host in HOSTILE_NAMES + ["A", "a"]}) == len(HOSTILE_NAMES) + 2


def test_the_spool_is_private_and_new_for_every_run(tmp_path):
    first, second = spool.new_spool(str(tmp_path / "rep")), spool.new_spool(str(tmp_path / "rep"))
    assert first != second
    assert stat.S_IMODE(os.stat(str(tmp_path / "rep")).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o700
    spool.write_record(first, "h", {"failed": True, "msg": "x"})
    assert stat.S_IMODE(os.stat(spool.record_path(first, "h")).st_mode) == 0o600


def test_a_missing_corrupt_or_foreign_record_reads_as_none(tmp_path):
    run = spool.new_spool(str(tmp_path))
    assert spool.read_record(run, "missing") is None
    with open(spool.record_path(run, "corrupt"), "w") as handle:
        handle.write("{half")
    assert spool.read_record(run, "corrupt") is None
    with open(spool.record_path(run, "other"), "w") as handle:
        json.dump({"host": "someone-else", "outcome": {}}, handle)
    assert spool.read_record(run, "other") is None


def test_run_file_round_trip_and_its_errors(tmp_path):
    run = spool.new_spool(str(tmp_path))
    with pytest.raises(ValueError, match="cannot read"):
        spool.read_run(run)
    spool.write_run(run, ["b", "a"], {"a": {"level": 2, "hospital": {"name": "甲医院"}}})
    assert spool.read_run(run) == (["b", "a"], {"a": {"level": 2, "hospital": {"name": "甲医院"}}})
    spool.remove_spool(run)
    assert not os.path.exists(run)


def test_only_a_spool_is_removed(tmp_path):
    (tmp_path / "rep").mkdir()
    spool.remove_spool(str(tmp_path / "rep"))
    assert (tmp_path / "rep").is_dir()


def every_check_failing():
    return {check_id: {"status": "fail", "message_en": "x" * 500} for check_id in CHECKS}


def test_the_lean_result_names_what_fails_and_stays_small_when_everything_fails():
    lean = lean_result({"checks": every_check_failing(), "facts": {"big": "y" * 100000}})
    assert lean["fep_verdict"] == "fail"
    assert lean["fep_failing"] == list(top_level(every_check_failing()))
    assert "facts" not in json.dumps(lean) and "x" * 10 not in json.dumps(lean)
    # the job event adds ≈ 1.2 KB of its own (host, task, uuids): the result keeps well within 4 KiB
    assert len(json.dumps(lean)) <= 2048


def test_the_lean_result_of_a_compliant_host():
    lean = lean_result({"checks": {"cpu.cores": {"status": "pass"}, "mem.size": {"status": "unknown"}}})
    assert (lean["fep_verdict"], lean["fep_failing"], lean["fep_unknown"]) == ("attention", [], ["mem.size"])
    assert lean["fep_counts"]["pass"] == 1


def test_the_job_summary_counts_and_bounds_the_failing_hosts(tmp_path):
    entries = {"ok-%04d" % n: host_entry({"outcome": {"checks": {"cpu.cores": {"status": "pass"}}}})
               for n in range(3)}
    for n in range(150):
        entries["bad-%04d" % n] = host_entry({"outcome": {"checks": {"cpu.cores": {"status": "fail"},
                                                                      "mem.size": {"status": "error"}}}})
    entries["down"] = host_entry({"unreachable": True, "msg": "ssh: connect: Connection refused"})
    results = build_results(entries)
    rep = str(tmp_path)
    reports = [os.path.join(rep, name) for name in ("report.html", "junit.xml", "rollup.xlsx")] + [
        os.path.join(rep, "survey", "%d.xlsx" % n) for n in range(40)] + [
        os.path.join(rep, "report", "city-%d.html" % n) for n in range(3)]
    summary = job_summary(results, rep, reports)
    assert summary["hosts"] == 154
    assert summary["host_status"] == {"ok": 153, "unreachable": 1, "failed": 0}
    assert dict(summary["verdicts"]) == {"pass": 3, "attention": 0, "fail": 150, "not_audited": 1}
    assert summary["failing_hosts_total"] == 151 and len(summary["failing_hosts"]) == 100
    assert dict(summary["failing_checks"]) == {"cpu.cores": 150, "mem.size": 150}
    assert summary["reports"] == ["junit.xml", "report.html", "rollup.xlsx"] and summary["survey_forms"] == 40
    assert dict(summary["folders"]) == {"report": 3, "survey": 40}
    assert summary["report_dir"] == rep and summary["results"] == "results.json"
    assert len(json.dumps(summary)) < 8192


def test_the_job_summary_of_the_sample_region_matches_its_results():
    results = load_region_results()
    summary = job_summary(results, "/rep", [])
    assert sum(summary["verdicts"].values()) == summary["hosts"] == len(results["hosts"])
    assert summary["host_status"] == results["summary"]["host_status"]
    assert summary["check_status"] == results["summary"]["check_status"]
