# -*- coding: utf-8 -*-
"""AWX's execution-node path, for real: ``ansible-runner worker`` runs inside fepkit's EE image.

AWX (and receptor) send a job from the control node to an execution node as an
``ansible-runner transmit`` stream; the execution node runs ``ansible-runner worker`` *inside the
job's execution environment* (a container group's pod runs exactly ``ansible-runner worker
--private-data-dir=/runner`` in the EE image, awx/main/tasks/receptor.py) and streams the events
and the artifact folder back to ``ansible-runner process`` on the control node. Here:

    ansible-runner transmit JOB -p audit.yml   (this venv: the control node)
    | podman run --rm -i --network none localhost/fepkit-ee:<version>[-legacy]
        ansible-runner worker --private-data-dir=/runner
    | ansible-runner process RECEIVED          (this venv)

JOB is laid out as AWX lays out a job: ``project/`` holds what an AWX project would (one playbook
importing ``fepkit.fep.audit`` by FQCN, the hospitals' snapshot archives, no ansible.cfg, no roles
or plugins: those come from the collection installed in the image), ``inventory/`` and
``env/extravars``. Snapshot roots are bind-mounted read-only at their own path, as an AWX site
exposes a path to its jobs; the archives travel inside the stream. Asserted on what ``process``
received: results.json and the reports in the artifacts, ``fep_summary`` in the stats event,
each host's audit event within 4 KiB, the progress callback's lines in the job output (enabled by
the image's /etc/ansible/ansible.cfg, since the project has no ansible.cfg).
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
from tests.distribution.test_execution_environment import ENV, build_ee, images  # noqa: F401 (autouse fixture)
from tests.e2e.test_snapshot_archives import HOSPITAL, take_snapshot
from tests.support import ANSI, audit_events, processed_job

EVENT_LIMIT = 4096  # bytes of one job event as AWX stores it (docs/awx.md, lean job events)
IDENT = "fep-ee-job"
COLLECTION = "/usr/share/ansible/collections/ansible_collections/fepkit/fep/"
ROOTS = ["kunpeng-kylin-l3", "hygon-uos-l2-short"]  # one that meets the sheet, one that does not
ARCHIVES = {"archive": HOSPITAL}  # this machine, taken by tools/fep_snapshot.py as a hospital would
RUNNER = os.path.join(os.path.dirname(sys.executable), "ansible-runner")  # the control node's


def awx_job(folder, roots, extravars=None):
    """A private data folder as AWX writes it for a job of the fepkit project."""
    project = folder / "project"
    (project / "snapshots").mkdir(parents=True)
    (folder / "inventory").mkdir()
    (folder / "env").mkdir()
    # the whole project playbook: everything else comes from the collection in the image (AWX
    # job templates name a playbook file of the project, not an FQCN)
    (project / "audit.yml").write_text(
        "---\n- name: Audit the hospitals' servers\n  ansible.builtin.import_playbook: fepkit.fep.audit\n")
    hosts = {name: snapshot_host(roots / name, name, "/usr/bin/python3") for name in ROOTS}
    for name, metadata in ARCHIVES.items():
        take_snapshot(project / "snapshots" / (name + ".tar.gz"), *metadata)
        # relative: the job runs in the project folder (/runner/project), wherever that is
        hosts[name] = {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3",
                       "fep_snapshot": "snapshots/%s.tar.gz" % name}
    (folder / "inventory" / "hosts.yml").write_text(
        yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    # findings must not fail the job here: the assertions are about what comes back
    (folder / "env" / "extravars").write_text(yaml.safe_dump(dict({"fep_fail_on_findings": False}, **(extravars or {}))))
    return hosts


def run_job(tmp, profile, mounts=(), extravars=None):
    """transmit | the image's worker | process; the artifact folder and events ``process`` got."""
    job, received, roots = tmp / "job", tmp / "control", tmp / "roots"
    received.mkdir()
    hosts = awx_job(job, roots, extravars)
    volumes = []
    for mount in [(roots, roots, "ro")] + list(mounts):
        volumes += ["-v", "%s:%s:%s" % mount]
    worker = ["podman", "run", "--rm", "-i", "--network", "none"] + volumes + [
        build_ee.image_tag(profile), "ansible-runner", "worker", "--private-data-dir=/runner"]
    pipeline = " | ".join(" ".join(shlex.quote(part) for part in command) for command in (
        [RUNNER, "transmit", str(job), "-p", "audit.yml", "-i", IDENT],
        worker,
        [RUNNER, "process", str(received), "-i", IDENT]))
    done = subprocess.run(["/bin/bash", "-o", "pipefail", "-c", pipeline], env=ENV, cwd=str(tmp),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=900)
    artifacts = received / "artifacts" / IDENT
    events, stdout = processed_job(artifacts)
    assert done.returncode == 0 and events, done.stdout[-3000:]
    return {"artifacts": artifacts, "events": events, "stdout": stdout, "hosts": hosts,
            "status": (artifacts / "status").read_text(),
            "command": json.loads((artifacts / "command").read_text())}


@pytest.fixture(scope="module", params=["default", "legacy"])
def streamed(request, tmp_path_factory):
    return run_job(tmp_path_factory.mktemp("runner-ee-" + request.param), request.param)


def test_the_worker_ran_in_the_image_from_the_project_folder(streamed):
    command = streamed["command"]
    assert command["cwd"] == "/runner/project"
    assert command["env"]["AWX_ISOLATED_DATA_DIR"] == "/runner/artifacts/" + IDENT
    assert command["env"]["container"] == "podman"
    # no ansible.cfg in the project and none named: the image's /etc/ansible/ansible.cfg applies
    assert "ANSIBLE_CONFIG" not in command["env"] and "ANSIBLE_CALLBACKS_ENABLED" not in command["env"]
    # the audit's tasks are the installed collection's, not this checkout's
    paths = {e["event_data"]["task_path"].rsplit(":", 1)[0] for e in streamed["events"]
             if e["event_data"].get("task_path")}
    assert paths and all(path.startswith(COLLECTION) for path in paths), paths


def test_results_json_and_the_reports_come_back_as_artifacts(streamed):
    assert streamed["status"] == "successful", streamed["stdout"][-3000:]
    reports = streamed["artifacts"] / "fep-reports"
    results = json.load(open(str(reports / "results.json"), encoding="utf-8"))
    assert sorted(results["hosts"]) == sorted(streamed["hosts"])
    hosts = results["hosts"]
    assert all(host["status"] == "ok" for host in hosts.values()), {n: h["message"] for n, h in hosts.items()}
    assert hosts["kunpeng-kylin-l3"]["checks"]["cpu.domestic"]["status"] == "pass"
    assert hosts["kunpeng-kylin-l3"]["checks"]["memory.size"]["status"] == "pass"
    assert any(check["status"] == "fail" for check in hosts["hygon-uos-l2-short"]["checks"].values())
    assert hosts["archive"]["hospital"]["name"] == "本机县人民医院"  # from the archive's manifest
    for name in ("report.html", "junit.xml", "rollup.xlsx"):
        assert (reports / name).stat().st_size > 0, name
    assert len(list((reports / "survey").iterdir())) >= 2
    assert not glob.glob(str(reports / ".fep-spool-*"))
    assert "results: /runner/artifacts/%s/fep-reports/results.json" % IDENT in streamed["stdout"]


def test_the_summary_is_in_the_stats_event(streamed):
    stats = [e for e in streamed["events"] if e["event"] == "playbook_on_stats"]
    assert len(stats) == 1
    summary = stats[0]["event_data"]["artifact_data"]["fep_summary"]
    assert summary["hosts"] == len(streamed["hosts"])
    assert summary["host_status"] == {"ok": 3, "unreachable": 0, "failed": 0}
    assert summary["verdicts"]["not_audited"] == 0 and summary["verdicts"]["fail"] >= 1
    assert "hygon-uos-l2-short" in summary["failing_hosts"]
    assert summary["report_dir"] == "/runner/artifacts/%s/fep-reports" % IDENT
    assert summary["results"] == "results.json"
    assert summary["reports"] == ["junit.xml", "report.html", "rollup.xlsx"]


def test_every_audit_event_stays_within_4_kib(streamed):
    audit = audit_events(streamed["events"])
    assert {e["event_data"]["host"] for e in audit} == set(streamed["hosts"])
    sizes = {(e["event_data"]["host"], e["event"]): len(json.dumps(e)) for e in audit}
    assert max(sizes.values()) <= EVENT_LIMIT, sizes
    ok = [e for e in audit if e["event"] == "runner_on_ok"]
    assert {e["event_data"]["host"] for e in ok} == set(streamed["hosts"])
    # the verdict and the failing check ids; the facts stay in results.json
    assert {e["event_data"]["res"]["fep_verdict"] for e in ok} <= {"pass", "attention", "fail"}
    assert all("facts" not in json.dumps(e["event_data"]["res"]) for e in ok)
    print("fep_audit event sizes:", sorted(sizes.values()))


def test_progress_lines_are_in_the_job_output(streamed):
    lines = [line.strip() for line in streamed["stdout"].splitlines() if line.strip().startswith("fepkit: ")]
    total = len(streamed["hosts"])
    assert lines, streamed["stdout"][-3000:]
    assert lines[-1].startswith("fepkit: %d/%d audited, " % (total, total)), lines
    assert len(lines) <= total + 1


@pytest.mark.parametrize("profile", ["default", "legacy"])
def test_the_image_settings_come_from_etc_ansible(profile):
    """What a project without ansible.cfg runs with (tools/build_ee.py image_config)."""
    done = subprocess.run(["podman", "run", "--rm", "--network", "none", "-w", "/runner",
                           build_ee.image_tag(profile), "ansible-config", "dump", "--only-changed"],
                          env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout
    settings = dict(line.split(" = ", 1) for line in ANSI.sub("", done.stdout).splitlines() if " = " in line)
    origin = "(/etc/ansible/ansible.cfg)"
    assert settings["CALLBACKS_ENABLED" + origin] == "['fepkit.fep.progress']"
    assert settings["DEFAULT_FORKS" + origin] == "50"
    assert settings["DEFAULT_GATHERING" + origin] == "explicit"
    assert not any(key.startswith(("DEFAULT_HOST_LIST", "COLLECTIONS_PATHS", "DEFAULT_ROLES_PATH"))
                   for key in settings), settings


def test_fep_report_dir_on_a_mounted_volume_wins_over_the_artifacts(tmp_path):
    """AWX deletes the job's folder after the job: a container group keeps the reports on a
    persistent volume mounted into the EE (docs/awx.md), named by fep_report_dir."""
    volume = tmp_path / "volume"
    volume.mkdir()
    os.chmod(str(tmp_path), 0o755)
    os.chmod(str(volume), 0o777)  # the EE runs as uid 1000, as in AWX
    # AWX sets awx_job_id; ansible-runner alone does not, hence the default
    job = run_job(tmp_path, "default", mounts=[(volume, "/fep-reports", "rw")],
                  extravars={"fep_report_dir": "/fep-reports/{{ awx_job_id | default('1234') }}"})
    assert job["status"] == "successful", job["stdout"][-3000:]
    results = json.loads((volume / "1234" / "results.json").read_text(encoding="utf-8"))
    assert sorted(results["hosts"]) == sorted(job["hosts"])
    assert (volume / "1234" / "report.html").is_file()
    assert not (job["artifacts"] / "fep-reports").exists()
    summary = next(e for e in job["events"] if e["event"] == "playbook_on_stats")["event_data"]["artifact_data"]
    assert summary["fep_summary"]["report_dir"] == "/fep-reports/1234"
