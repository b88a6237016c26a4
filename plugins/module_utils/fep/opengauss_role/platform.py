# -*- coding: utf-8 -*-
"""Which OS the role prepares, and the per-host locale and SELinux decisions."""
import re

from ..osinfo import UOS_SERVER_EDITIONS, classify_os

# Package-manager families the role has vars for.
SUPPORTED_FAMILIES = ("rpm", "deb")


def _major(version_id):
    match = re.match(r"^\D*(\d+)", version_id or "")
    return match.group(1) if match else None


def platform_of(fields):
    """The role's view of an OS described by os-release ``fields``.

    ``vars_files`` lists the role's vars files from the most to the least
    specific: ``<id>-<major><edition>.yml`` (UOS a/e editions),
    ``<id>-<major>.yml``, ``<id>.yml``, then the package family (``rpm.yml`` /
    ``deb.yml``).  The role loads every one that exists in layers, the family
    first and each more specific file over it (roles/README.md).
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
