# -*- coding: utf-8 -*-
"""Pure logic of the ``fep_opengauss_prereqs`` role (issue 6).

The role makes a host pass the openGauss installer's own checks
(``gs_preinstall`` → ``gs_checkos``).  What it decides lives here as pure
functions, shared by the role's modules (on the target) and its filter
plugin (on the controller, ``plugins/filter/opengauss_role.py``):

- which vars files describe the OS, from ``/etc/os-release`` (ansible-core
  misclassifies UOS and Kylin);
- which sysctl keys a container may apply and which only the host kernel
  can take (``net.*`` belongs to the network namespace, ``kernel.sem`` /
  ``kernel.shm*`` to the IPC namespace, the rest is host-wide);
- the values computed per host (``vm.min_free_kbytes`` from RAM, the
  reserved ports of the database merged with those already reserved);
- validation of the role's inputs beyond what ``argument_specs`` can say.

Standard library only, Python 3.6+: the role's modules import it on
hospital servers.
"""
import fnmatch
import re

from . import opengauss_spec as spec
from .osinfo import UOS_SERVER_EDITIONS, classify_os

# Package-manager families the role has vars for.
SUPPORTED_FAMILIES = ("rpm", "deb")

# Keys that exist only on some kernels: absent means "not applicable", not
# "missing" (net.ipv4.tcp_tw_recycle was removed in Linux 4.12).
OPTIONAL_SYSCTLS = spec.SYSCTL_IF_PRESENT

# The installer reserves the database port and the seven after it
# (port .. port+7) in net.ipv4.ip_local_reserved_ports.
RESERVED_PORT_SPAN = spec.PORT_SPAN

# IPC-namespaced keys (a container has its own); every other kernel.*,
# vm.* and fs.* key is host-wide.
IPC_SYSCTLS = ("kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
               "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.shm_rmid_forced")

SCHEDULER_ALIASES = {"deadline": ("deadline", "mq-deadline"), "mq-deadline": ("mq-deadline", "deadline")}

_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_SYSCTL_KEY = re.compile(r"^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$")
_DISK_GLOB = re.compile(r"^[A-Za-z0-9*?\[\]!_-]+$")
_LOCALE = re.compile(r"^[A-Za-z]{1,8}(_[A-Za-z]{2})?(\.[A-Za-z0-9-]+)?(@[A-Za-z0-9]+)?$")
_TIMEZONE = re.compile(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")


# -- which OS --------------------------------------------------------------

def _major(version_id):
    match = re.match(r"^\D*(\d+)", version_id or "")
    return match.group(1) if match else None


def platform_of(fields):
    """The role's view of an OS described by os-release ``fields``.

    ``vars_files`` lists the role's vars files from the most to the least
    specific (``first_found`` picks the first that exists):
    ``<id>-<major><edition>.yml`` (UOS a/e editions), ``<id>-<major>.yml``,
    ``<id>.yml``, then the package family (``rpm.yml`` / ``deb.yml``).
    ``problem`` is a sentence when the role cannot prepare this OS.
    """
    info = classify_os(fields or {})
    os_id = (info["id"] or "").lower()
    major = _major(info["version_id"])
    edition = None
    if os_id == "uos":
        found = (UOS_SERVER_EDITIONS.get((info["platform_id"] or "").lower())
                 or UOS_SERVER_EDITIONS.get((info["codename"] or "").lower()))
        edition = found[0] if found else None
    candidates = []
    if os_id and major and edition:
        candidates.append("%s-%s%s.yml" % (os_id, major, edition))
    if os_id and major:
        candidates.append("%s-%s.yml" % (os_id, major))
    if os_id:
        candidates.append("%s.yml" % os_id)
    family = info["pkg_mgr_family"]
    if family:
        candidates.append("%s.yml" % family)
    name = info["pretty_name"] or info["name"] or info["id"] or "unknown OS"
    problem = None
    if not os_id:
        problem = "no /etc/os-release ID: the OS cannot be recognised"
    elif family not in SUPPORTED_FAMILIES or info["pkg_mgr"] not in ("dnf", "yum", "apt"):
        problem = ("%s (ID=%s) uses no package manager this role knows (dnf, yum or apt)"
                   % (name, info["id"]))
    return {
        "id": os_id or None, "name": name, "category": info["category"],
        "family": family, "pkg_mgr": info["pkg_mgr"], "major": major, "edition": edition,
        "server_edition": info["server_edition"], "vars_files": candidates, "problem": problem,
    }


# -- sysctl ------------------------------------------------------------------

def normalise(value):
    """A sysctl value as the kernel prints it, whitespace collapsed."""
    return " ".join(str(value).split())


def sysctl_scope(key):
    """``net`` (network namespace), ``ipc`` (IPC namespace) or ``host`` (host-wide)."""
    if key.startswith("net."):
        return "net"
    if key in IPC_SYSCTLS:
        return "ipc"
    return "host"


def min_free_kbytes(memtotal_kb, percent):
    """``vm.min_free_kbytes`` the installer expects: ``percent`` % of RAM (MemTotal)."""
    return int(int(memtotal_kb) * float(percent) / 100)


def parse_port_list(text):
    """Ports of a ``ip_local_reserved_ports`` value ("5432-5439,8080") as a set."""
    ports = set()
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        low, high = int(low), int(high or low)
        if low > high:
            low, high = high, low
        ports.update(range(low, high + 1))
    return ports


def format_port_list(ports):
    """The kernel's own format: sorted, consecutive ports as ranges."""
    ranges, ordered = [], sorted(ports)
    for port in ordered:
        if ranges and port == ranges[-1][1] + 1:
            ranges[-1][1] = port
        else:
            ranges.append([port, port])
    return ",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in ranges)


def reserved_ports(current, port, span=RESERVED_PORT_SPAN):
    """``current`` reserved ports plus the database's ``port .. port+span-1``.

    Merged, never replaced: ports another service of the hospital reserved
    stay reserved.
    """
    wanted = set(range(int(port), int(port) + span))
    return format_port_list(parse_port_list(current) | wanted)


def sysctl_values(mandatory, suggested, overrides, host, percent, port, aio_max_nr):
    """The complete ``{key: value}`` the role persists and applies on one host.

    ``host`` is what ``fep_opengauss_host`` read: ``memtotal_kb``, the
    current ``sysctl`` values it was asked for and the ``absent_sysctls``
    (optional keys this kernel lacks, left out).  ``suggested`` may be empty
    (not wanted).  Computed per host: ``vm.min_free_kbytes`` from RAM, the
    reserved ports merged with those already reserved, ``fs.aio-max-nr``
    raised to ``aio_max_nr`` but never lowered.  ``overrides`` win over all.
    """
    current = host.get("sysctl") or {}
    values = {}
    for table in (mandatory or {}, suggested or {}):
        values.update((key, normalise(value)) for key, value in table.items())
    if host.get("memtotal_kb"):
        values["vm.min_free_kbytes"] = str(min_free_kbytes(host["memtotal_kb"], percent))
    values["net.ipv4.ip_local_reserved_ports"] = reserved_ports(
        current.get("net.ipv4.ip_local_reserved_ports"), port)
    try:
        aio_now = int(current.get("fs.aio-max-nr") or 0)
    except ValueError:
        aio_now = 0
    values["fs.aio-max-nr"] = str(max(aio_now, int(aio_max_nr)))
    values.update((key, normalise(value)) for key, value in (overrides or {}).items())
    for key in host.get("absent_sysctls") or ():
        values.pop(key, None)
    return values


# -- block devices -------------------------------------------------------------

def matching_disks(names, patterns):
    """Block device names matching any of the shell-glob ``patterns`` (as udev's KERNEL==)."""
    return [name for name in sorted(names) if any(fnmatch.fnmatchcase(name, p) for p in patterns)]


def active_scheduler(text):
    """``("mq-deadline", ["none", "mq-deadline", "kyber"])`` from a scheduler file."""
    words = (text or "").split()
    active = next((w.strip("[]") for w in words if w.startswith("[")), None)
    return active, [w.strip("[]") for w in words]


def scheduler_ok(active, wanted):
    """``deadline`` and ``mq-deadline`` are the same elevator on blk-mq kernels."""
    return active in SCHEDULER_ALIASES.get(wanted, (wanted,))


# -- locale ----------------------------------------------------------------------

def _locale_key(name):
    """``en_US.UTF-8`` and ``en_US.utf8`` (how ``locale -a`` lists it) are one locale."""
    lang, _, codeset = (name or "").partition(".")
    codeset, _, modifier = codeset.partition("@")
    return (lang, codeset.lower().replace("-", ""), modifier)


def locale_installed(lang, installed):
    """True when ``lang`` is among the ``locale -a`` names ``installed`` (C and POSIX always are)."""
    if _locale_key(lang)[0] in ("C", "POSIX") and not _locale_key(lang)[1]:
        return True
    wanted = _locale_key(lang)
    return any(_locale_key(name) == wanted for name in installed or ())


# -- SELinux -----------------------------------------------------------------------

def selinux_config_value(configured, wanted):
    """What SELINUX= in /etc/selinux/config becomes, or None to leave the file alone.

    A configuration that already says ``disabled`` is left alone whatever is
    wanted: writing ``permissive`` there would turn SELinux on at the next
    boot (with a relabel of every file).
    """
    if configured == "disabled" or configured == wanted:
        return None
    return wanted


# -- what to do now, per setting ------------------------------------------------------

# Why a setting was persisted but not applied now.  ``host-kernel``: the
# setting belongs to the host's kernel and this host is a container (its
# /proc/sys or /sys is read-only, or the key is host-wide); ``reboot``: only
# a reboot applies it (the role never reboots); ``unavailable``: this kernel
# lacks the key or the scheduler.
PENDING_TEXT = {
    "host-kernel": (
        "容器内无法修改（由宿主机内核或容器引擎决定）：已写入配置文件，在物理机/虚拟机上开机时生效",
        "cannot change inside a container (the host kernel or the container engine decides): "
        "persisted, applied at boot on a real host"),
    "reboot": ("需要重启后生效（本角色不会自动重启）", "takes effect after a reboot (the role never reboots)"),
    "unavailable": ("当前内核不支持该设置", "this kernel does not offer it"),
}


def pending(item, key, scope, current, wanted):
    """One entry of the role's report: persisted or requested, not (yet) in effect."""
    zh, en = PENDING_TEXT[scope]
    return {"item": item, "key": key, "scope": scope, "current": current, "wanted": wanted,
            "message_zh": "%s：%s" % (key, zh), "message_en": "%s: %s" % (key, en)}


def sysctl_action(key, wanted, current, container):
    """``ok``, ``apply``, ``absent`` (optional key this kernel lacks) or a pending scope.

    ``current`` is None when the key does not exist here.  In a container
    a host-wide key is never written, even where /proc/sys happens to be
    writable: it would change every container of the host.
    """
    if current is None:
        if key in OPTIONAL_SYSCTLS:
            return "absent"
        # a container sees only its namespaces' keys: host-wide ones are hidden
        return "host-kernel" if container else "unavailable"
    if normalise(current) == normalise(wanted):
        return "ok"
    if container and sysctl_scope(key) == "host":
        return "host-kernel"
    return "apply"


def scheduler_action(text, wanted, container):
    """``ok``, ``apply`` or a pending scope for one disk's scheduler file text."""
    active, available = active_scheduler(text)
    if scheduler_ok(active, wanted):
        return "ok"
    if not any(scheduler_ok(name, wanted) for name in available):
        return "unavailable"
    return "host-kernel" if container else "apply"


def thp_action(text, container):
    """``ok``, ``apply`` or a pending scope for a transparent_hugepage file's text.

    A kernel without transparent huge pages has nothing to turn off.
    """
    if text is None:
        return "ok"
    active, _ = active_scheduler(text)  # same "[selected]" format
    if active == "never":
        return "ok"
    return "host-kernel" if container else "apply"


def summary_lines(reports, lang="zh"):
    """The end-of-run summary: one line per host and pending setting, reboots first.

    ``reports`` maps a host to the role's ``fep_opengauss_prereqs_report``
    (hosts the role did not reach are left out).
    """
    lang = "en" if lang == "en" else "zh"
    reboot = [host for host, report in sorted(reports.items()) if report.get("reboot_required")]
    lines = []
    if reboot:
        lines.append(("REBOOT NEEDED (the role never reboots): %s" if lang == "en"
                      else "需要重启（本角色不会自动重启）：%s") % ", ".join(reboot))
    for host, report in sorted(reports.items()):
        for item in report.get("pending") or ():
            lines.append("%s: %s" % (host, item["message_" + lang]))
    return lines


# -- inputs the argument_specs cannot express --------------------------------------

def input_problems(params):
    """Sentences naming each bad role input (empty when all are fine).

    ``argument_specs`` checks types and choices; this checks what it cannot:
    absolute paths, user and group names, sysctl keys and values, disk
    patterns, locale and time zone spellings.
    """
    problems = []
    prefix = "fep_opengauss_prereqs_"
    for field in ("user", "group"):
        value = params.get(prefix + field)
        if not isinstance(value, str) or not _NAME.match(value):
            problems.append("%s%s=%r is not a valid user/group name (lower case letters, digits, _ "
                            "and -, at most 32, not starting with a digit)" % (prefix, field, value))
    for field in ("data_dirs", "backup_dirs"):
        for index, entry in enumerate(params.get(prefix + field) or []):
            path = entry.get("path") if isinstance(entry, dict) else entry
            if not isinstance(path, str) or not path.startswith("/") or path.rstrip("/") == "" \
                    or any(c in path for c in "\n\t ") or "/../" in path + "/":
                problems.append("%s%s[%d]=%r must be an absolute path (not /), without spaces or '..'"
                                % (prefix, field, index, path))
    home = params.get(prefix + "home")
    if not isinstance(home, str) or not home.startswith("/"):
        problems.append("%shome=%r must be an absolute path" % (prefix, home))
    for key, value in sorted((params.get(prefix + "sysctl_overrides") or {}).items()):
        if not _SYSCTL_KEY.match(str(key)):
            problems.append("%ssysctl_overrides: %r is not a sysctl key (like net.core.somaxconn)"
                            % (prefix, key))
        elif value is None or "\n" in str(value) or "=" in str(value) or normalise(value) == "":
            problems.append("%ssysctl_overrides.%s=%r is not a one-line sysctl value" % (prefix, key, value))
    for index, pattern in enumerate(params.get(prefix + "data_disks") or []):
        if not isinstance(pattern, str) or not _DISK_GLOB.match(pattern):
            problems.append("%sdata_disks[%d]=%r is not a kernel device name pattern (like sd* or nvme*n*)"
                            % (prefix, index, pattern))
    lang = params.get(prefix + "lang")
    if lang is not None and not (isinstance(lang, str) and _LOCALE.match(lang)):
        problems.append("%slang=%r is not a locale name (like en_US.UTF-8)" % (prefix, lang))
    zone = params.get(prefix + "timezone")
    if zone is not None and not (isinstance(zone, str) and _TIMEZONE.match(zone)):
        problems.append("%stimezone=%r is not a time zone name (like Asia/Shanghai)" % (prefix, zone))
    port = params.get(prefix + "port")
    try:
        port_ok = 1 <= int(port) <= 65536 - RESERVED_PORT_SPAN
    except (TypeError, ValueError):
        port_ok = False
    if not port_ok:
        problems.append("%sport=%s must be a TCP port from 1 to %d (the installer reserves it and the "
                        "%d after it)" % (prefix, port, 65536 - RESERVED_PORT_SPAN, RESERVED_PORT_SPAN - 1))
    percent = params.get(prefix + "min_free_kbytes_percent")
    if percent is not None and not 0 < float(percent) <= 10:
        problems.append("%smin_free_kbytes_percent=%r must be above 0 and at most 10" % (prefix, percent))
    return problems
