# -*- coding: utf-8 -*-
"""Listening sockets and their owners from real /proc/net/tcp* shapes."""
import os

from fep.ports import gather_ports, parse_proc_net_tcp
from fep.sysread import SysReader

# Captured shape of /proc/net/tcp: sshd on 0.0.0.0:22, nginx on 0.0.0.0:8884,
# postgres on 127.0.0.1:5432, one established connection (state 01).
PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21841 1 0000000000000000 100 0 0 10 0
   1: 00000000:22B4 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 30512 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1538 00000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 28190 1 0000000000000000 100 0 0 10 0
   3: 0F02000A:0016 0102000A:D4F2 01 00000000:00000000 02:000A3D52 00000000     0        0 40001 4 0000000000000000 20 4 31 10 -1
"""
# /proc/net/tcp6: sshd on [::]:22, postgres on [::1]:5432, a java on [::]:8881.
PROC_NET_TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 21843 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   113        0 28191 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000000000000:22B1 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 35555 1 0000000000000000 100 0 0 10 0
"""


def test_parse_ipv4_listeners_only():
    sockets = parse_proc_net_tcp(PROC_NET_TCP, "ipv4")
    assert [(s["address"], s["port"], s["inode"]) for s in sockets] == [
        ("0.0.0.0", 22, 21841), ("0.0.0.0", 8884, 30512), ("127.0.0.1", 5432, 28190)]


def test_parse_ipv6_addresses():
    sockets = parse_proc_net_tcp(PROC_NET_TCP6, "ipv6")
    assert [(s["address"], s["port"]) for s in sockets] == [("::", 22), ("::1", 5432), ("::", 8881)]


def test_garbage_lines_are_ignored():
    assert parse_proc_net_tcp("header\nnot a socket line\n   0: zz:yy\n", "ipv4") == []


def _process(root, pid, comm, inodes):
    os.makedirs(os.path.join(root, "proc", str(pid), "fd"))
    with open(os.path.join(root, "proc", str(pid), "comm"), "w") as handle:
        handle.write(comm + "\n")
    for number, inode in enumerate(inodes, start=3):
        os.symlink("socket:[%d]" % inode, os.path.join(root, "proc", str(pid), "fd", str(number)))
    os.symlink("/dev/null", os.path.join(root, "proc", str(pid), "fd", "0"))


def test_owners_from_fd_links(tmp_path):
    root = str(tmp_path)
    os.makedirs(os.path.join(root, "proc", "net"))
    with open(os.path.join(root, "proc/net/tcp"), "w") as handle:
        handle.write(PROC_NET_TCP)
    with open(os.path.join(root, "proc/net/tcp6"), "w") as handle:
        handle.write(PROC_NET_TCP6)
    _process(root, 812, "sshd", [21841, 21843])
    _process(root, 1234, "nginx", [30512])
    _process(root, 977, "postgres", [28190, 28191])
    # pid 2001 owns the 8881 socket but its fd directory is unreadable here
    os.makedirs(os.path.join(root, "proc", "2001", "fd"))
    facts = gather_ports(SysReader(root))
    owners = {(s["port"], s["family"]): (s["process"], s["pid"]) for s in facts["listening"]}
    assert owners == {
        (22, "ipv4"): ("sshd", 812), (22, "ipv6"): ("sshd", 812),
        (5432, "ipv4"): ("postgres", 977), (5432, "ipv6"): ("postgres", 977),
        (8881, "ipv6"): (None, None), (8884, "ipv4"): ("nginx", 1234),
    }
    assert facts["owners_complete"] is False
    assert "in this snapshot" in facts["note"]


def test_missing_socket_tables_are_unknown(tmp_path):
    reader = SysReader(str(tmp_path))
    facts = gather_ports(reader)
    assert facts["listening"] is None
    assert "proc/net/tcp" in reader.unknown["ports"]
