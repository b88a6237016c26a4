# -*- coding: utf-8 -*-
"""PID 1 of one fleet host (started by tests/bench/fleet.py inside its namespaces).

    python3 fleet_host.py ADDR HOST_DIR SPEC_JSON

1. binds ``ADDR:22`` **in the host's network namespace** (so the controller reaches it on
   loopback), then moves itself into a **network namespace of its own**: every process of this
   host (sessions, the collector) then sees its own socket table in ``/proc/net/tcp*``, as on a
   real server, instead of the N listeners of the whole fleet;
2. starts the profile's processes as stubs that hold their listening ports inside that namespace
   (``/proc/<pid>/comm`` = ``sshd``, ``gaussdb``, ``nginx``…: ``sleep`` run through a link of that
   name), so ports, owners and security agents read like the profile;
3. serves the socket inetd-style: each connection gets its own ``sshd -i``;
4. reaps every child (it is PID 1 of the host's PID namespace) and exits on SIGTERM, which
   ends every process of the host.

Standard library only; it runs on the machine's own python3.
"""
import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import sys

CLONE_NEWNET = 0x40000000
PR_SET_NAME = 15


def stub(bin_dir, name, ports):
    """A sleeping process called ``name`` holding listening sockets on ``ports``."""
    sockets = []
    for port in ports:
        for family, host in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind((host, port))
                sock.listen(8)
            except OSError:
                sock.close()
                continue
            sockets.append(sock)
    pid = os.fork()
    if pid == 0:
        try:
            for sock in sockets:
                os.set_inheritable(sock.fileno(), True)
            os.execv(os.path.join(bin_dir, name), [os.path.join(bin_dir, name), "infinity"])
        finally:
            os._exit(127)
    for sock in sockets:
        sock.close()
    return pid


def main(addr, host_dir, spec_path):
    with open(spec_path) as handle:
        spec = json.load(handle)
    libc = ctypes.CDLL(None, use_errno=True)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((addr, 22))
    listener.listen(256)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET)")
    try:  # a server's loopback is up; nothing in the audit needs it
        subprocess.call(["ip", "link", "set", "lo", "up"])
    except OSError:
        pass
    libc.prctl(PR_SET_NAME, ctypes.c_char_p(spec["init"].encode()[:15]), 0, 0, 0)
    for name, ports in spec["processes"]:
        stub(spec["bin_dir"], name, ports)

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    # SIGCHLD wakes the loop at once: a session is reaped (and its CPU time accounted to this
    # process's cutime, which the benchmark reads) as soon as it ends
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    log = os.path.join(host_dir, "sshd.log")
    config = os.path.join(host_dir, "sshd_config")
    while not stopping:
        try:
            ready, _, _ = select.select([listener, wake_r], [], [], 5.0)
        except InterruptedError:
            ready = []
        if wake_r in ready:
            os.read(wake_r, 4096)
        if listener in ready:
            try:
                conn, _ = listener.accept()
            except OSError:
                conn = None
            if conn is not None:
                pid = os.fork()
                if pid == 0:
                    try:
                        os.dup2(conn.fileno(), 0)
                        os.dup2(conn.fileno(), 1)
                        err = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                        os.dup2(err, 2)
                        os.closerange(3, 65536)
                        os.execv("/usr/sbin/sshd", ["/usr/sbin/sshd", "-i", "-f", config, "-E", log])
                    finally:
                        os._exit(127)
                conn.close()
        while True:  # PID 1: reap sessions and orphans
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
