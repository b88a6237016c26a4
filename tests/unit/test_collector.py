# -*- coding: utf-8 -*-
"""The collector: every section, isolation of crashes, snapshot behaviour, payload output."""
import io
import json
import os
import subprocess
import sys
import threading

import pytest

import fep.collector as collector
from tests.builders.profiles import build_root

PUBLIC_SECTIONS = ["accelerators", "collector", "cpu", "disks", "memory", "mounts", "nics", "opengauss", "os",
                   "ports", "probes", "processes", "schema", "security", "storage", "unknown", "virtualization",
                   "warnings"]


@pytest.fixture(scope="module")
def kunpeng_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("kunpeng")
    build_root(root, "kunpeng-kylin-l3")
    return str(root)


def test_collect_returns_every_public_section(kunpeng_root):
    facts = collector.collect(kunpeng_root)
    assert sorted(facts) == PUBLIC_SECTIONS
    assert facts["collector"]["snapshot"] is True and facts["collector"]["privileged"] is False
    assert facts["cpu"]["physical_cores"] == 192
    assert facts["memory"]["installed_bytes"] == 512 * 1024 ** 3
    assert facts["storage"]["disk_count"] == 3
    assert [n["name"] for n in facts["nics"] if n["physical"]] == ["enp125s0f0", "enp125s0f1"]
    assert facts["security"]["firewall"]["state"] == "running"
    assert any(m["network"] and m["mountpoint"] == "/backup" for m in facts["mounts"])
    assert facts["opengauss"]["data_dir"]["disks"] == ["nvme0n1"]  # LVM klas-root on nvme0n1p3
    assert facts["opengauss"]["timezone_offset"] == "+0800"


def test_a_crashing_section_is_unknown_and_the_rest_survives(kunpeng_root, monkeypatch):
    def broken(reader):
        raise ValueError("unexpected sysfs shape")
    monkeypatch.setattr(collector, "gather_nics", broken)
    facts = collector.collect(kunpeng_root)
    assert facts["nics"] is None
    assert "ValueError: unexpected sysfs shape" in facts["unknown"]["nics"]
    assert facts["cpu"]["physical_cores"] == 192


def test_probes_are_not_run_against_a_snapshot(kunpeng_root):
    facts = collector.collect(kunpeng_root, {"probes": {"egress": ["127.0.0.1:1"]}})
    assert facts["probes"] == {}
    assert "live host" in facts["unknown"]["probes"]


def test_empty_root_gives_unknowns_not_exceptions(tmp_path):
    facts = collector.collect(str(tmp_path))
    assert facts["cpu"]["vendor_family"] == "unknown"
    assert facts["os"]["category"] == "unknown"
    assert {"cpu", "ports"} <= set(facts["unknown"])


def test_payload_output_is_marked_json(kunpeng_root, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    collector.run_payload({"root": kunpeng_root})
    text = out.getvalue()
    body = text.split(collector.RESULT_BEGIN, 1)[1].split(collector.RESULT_END, 1)[0]
    document = json.loads(body)
    assert document["failed"] is False and document["fep"]["os"]["category"] == "kylin"


def test_payload_reports_a_missing_root(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    collector.run_payload({"root": "/nonexistent/snapshot"})
    assert '"failed": true' in out.getvalue() and "/nonexistent/snapshot" in out.getvalue()


WATCHDOG_SCRIPT = r'''
import os, sys
import fep.collector as collector

def blocked_read(reader):
    reader.locate("proc/meminfo")
    with open(sys.argv[2]):  # a FIFO nobody writes to: blocks like a read on a dead NFS mount
        pass

collector.gather_memory = blocked_read
collector.run_payload({"root": sys.argv[1], "deadline": 1})
print("NOT REACHED")
'''


def test_a_blocked_read_is_reported_by_the_watchdog(kunpeng_root, tmp_path):
    """A read that never returns: the collector prints a failed result naming where it was stuck."""
    fifo = tmp_path / "fifo"
    os.mkfifo(str(fifo))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", WATCHDOG_SCRIPT, kunpeng_root, str(fifo)], env=env,
                          stdout=subprocess.PIPE, universal_newlines=True, timeout=300)
    body = done.stdout.split(collector.RESULT_BEGIN, 1)[1].split(collector.RESULT_END, 1)[0]
    document = json.loads(body)
    assert document["failed"] is True
    assert document["msg"].startswith("the collector did not finish within 1 s")
    assert "stuck in section memory (last: /proc/meminfo)" in document["msg"]
    assert "fep_audit_timeout" in document["msg"]
    assert "NOT REACHED" not in done.stdout and done.stdout.count(collector.RESULT_BEGIN) == 1


def test_the_watchdog_stays_quiet_when_the_collector_finishes(kunpeng_root, monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    collector.run_payload({"root": kunpeng_root, "deadline": 600})
    assert out.getvalue().count(collector.RESULT_BEGIN) == 1
    assert '"failed": false' in out.getvalue()
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]
