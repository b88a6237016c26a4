# -*- coding: utf-8 -*-
"""Hospitals without SSH: the archive tools/fep_snapshot.py makes on the server, audited on the
controller through playbooks/audit.yml (``fep_snapshot``) and ``make audit SNAPSHOTS=DIR``.

On this machine: the archive's verdict equals the live audit's, check by check (the lab's hosts:
tests/e2e/test_lab_snapshot.py).
"""
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

from fep.checks.registry import CHECKS
from tests.builders.loopback import BODY_BYTES, serving
from tests.e2e.test_old_python_targets import legacy_bin
from tests.support import REPO, load_results, run_playbook

TOOL = os.path.join(REPO, "tools", "fep_snapshot.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # a hospital server's own interpreter (not this venv's, unreadable to nobody)
HOSPITAL = ["--hospital", "本机县人民医院", "--level", "2", "--county", "本县", "--contact-name", "王五",
            "--contact-mobile", "13900000002"]


def take_snapshot(output, *args):
    """Run the tool on this (live) machine, as the hospital would: ``python3 fep_snapshot.py --output …``."""
    proc = subprocess.run([sys.executable, TOOL, "--output", str(output)] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return output


def take_snapshot_as_nobody(output):
    """The tool without root, under the system Python, piped as a hospital's ops might paste it."""
    with open(TOOL, "rb") as tool, open(str(output), "wb") as archive:
        proc = subprocess.run(["su", "nobody", "-s", "/bin/sh", "-c", "%s - --output -" % SYSTEM_PYTHON],
                              stdin=tool, stdout=archive, stderr=subprocess.PIPE, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    return output, proc.stderr.decode("utf-8")


@pytest.fixture(scope="module")
def this_machine(tmp_path_factory):
    """One audit run: this machine live (local connection), as root and as nobody, and from the
    archives the tool made just before, as root and as nobody."""
    base = tmp_path_factory.mktemp("archive-vs-live")
    archive = take_snapshot(base / "this.tar.gz", *HOSPITAL)
    unprivileged, summary = take_snapshot_as_nobody(base / "nobody.tar.gz")
    metadata = {"fep_hospital_level": 2, "fep_hospital": {"name": "本机县人民医院"}}
    hosts = {
        "live": dict(metadata, ansible_connection="local", ansible_python_interpreter=sys.executable),
        # no hospital metadata in the inventory: the manifest's
        "archive": {"ansible_connection": "local", "fep_snapshot": str(archive)},
        "live-nobody": dict(metadata, ansible_connection="local", ansible_become=True, ansible_become_method="su",
                            ansible_become_user="nobody", ansible_become_flags="-s /bin/sh",
                            ansible_python_interpreter=SYSTEM_PYTHON),
        "archive-nobody": dict(metadata, ansible_connection="local", fep_snapshot=str(unprivileged)),
    }
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    runner, stdout = run_playbook(base / "runner", "audit.yml", inventory,
                                  extravars={"fep_report_dir": str(base / "rep"), "fep_fail_on_findings": False})
    assert runner.status == "successful", stdout
    return dict(load_results(base / "rep"), nobody_summary=summary)


@pytest.mark.parametrize("check_id", list(CHECKS))
@pytest.mark.parametrize("user", ["root", "nobody"])
def test_the_archive_s_verdict_is_the_live_one(this_machine, user, check_id):
    suffix = "" if user == "root" else "-" + user
    live, archive = this_machine["hosts"]["live" + suffix], this_machine["hosts"]["archive" + suffix]
    assert (live["status"], archive["status"]) == ("ok", "ok"), archive.get("message")
    assert archive["checks"][check_id]["status"] == live["checks"][check_id]["status"], (
        live["checks"][check_id]["message_en"], archive["checks"][check_id]["message_en"])


def test_without_root_the_tool_runs_and_says_what_it_could_not_read(this_machine):
    entry = this_machine["hosts"]["archive-nobody"]
    assert entry["facts"]["collector"]["privileged"] is False
    assert "root: 否" in this_machine["nobody_summary"] and "firewall rules not read" in this_machine["nobody_summary"]
    assert entry["facts"]["memory"]["installed_bytes"] is None  # SMBIOS needs root


def test_the_archive_was_audited_on_the_controller_from_its_manifest(this_machine):
    entry = this_machine["hosts"]["archive"]
    collector = entry["facts"]["collector"]
    assert collector["snapshot"] is True and collector["privileged"] is True  # the tool ran as root
    assert collector["archive"]["collector_version"] and collector["archive"]["path"].endswith("this.tar.gz")
    assert entry["hospital"]["name"] == "本机县人民医院" and entry["level"] == 2
    assert entry["hospital"]["division"]["county"] == "本县"
    assert entry["hospital"]["contact"] == {"name": "王五", "mobile": "13900000002"}
    # the recorded live-only facts were used: free space, rule set
    assert entry["facts"]["opengauss"]["data_dir"]["free_bytes"] > 0
    assert os.path.getsize(collector["archive"]["path"]) < 20 * 2 ** 20  # well under 20 MiB


def make_audit(tmp_path, snapshots, *extra):
    """``make audit SNAPSHOTS=…`` as the README gives it; returns (make's output, results)."""
    reports = tmp_path / "reports"
    proc = subprocess.run(["make", "--no-print-directory", "audit", "SNAPSHOTS=%s" % snapshots,
                           "ANSIBLE_ARGS=-e fep_report_dir=%s" % reports] + list(extra),
                          cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False, env=dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep
                                                + os.environ.get("PATH", "")))
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout, load_results(reports)


def test_make_audit_snapshots_audits_every_archive_of_a_folder(tmp_path):
    folder = tmp_path / "received"
    folder.mkdir()
    take_snapshot(folder / "a.tar.gz", *HOSPITAL)
    take_snapshot(folder / "b.tar.gz", "--hospital", "另一家医院", "--level", "3")   # the same server again
    (folder / "hostile.tar.gz").write_bytes(b"\x1f\x8b\x08not an archive")
    (folder / "notes.txt").write_text("ignored")
    stdout, results = make_audit(tmp_path, folder)
    hosts = results["hosts"]
    # the server's host name for the first, the file name where that is taken; all three listed
    assert len(hosts) == 3 and {"b", "hostile"} <= set(hosts)
    by_hospital = {entry["hospital"]["name"]: entry for entry in hosts.values() if entry["status"] == "ok"}
    assert sorted(by_hospital) == sorted(["另一家医院", "本机县人民医院"])
    assert by_hospital["另一家医院"]["level"] == 3 and by_hospital["本机县人民医院"]["level"] == 2
    refused = [entry for entry in hosts.values() if entry["status"] == "failed"]
    assert len(refused) == 1 and "not a readable .tar.gz" in refused[0]["message"]
    assert "13900000002" not in stdout  # the mobile reaches results.json and the survey form only


def test_the_region_s_inventory_wins_over_the_manifest(tmp_path):
    folder = tmp_path / "received"
    folder.mkdir()
    take_snapshot(folder / "srv.tar.gz", *HOSPITAL)
    name = next(iter(yaml.safe_load(subprocess.run(
        [sys.executable, os.path.join(REPO, "tools", "snapshot_inventory.py"), "--list"], stdout=subprocess.PIPE,
        env=dict(os.environ, FEP_SNAPSHOTS=str(folder)), check=True).stdout)["_meta"]["hostvars"]))
    inventory = tmp_path / "region.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {name: {
        "fep_hospital_level": 3, "fep_hospital": {"name": "清单中的医院名"}}}}}, allow_unicode=True))
    _, results = make_audit(tmp_path, folder, "INVENTORY=%s" % inventory)
    entry = results["hosts"][name]
    assert (entry["status"], entry["hospital"]["name"], entry["level"]) == ("ok", "清单中的医院名", 3)


def test_a_refused_archive_fails_its_host_only(tmp_path):
    good = take_snapshot(tmp_path / "good.tar.gz", *HOSPITAL)
    evil = tmp_path / "evil.tar.gz"
    shutil.copy(str(good), str(evil))
    with open(str(evil), "r+b") as handle:  # one flipped byte in the compressed stream
        handle.seek(200)
        byte = handle.read(1)
        handle.seek(200)
        handle.write(bytes([byte[0] ^ 0xFF]))
    hosts = {"good": {"ansible_connection": "local", "fep_snapshot": str(good)},
             "evil": {"ansible_connection": "local", "fep_snapshot": str(evil),
                      "fep_hospital_level": 2, "fep_hospital": {"name": "某医院"}},
             "missing": {"ansible_connection": "local", "fep_snapshot": str(tmp_path / "none.tar.gz"),
                         "fep_hospital_level": 2, "fep_hospital": {"name": "某医院"}}}
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", inventory,
                                  extravars={"fep_report_dir": str(tmp_path / "rep"), "fep_fail_on_findings": False})
    assert runner.status == "successful", stdout  # the other hosts' audit goes on
    results = load_results(tmp_path / "rep")
    assert results["hosts"]["good"]["status"] == "ok"
    assert results["hosts"]["evil"]["status"] == "failed"
    assert "fep_snapshot %s refused" % evil in results["hosts"]["evil"]["message"]
    assert "is not a file on the control node" in results["hosts"]["missing"]["message"]


def test_the_legacy_profile_audits_an_archive_alike(tmp_path):
    # a region that audits Python 3.6/3.7 servers runs ansible-core 2.16 (README, the two profiles)
    bin_dir = legacy_bin()
    archive = take_snapshot(tmp_path / "srv.tar.gz", *HOSPITAL)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"srv": {"ansible_connection": "local",
                                                                    "fep_snapshot": str(archive)}}}}))
    verdicts = {}
    for profile, directory in (("default", None), ("legacy", bin_dir)):
        runner, stdout = run_playbook(tmp_path / profile, "audit.yml", inventory, bin_dir=directory,
                                      extravars={"fep_report_dir": str(tmp_path / ("rep-" + profile)),
                                                 "fep_fail_on_findings": False})
        assert runner.status == "successful", stdout
        entry = load_results(tmp_path / ("rep-" + profile))["hosts"]["srv"]
        assert entry["status"] == "ok" and entry["hospital"]["name"] == "本机县人民医院", entry.get("message")
        verdicts[profile] = {check_id: outcome["status"] for check_id, outcome in entry["checks"].items()}
    assert verdicts["legacy"] == verdicts["default"]


def rewrite_live_record(source, output, change):
    """A copy of an archive whose fepkit/live.json went through ``change`` (a dict -> None), with
    the manifest's sha256 and size updated as a careful forger would: only the reader's checks stop it."""
    with tarfile.open(str(source)) as tar:
        entries = [(info, tar.extractfile(info).read() if info.isfile() else None) for info in tar]
    data = {info.name: content for info, content in entries}
    live = json.loads(data["fepkit/live.json"].decode("utf-8"))
    change(live)
    data["fepkit/live.json"] = json.dumps(live).encode("utf-8")
    manifest = json.loads(data["fepkit/manifest.json"].decode("utf-8"))
    manifest["members"]["fepkit/live.json"].update(size=len(data["fepkit/live.json"]),
                                                   sha256=hashlib.sha256(data["fepkit/live.json"]).hexdigest())
    data["fepkit/manifest.json"] = json.dumps(manifest).encode("utf-8")
    with tarfile.open(str(output), "w:gz") as tar:
        for info, _ in entries:
            if info.isfile():
                info.size = len(data[info.name])
                tar.addfile(info, io.BytesIO(data[info.name]))
            else:
                tar.addfile(info)
    return output


def bandwidth_field(field, value):
    def change(live):
        live["probes"]["results"]["bandwidth"][field] = value
    return change


def test_an_archive_s_bandwidth_download_is_judged_as_the_live_probe(tmp_path):
    """fep_snapshot.py --bandwidth-url against a real HTTP server on loopback: the archive's
    net.bandwidth is measured and judged as the live audit's; another URL in the region's
    inventory, or a forged field, is unknown and says why, naming the field."""
    with serving(BODY_BYTES) as url:
        archive = take_snapshot(tmp_path / "bw.tar.gz", "--bandwidth-url", url, *HOSPITAL)
        hostile = {"mbps-text": ("mbps", "900"), "mbps-negative": ("mbps", -5),
                   "mbps-huge": ("mbps", 1e300), "bytes-text": ("bytes", "lots")}
        hosts = {
            "live": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                     "fep_hospital_level": 2, "fep_hospital": {"name": "本机县人民医院"},
                     "fep_bandwidth_probe_url": url},
            "archive": {"ansible_connection": "local", "fep_snapshot": str(archive), "fep_bandwidth_probe_url": url},
            # no probe in the region's inventory: the URL the hospital was given is the one judged
            "archive-own-url": {"ansible_connection": "local", "fep_snapshot": str(archive)},
            "archive-other-url": {"ansible_connection": "local", "fep_snapshot": str(archive),
                                  "fep_bandwidth_probe_url": "https://platform.example.cn/10M.bin"},
        }
        for name, (field, value) in hostile.items():
            forged = rewrite_live_record(archive, tmp_path / (name + ".tar.gz"), bandwidth_field(field, value))
            hosts[name] = {"ansible_connection": "local", "fep_snapshot": str(forged), "fep_bandwidth_probe_url": url}
        inventory = tmp_path / "hosts.yml"
        inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
        runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", inventory,
                                      extravars={"fep_report_dir": str(tmp_path / "rep"),
                                                 "fep_fail_on_findings": False})
    assert runner.status == "successful", stdout
    assert "Traceback" not in stdout
    results = load_results(tmp_path / "rep")["hosts"]
    verdicts = {name: entry["checks"]["net.bandwidth"] for name, entry in results.items()}
    for name in ("live", "archive", "archive-own-url"):
        measured = results[name]["facts"]["probes"]["bandwidth"]
        assert sorted(measured) == ["bytes", "error", "mbps", "seconds", "url"], name
        assert (measured["url"], measured["bytes"], measured["error"]) == (url, BODY_BYTES, None), name
        assert verdicts[name]["status"] == "pass", (name, verdicts[name]["message_en"])
        assert re.match(r"^[0-9.]+ Mbit/s measured$", verdicts[name]["observed"]), name
        assert verdicts[name]["message_zh"].startswith("实测 "), name
    other = verdicts["archive-other-url"]
    assert other["status"] == "unknown"
    assert url in other["message_en"] and "https://platform.example.cn/10M.bin" in other["message_en"]
    assert "--bandwidth-url https://platform.example.cn/10M.bin" in other["remedy_zh"]
    for name, (field, _value) in hostile.items():
        assert results[name]["status"] == "ok", results[name].get("message")
        assert verdicts[name]["status"] == "unknown", name
        assert "fepkit/live.json probes.results.bandwidth.%s: must be" % field in verdicts[name]["message_en"], name
