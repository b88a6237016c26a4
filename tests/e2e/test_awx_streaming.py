# -*- coding: utf-8 -*-
"""The audit as AWX runs it: ``ansible-runner transmit | ansible-runner worker | ansible-runner process``,
the streaming protocol between AWX's control node and its execution nodes (receptor).

The worker runs the playbook in a private data folder of its own that it deletes; only the job
events and the artifact folder travel back.  Asserted on what ``process`` received: results.json
and the reports are among the artifacts (issue: they were written into the worker's temporary
project and lost), the run's summary is in the stats event (set_stats), every host's audit event
stays within 4 KiB (was 32–45 KB: docs/performance.md "Job events"), and the progress lines are
in the job output.  Hosts: snapshot roots, an archive made by tools/fep_snapshot.py, a host
whose audit fails, one that hangs until fep_audit_timeout, one unreachable.
"""
import glob
import json
import os
import shlex
import subprocess
import sys

import pytest
import yaml

from tests.builders.profiles import snapshot_host
from tests.e2e.test_snapshot_archives import HOSPITAL, take_snapshot
from tests.support import REPO, ansible_env, audit_events, processed_job, profile_bin_dir

EVENT_LIMIT = 4096
IDENT = "fep-job-1"
SNAPSHOT_PROFILES = ["kunpeng-kylin-l3", "intel-centos"]


def executable(path, text):
    path.write_text(text)
    path.chmod(0o755)
    return str(path)


@pytest.fixture(scope="module", params=["default", "legacy"])
def streamed(request, tmp_path_factory):
    bin_dir = profile_bin_dir(request.param) or os.path.dirname(sys.executable)
    tmp = tmp_path_factory.mktemp("awx-" + request.param)
    job, received = tmp / "job", tmp / "control"
    for folder in (job / "inventory", job / "env", received):
        folder.mkdir(parents=True)
    # AWX copies the project into the job's private data folder; a link is enough here (the zip
    # that transmit sends keeps it a link, the worker on this machine follows it)
    (job / "project").symlink_to(REPO)
    hosts = {name: snapshot_host(tmp / "roots" / name, name, sys.executable) for name in SNAPSHOT_PROFILES}
    hosts["archive"] = {"ansible_connection": "local", "fep_snapshot": str(take_snapshot(tmp / "this.tar.gz", *HOSPITAL))}
    hosts["missing-root"] = dict(hosts["intel-centos"], fep_root=str(tmp / "no-such-snapshot"))
    hosts["hung"] = dict(hosts["intel-centos"], fep_audit_timeout=3,
                         ansible_python_interpreter=executable(tmp / "python-hung", "#!/bin/sh\nexec sleep 30\n"))
    hosts["unreachable"] = {"ansible_host": "127.0.0.1", "ansible_port": 1, "ansible_user": "nobody",
                            "fep_hospital_level": 2, "fep_hospital": {"name": "不可达的医院"}}
    (job / "inventory" / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    (job / "env" / "envvars").write_text(yaml.safe_dump(ansible_env(bin_dir)))
    (job / "env" / "extravars").write_text(yaml.safe_dump({"fep_fail_on_findings": False}))
    runner = os.path.join(bin_dir, "ansible-runner")
    pipeline = "%s | %s | %s" % (
        " ".join(shlex.quote(part) for part in [runner, "transmit", str(job), "-p", "playbooks/audit.yml",
                                                 "-i", IDENT]),
        shlex.quote(runner) + " worker",
        " ".join(shlex.quote(part) for part in [runner, "process", str(received), "-i", IDENT]))
    done = subprocess.run(["/bin/sh", "-c", pipeline], env=dict(os.environ, PATH=bin_dir + os.pathsep + os.environ["PATH"]),
                          cwd=str(tmp), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=900)
    artifacts = received / "artifacts" / IDENT
    events, stdout = processed_job(artifacts)
    assert events, done.stdout[-3000:]
    return {"done": done, "artifacts": artifacts, "events": events, "stdout": stdout, "hosts": hosts,
            "status": (artifacts / "status").read_text() if (artifacts / "status").exists() else None}


def test_the_job_succeeds_and_results_json_and_the_reports_come_back_as_artifacts(streamed):
    assert streamed["status"] == "successful", streamed["stdout"][-3000:]
    reports = streamed["artifacts"] / "fep-reports"
    results = json.load(open(str(reports / "results.json"), encoding="utf-8"))
    assert sorted(results["hosts"]) == sorted(streamed["hosts"])
    for name in ("report.html", "junit.xml", "rollup.xlsx"):
        assert (reports / name).stat().st_size > 0, name
    assert len(os.listdir(str(reports / "survey"))) >= len(SNAPSHOT_PROFILES)
    # the mobiles travel in results.json: it arrives readable by its owner only
    assert oct((reports / "results.json").stat().st_mode & 0o777) == oct(0o600)
    # the spool was read and removed: the artifacts do not carry every outcome twice
    assert not glob.glob(str(reports / ".fep-spool-*"))


def test_every_host_has_its_entry_whatever_became_of_it(streamed):
    results = json.load(open(str(streamed["artifacts"] / "fep-reports" / "results.json"), encoding="utf-8"))
    hosts = results["hosts"]
    for name in SNAPSHOT_PROFILES + ["archive"]:
        assert hosts[name]["status"] == "ok", hosts[name]["message"]
        assert hosts[name]["facts"]["cpu"] and hosts[name]["checks"]
    assert hosts["archive"]["hospital"]["name"] == "本机县人民医院"  # from the archive's manifest
    assert hosts["unreachable"]["status"] == "unreachable" and hosts["unreachable"]["hospital"]["name"] == "不可达的医院"
    assert hosts["missing-root"]["status"] == "failed" and "no-such-snapshot" in hosts["missing-root"]["message"]
    assert hosts["hung"]["status"] == "failed"
    assert hosts["hung"]["message"].startswith("no result within fep_audit_timeout (3 s)")


def test_the_summary_is_in_the_stats_for_workflows(streamed):
    stats = [e for e in streamed["events"] if e["event"] == "playbook_on_stats"]
    assert len(stats) == 1
    summary = stats[0]["event_data"]["artifact_data"]["fep_summary"]
    assert summary["hosts"] == len(streamed["hosts"])
    assert summary["host_status"] == {"ok": 3, "unreachable": 1, "failed": 2}
    assert summary["verdicts"]["not_audited"] == 3
    assert {"unreachable", "missing-root", "hung"} <= set(summary["failing_hosts"])
    assert summary["failing_hosts_total"] == len(summary["failing_hosts"])
    assert sum(summary["verdicts"].values()) == len(streamed["hosts"])
    assert all("." in check_id and count >= 1 for check_id, count in summary["failing_checks"].items())
    assert summary["reports"] == ["junit.xml", "report.html", "rollup.xlsx"]
    reports = streamed["artifacts"] / "fep-reports"
    assert summary["survey_forms"] == len(os.listdir(str(reports / "survey")))
    assert summary["folders"] == {name: len(os.listdir(str(reports / name))) for name in os.listdir(str(reports))
                                  if (reports / name).is_dir()}
    assert summary["results"] == "results.json" and summary["report_dir"].endswith("/fep-reports")


def test_every_audit_event_stays_within_4_kib(streamed):
    audit = audit_events(streamed["events"])
    # each host has one (the failed and hung ones a second: the rescue recording why)
    assert {e["event_data"]["host"] for e in audit} == set(streamed["hosts"])
    sizes = {(e["event_data"]["host"], e["event"]): len(json.dumps(e)) for e in audit}
    assert max(sizes.values()) <= EVENT_LIMIT, sizes
    ok = [e for e in audit if e["event"] == "runner_on_ok" and e["event_data"]["host"] in SNAPSHOT_PROFILES]
    assert {e["event_data"]["res"]["fep_verdict"] for e in ok} <= {"pass", "attention", "fail"}
    assert all("facts" not in json.dumps(e["event_data"]["res"]) for e in ok)


def test_progress_lines_are_in_the_job_output(streamed):
    lines = [line.strip() for line in streamed["stdout"].splitlines() if line.strip().startswith("fepkit: ")]
    total = len(streamed["hosts"])
    assert lines and lines[-1].startswith("fepkit: %d/%d audited, " % (total, total)), streamed["stdout"][-3000:]
    assert "(3 could not be audited)" in lines[-1]
    assert len(lines) <= total + 1
