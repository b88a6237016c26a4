# -*- coding: utf-8 -*-
"""Listening TCP sockets (IPv4 and IPv6) and, where readable, their owners.

Read from ``proc/net/tcp`` and ``proc/net/tcp6`` rather than ``ss``/``netstat``
so that a snapshot root works and nothing has to be installed.  The owner of a
socket is found by matching its inode against ``proc/<pid>/fd/*`` links
(``socket:[INODE]``); other users' fds are unreadable without root, which is
reported rather than guessed.
"""
import re
import socket

LISTEN_STATE = "0A"
_SOCKET_LINK = re.compile(r"^socket:\[(\d+)\]$")


def _hex_ipv4(word):
    # /proc/net/tcp prints the address as one host-order (little-endian) word
    raw = bytes.fromhex(word)
    return ".".join(str(b) for b in reversed(raw))


def _hex_ipv6(text):
    # four 32-bit words, each in host (little-endian) order
    raw = b"".join(bytes.fromhex(text[i:i + 8])[::-1] for i in range(0, 32, 8))
    return socket.inet_ntop(socket.AF_INET6, raw)


def parse_proc_net_tcp(text, family):
    """Listening sockets of one ``proc/net/tcp*`` file: ``[{port, address, family, inode}]``."""
    sockets = []
    for line in (text or "").splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10 or fields[3] != LISTEN_STATE:
            continue
        try:
            address_hex, port_hex = fields[1].split(":")
            port = int(port_hex, 16)
            if family == "ipv4":
                address = _hex_ipv4(address_hex)
            else:
                address = _hex_ipv6(address_hex)
            inode = int(fields[9])
        except (ValueError, IndexError):
            continue
        sockets.append({"port": port, "address": address, "family": family, "inode": inode})
    return sockets


def socket_owners(reader, inodes):
    """Map socket inode -> {pid, process, user_readable} by scanning proc/<pid>/fd."""
    owners = {}
    unreadable_pids = 0
    wanted = set(inodes)
    if not wanted:
        return owners, unreadable_pids
    for entry in reader.listdir("proc"):
        if not entry.isdigit():
            continue
        fd_dir = "proc/%s/fd" % entry
        fds = reader.listdir(fd_dir)
        if not fds:
            if reader.exists(fd_dir):
                unreadable_pids += 1
            continue
        for fd in fds:
            match = _SOCKET_LINK.match(reader.readlink("%s/%s" % (fd_dir, fd)) or "")
            if match and int(match.group(1)) in wanted:
                inode = int(match.group(1))
                if inode not in owners:
                    owners[inode] = {
                        "pid": int(entry),
                        "process": process_name(reader, entry),
                    }
    return owners, unreadable_pids


def process_name(reader, pid):
    """Short command name of a process (``comm``), falling back to argv[0]."""
    name = reader.read_value("proc/%s/comm" % pid)
    if name:
        return name
    cmdline = reader.read_text("proc/%s/cmdline" % pid) or ""
    first = cmdline.split("\0")[0]
    return first.rsplit("/", 1)[-1] or None


def gather_ports(reader):
    """``{listening: [...], owners_complete: bool, note}``."""
    sockets = []
    sources = 0
    for rel, family in (("proc/net/tcp", "ipv4"), ("proc/net/tcp6", "ipv6")):
        text = reader.read_text(rel)
        if text is None:
            continue
        sources += 1
        sockets.extend(parse_proc_net_tcp(text, family))
    if not sources:
        reader.mark_unknown("ports", "cannot read proc/net/tcp or proc/net/tcp6")
        return {"listening": None, "owners_complete": False, "note": "no socket table"}
    owners, unreadable = socket_owners(reader, [s["inode"] for s in sockets])
    listening = []
    seen = set()
    for sock in sorted(sockets, key=lambda s: (s["port"], s["family"], s["address"])):
        key = (sock["port"], sock["family"], sock["address"])
        if key in seen:  # SO_REUSEPORT listeners appear once per worker
            continue
        seen.add(key)
        owner = owners.get(sock["inode"], {})
        listening.append({
            "port": sock["port"],
            "address": sock["address"],
            "family": sock["family"],
            "pid": owner.get("pid"),
            "process": owner.get("process"),
        })
    missing = [s for s in listening if s["process"] is None]
    note = ""
    if missing and (unreadable or not reader.live):
        note = ("owner of %d listening socket(s) not readable%s" % (
            len(missing), " without root" if reader.live else " in this snapshot"))
    return {"listening": listening, "owners_complete": not missing, "note": note}
