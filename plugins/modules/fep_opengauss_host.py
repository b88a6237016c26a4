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
"""

import os
import platform

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fepkit.fep.plugins.module_utils.fep.opengauss_role import OPTIONAL_SYSCTLS
from ansible_collections.fepkit.fep.plugins.module_utils.fep.osinfo import parse_os_release

OS_RELEASE = ("/etc/os-release", "/usr/lib/os-release")
TIME_DAEMONS = ("chronyd", "ntpd")
UDEVD = "systemd-udevd"
SELINUX_CONFIG = "/etc/selinux/config"


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


def main():
    module = AnsibleModule(
        argument_spec={"optional_sysctls": {"type": "list", "elements": "str",
                                            "default": list(OPTIONAL_SYSCTLS)},
                       "read_sysctls": {"type": "list", "elements": "str", "default": []}},
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
    )


if __name__ == "__main__":
    main()
