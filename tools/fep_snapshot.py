#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""fepkit snapshot collector: the one file a hospital runs on its front-end server.

用法 / usage (root recommended; without root it still runs and says what it could not read):

    python3 fep_snapshot.py --output /tmp/$(hostname)-fep.tar.gz \\
        --hospital "某某县人民医院" --level 2 --contact-name 张三 --contact-mobile 13800000000

It copies an allowlist of system files (docs/snapshot-layout.md in fepkit) into one
.tar.gz, plus what only the running server can tell: listening sockets with their
owners, the process list, the free space under the openGauss data directory, the
nftables/iptables rule set, SMBIOS and, only when targets are given on the command
line, the network probes (--bandwidth-url: the live audit's download test).  Never
/etc/shadow, keys, home directories or logs; account files are reduced to the openGauss
user and group; process arguments are dropped.
The archive carries fepkit/manifest.json: the sha256 of every member and the
collector's version.  Nothing is written anywhere but --output.

Standard library only, Python 3.6+ (UOS 1050a ships 3.6, Kylin V10 and openEuler 20.03 3.7).
"""
import argparse
import datetime
import errno
import fnmatch
import hashlib
import io
import json
import os
import re
import socket
import stat
import subprocess
import sys
import tarfile
import time

VERSION = "1.0"
MANIFEST = "fepkit/manifest.json"
LIVE = "fepkit/live.json"
READ_LIMIT = 4 * 1024 * 1024   # per file, as the audit's reader (procfs files are read in chunks)
READ_CHUNK = 65536

# --- the allowlist --------------------------------------------------------------------
# Plain files, copied whole (contents read, never a procfs/sysfs stat size).
# (The CPU, memory, device, process and socket files are listed in their sections below.)
OS_FILES = (
    "proc/sys/kernel/osrelease", "proc/sys/kernel/hostname", "proc/net/ip_tables_names", "sys/fs/selinux/enforce",
    "sys/kernel/mm/transparent_hugepage/enabled", "sys/kernel/mm/transparent_hugepage/defrag",
    "sys/kernel/mm/redhat_transparent_hugepage/enabled",
    "etc/os-release", "usr/lib/os-release", "etc/kylin-release", "etc/openEuler-release", "etc/uos-release",
    "etc/firewalld/firewalld.conf", "etc/security/limits.conf", "etc/selinux/config", "etc/locale.conf",
    "etc/default/locale", "etc/localtime", "etc/timezone", "etc/ufw/ufw.conf", "etc/systemd/logind.conf",
    "usr/lib/systemd/logind.conf", "run/systemd/container",
)
# (directory, pattern): the matching plain files of a directory.
FILE_GLOBS = (
    ("etc/firewalld/zones", "*.xml"), ("etc/security/limits.d", "*.conf"), ("etc/pam.d", "*"),
    ("etc/systemd/logind.conf.d", "*.conf"), ("run/systemd/logind.conf.d", "*.conf"),
    ("usr/lib/systemd/logind.conf.d", "*.conf"), ("proc/net/vlan", "*"),
)
# Only their existence matters: stored empty (or as the link they are).
EXISTENCE = ("run/.containerenv", ".dockerenv", "usr/lib/systemd/systemd-logind", "lib/systemd/systemd-logind")
DIRECTORIES = ("etc/firewalld", "usr/lib/firewalld")
# The kernel parameters the openGauss installer checks (fepkit plugins/module_utils/fep/opengauss_spec.py
# SYSCTL_KEYS; tests/unit/test_snapshot_tool.py keeps the two lists equal), plus the kernel version.
SYSCTL_KEYS = (
    "net.ipv4.tcp_max_tw_buckets", "net.ipv4.tcp_tw_reuse", "net.ipv4.tcp_tw_recycle",
    "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_retries2", "net.core.wmem_max", "net.core.rmem_max", "net.core.wmem_default",
    "net.core.rmem_default", "kernel.sem", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
    "net.core.netdev_max_backlog", "net.ipv4.tcp_max_syn_backlog", "net.core.somaxconn",
    "net.ipv4.tcp_syncookies", "vm.overcommit_memory", "kernel.shmall", "kernel.shmmax",
    "vm.min_free_kbytes", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_sack",
    "net.ipv4.tcp_timestamps", "net.ipv4.tcp_retries1", "net.ipv4.tcp_syn_retries",
    "net.ipv4.tcp_synack_retries", "vm.extfrag_threshold", "vm.overcommit_ratio", "fs.aio-max-nr",
    "net.ipv4.ip_local_reserved_ports",
)
# Files of the packages the openGauss installer needs (opengauss_spec.PACKAGES, BIN_DIRS, LIB_DIRS).
PACKAGE_FILES = {
    "bin": ("bzip2",),
    "lib": ("libaio.so.1", "libaio.so.1t64", "libedit.so.0", "libedit.so.2", "libxml2.so.2", "libxml2.so.16",
            "liblz4.so.1", "libnuma.so.1", "libodbc.so.2", "libodbc.so.1"),
}
BIN_DIRS = ("usr/bin", "bin", "usr/sbin", "sbin")
LIB_DIRS = ("usr/lib64", "lib64", "usr/lib", "lib", "usr/lib/x86_64-linux-gnu",
            "usr/lib/aarch64-linux-gnu", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu")
# Device directories: class folder -> (attribute files, links, marker entries, listed link folders)
DEVICE_CLASSES = (
    ("sys/block", ("size", "removable", "dev", "uevent", "partition", "queue/rotational", "queue/scheduler",
                   "queue/logical_block_size", "queue/nr_requests", "queue/read_ahead_kb", "device/model",
                   "device/vendor", "device/type", "dm/name", "dm/uuid"), ("device",), (), ("slaves", "holders")),
    ("sys/class/block", ("partition", "size", "dev", "dm/name"), (), (), ("slaves",)),
    ("sys/class/net", ("type", "operstate", "carrier", "speed", "address", "mtu", "uevent", "tun_flags"),
     ("device", "device/driver", "master"), ("bridge", "bonding", "bonding_slave", "wireless", "phy80211"), ()),
    ("sys/bus/pci/devices", ("vendor", "device", "class"), (), (), ()),
)
CPU_TOPOLOGY = ("physical_package_id", "core_id", "thread_siblings_list", "core_cpus_list",
                "core_siblings_list", "package_cpus_list", "cluster_id", "die_id")
# Whatever a link leads to, contents are stored only under these folders, never under these names.
CONTENT_ROOTS = ("proc/", "sys/", "etc/", "usr/", "run/", "lib/", "lib64/")
DENIED = re.compile(r"(^|/)(shadow|gshadow|shadow-|gshadow-|sudoers|\.ssh|ssh|pki|ssl|private|keys?|"
                    r"home|root|var|tmp)(/|$)|\.(key|pem|p12|pfx|crt|jks)$|(^|/)(environ|mem|kcore)$")
ACCOUNTS = {"etc/passwd": "omm", "etc/group": "dbgrp"}   # only the openGauss user and group
SECTIONS = (
    ("cpu", "CPU 与拓扑", "CPU and topology"), ("memory", "内存与 SMBIOS", "memory and SMBIOS"),
    ("storage", "磁盘与挂载", "disks and mounts"), ("network", "网卡与 PCI", "NICs and PCI"),
    ("os", "操作系统与配置", "OS and settings"), ("processes", "进程与监听端口", "processes and listening sockets"),
    ("firewall", "防火墙规则", "firewall rules"),
    ("datadir", "openGauss 数据目录空间", "openGauss data directory space"),
    ("probes", "网络探测", "network probes"),
)
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


# read_limited is a verbatim copy of fepkit's plugins/module_utils/fep/sysread.py (kept equal by a test):
# procfs allocates the size a read asks for, so files are read in chunks.
def read_limited(handle, limit):
    """At most ``limit`` bytes of ``handle``, read ``READ_CHUNK`` bytes at a time."""
    chunks, size = [], 0
    while size < limit:
        chunk = handle.read(min(READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def read_file(path, limit=READ_LIMIT):
    with open(path, "rb") as handle:
        return read_limited(handle, limit)


def relative_target(link_dir, target):
    """An absolute link target rewritten relative to the link's folder (the archive is its own root)."""
    if not target.startswith("/"):
        return target
    return os.path.relpath(os.path.normpath(target).lstrip("/") or ".", link_dir or ".")


class Snapshot(object):
    """The members of the archive, gathered from the files under ``root`` (``/`` on a server)."""

    def __init__(self, root="/"):
        self.root = os.path.abspath(root)
        self.members = {}        # archive name -> ("file", bytes) | ("link", target) | ("dir", None)
        self.unreadable = {}     # wanted path -> reason
        self.placeholders = []   # existence-only members

    # -- paths ------------------------------------------------------------------
    def live(self, rel):
        return os.path.join(self.root, rel)

    def resolve(self, rel, follow_last=True):
        """``rel`` resolved on the host as the kernel would, links met on the way recorded.

        Returns the archive name the object lives at (``sys/devices/…/sda/size`` for
        ``sys/block/sda/size``), or None when the path leaves the root or loops.
        """
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        done = []
        hops = 0
        while parts:
            name = parts.pop(0)
            if name == "..":
                if done:
                    done.pop()
                continue
            current = "/".join(done + [name])
            try:
                mode = os.lstat(self.live(current)).st_mode
            except OSError:
                return "/".join(done + [name] + parts)   # missing: the caller's read says why
            if stat.S_ISLNK(mode) and (parts or follow_last):
                hops += 1
                if hops > 40:
                    return None
                target = os.readlink(self.live(current))
                self.add_member(current, "link", relative_target("/".join(done), target))
                if target.startswith("/"):
                    done = []
                parts = [p for p in target.split("/") if p not in ("", ".")] + parts
                continue
            done.append(name)
        return "/".join(done)

    def add_member(self, name, kind, data=None):
        self.members.setdefault(name, (kind, data))

    # -- adding ---------------------------------------------------------------------
    def allowed_content(self, name):
        return name.startswith(CONTENT_ROOTS) and not DENIED.search(name)

    def add_file(self, rel, data=None):
        """The contents of ``rel`` (or ``data``, already filtered) at its resolved name."""
        name = self.resolve(rel)
        if name is None or not self.allowed_content(name):
            self.unreadable[rel] = "leads outside the allowlist (%s)" % name
            return False
        if data is None:
            try:
                if not stat.S_ISREG(os.stat(self.live(name)).st_mode):
                    self.unreadable[rel] = "not a regular file"
                    return False
                data = read_file(self.live(name))
            except (IOError, OSError) as exc:
                # absent, an attribute the device cannot answer (carrier of a down link: EINVAL), a process gone
                if exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.EINVAL, errno.ENODEV, errno.ENXIO, errno.ESRCH):
                    self.unreadable[rel] = exc.strerror or str(exc)
                return False
        self.add_member(name, "file", data)
        return True

    def add_link(self, rel):
        """``rel`` itself as a link (``fd/3 -> socket:[123]``), its folder resolved."""
        parent = self.resolve(os.path.dirname(rel))
        try:
            target = os.readlink(self.live(rel))
        except OSError:
            return False
        if parent is None:
            return False
        self.add_member(parent + "/" + os.path.basename(rel), "link", relative_target(parent, target))
        return True

    def add_existence(self, rel):
        """``rel`` exists: stored as the link it is, or as an empty file (no contents leave the host)."""
        if not os.path.lexists(self.live(rel)):
            return False
        if os.path.islink(self.live(rel)):
            return self.add_link(rel)
        name = self.resolve(rel)
        if name is None:
            return False
        if os.path.isdir(self.live(name)):
            self.add_member(name, "dir")
        else:
            self.add_member(name, "file", b"")
            self.placeholders.append(name)
        return True

    def add_dir(self, rel):
        name = self.resolve(rel)
        if name and os.path.isdir(self.live(name)):
            self.add_member(name, "dir")

    def listdir(self, rel):
        try:
            return sorted(os.listdir(self.live(rel)))
        except OSError:
            return []

    # -- sections ---------------------------------------------------------------------
    def gather_cpu(self):
        self.add_file("proc/cpuinfo")
        self.add_file("sys/devices/system/cpu/online")
        self.add_file("proc/sys/kernel/arch")  # absent on most kernels: uname -m is in the live record
        base = "sys/devices/system/cpu"
        for entry in self.listdir(base):
            if re.match(r"^cpu[0-9]+$", entry):
                self.add_file("%s/%s/online" % (base, entry))
                for item in CPU_TOPOLOGY:
                    self.add_file("%s/%s/topology/%s" % (base, entry, item))

    def gather_memory(self):
        for rel in ("proc/meminfo", "sys/firmware/dmi/tables/DMI", "sys/firmware/dmi/tables/smbios_entry_point"):
            self.add_file(rel)
        for key in ("sys_vendor", "product_name", "board_vendor", "bios_vendor"):
            self.add_file("sys/class/dmi/id/" + key)

    def gather_devices(self, classes):
        for base, attributes, links, markers, folders in DEVICE_CLASSES:
            if base not in classes:
                continue
            for entry in self.listdir(base):
                rel = "%s/%s" % (base, entry)
                if os.path.islink(self.live(rel)):
                    self.add_link(rel)
                for attribute in attributes:
                    self.add_file("%s/%s" % (rel, attribute))
                for link in links:
                    self.add_link("%s/%s" % (rel, link))
                for marker in markers:
                    self.add_existence("%s/%s" % (rel, marker))
                for folder in folders:
                    self.add_dir("%s/%s" % (rel, folder))
                    for item in self.listdir("%s/%s" % (rel, folder)):
                        self.add_existence("%s/%s/%s" % (rel, folder, item))

    def gather_storage(self):
        self.gather_devices(("sys/block", "sys/class/block"))
        self.add_file("proc/mounts")

    def gather_network(self):
        self.gather_devices(("sys/class/net", "sys/bus/pci/devices"))
        for name in self.listdir("proc/net/vlan"):
            self.add_file("proc/net/vlan/" + name)

    def gather_os(self):
        for rel in OS_FILES:
            self.add_file(rel)
        for directory, pattern in FILE_GLOBS:
            for name in self.listdir(directory):
                if fnmatch.fnmatch(name, pattern) and os.path.isfile(self.live(directory + "/" + name)):
                    self.add_file(directory + "/" + name)
        for rel in EXISTENCE:
            self.add_existence(rel)
        for rel in DIRECTORIES:
            self.add_dir(rel)
        for key in SYSCTL_KEYS:
            self.add_file("proc/sys/" + key.replace(".", "/"))
        for rel, wanted in sorted(ACCOUNTS.items()):
            self.add_accounts(rel, wanted)
        for wants in self.listdir("etc/systemd/system"):
            if wants.endswith(".wants"):
                for unit in self.listdir("etc/systemd/system/" + wants):
                    self.add_existence("etc/systemd/system/%s/%s" % (wants, unit))
        for kind, directories in (("bin", BIN_DIRS), ("lib", LIB_DIRS)):
            for directory in directories:
                self.add_dir(directory)
                for name in PACKAGE_FILES[kind]:
                    self.add_existence("%s/%s" % (directory, name))

    def add_accounts(self, rel, wanted):
        """etc/passwd and etc/group reduced to the line of the openGauss user or group."""
        try:
            text = read_file(self.live(rel)).decode("utf-8", "replace")
        except (IOError, OSError) as exc:
            self.unreadable[rel] = exc.strerror or str(exc)
            return
        kept = [line for line in text.splitlines() if line.split(":", 1)[0] == wanted]
        self.add_file(rel, ("".join(line + "\n" for line in kept)).encode("utf-8"))

    def gather_processes(self):
        """Per process: its name, argv[0] (never the arguments), cgroup, PID namespace, listening sockets."""
        self.add_file("proc/net/tcp")
        self.add_file("proc/net/tcp6")
        listening = set()
        for rel in ("proc/net/tcp", "proc/net/tcp6"):
            name = self.resolve(rel)
            member = self.members.get(name)
            if member and member[0] == "file":
                listening.update(listening_inodes(member[1].decode("ascii", "replace")))
        pids = [entry for entry in self.listdir("proc") if entry.isdigit()]
        for pid in pids:
            base = "proc/" + pid
            if not self.add_file(base + "/comm"):
                continue
            try:
                argv0 = read_file(self.live(base + "/cmdline")).split(b"\0")[0]
                self.add_file(base + "/cmdline", argv0 + b"\0" if argv0 else b"")
            except (IOError, OSError):
                pass
            self.add_file(base + "/cgroup")
            self.add_link(base + "/ns/pid")
            for fd in self.listdir(base + "/fd"):
                try:
                    target = os.readlink(self.live("%s/fd/%s" % (base, fd)))
                except OSError:
                    continue
                match = re.match(r"^socket:\[(\d+)\]$", target)
                if match and int(match.group(1)) in listening:
                    self.add_link("%s/fd/%s" % (base, fd))
        environ = self.live("proc/1/environ")
        try:
            items = read_file(environ, 65536).split(b"\0")
            # only the container marker systemd-detect-virt looks at: PID 1's environment may hold secrets
            kept = [item for item in items if item.startswith(b"container=")]
            self.add_member("proc/1/environ", "file", b"".join(item + b"\0" for item in kept))
        except (IOError, OSError):
            pass
        return len(pids)


def listening_inodes(text):
    """Inodes of the listening TCP sockets (state 0A) in a proc/net/tcp table."""
    inodes = set()
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) > 9 and fields[3] == "0A" and fields[9].isdigit():
            inodes.add(int(fields[9]))
    return inodes


def run_command(argv, timeout=20):
    env = dict(os.environ, LC_ALL="C", LANG="C")
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                env=env, universal_newlines=True, errors="replace")
    except (IOError, OSError) as exc:
        return {"rc": None, "stdout": "", "error": "%s: %s" % (argv[0], exc.strerror or exc)}
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"rc": None, "stdout": "", "error": "%s timed out after %ss" % (argv[0], timeout)}
    return {"rc": proc.returncode, "stdout": out, "error": err.strip()[-500:]}


def firewall_rules(privileged):
    """The live rule sets the audit judges (root only, as on a live audit)."""
    if not privileged:
        return {}
    return {" ".join(argv): run_command(argv) for argv in (["nft", "list", "ruleset"], ["iptables", "-S", "INPUT"])}


def data_dir_space(snapshot, data_dir):
    """The data directory's nearest existing folder (kept in the archive, as the audit looks for it),
    and on the server its statvfs and the block device under it."""
    measured = os.path.normpath(data_dir)
    while measured not in ("/", "") and not os.path.isdir(snapshot.live(measured.lstrip("/"))):
        measured = os.path.dirname(measured)
    measured = measured or "/"
    if measured != "/":
        snapshot.add_dir(measured.lstrip("/"))
    if snapshot.root != "/":
        return {}
    record = {"path": data_dir, "measured": measured}
    try:
        vfs = os.statvfs(measured)
        record.update(free_bytes=vfs.f_bavail * vfs.f_frsize, size_bytes=vfs.f_blocks * vfs.f_frsize)
        dev = os.stat(measured).st_dev
        link = "/sys/dev/block/%d:%d" % (os.major(dev), os.minor(dev))
        record["block"] = os.path.basename(os.path.realpath(link)) if os.path.exists(link) else None
    except OSError as exc:
        record["error"] = "statvfs %s: %s" % (measured, exc.strerror)
    return {measured: record}


# --- network probes: split_target, tcp_connect, measure_download and run_probes are verbatim copies
# of fepkit's plugins/module_utils/fep/probes.py (the hospital gets one file; tests/unit/test_snapshot_tool.py
# keeps them equal), so a probe made here measures what the live audit's probe measures
PROBE_KINDS = (("egress", 8888), ("gov_extranet", 443), ("health_private", 443))
# the live audit's download bounds: recorded with the measurement
BANDWIDTH_SECONDS = 5
BANDWIDTH_MAX_BYTES = 50 * 1024 * 1024


def split_target(target, default_port):
    """``"host:port"`` / ``"[v6]:port"`` / ``"host"`` -> ``(host, port)``."""
    target = str(target).strip()
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port = rest.lstrip(":") or default_port
    elif target.count(":") == 1:
        host, port = target.split(":")
    else:
        host, port = target, default_port
    return host, int(port)


def tcp_connect(target, default_port, timeout):
    """Try one TCP connection: ``{target, ok, ms, error}``."""
    try:
        host, port = split_target(target, default_port)
    except ValueError:
        return {"target": target, "ok": False, "ms": None, "error": "malformed target"}
    started = time.time()
    try:
        conn = socket.create_connection((host, port), timeout=timeout)
        conn.close()
    except (socket.error, OSError) as exc:
        return {"target": "%s:%s" % (host, port), "ok": False, "ms": None,
                "error": getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__}
    return {"target": "%s:%s" % (host, port), "ok": True,
            "ms": int((time.time() - started) * 1000), "error": None}


def measure_download(url, seconds, max_bytes, timeout):
    """Download from ``url`` for at most ``seconds``/``max_bytes``; Mbit/s achieved."""
    # imported here: ssl + urllib.request cost the target ~17 ms of start-up on every audit,
    # and only a configured bandwidth probe needs them
    import ssl
    from urllib.request import Request, urlopen
    context = ssl.create_default_context()
    # a throughput probe, not a trust decision: the platform may use a
    # private CA the server does not know yet
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    started = time.time()
    received = 0
    try:
        request = Request(url, headers={"User-Agent": "fepkit-bandwidth-probe"})
        kwargs = {"timeout": timeout}
        if url.startswith("https:"):
            kwargs["context"] = context
        response = urlopen(request, **kwargs)
        try:
            while received < max_bytes and time.time() - started < seconds:
                chunk = response.read(65536)
                if not chunk:
                    break
                received += len(chunk)
        finally:
            response.close()
    except Exception as exc:  # noqa: BLE001 - any failure is the probe's answer
        return {"url": url, "mbps": None, "bytes": received, "error": str(exc) or exc.__class__.__name__}
    elapsed = max(time.time() - started, 1e-3)
    return {"url": url, "mbps": round(received * 8 / elapsed / 1e6, 2), "bytes": received,
            "seconds": round(elapsed, 2), "error": None}


def run_probes(config):
    """Run the configured probes; an empty config runs nothing."""
    timeout = float(config.get("timeout", 3))
    results = {}
    for name, default_port in PROBE_KINDS:
        targets = config.get(name) or []
        if targets:
            results[name] = [tcp_connect(t, default_port, timeout) for t in targets]
    url = config.get("bandwidth_url")
    if url:
        results["bandwidth"] = measure_download(
            url, float(config.get("bandwidth_seconds", BANDWIDTH_SECONDS)),
            int(config.get("bandwidth_max_bytes", BANDWIDTH_MAX_BYTES)), timeout)
    return results


def probe_summary(results):
    """One progress line: each target reached or not, and the bandwidth measured."""
    parts = ["%s %s" % (o["target"], "ok" if o["ok"] else o["error"])
             for kind, _port in PROBE_KINDS for o in results.get(kind, ())]
    bandwidth = results.get("bandwidth")
    if bandwidth:
        parts.append("%s %s" % (bandwidth["url"], "%s Mbit/s" % bandwidth["mbps"] if bandwidth["mbps"] is not None
                                else "下载失败 / download failed: %s" % bandwidth["error"]))
    return ", ".join(parts)


def hospital_from(args):
    hospital = {"name": args.hospital, "ownership": args.ownership,
                "division": {"province": args.province, "city": args.city, "county": args.county},
                "contact": {"name": args.contact_name, "mobile": args.contact_mobile}}
    hospital["division"] = {k: v for k, v in hospital["division"].items() if v}
    hospital["contact"] = {k: v for k, v in hospital["contact"].items() if v}
    return {k: v for k, v in hospital.items() if v}


def build_archive(members, manifest):
    """The .tar.gz bytes: members sorted, folders first, owned by root, the manifest last."""
    buffer = io.BytesIO()
    now = int(time.time())
    with tarfile.open(fileobj=buffer, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        folders = set()
        for name in members:
            parts = name.split("/")
            folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
        folders.update(name for name, (kind, _) in members.items() if kind == "dir")
        entries = [(name, "dir", None) for name in sorted(folders)]
        entries += [(name, kind, data) for name, (kind, data) in sorted(members.items()) if kind != "dir"]
        entries.append((MANIFEST, "file", json.dumps(manifest, indent=1, sort_keys=True,
                                                     ensure_ascii=False).encode("utf-8")))
        for name, kind, data in entries:
            info = tarfile.TarInfo(name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = now, 0, 0, "root", "root"
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif kind == "link":
                info.type, info.mode, info.linkname = tarfile.SYMTYPE, 0o777, data
                tar.addfile(info)
            else:
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def member_index(members):
    index = {}
    for name, (kind, data) in sorted(members.items()):
        if kind == "file":
            index[name] = {"type": "file", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        elif kind == "link":
            index[name] = {"type": "link", "target": data}
        else:
            index[name] = {"type": "dir"}
    return index


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="fep_snapshot.py",
        description="fepkit 快照采集：把本服务器的审计所需信息打包成一个文件，交给地区审计人员。"
                    " / fepkit snapshot: pack what the audit needs from this server into one file.")
    parser.add_argument("--output", required=True,
                        help="输出文件，- 为标准输出 / archive to write (.tar.gz), - for standard output")
    parser.add_argument("--hospital", help="医院名称 / hospital name (survey header)")
    parser.add_argument("--level", choices=("2", "3"), help="医院等级 2=二级 3=三级 / hospital level")
    parser.add_argument("--ownership", choices=("公立", "民营", "public", "private"), help="机构性质 / ownership")
    parser.add_argument("--province", help="省 / province")
    parser.add_argument("--city", help="市 / city")
    parser.add_argument("--county", help="县（市、区）/ county")
    parser.add_argument("--contact-name", help="前置软件负责人 / contact name")
    parser.add_argument("--contact-mobile", help="负责人手机号 / contact mobile (11 digits)")
    parser.add_argument("--opengauss-data-dir", default="/opt/openGauss/data",
                        help="openGauss 数据目录 / data directory (default /opt/openGauss/data)")
    parser.add_argument("--national-platform", action="append", default=[], metavar="HOST[:PORT]",
                        help="探测国家平台 8888 / probe the national platform (repeatable)")
    parser.add_argument("--gov-extranet", action="append", default=[], metavar="HOST[:PORT]",
                        help="探测政务外网目标 / probe an e-government extranet target (repeatable)")
    parser.add_argument("--health-private", action="append", default=[], metavar="HOST[:PORT]",
                        help="探测卫生专网目标 / probe a health private network target (repeatable)")
    parser.add_argument("--bandwidth-url", metavar="URL",
                        help="带宽测试：从该地址下载至多 %d 秒 / %d MiB（与地区清单的 fep_bandwidth_probe_url 相同）"
                             " / bandwidth probe: download from URL for at most %d s / %d MiB (the region's "
                             "fep_bandwidth_probe_url)" % ((BANDWIDTH_SECONDS, BANDWIDTH_MAX_BYTES // 2 ** 20) * 2))
    parser.add_argument("--probe-timeout", type=float, default=3.0, help="每次探测秒数 / seconds per probe")
    parser.add_argument("--root", default="/", help=argparse.SUPPRESS)  # tests: a fake server tree
    args = parser.parse_args(argv)
    if args.contact_mobile and not MOBILE.match(args.contact_mobile.strip()):
        parser.error("--contact-mobile: 11 位手机号 / an 11-digit mobile number starting with 1")
    if args.probe_timeout <= 0 or args.probe_timeout > 60:
        parser.error("--probe-timeout: 0-60 seconds")
    # the audit's own rule for fep_bandwidth_probe_url (checks/inputs.py)
    if args.bandwidth_url is not None and not re.match(r"^https?://[^\s/]+", args.bandwidth_url):
        parser.error("--bandwidth-url: an http(s) URL / 须为 http(s) 地址")
    return args


def progress(index, key, text):
    zh, en = next((zh, en) for name, zh, en in SECTIONS if name == key)
    sys.stderr.write("[%d/%d] %s / %s: %s\n" % (index, len(SECTIONS), zh, en, text))
    sys.stderr.flush()


def collect(args):
    """The archive's members, manifest and live records; prints a progress line per section."""
    snapshot = Snapshot(args.root)
    on_host = snapshot.root == "/"
    privileged = on_host and hasattr(os, "geteuid") and os.geteuid() == 0
    steps = (
        ("cpu", snapshot.gather_cpu), ("memory", snapshot.gather_memory), ("storage", snapshot.gather_storage),
        ("network", snapshot.gather_network), ("os", snapshot.gather_os),
    )
    live = {"format": 1, "uname": {"machine": os.uname()[4]} if on_host else {}}
    index = 0
    for index, (key, step) in enumerate(steps, 1):
        before = len(snapshot.members)
        step()
        progress(index, key, "%d 项 / items" % (len(snapshot.members) - before))
    pids = snapshot.gather_processes()
    progress(6, "processes", "%d 个进程 / processes" % pids)
    live["commands"] = firewall_rules(privileged)
    progress(7, "firewall", "已读取 / read" if live["commands"] else "需要 root，未读取 / needs root, not read")
    live["statvfs"] = data_dir_space(snapshot, args.opengauss_data_dir)
    progress(8, "datadir", ", ".join("%s: %s" % (k, v.get("error") or "%.1f GiB free" % (v["free_bytes"] / 2.0 ** 30))
                                     for k, v in live["statvfs"].items()) or "-")
    probe_config = {"egress": args.national_platform, "gov_extranet": args.gov_extranet,
                    "health_private": args.health_private, "bandwidth_url": args.bandwidth_url}
    probe_config = {k: v for k, v in probe_config.items() if v}
    if probe_config and on_host:
        probe_config["timeout"] = args.probe_timeout
        if args.bandwidth_url:
            probe_config.update(bandwidth_seconds=BANDWIDTH_SECONDS, bandwidth_max_bytes=BANDWIDTH_MAX_BYTES)
        live["probes"] = {"config": probe_config, "results": run_probes(probe_config)}
        progress(9, "probes", probe_summary(live["probes"]["results"]))
    else:
        progress(9, "probes", "未指定目标，跳过 / no targets given, skipped")
    snapshot.add_member(LIVE, "file", json.dumps(live, indent=1, sort_keys=True).encode("utf-8"))
    hostname = socket.gethostname() if on_host else os.path.basename(snapshot.root)
    manifest = {
        "format": 1,
        "collector": {"name": "fep_snapshot", "version": VERSION},
        "created": datetime.datetime.utcnow().replace(microsecond=0).isoformat() + "Z",
        "host": {"hostname": hostname, "python": "%d.%d.%d" % tuple(sys.version_info[:3]),
                 "privileged": privileged},
        "hospital": hospital_from(args),
        "level": int(args.level) if args.level else None,
        "options": {"opengauss_data_dir": args.opengauss_data_dir, "probes": live.get("probes", {}).get("config", {})},
        "unreadable": snapshot.unreadable,
        "placeholders": sorted(snapshot.placeholders),
        "members": member_index(snapshot.members),
    }
    return snapshot, manifest


def summary(snapshot, manifest, output, size):
    groups = {}
    for name in snapshot.members:
        top = name.split("/", 1)[0]
        groups[top] = groups.get(top, 0) + 1
    hospital = manifest["hospital"]
    lines = [
        "",
        "完成 / done: %s (%s, %d 个成员 / members)" % (
            output, "%.1f MiB" % (size / 2.0 ** 20) if size >= 2 ** 20 else "%d KiB" % max(1, size // 1024),
            len(snapshot.members) + 1),
        "  内容 / contents: " + ", ".join("%s/ %d" % (k, v) for k, v in sorted(groups.items())),
        "  不含 / never included: /etc/shadow、密钥 keys、/home、/root、日志 logs、进程参数 process arguments;"
        " passwd/group 仅保留 omm/dbgrp / only omm and dbgrp",
        "  医院 / hospital: %s, 等级 / level: %s, 联系人 / contact: %s" % (
            hospital.get("name") or "-", manifest["level"] or "-",
            "已填写 / given" if hospital.get("contact") else "-"),
        "  root: %s" % ("是 / yes" if manifest["host"]["privileged"] else
                         "否：SMBIOS、其他用户进程的端口、防火墙规则未读取 / no: SMBIOS, other users' sockets, "
                         "firewall rules not read (run with sudo)"),
    ]
    if snapshot.unreadable:
        lines.append("  未能读取 / not read: %d (%s)" % (len(snapshot.unreadable),
                                                      ", ".join(sorted(snapshot.unreadable)[:5])))
    lines.append("  清单 / manifest: %s (每个成员的 sha256 / sha256 of every member)" % MANIFEST)
    lines.append("请将此文件发送给地区审计人员 / send this file to the regional audit team.")
    return "\n".join(lines) + "\n"


def write_output(path, data):
    """The only write: the archive, readable by its owner only (it names the hospital's contact);
    ``-`` is standard output (``ssh server python3 - --output - < fep_snapshot.py > x.tar.gz``)."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    output = args.output if args.output == "-" else os.path.abspath(args.output)
    if output != "-" and not os.path.isdir(os.path.dirname(output)):
        sys.stderr.write("fep_snapshot: folder of --output does not exist: %s\n" % os.path.dirname(output))
        return 2
    snapshot, manifest = collect(args)
    data = build_archive(snapshot.members, manifest)
    try:
        write_output(output, data)
    except (IOError, OSError) as exc:
        sys.stderr.write("fep_snapshot: cannot write %s: %s\n" % (output, exc.strerror or exc))
        return 2
    sys.stderr.write(summary(snapshot, manifest, "(stdout)" if output == "-" else output, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
