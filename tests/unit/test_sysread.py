# -*- coding: utf-8 -*-
"""Snapshot reads stay inside the snapshot.

A snapshot is sent in by a hospital: untrusted input read on the control node,
often as root. The hostile trees here are what such a copy can contain: links
that point at the control node's files (absolute, or climbing out with ``..``),
a link to itself through ``/proc``, a FIFO or a socket where a file belongs.
Legitimate links (sysfs is made of relative links, ``etc/localtime`` and
``etc/os-release`` are absolute ones) keep working.
"""
import os
import socket
import threading

import pytest

import fep.collector as collector
from fep.memory import gather_memory
from fep.sysread import SysReader
from tests.builders import devices
from tests.builders.profiles import build_root

SECRET = "control-node-secret-4711"


def read_or_unblock(reader, rel, fifo):
    """``reader.read_text(rel)``; if it blocks on the FIFO (the old reader did), feed the
    FIFO so the test fails on the returned text instead of hanging the suite."""
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("text", reader.read_text(rel)), daemon=True)
    worker.start()
    worker.join(30)
    if worker.is_alive():
        with open(fifo, "w") as writer:  # the blocked open() returns, reads this and ends
            writer.write("MemTotal: 1 kB  # read from a FIFO\n")
        worker.join()
    return box["text"]


@pytest.fixture()
def outside(tmp_path):
    """A file of the control node, outside the snapshot (think /etc/hostname, /root/.ssh)."""
    path = tmp_path / "control-node" / "secret"
    path.parent.mkdir()
    path.write_text(SECRET + "\n")
    return path


@pytest.fixture()
def snapshot(tmp_path):
    root = tmp_path / "snapshot"
    (root / "proc" / "777").mkdir(parents=True)
    return root


def test_an_absolute_link_is_resolved_inside_the_snapshot(snapshot, outside):
    os.symlink(str(outside), str(snapshot / "proc" / "777" / "comm"))
    reader = SysReader(str(snapshot))
    assert reader.read_value("proc/777/comm") is None  # <snapshot>/<outside path> does not exist
    # the same target present inside the snapshot is what is read
    inside = snapshot / str(outside).lstrip("/")
    inside.parent.mkdir(parents=True)
    inside.write_text("java\n")
    assert reader.read_value("proc/777/comm") == "java"


def test_a_link_climbing_out_of_the_snapshot_is_refused_with_a_reason(snapshot, outside):
    os.symlink("../../../control-node/secret", str(snapshot / "proc" / "777" / "comm"))
    reader = SysReader(str(snapshot))
    assert reader.read_value("proc/777/comm") is None
    assert reader.refused == {
        "proc/777/comm": "symbolic link /proc/777/comm -> ../../../control-node/secret leaves the snapshot root"}
    assert reader.realpath("proc/777/comm") is None
    assert not reader.can_read("proc/777/comm")


def test_a_directory_link_out_of_the_snapshot_is_refused(snapshot, outside):
    os.symlink("../" * 5 + str(outside.parent).lstrip("/"), str(snapshot / "etc"))
    reader = SysReader(str(snapshot))
    assert reader.read_text("etc/secret") is None
    assert reader.listdir("etc") == []
    assert "leaves the snapshot root" in reader.refused["etc/secret"]


def test_a_process_list_never_carries_a_control_node_file(snapshot, outside):
    (snapshot / "proc" / "1").mkdir()
    (snapshot / "proc" / "1" / "comm").write_text("systemd\n")
    os.symlink("../../../control-node/secret", str(snapshot / "proc" / "777" / "comm"))
    (snapshot / "proc" / "778").mkdir()
    os.symlink(str(outside), str(snapshot / "proc" / "778" / "comm"))
    facts = collector.collect(str(snapshot))
    assert SECRET not in repr(facts["processes"])
    assert "systemd" in facts["processes"]


def test_a_link_to_the_control_nodes_proc_reads_nothing(snapshot):
    # proc/meminfo -> /proc/meminfo: inside the snapshot that is the link itself, a loop
    os.symlink("/proc/meminfo", str(snapshot / "proc" / "meminfo"))
    reader = SysReader(str(snapshot))
    facts = gather_memory(reader)
    assert facts["total_bytes"] is None
    assert "symbolic links (a loop?)" in reader.unknown["memory.total_bytes"]
    assert reader.unknown["memory.total_bytes"].startswith("proc/meminfo unreadable")


def test_a_fifo_is_never_opened(snapshot):
    fifo = snapshot / "proc" / "meminfo"
    os.mkfifo(str(fifo))
    reader = SysReader(str(snapshot))
    assert read_or_unblock(reader, "proc/meminfo", str(fifo)) is None
    assert reader.refused == {"proc/meminfo": "a FIFO, not a regular file: not opened"}
    assert not reader.can_read("proc/meminfo")
    assert reader.exists("proc/meminfo")  # it is there, it is just not read


def test_a_fifo_behind_a_link_is_never_opened(snapshot):
    fifo = snapshot / "run" / "pipe"
    fifo.parent.mkdir()
    os.mkfifo(str(fifo))
    os.symlink("/run/pipe", str(snapshot / "proc" / "meminfo"))
    reader = SysReader(str(snapshot))
    assert read_or_unblock(reader, "proc/meminfo", str(fifo)) is None
    assert "a FIFO" in reader.refused["proc/meminfo"]


def test_a_socket_is_never_opened(snapshot):
    path = snapshot / "proc" / "cpuinfo"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        reader = SysReader(str(snapshot))
        assert reader.read_text("proc/cpuinfo") is None
        assert reader.refused == {"proc/cpuinfo": "a socket, not a regular file: not opened"}
    finally:
        server.close()


def test_links_inside_the_snapshot_keep_working(tmp_path):
    """sysfs: relative links through directories; etc/: absolute links to the snapshot's files."""
    root = tmp_path / "snapshot"
    devices.add_block_device(root, "sda", 4000787030016, rotational=True)
    (root / "usr" / "lib").mkdir(parents=True)
    (root / "usr" / "lib" / "os-release").write_text('ID="kylin"\n')
    (root / "etc").mkdir()
    os.symlink("/usr/lib/os-release", str(root / "etc" / "os-release"))
    os.symlink("../usr/lib/./os-release", str(root / "etc" / "os-release.relative"))
    reader = SysReader(str(root))
    assert reader.read_text("etc/os-release") == 'ID="kylin"\n'
    assert reader.read_text("etc/os-release.relative") == 'ID="kylin"\n'
    assert reader.readlink("etc/os-release") == "/usr/lib/os-release"  # the link's own text
    assert reader.read_int("sys/block/sda/size") == 4000787030016 // 512
    assert reader.realpath("sys/block/sda").startswith("/sys/devices/")
    assert reader.isdir("sys/block/sda")
    assert reader.refused == {}


def test_a_whole_profile_reads_the_same_through_the_confined_reader(tmp_path):
    """Every profile's sysfs shape resolves inside the root: no refusal, no warning about one."""
    build_root(tmp_path, "kunpeng-kylin-l3")
    facts = collector.collect(str(tmp_path))
    assert not [w for w in facts["warnings"] if "snapshot root" in w or "regular file" in w]
    assert facts["opengauss"]["data_dir"]["disks"] == ["nvme0n1"]  # realpath of sys/class/block links
