# -*- coding: utf-8 -*-
"""The OS settings the openGauss installer inspects, read from files.

SELinux, transparent huge pages, the installer's sysctl keys, limits.conf,
pam_limits in sshd, LANG and the time zone, systemd-logind's RemoveIPC.
Everything is read from ``proc/``, ``sys/`` and ``etc/`` so that a snapshot
root audits like a live host.  Standard library only, Python 3.6+.
"""
import re

from . import opengauss_spec

# sysctl keys the openGauss installer checks (gs_checkos A6/A10 and the
# reserved ports); read from proc/sys so a snapshot works.
OPENGAUSS_SYSCTLS = opengauss_spec.SYSCTL_KEYS

_BRACKETED = re.compile(r"\[([^\]]+)\]")


def parse_key_value_file(text):
    """``KEY=value`` lines (shell style, quotes stripped, comments ignored)."""
    values = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("\"'")
    return values


def bracketed(text):
    """The active choice in a sysfs list such as ``always madvise [never]``."""
    match = _BRACKETED.search(text or "")
    return match.group(1) if match else None


def _mounts_lack_selinuxfs(reader):
    """True when the snapshot was taken on the host by tools/fep_snapshot.py (it copies
    sys/fs/selinux/enforce whenever selinuxfs exists) and its proc/mounts mounts no selinuxfs:
    SELinux was off in that kernel, as a live audit would say. A hand-made copy may simply have
    left the SELinux files out."""
    if not reader.taken_on_host():
        return False
    mounts = reader.read_text("proc/mounts")
    return bool(mounts) and not any(len(line.split()) > 2 and line.split()[2] == "selinuxfs"
                                    for line in mounts.splitlines())


def gather_selinux(reader):
    enforce = reader.read_value("sys/fs/selinux/enforce")
    config = parse_key_value_file(reader.read_text("etc/selinux/config"))
    if enforce is None and not config and not reader.live and not _mounts_lack_selinuxfs(reader):
        # a live host without selinuxfs has no SELinux; a snapshot may simply not carry it, unless
        # its proc/mounts shows the host had no selinuxfs mounted (SELinux off in the kernel)
        reader.mark_unknown("security.selinux", "neither sys/fs/selinux/enforce nor etc/selinux/config "
                            "in the snapshot", warn=False)
        current = None
    elif enforce is None:
        current = "disabled"
    else:
        current = "enforcing" if enforce == "1" else "permissive"
    return {"current": current, "configured": config.get("SELINUX")}


def gather_thp(reader):
    base = "sys/kernel/mm/transparent_hugepage/"
    enabled = reader.read_value(base + "enabled")
    if enabled is None:
        # RHEL 6 era kernels used a vendor path
        enabled = reader.read_value("sys/kernel/mm/redhat_transparent_hugepage/enabled")
    if enabled is None:
        reader.mark_unknown("security.thp", "transparent_hugepage not present in sysfs", warn=False)
    return {"enabled": bracketed(enabled), "defrag": bracketed(reader.read_value(base + "defrag"))}


def gather_sysctls(reader, keys=OPENGAUSS_SYSCTLS):
    """Current values (whitespace-normalised); None when the key does not exist."""
    values = {}
    for key in keys:
        text = reader.read_text("proc/sys/" + key.replace(".", "/"))
        values[key] = " ".join(text.split()) if text is not None else None
    return values


def parse_limits(text):
    """Entries of a limits.conf file: ``[(domain, type, item, value)]``."""
    entries = []
    for line in (text or "").splitlines():
        line = line.split("#", 1)[0].strip()
        fields = line.split()
        if len(fields) == 4:
            entries.append(tuple(fields))
    return entries


def gather_limits(reader):
    entries = parse_limits(reader.read_text("etc/security/limits.conf"))
    for name in reader.listdir("etc/security/limits.d"):
        if name.endswith(".conf"):
            entries.extend(parse_limits(reader.read_text("etc/security/limits.d/" + name)))
    configured = {}
    # later files win, as pam_limits applies them in order; "-" sets soft and hard
    for domain, kind, item, value in entries:
        for one_kind in (("soft", "hard") if kind == "-" else (kind,)):
            configured.setdefault(domain, {})["%s %s" % (one_kind, item)] = value
    return {"configured": configured, "readable": reader.exists("etc/security/limits.conf")}


def pam_limits_in_sshd(reader):
    """True when sshd's PAM stack loads pam_limits (directly or one include deep)."""
    text = reader.read_text("etc/pam.d/sshd")
    if text is None:
        return None
    stack = [text]
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and (fields[0] in ("@include", "include", "substack")
                                 or fields[1] in ("include", "substack")):
            target = fields[-1] if fields[0] not in ("@include",) else fields[1]
            stack.append(reader.read_text("etc/pam.d/" + target) or "")
    for chunk in stack:
        for line in chunk.splitlines():
            stripped = line.strip()
            if not stripped.startswith("#") and "pam_limits.so" in stripped and stripped.startswith("session"):
                return True
    return False


def gather_locale_timezone(reader):
    texts = [reader.read_text(rel) for rel in ("etc/locale.conf", "etc/default/locale")]
    lang = next((parse_key_value_file(text).get("LANG") for text in texts
                 if parse_key_value_file(text).get("LANG") is not None), None)
    # tools/fep_snapshot.py copies both files whenever they exist (world-readable): their absence
    # from its archive is the host's; a hand-made snapshot may have left them out
    if texts == [None, None] and not reader.live and not reader.taken_on_host():
        reader.mark_unknown("security.lang", "neither etc/locale.conf nor etc/default/locale in the snapshot",
                            warn=False)
    timezone = None
    link = reader.readlink("etc/localtime")
    if link and "zoneinfo/" in link:
        timezone = link.split("zoneinfo/", 1)[1]
    if timezone is None:
        timezone = reader.read_value("etc/timezone") or None
    return {"lang": lang, "timezone": timezone}


def logind_files(reader):
    """logind.conf and its drop-ins in systemd's order: drop-ins by file name, /etc over /run over /usr/lib."""
    main = "etc/systemd/logind.conf" if reader.exists("etc/systemd/logind.conf") else "usr/lib/systemd/logind.conf"
    dropins = {}
    for directory in ("usr/lib/systemd/logind.conf.d", "run/systemd/logind.conf.d", "etc/systemd/logind.conf.d"):
        for name in reader.listdir(directory):
            if name.endswith(".conf"):
                dropins[name] = "%s/%s" % (directory, name)
    return [main] + [dropins[name] for name in sorted(dropins)]


def gather_remove_ipc(reader):
    """The effective RemoveIPC= of systemd-logind (None: not set, systemd's default is yes)."""
    value = None
    for rel in logind_files(reader):
        for line in (reader.read_text(rel) or "").splitlines():
            line = line.strip()
            if line.startswith("RemoveIPC="):
                value = line.split("=", 1)[1].strip().lower()
    return value
