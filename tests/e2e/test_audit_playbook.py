# -*- coding: utf-8 -*-
"""playbooks/audit.yml end to end over snapshot roots, through ansible-runner."""
import json
import os
import re
import stat

import pytest
import yaml

from tests.builders.profiles import PROFILES
from tests.support import audit_events, load_results, run_playbook


@pytest.fixture(scope="module")
def audit(region, tmp_path_factory):
    report_dir = tmp_path_factory.mktemp("reports")
    private = tmp_path_factory.mktemp("runner")
    runner, stdout = run_playbook(private, "audit.yml", region["inventory"],
                                  extravars={"fep_report_dir": str(report_dir)}, verbosity=3)
    return {"runner": runner, "stdout": stdout, "results": load_results(report_dir),
            "report_dir": report_dir}


def test_every_host_is_in_the_results(audit, region):
    assert sorted(audit["results"]["hosts"]) == sorted(region["hosts"])


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_profile_gets_the_verdicts_its_hardware_deserves(audit, profile):
    entry = audit["results"]["hosts"][profile]
    assert entry["status"] == "ok", entry["message"]
    observed = {check_id: entry["checks"][check_id]["status"] for check_id in PROFILES[profile]["expect"]}
    assert observed == PROFILES[profile]["expect"]


def test_facts_are_in_the_results(audit):
    kunpeng = audit["results"]["hosts"]["kunpeng-kylin-l3"]["facts"]
    assert kunpeng["cpu"]["vendor_family"] == "kunpeng"
    assert kunpeng["cpu"]["physical_cores"] == 192
    assert kunpeng["os"]["category"] == "kylin"
    assert kunpeng["collector"]["snapshot"] is True
    assert [a["kind"] for a in kunpeng["accelerators"]] == ["npu"]


def test_taken_port_names_the_process(audit):
    outcome = audit["results"]["hosts"]["phytium-openeuler-8884"]["checks"]["port.8884"]
    assert re.search(r"8884 被 nginx\(pid \d+\) 占用", outcome["message_zh"])


def test_unreachable_host_is_recorded_and_others_still_audited(audit):
    entry = audit["results"]["hosts"]["unreachable-hospital"]
    assert entry["status"] == "unreachable"
    assert entry["message"]
    assert audit["results"]["summary"]["host_status"]["ok"] == len(PROFILES)


def test_audit_failure_of_one_host_does_not_stop_the_others(region, tmp_path):
    # a host whose fep_root is not a directory fails at the collector, on the host
    hosts = dict(region["hosts"])
    hosts["missing-root"] = dict(hosts["intel-centos"], fep_root="/nonexistent/snapshot",
                                 fep_hospital={"name": "快照缺失的医院"})
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", inventory,
                                  extravars={"fep_report_dir": str(tmp_path / "rep")})
    assert runner.status == "failed"  # findings and a failed host
    results = load_results(tmp_path / "rep")
    entry = results["hosts"]["missing-root"]
    assert entry["status"] == "failed"
    assert "host missing-root" in entry["message"] and "/nonexistent/snapshot" in entry["message"]
    assert results["summary"]["host_status"]["ok"] == len(PROFILES)
    assert "Traceback" not in stdout


def test_a_run_that_ends_before_results_json_keeps_each_host_s_outcome_on_disk(region, tmp_path):
    """The spool: written as each host finishes, read by fep_results. Here results.json cannot be
    written (a folder is in the way), as if the run had been stopped before its end."""
    from fep.report.spool import read_record, read_run
    report_dir = tmp_path / "rep"
    (report_dir / "results.json").mkdir(parents=True)
    runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", region["inventory"],
                                  extravars={"fep_report_dir": str(report_dir)})
    assert runner.status == "failed"
    assert "cannot write %s" % (report_dir / "results.json") in " ".join(stdout.split()), stdout[-2000:]
    spools = [path for path in report_dir.iterdir() if path.name.startswith(".fep-spool-")]
    assert len(spools) == 1 and oct(spools[0].stat().st_mode & 0o777) == oct(0o700)
    hosts, metadata = read_run(str(spools[0]))
    assert sorted(hosts) == sorted(region["hosts"])
    kunpeng = read_record(str(spools[0]), "kunpeng-kylin-l3")
    assert kunpeng["outcome"]["facts"]["cpu"]["physical_cores"] == 192
    assert read_record(str(spools[0]), "unreachable-hospital")["unreachable"] is True
    assert metadata["unreachable-hospital"]["hospital"]["name"] == "不可达的医院"
    assert "Traceback" not in stdout


def test_audit_events_are_lean_and_the_outcome_is_in_results_json(audit):
    """The per-host job event (AWX stores one per host) carries the verdict, not the facts."""
    events = [e for e in audit_events(audit["runner"].events) if e["event"] == "runner_on_ok"]
    assert len(events) == len(PROFILES)
    for event in events:
        result = event["event_data"]["res"]
        host = event["event_data"]["host"]
        assert len(json.dumps(event)) <= 4096, host
        assert "fep_outcome" not in result and "facts" not in json.dumps(result)
        entry = audit["results"]["hosts"][host]
        failing = {c for c, outcome in entry["checks"].items() if outcome["status"] in ("fail", "error")}
        assert set(result["fep_failing"]) <= failing, host  # hospital-wide checks are judged later
    assert any(event["event_data"]["res"]["fep_failing"] for event in events)


def test_bad_metadata_stops_the_run_naming_host_and_field(region, tmp_path):
    base = dict(region["hosts"]["intel-centos"])
    hosts = {
        "level-four": dict(base, fep_hospital_level=4, fep_hospital={"name": "甲医院"}),
        "short-mobile": dict(base, fep_hospital={"name": "乙医院", "contact": {"mobile": "1391234567"}}),
        "negative-volume": dict(base, fep_hospital={"name": "丙医院", "volumes": {"outpatient_2023": -1}}),
        "no-name": dict(base, fep_hospital={"ownership": "公立"}),
    }
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", inventory,
                                  extravars={"fep_report_dir": str(tmp_path / "rep")})
    assert runner.status == "failed"
    for needle in ("host level-four: fep_hospital_level: must be 2 or 3",
                   "host short-mobile: fep_hospital.contact.mobile",
                   "host negative-volume: fep_hospital.volumes.outpatient_2023",
                   "host no-name: fep_hospital.name: missing"):
        assert needle in stdout, needle
    assert "1391234567" not in stdout  # personal data never in logs
    assert not (tmp_path / "rep" / "results.json").exists()  # nothing was audited
    assert "Traceback" not in stdout


def test_hospital_metadata_is_in_the_results(audit):
    hospital = audit["results"]["hosts"]["kunpeng-kylin-l3"]["hospital"]
    assert hospital["name"] == "compliant level-3 server"
    assert hospital["contact"] == {"name": None, "mobile": None}


def test_run_fails_on_findings_by_default(audit):
    assert audit["runner"].status == "failed"
    assert audit["runner"].rc != 0


def test_one_round_trip_per_audited_host(audit):
    # -vvv prints one "<host> EXEC" line per command run on a host
    for host in PROFILES:
        execs = re.findall(r"^<%s> EXEC " % re.escape(host), audit["stdout"], re.M)
        assert len(execs) == 1, (host, execs)


def test_verdict_table_printed(audit):
    assert "不满足的项" in audit["stdout"]
    assert "共 %d 台" % (len(PROFILES) + 1) in audit["stdout"]


def test_results_file_is_private(audit):
    mode = stat.S_IMODE(os.stat(os.path.join(str(audit["report_dir"]), "results.json")).st_mode)
    assert mode == 0o600


def test_reports_are_written_with_the_results_and_private(audit):
    report_dir = str(audit["report_dir"])
    expected = ["report.html", "junit.xml", "rollup.xlsx"] + [
        os.path.join("survey", name) for name in os.listdir(os.path.join(report_dir, "survey"))]
    assert len(expected) == 3 + len(PROFILES) + 1  # a form for the unreachable hospital too
    for name in expected:
        mode = stat.S_IMODE(os.stat(os.path.join(report_dir, name)).st_mode)
        assert mode == 0o600, name
    assert stat.S_IMODE(os.stat(os.path.join(report_dir, "survey")).st_mode) == 0o700
    # the HTML report's city pages, in a private folder too
    pages = os.listdir(os.path.join(report_dir, "report"))
    assert pages and all(name.endswith(".html") for name in pages)
    assert stat.S_IMODE(os.stat(os.path.join(report_dir, "report")).st_mode) == 0o700
    for name in pages:
        assert stat.S_IMODE(os.stat(os.path.join(report_dir, "report", name)).st_mode) == 0o600, name
    assert "report not written" not in audit["stdout"]


def test_check_mode_changes_nothing_and_gives_same_verdicts(audit, region, tmp_path):
    runner, _ = run_playbook(tmp_path / "runner", "audit.yml", region["inventory"],
                             extravars={"fep_report_dir": str(tmp_path / "rep"), "fep_fail_on_findings": False},
                             cmdline="--check")
    assert runner.status == "successful"
    assert sum(runner.stats.get("changed", {}).values()) == 0
    checked = load_results(tmp_path / "rep")
    assert checked["run"]["check_mode"] is True and audit["results"]["run"]["check_mode"] is False
    for host, entry in audit["results"]["hosts"].items():
        assert {k: v["status"] for k, v in checked["hosts"][host]["checks"].items()} == \
               {k: v["status"] for k, v in entry["checks"].items()}


def test_english_verdict_with_one_variable(region, tmp_path):
    _, stdout = run_playbook(tmp_path / "runner", "audit.yml", region["inventory"],
                             extravars={"fep_report_dir": str(tmp_path / "rep"), "fep_lang": "en",
                                        "fep_fail_on_findings": False})
    assert "failing checks" in stdout
    assert "UNREACHABLE" in stdout
