# -*- coding: utf-8 -*-
"""The role's inputs that ``argument_specs`` cannot judge, and the directories it may take over."""
import re

from ..opengauss_settings import normalise
from .sysctl import RESERVED_PORT_SPAN

_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_SYSCTL_KEY = re.compile(r"^[a-z0-9_]+(\.[a-zA-Z0-9_-]+)+$")
_DISK_GLOB = re.compile(r"^[A-Za-z0-9*?\[\]!_-]+$")
_LOCALE = re.compile(r"^[A-Za-z]{1,8}(_[A-Za-z]{2})?(\.[A-Za-z0-9-]+)?(@[A-Za-z0-9]+)?$")
_TIMEZONE = re.compile(r"^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$")
# limits.conf(5): a user or @group (%group for maxlogins), *, or a uid/gid range
_LIMITS_DOMAIN = re.compile(r"^(\*|[%@]?[A-Za-z_][A-Za-z0-9_.-]*\$?|@?\d*:\d*)$")
LIMITS_ITEMS = ("core", "data", "fsize", "memlock", "nofile", "rss", "stack", "cpu", "nproc", "as",
                "maxlogins", "maxsyslogins", "nonewprivs", "priority", "locks", "sigpending", "msgqueue",
                "nice", "rtprio", "chroot")
_LIMITS_NEGATIVE = ("nice", "priority")
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                       r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.?$")
_IPV6 = re.compile(r"^[0-9A-Fa-f:.]+$")


PREFIX = "fep_opengauss_prereqs_"


def input_problems(params):
    """Sentences naming each bad role input (empty when all are fine).

    ``argument_specs`` checks types and choices; this checks what it cannot:
    absolute paths, user and group names, sysctl keys and values, disk
    patterns, locale and time zone spellings.
    """
    prefix = PREFIX
    problems = _account_problems(params) + _path_problems(params) + _sysctl_problems(params)
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
    problems.extend(_port_problems(params))
    percent = params.get(prefix + "min_free_kbytes_percent")
    if percent is not None and not 0 < float(percent) <= 10:
        problems.append("%smin_free_kbytes_percent=%r must be above 0 and at most 10" % (prefix, percent))
    problems.extend(limits_problems(params.get(prefix + "limits"), params.get(prefix + "limits_domains")))
    for index, server in enumerate(params.get(prefix + "ntp_servers") or []):
        if not ntp_server_ok(server):
            problems.append("%sntp_servers[%d]=%r is not a host name or an IP address (one per entry, no "
                            "spaces or options: the role writes 'server <it> iburst')" % (prefix, index, server))
    return problems


def _account_problems(params):
    problems = []
    for field in ("user", "group"):
        value = params.get(PREFIX + field)
        if not isinstance(value, str) or not _NAME.match(value):
            problems.append("%s%s=%r is not a valid user/group name (lower case letters, digits, _ "
                            "and -, at most 32, not starting with a digit)" % (PREFIX, field, value))
    return problems


def _path_ok(path):
    """An absolute path other than /, without whitespace or a ``..`` component."""
    return (isinstance(path, str) and path.startswith("/") and path.rstrip("/") != ""
            and not any(c in path for c in "\n\t ") and "/../" not in path + "/")


def _path_problems(params):
    problems = []
    for field in ("data_dirs", "backup_dirs"):
        for index, entry in enumerate(params.get(PREFIX + field) or []):
            path = entry.get("path") if isinstance(entry, dict) else entry
            if not _path_ok(path):
                problems.append("%s%s[%d]=%r must be an absolute path (not /), without spaces or '..'"
                                % (PREFIX, field, index, path))
    home = params.get(PREFIX + "home")
    if not isinstance(home, str) or not home.startswith("/"):
        problems.append("%shome=%r must be an absolute path" % (PREFIX, home))
    return problems


def _sysctl_problems(params):
    problems = []
    for key, value in sorted((params.get(PREFIX + "sysctl_overrides") or {}).items()):
        if not _SYSCTL_KEY.match(str(key)):
            problems.append("%ssysctl_overrides: %r is not a sysctl key (like net.core.somaxconn)"
                            % (PREFIX, key))
        elif value is None or "\n" in str(value) or "=" in str(value) or normalise(value) == "":
            problems.append("%ssysctl_overrides.%s=%r is not a one-line sysctl value" % (PREFIX, key, value))
    return problems


def _port_problems(params):
    port = params.get(PREFIX + "port")
    try:
        port_ok = 1 <= int(port) <= 65536 - RESERVED_PORT_SPAN
    except (TypeError, ValueError):
        port_ok = False
    if port_ok:
        return []
    return ["%sport=%s must be a TCP port from 1 to %d (the installer reserves it and the %d after it)"
            % (PREFIX, port, 65536 - RESERVED_PORT_SPAN, RESERVED_PORT_SPAN - 1)]


def _limit_value_ok(item, value):
    if isinstance(value, bool):
        return False
    text = str(value).strip()
    if text in ("unlimited", "infinity", "-1"):
        return item != "nofile"  # nofile cannot be unlimited: logins would fail (RLIMIT_NOFILE > fs.nr_open)
    if item in _LIMITS_NEGATIVE:
        return re.match(r"^-?\d+$", text) is not None
    return re.match(r"^\d+$", text) is not None


def limits_problems(limits, domains):
    """Sentences for limits.conf items, values and domains that would not be one valid line each."""
    prefix = "fep_opengauss_prereqs_"
    problems = []
    if not isinstance(limits, dict):
        return ["%slimits=%r must be a mapping of limits.conf item to value" % (prefix, limits)]
    for item, value in sorted(limits.items(), key=lambda kv: str(kv[0])):
        if item not in LIMITS_ITEMS:
            problems.append("%slimits: %r is not a limits.conf item (%s)" % (prefix, item, ", ".join(LIMITS_ITEMS)))
        elif not _limit_value_ok(item, value):
            problems.append("%slimits.%s=%r must be a whole number%s" % (
                prefix, item, value, "" if item == "nofile" else " or unlimited"))
    for index, domain in enumerate(domains or []):
        if not isinstance(domain, str) or not _LIMITS_DOMAIN.match(domain):
            problems.append("%slimits_domains[%d]=%r is not a limits.conf domain (a user, @group, * or a uid "
                            "range such as 1000:)" % (prefix, index, domain))
    return problems


def ntp_server_ok(server):
    if not isinstance(server, str):
        return False
    return bool(_HOSTNAME.match(server)) or (":" in server and bool(_IPV6.match(server)))


def host_problems(limits, host):
    """Sentences for inputs this host cannot take: ``nofile`` above the kernel's ``fs.nr_open``.

    pam_limits sets RLIMIT_NOFILE at every login; above fs.nr_open the
    kernel refuses it and the login fails (once pam_limits is on, for sshd).
    """
    nofile = (limits or {}).get("nofile")
    nr_open = (host.get("sysctl") or {}).get("fs.nr_open")
    try:
        nofile, nr_open = int(nofile), int(nr_open)
    except (TypeError, ValueError):
        return []
    if nofile > nr_open:
        return ["fep_opengauss_prereqs_limits.nofile=%d is above this host's fs.nr_open=%d: logins of the "
                "database user would fail once pam_limits applies it. Lower nofile to at most %d, or raise "
                "fs.nr_open first (fep_opengauss_prereqs_sysctl_overrides: {fs.nr_open: \"%d\"})"
                % (nofile, nr_open, nr_open, nofile)]
    return []


# -- directories the role would take over ------------------------------------------------

def directory_takeover(field, index, path, seen, user, take_over):
    """What the role may do with one data/backup directory as ``fep_opengauss_host`` saw it.

    ``seen``: ``{"exists", "isdir", "owner", "group", "mode", "entries", "sample"}``.
    Returns ``{"record": {...}, "problem": sentence or None}``. A directory
    that holds data or belongs to someone else is not chowned/chmodded
    unless ``take_over``: it may be the hospital's (``/backup``).
    """
    record = {"path": path, "existed": bool(seen.get("exists")), "owner": seen.get("owner"),
              "group": seen.get("group"), "mode": seen.get("mode"), "entries": seen.get("entries", 0),
              "taken_over": False}
    name = "fep_opengauss_prereqs_%s[%d]" % (field, index)
    if not seen.get("exists"):
        return {"record": record, "problem": None}
    if not seen.get("isdir"):
        return {"record": record, "problem": "%s=%s exists and is not a directory: the role will not replace it"
                                              % (name, path)}
    reasons = []
    if seen.get("owner") != user:
        reasons.append("belongs to %s:%s" % (seen.get("owner"), seen.get("group")))
    if seen.get("entries"):
        reasons.append("holds %d entr%s (%s%s)" % (seen["entries"], "y" if seen["entries"] == 1 else "ies",
                                                    ", ".join(seen.get("sample") or []),
                                                    ", …" if seen["entries"] > len(seen.get("sample") or []) else ""))
    if not reasons or seen.get("owner") == user:
        return {"record": record, "problem": None}
    if take_over:
        record["taken_over"] = True
        return {"record": record, "problem": None}
    return {"record": record, "problem": (
        "%s=%s already exists and %s (mode %s): the role does not chown it to %s or chmod it. Point the variable "
        "at a new directory, or set fep_opengauss_prereqs_take_over_dirs: true to take it over"
        % (name, path, " and ".join(reasons), seen.get("mode"), user))}
