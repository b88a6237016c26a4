# -*- coding: utf-8 -*-
"""Facts only the openGauss prerequisites need (the ``opengauss`` section).

The kernel settings (sysctls, THP, limits, RemoveIPC …) are gathered with the
security posture (security.py) and the disks' IO queues with the disks
(disks.py); this module adds what nothing else reads: the filesystem and
disks under the database's data directory, the packages the installer needs
(by file evidence: no rpm/dpkg call per package), the ``omm``/``dbgrp``
accounts and the time-zone offset.  Files only, so a snapshot works; the free
space of the data directory needs the live host (statvfs), or the record
tools/fep_snapshot.py made of it there.
"""
import os
import time

from . import opengauss_spec as spec


def parse_mounts(text):
    """Every entry of ``proc/mounts``: ``[{device, mountpoint, fstype, options}]`` (pseudo ones too)."""
    entries = []
    for line in (text or "").splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        entries.append({"device": fields[0], "mountpoint": fields[1].replace("\\040", " "),
                        "fstype": fields[2], "options": fields[3] if len(fields) > 3 else ""})
    return entries


def containing_mount(entries, path):
    """The mount ``path`` lives on: the longest mount point that is a prefix of it (last mounted wins)."""
    best, best_length = None, -1
    for entry in entries:
        point = entry["mountpoint"].rstrip("/")  # "/" becomes "": a prefix of every path
        if path == point or path.startswith(point + "/"):
            if len(point) >= best_length:
                best, best_length = entry, len(point)
    return best


def nearest_existing(reader, path):
    """``path`` itself, or its nearest existing parent (the directory the installer would create it in)."""
    current = os.path.normpath(path)
    while current not in ("/", "") and not reader.isdir(current):
        current = os.path.dirname(current)
    return current or "/"


def device_block_name(reader, device):
    """The sysfs block name (``sda2``, ``dm-0``) of a mount's device path, or None."""
    if not device or not device.startswith("/dev/"):
        return None
    name = device[len("/dev/"):]
    if name.startswith("mapper/"):
        wanted = name[len("mapper/"):]
        for entry in reader.listdir("sys/block"):
            if entry.startswith("dm-") and reader.read_value("sys/block/%s/dm/name" % entry) == wanted:
                return entry
        return None
    return name if reader.exists("sys/class/block/" + name) else None


def stat_block_name(reader, path):
    """The block device holding ``path`` on a live host, from its st_dev (None for overlay, btrfs …)."""
    try:
        dev = os.stat(reader.path(path)).st_dev
    except OSError:
        return None
    link = "sys/dev/block/%d:%d" % (os.major(dev), os.minor(dev))
    if not reader.exists(link):
        return None
    return os.path.basename(reader.realpath(link) or "") or None


def whole_disks(reader, name, depth=0):
    """Whole disks under block device ``name``: a partition's disk, a volume's slaves, recursively."""
    base = "sys/class/block/" + name
    if depth > 8 or not reader.exists(base):
        return []
    if reader.exists(base + "/partition"):
        # sys/class/block/sda2 -> ../../devices/…/block/sda/sda2: the parent folder is the disk
        real = reader.realpath(base)
        return [os.path.basename(os.path.dirname(real))] if real else []
    slaves = reader.listdir(base + "/slaves")
    if not slaves:
        return [name]
    disks = []
    for slave in slaves:
        for disk in whole_disks(reader, slave, depth + 1):
            if disk not in disks:
                disks.append(disk)
    return sorted(disks)


def recorded_space(reader, measured, facts):
    """Free space of ``measured`` as tools/fep_snapshot.py recorded it on the live server; the
    block device it saw under it (or None).  Unknown when the snapshot measured another folder."""
    record = (reader.recorded("statvfs") or {}).get(measured)
    if not isinstance(record, dict) or not isinstance(record.get("free_bytes"), int):
        recorded = sorted(reader.recorded("statvfs") or {})
        reader.mark_unknown("opengauss.data_dir.free_bytes", "free space needs the live host" + (
            " (the snapshot measured %s, not %s)" % (", ".join(recorded), measured) if recorded else ""),
            warn=False)
        return None
    facts["free_bytes"] = record["free_bytes"]
    facts["size_bytes"] = record.get("size_bytes") if isinstance(record.get("size_bytes"), int) else None
    block = record.get("block")
    return block if isinstance(block, str) and "/" not in block else None


def gather_data_dir(reader, path, mount_entries):
    """Filesystem, free space and disks under the database's data directory."""
    measured = nearest_existing(reader, path)
    mount = containing_mount(mount_entries, measured) or {}
    facts = {"path": path, "exists": measured == os.path.normpath(path), "measured": measured,
             "mountpoint": mount.get("mountpoint"), "fstype": mount.get("fstype"),
             "device": mount.get("device"), "free_bytes": None, "size_bytes": None, "disks": []}
    recorded_block = None
    if reader.live:
        try:
            stat = os.statvfs(reader.path(measured))
            facts["free_bytes"] = stat.f_bavail * stat.f_frsize
            facts["size_bytes"] = stat.f_blocks * stat.f_frsize
        except OSError as exc:
            reader.mark_unknown("opengauss.data_dir.free_bytes", "statvfs %s: %s" % (measured, exc.strerror))
    else:
        recorded_block = recorded_space(reader, measured, facts)
    name = (stat_block_name(reader, measured) if reader.live else recorded_block) or device_block_name(
        reader, mount.get("device"))
    if name:
        facts["disks"] = whole_disks(reader, name)
    if not facts["disks"]:
        reader.mark_unknown("opengauss.data_dir.disks", "no block device behind %s (%s on %s)" % (
            measured, mount.get("fstype") or "no mount", mount.get("device") or "?"), warn=False)
    return facts


def gather_packages(reader):
    """Where the installer's packages show: a binary in the PATH directories, a library by its SONAME."""
    lib_dirs, seen = [], set()
    for directory in spec.LIB_DIRS:
        real = reader.realpath(directory)
        # merged /usr: /lib and /lib64 are links to /usr/lib*; look in each directory once
        if real not in seen and reader.isdir(directory):
            seen.add(real)
            lib_dirs.append(directory)
    found = {}
    for name, (kind, files, _rpm, _deb, _required) in spec.PACKAGES.items():
        found[name] = None
        for directory in spec.BIN_DIRS if kind == "bin" else lib_dirs:
            match = next((f for f in files if reader.exists("%s/%s" % (directory, f))), None)
            if match:
                found[name] = "/%s/%s" % (directory, match)
                break
    if not lib_dirs:
        reader.mark_unknown("opengauss.packages", "no library directory (usr/lib64, usr/lib …) under the root")
    return {"searched": ["/" + d for d in lib_dirs], "found": found}


def _colon_fields(text, name):
    for line in (text or "").splitlines():
        fields = line.split(":")
        if fields and fields[0] == name:
            return fields
    return None


def gather_accounts(reader):
    """The database user and group from etc/passwd and etc/group (only those two: no other account leaves the host)."""
    passwd = reader.read_text("etc/passwd")
    group = reader.read_text("etc/group")
    if passwd is None or group is None:
        reader.mark_unknown("opengauss.accounts", "etc/passwd or etc/group unreadable")
        return None
    user_fields = _colon_fields(passwd, spec.USER)
    group_fields = _colon_fields(group, spec.GROUP)
    user = None
    if user_fields and len(user_fields) >= 4:
        user = {"name": spec.USER, "uid": _int(user_fields[2]), "gid": _int(user_fields[3])}
    found_group = None
    if group_fields and len(group_fields) >= 3:
        members = [m for m in (group_fields[3] if len(group_fields) > 3 else "").split(",") if m]
        found_group = {"name": spec.GROUP, "gid": _int(group_fields[2]), "members": members}
    return {"user": user, "group": found_group}


def _int(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        return None


def parse_posix_tz_offset(text):
    """Standard UTC offset (``+0800``) of a POSIX TZ string such as ``CST-8`` or ``<+0545>-5:45``."""
    text = (text or "").strip()
    index = 0
    if text.startswith("<"):
        index = text.find(">") + 1
        if index <= 0:
            return None
    else:
        while index < len(text) and text[index].isalpha():
            index += 1
    if index == 0 or index >= len(text):
        return None
    sign = -1  # POSIX counts west of Greenwich positive: "EST5" is UTC-5, "CST-8" UTC+8
    if text[index] in "+-":
        sign = -1 if text[index] == "+" else 1
        index += 1
    digits = ""
    while index < len(text) and (text[index].isdigit() or text[index] == ":"):
        digits += text[index]
        index += 1
    parts = [p for p in digits.split(":") if p]
    if not parts:
        return None
    minutes = int(parts[0]) * 60 + (int(parts[1]) if len(parts) > 1 else 0)
    minutes *= sign
    return "%s%02d%02d" % ("+" if minutes >= 0 else "-", abs(minutes) // 60, abs(minutes) % 60)


def tzif_offset(data):
    """Standard offset from a TZif (v2+) file: its footer line is a POSIX TZ string."""
    if not data or not data.startswith(b"TZif") or data[4:5] not in (b"2", b"3", b"4"):
        return None
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    try:
        return parse_posix_tz_offset(footer.decode("ascii"))
    except UnicodeDecodeError:
        return None


def gather_timezone_offset(reader):
    """The local time's standard UTC offset, as ``date -R`` prints it (gs_checkos A4)."""
    offset = tzif_offset(reader.read_bytes("etc/localtime", limit=65536))
    if offset is None and reader.live:
        seconds = -time.timezone
        offset = "%s%02d%02d" % ("+" if seconds >= 0 else "-", abs(seconds) // 3600, abs(seconds) % 3600 // 60)
    if offset is None:
        reader.mark_unknown("opengauss.timezone_offset", "etc/localtime is not a readable TZif file", warn=False)
    return offset


def logind_present(reader):
    """True when systemd-logind (and with it RemoveIPC) exists on the host."""
    return any(reader.exists(rel) for rel in (
        "etc/systemd/logind.conf", "usr/lib/systemd/systemd-logind", "lib/systemd/systemd-logind",
        "usr/lib/systemd/logind.conf"))


def gather_opengauss(reader, data_dir, mount_entries):
    """The ``opengauss`` fact section."""
    return {
        "data_dir": gather_data_dir(reader, data_dir or spec.DATA_DIR, mount_entries),
        "packages": gather_packages(reader),
        "accounts": gather_accounts(reader),
        "timezone_offset": gather_timezone_offset(reader),
        "logind": logind_present(reader),
    }
