# -*- coding: utf-8 -*-
"""Untrusted snapshots and hung hosts through playbooks/audit.yml.

One region, one run:
* ``hostile``: a snapshot whose links point at the control node's files (``etc/os-release``
  and ``proc/777/comm`` climbing out with ``..``, ``proc/778/comm`` absolute), whose
  ``proc/meminfo`` is a link to ``/proc/meminfo`` and whose ``proc/cpuinfo`` is a FIFO;
* ``stuck-collector``: the collector's read of ``proc/meminfo`` never returns (a dead NFS
  mount, simulated by a ``sitecustomize`` that blocks ``os.lstat`` on a FIFO): the collector's
  watchdog reports it at 80 % of ``fep_audit_timeout``;
* ``stuck-start``: the host hangs before the collector even starts (its interpreter waits on a
  FIFO): Ansible's task timeout (``fep_audit_timeout``) ends it;
* ``normal``: audited as usual, and its results are written although two hosts hung.
"""
import os
import shutil
import stat
import sys

import pytest
import yaml

from tests.builders.profiles import build_root
from tests.support import load_results, profile_bin_dir, run_playbook

PROFILE = "kunpeng-kylin-l3"
SECRET = "control-node-secret-4711"

BLOCKING_SITECUSTOMIZE = '''
import os
_lstat = os.lstat


def lstat(path, *args, **kwargs):
    if str(path).endswith("/proc/meminfo"):
        open(%(fifo)r).read()  # nobody writes: blocks like a stat on a dead NFS mount
    return _lstat(path, *args, **kwargs)


os.lstat = lstat
'''


def executable(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def make_hostile(root, outside):
    """A snapshot a careless or malicious sender could produce."""
    (root / "etc" / "os-release").unlink()
    shutil.rmtree(str(root / "usr" / "lib" / "os-release"), ignore_errors=True)
    depth = len(root.relative_to(root.anchor).parts)
    os.symlink("../" * (depth + 1) + str(outside).lstrip("/"), str(root / "etc" / "os-release"))
    for pid, target in (("777", "../" * (depth + 2) + str(outside).lstrip("/")), ("778", str(outside))):
        (root / "proc" / pid).mkdir()
        os.symlink(target, str(root / "proc" / pid / "comm"))
    (root / "proc" / "meminfo").unlink()
    os.symlink("/proc/meminfo", str(root / "proc" / "meminfo"))
    (root / "proc" / "cpuinfo").unlink()
    os.mkfifo(str(root / "proc" / "cpuinfo"))


def release(fifo):
    """Let whatever still waits on ``fifo`` go (its writer end opened and closed)."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # nobody is waiting any more


@pytest.fixture(scope="module", params=["default", "legacy"])
def untrusted_audit(request, tmp_path_factory):
    """The same region under each profile: ansible-core 2.19 and 2.16 time a task out differently."""
    bin_dir = profile_bin_dir(request.param)
    tmp = tmp_path_factory.mktemp("untrusted")
    outside = tmp / "control-node" / "os-release"
    outside.parent.mkdir()
    outside.write_text('PRETTY_NAME="%s"\nNAME="%s"\nID=secret\n' % (SECRET, SECRET))
    normal_root, hostile_root = tmp / "roots" / "normal", tmp / "roots" / "hostile"
    profile = build_root(normal_root, PROFILE)
    build_root(hostile_root, PROFILE)
    make_hostile(hostile_root, outside)

    fifo = str(tmp / "never-written")
    os.mkfifo(fifo)
    site = tmp / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKING_SITECUSTOMIZE % {"fifo": fifo})
    blocking_python = executable(tmp / "python-blocking-read", "#!/bin/sh\nPYTHONPATH=%s exec %s \"$@\"\n" % (
        site, sys.executable))
    hung_python = executable(tmp / "python-hung-start", "#!/bin/sh\ncat %s >/dev/null\nexit 1\n" % fifo)

    base = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
            "fep_hospital_level": profile["level"]}
    hosts = {
        "normal": dict(base, fep_root=str(normal_root), fep_hospital={"name": "正常医院"}),
        "hostile": dict(base, fep_root=str(hostile_root), fep_hospital={"name": "快照有链接的医院"}),
        # 20 s: the watchdog (16 s) answers well before the task timeout even on a loaded machine
        "stuck-collector": dict(base, fep_root=str(normal_root), ansible_python_interpreter=blocking_python,
                                fep_audit_timeout=20, fep_hospital={"name": "读取卡住的医院"}),
        "stuck-start": dict(base, fep_root=str(normal_root), ansible_python_interpreter=hung_python,
                            fep_audit_timeout=3, fep_hospital={"name": "启动卡住的医院"}),
    }
    inventory = tmp / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    report_dir = tmp / "rep"
    try:
        runner, stdout = run_playbook(tmp / "runner", "audit.yml", inventory, bin_dir=bin_dir,
                                      extravars={"fep_report_dir": str(report_dir)})
    finally:
        release(fifo)
    texts = {name: (report_dir / name).read_text(encoding="utf-8")
             for name in ("results.json", "report.html", "junit.xml")}
    # the drill-down is on the city pages
    texts.update((str(page.relative_to(report_dir)), page.read_text(encoding="utf-8"))
                 for page in (report_dir / "report").glob("*.html"))
    return {"runner": runner, "stdout": stdout, "results": load_results(report_dir), "texts": texts}


def test_no_control_node_file_reaches_any_output(untrusted_audit):
    assert SECRET not in untrusted_audit["stdout"]
    for name, text in untrusted_audit["texts"].items():
        assert SECRET not in text, name


def test_links_out_of_the_snapshot_make_facts_unknown_with_the_reason(untrusted_audit):
    entry = untrusted_audit["results"]["hosts"]["hostile"]
    assert entry["status"] == "ok"
    unknown = entry["facts"]["unknown"]
    assert "/etc/os-release -> ../" in unknown["os"] and "leaves the snapshot root" in unknown["os"]
    assert entry["checks"]["os.domestic"]["status"] == "unknown"
    # proc/meminfo -> /proc/meminfo is the link itself inside the snapshot, not the control node's memory
    assert entry["facts"]["memory"]["total_bytes"] is None
    assert "a loop?" in unknown["memory.total_bytes"]
    assert entry["checks"]["memory.size"]["status"] != "error"
    assert [p for p in entry["facts"]["processes"] if "secret" in p.lower()] == []


def test_a_fifo_in_a_snapshot_is_not_read_and_does_not_block(untrusted_audit):
    entry = untrusted_audit["results"]["hosts"]["hostile"]
    assert "proc/cpuinfo: a FIFO, not a regular file" in entry["facts"]["unknown"]["cpu"]
    assert entry["checks"]["cpu.domestic"]["status"] == "unknown"


def test_a_read_that_never_returns_fails_that_host_with_where_it_stuck(untrusted_audit):
    entry = untrusted_audit["results"]["hosts"]["stuck-collector"]
    assert entry["status"] == "failed"
    assert "did not finish within 16 s" in entry["message"]
    assert "stuck in section memory (last: /proc/meminfo)" in entry["message"]


def test_a_host_hung_before_the_collector_is_ended_by_the_task_timeout(untrusted_audit):
    entry = untrusted_audit["results"]["hosts"]["stuck-start"]
    assert entry["status"] == "failed"
    assert entry["message"].startswith("no result within fep_audit_timeout (3 s)")


def test_the_other_hosts_results_are_written(untrusted_audit):
    results = untrusted_audit["results"]
    assert sorted(results["hosts"]) == ["hostile", "normal", "stuck-collector", "stuck-start"]
    assert results["hosts"]["normal"]["status"] == "ok"
    assert results["hosts"]["normal"]["facts"]["cpu"]["physical_cores"] == 192
    assert results["summary"]["host_status"] == {"ok": 2, "unreachable": 0, "failed": 2}
    assert untrusted_audit["runner"].rc != 0  # hosts were not audited: the run says so
    assert "stuck-collector" in untrusted_audit["stdout"] and "stuck-start" in untrusted_audit["stdout"]
