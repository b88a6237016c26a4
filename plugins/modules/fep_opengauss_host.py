#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Read what the fep_opengauss_prereqs role needs to know about a host, in one call."""

DOCUMENTATION = r"""
---
module: fep_opengauss_host
short_description: Read the host state the openGauss prerequisites role decides on
description:
  - Reads C(/etc/os-release) (the role maps the OS itself, since ansible-core misclassifies
    UOS and Kylin), C(MemTotal), whether the host is a container, the reserved local
    ports, which optional sysctl keys this kernel has, the SELinux state, the time
    daemons running and the locales installed.
  - Also the hospital's own sysctl files (C(/etc/sysctl.conf), C(/etc/sysctl.d/*.conf)) and the
    directories the role would own, so that the role decides before it changes anything.
  - Read-only; no C(setup) round trip is needed.
version_added: "0.1.0"
author: fepkit maintainers
options:
  optional_sysctls:
    description:
      - sysctl keys that exist only on some kernels; the result says which are absent.
      - Default the installer's own (C(net.ipv4.tcp_tw_recycle), removed in Linux 4.12).
    type: list
    elements: str
  read_sysctls:
    description: sysctl keys whose current value the role merges with its own (reserved ports, fs.aio-max-nr).
    type: list
    elements: str
    default: []
  dirs:
    description: Directories the role would own; the result says whether each exists, its owner, mode and entries.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    support: full
notes:
  - Standard library only; works with Python 3.6 on the target (legacy profile).
"""

EXAMPLES = r"""
- name: Read the host state
  fep_opengauss_host:
    read_sysctls: [net.ipv4.ip_local_reserved_ports, fs.aio-max-nr]
  register: __fep_opengauss_prereqs_host
"""

RETURN = r"""
os_release:
  description: Fields of /etc/os-release (or /usr/lib/os-release).
  returned: always
  type: dict
machine:
  description: The kernel's machine name (x86_64, aarch64, …).
  returned: always
  type: str
memtotal_kb:
  description: MemTotal of /proc/meminfo in kB (0 when unreadable).
  returned: always
  type: int
container:
  description: The container engine when the host is a container (podman, docker, lxc, …), else null.
  returned: always
  type: str
sysctl:
  description: Current values of I(read_sysctls), whitespace collapsed (null when absent or unreadable).
  returned: always
  type: dict
absent_sysctls:
  description: Those of I(optional_sysctls) this kernel does not have.
  returned: always
  type: list
selinux:
  description: C(present) (kernel has SELinux), C(enforcing), C(config) (path of the config file or
    null), C(configured) (its SELINUX= value).
  returned: always
  type: dict
time_daemons:
  description: chronyd / ntpd processes running.
  returned: always
  type: list
udevd:
  description: systemd-udevd runs (a container has none; its rules apply on the host's boot).
  returned: always
  type: bool
locales:
  description: Locales installed (C(locale -a)), normalised like C(en_US.utf8).
  returned: always
  type: list
locale_gen:
  description: C(/etc/locale.gen) exists (Debian's C(locales) package is installed).
  returned: always
  type: bool
sysctl_conf:
  description: The sysctl files of /etc in systemd-sysctl's order, each C(file) (real path), C(name) (the
    name it sorts by) and C(values) (key → value).
  returned: always
  type: list
dirs:
  description: Per path of I(dirs), C(exists), C(isdir), C(owner), C(group), C(mode), C(entries) (count)
    and C(sample) (up to five names).
  returned: always
  type: dict
"""

import glob
import grp
import os
import platform
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fepkit.fep.plugins.module_utils.fep.opengauss_settings import (
    OPTIONAL_SYSCTLS,
    parse_sysctl_conf,
)
from ansible_collections.fepkit.fep.plugins.module_utils.fep.osinfo import parse_os_release

OS_RELEASE = ("/etc/os-release", "/usr/lib/os-release")
TIME_DAEMONS = ("chronyd", "ntpd")
UDEVD = "systemd-udevd"
SELINUX_CONFIG = "/etc/selinux/config"
SYSCTL_CONF = "/etc/sysctl.conf"


def read(path, default=None):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except (IOError, OSError):
        return default


def memtotal_kb(text):
    for line in (text or "").splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1])
    return 0


def container_engine():
    """podman / docker / lxc … from the markers the engines and systemd leave."""
    if os.path.exists("/run/.containerenv"):
        return "podman"
    if os.path.exists("/.dockerenv"):
        return "docker"
    marker = (read("/run/systemd/container") or "").strip()
    return marker or None


def selinux_configured(text):
    """SELINUX= of /etc/selinux/config, lower case (None when unset or no file)."""
    value = None
    for line in (text or "").splitlines():
        key, sep, rest = line.strip().partition("=")
        if sep and key.strip() == "SELINUX":
            value = rest.strip().strip("\"'").lower()
    return value


def sysctl_value(key):
    text = read("/proc/sys/" + key.replace(".", "/"))
    return " ".join(text.split()) if text is not None else None


def running(names):
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            comm = (read("/proc/%s/comm" % pid) or "").strip()
            if comm in names:
                found.add(comm)
    return sorted(found)


def sysctl_files():
    """The sysctl files of /etc as systemd-sysctl orders them (by file name; /etc/sysctl.conf is 99-sysctl.conf)."""
    named = {os.path.basename(path): path for path in glob.glob("/etc/sysctl.d/*.conf")}
    if os.path.isfile(SYSCTL_CONF) and not any(os.path.realpath(p) == SYSCTL_CONF for p in named.values()):
        named.setdefault("99-sysctl.conf", SYSCTL_CONF)
    found = []
    for name in sorted(named):
        text = read(named[name])
        if text is not None:
            found.append({"file": os.path.realpath(named[name]), "name": name, "values": parse_sysctl_conf(text)})
    return found


def _name(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def directory(path):
    """What is at ``path`` before the role creates or takes it over."""
    try:
        info = os.lstat(path)
    except OSError:
        return {"exists": False}
    seen = {"exists": True, "isdir": stat.S_ISDIR(info.st_mode), "owner": _name(pwd.getpwuid, info.st_uid),
            "group": _name(grp.getgrgid, info.st_gid), "mode": "%04o" % stat.S_IMODE(info.st_mode),
            "entries": 0, "sample": []}
    if seen["isdir"]:
        try:
            names = sorted(os.listdir(path))
        except OSError:
            names = []
        seen.update(entries=len(names), sample=names[:5])
    return seen


def main():
    module = AnsibleModule(
        argument_spec={"optional_sysctls": {"type": "list", "elements": "str",
                                            "default": list(OPTIONAL_SYSCTLS)},
                       "read_sysctls": {"type": "list", "elements": "str", "default": []},
                       "dirs": {"type": "list", "elements": "str", "default": []}},
        supports_check_mode=True,
    )
    fields = {}
    for path in OS_RELEASE:
        text = read(path)
        if text is not None:
            fields = parse_os_release(text)
            break
    enforce = read("/sys/fs/selinux/enforce")
    processes = running(TIME_DAEMONS + (UDEVD,))
    rc, out, _err = module.run_command(["locale", "-a"], environ_update={"LC_ALL": "C"})
    locales = sorted({line.strip() for line in out.splitlines() if line.strip()}) if rc == 0 else []
    module.exit_json(
        changed=False,
        os_release=fields,
        machine=platform.machine(),
        memtotal_kb=memtotal_kb(read("/proc/meminfo")),
        container=container_engine(),
        sysctl={key: sysctl_value(key) for key in module.params["read_sysctls"]},
        absent_sysctls=[key for key in module.params["optional_sysctls"]
                        if not os.path.exists("/proc/sys/" + key.replace(".", "/"))],
        selinux={"present": enforce is not None, "enforcing": (enforce or "").strip() == "1",
                 "config": SELINUX_CONFIG if os.path.isfile(SELINUX_CONFIG) else None,
                 "configured": selinux_configured(read(SELINUX_CONFIG))},
        time_daemons=[name for name in processes if name in TIME_DAEMONS],
        udevd=UDEVD in processes,
        locales=locales,
        locale_gen=os.path.isfile("/etc/locale.gen"),
        sysctl_conf=sysctl_files(),
        dirs={path: directory(path) for path in module.params["dirs"]},
    )


if __name__ == "__main__":
    main()
