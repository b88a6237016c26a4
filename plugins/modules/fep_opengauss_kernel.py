#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Apply the openGauss kernel settings now, as far as this host allows; report the rest."""

DOCUMENTATION = r"""
---
module: fep_opengauss_kernel
short_description: Apply sysctl, transparent huge pages, IO scheduler and SELinux mode now
description:
  - The role persists every setting in files (C(/etc/sysctl.d), a systemd unit, a udev
    rule, C(/etc/selinux/config)); this module applies them to the running kernel now
    and reports what it could not apply and why, instead of failing.
  - A setting is reported, not applied, when it belongs to the host kernel and the
    host is a container (host-wide sysctl keys, transparent huge pages, disk
    schedulers, or a read-only C(/proc/sys)), when only a reboot applies it
    (C(SELINUX=disabled)), or when the kernel lacks it.
  - In a container a host-wide key is never written, even where C(/proc/sys) is
    writable, since that would change the host and every other container on it.
version_added: "0.1.0"
author: fepkit maintainers
options:
  sysctl:
    description: Wanted values by key (C(net.core.somaxconn) → C("65535")).
    type: dict
  thp:
    description: Set transparent huge pages (C(enabled) and C(defrag)) to C(never).
    type: bool
    default: false
  scheduler:
    description: IO scheduler for the disks matching I(disks) (C(deadline) selects C(mq-deadline) on blk-mq).
    type: str
  nr_requests:
    description:
      - Queue depth of the same disks (the installer's 32768). A kernel that refuses the
        value (blk-mq caps it) is reported as C(unavailable), not a failure.
    type: int
  disks:
    description: Kernel names of the data disks, shell globs as udev's C(KERNEL==) (C(sd*), C(nvme*n*)).
    type: list
    elements: str
    default: []
  selinux:
    description: Wanted SELinux mode; C(enforcing) is switched to permissive now.
    type: str
    choices: [permissive, disabled]
  container:
    description: The host is a container (from C(fep_opengauss_host)).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Apply the sysctl values now
  fep_opengauss_kernel:
    sysctl: {net.core.somaxconn: "65535"}
    container: "{{ __fep_opengauss_prereqs_host.container is not none }}"
"""

RETURN = r"""
applied:
  description: Settings changed now (or that would change, in check mode), as C(key = value).
  returned: always
  type: list
pending:
  description: Settings not in effect, each with C(item), C(key), C(scope) (C(host-kernel),
    C(reboot), C(unavailable)), C(current), C(wanted), C(message_zh), C(message_en).
  returned: always
  type: list
absent:
  description: Optional sysctl keys this kernel does not have (nothing to do).
  returned: always
  type: list
"""

import errno
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fepkit.fep.plugins.module_utils.fep.opengauss_settings import (
    matching_disks,
    normalise,
    pending,
    scheduler_action,
    sysctl_action,
    thp_action,
)

THP_FILES = ("/sys/kernel/mm/transparent_hugepage/enabled", "/sys/kernel/mm/transparent_hugepage/defrag")
SELINUX_ENFORCE = "/sys/fs/selinux/enforce"
# writes that fail because the kernel interface is not ours to change
NOT_OURS = (errno.EROFS, errno.EACCES, errno.EPERM)


def read(path):
    try:
        with open(path) as handle:
            return handle.read().strip()
    except (IOError, OSError):
        return None


def write(path, value):
    with open(path, "w") as handle:
        handle.write(value + "\n")


def writable(path):
    """False on a read-only mount (a container's /proc/sys, /sys) without trying a write."""
    return os.access(path, os.W_OK)


def block_devices():
    return os.listdir("/sys/block") if os.path.isdir("/sys/block") else []


class Run(object):
    """Collects what was applied and what is pending; applies unless in check mode."""

    def __init__(self, module):
        self.module = module
        self.container = module.params["container"]
        self.applied, self.pending, self.absent = [], [], []
        self.before, self.after = [], []

    def apply(self, item, key, path, current, wanted, refused=None):
        """Write ``wanted``; ``refused`` is the pending scope when the kernel rejects the value."""
        # a read-only /proc/sys or /sys (a container's) says so without a write attempt,
        # so that check mode predicts the real run
        if self.container and not writable(path):
            self.pending.append(pending(item, key, "host-kernel", current, wanted))
            return
        if not self.module.check_mode:
            try:
                write(path, wanted)
            except (IOError, OSError) as exc:
                if exc.errno in NOT_OURS and self.container:
                    self.pending.append(pending(item, key, "host-kernel", current, wanted))
                    return
                if exc.errno == errno.EINVAL and refused:
                    self.pending.append(pending(item, key, refused, current, wanted))
                    return
                self.module.fail_json(msg="could not set %s to %r (%s): %s" % (key, wanted, path, exc))
        self.applied.append("%s = %s" % (key, wanted))
        self.before.append("%s = %s\n" % (key, current))
        self.after.append("%s = %s\n" % (key, wanted))

    def sysctl(self, values):
        for key in sorted(values):
            wanted = normalise(values[key])
            path = "/proc/sys/" + key.replace(".", "/")
            current = read(path)
            current = normalise(current) if current is not None else None
            action = sysctl_action(key, wanted, current, self.container)
            if action == "apply":
                self.apply("sysctl", key, path, current, wanted)
            elif action == "absent":
                self.absent.append(key)
            elif action != "ok":
                self.pending.append(pending("sysctl", key, action, current, wanted))

    def thp(self):
        for path in THP_FILES:
            key = "transparent_hugepage/" + os.path.basename(path)
            current = read(path)
            action = thp_action(current, self.container)
            if action == "apply":
                self.apply("thp", key, path, current, "never")
            elif action != "ok":
                self.pending.append(pending("thp", key, action, current, "never"))

    def disks(self, scheduler, nr_requests, patterns):
        for name in matching_disks(block_devices(), patterns):
            queue = "/sys/block/%s/queue/" % name
            current = read(queue + "scheduler")
            if current is None:  # no request queue (e.g. a stacked device)
                continue
            # the scheduler first: the queue depth allowed depends on it
            if scheduler:
                key = name + "/queue/scheduler"
                action = scheduler_action(current, scheduler, self.container)
                if action == "apply":
                    self.apply("io_scheduler", key, queue + "scheduler", current, scheduler)
                elif action != "ok":
                    self.pending.append(pending("io_scheduler", key, action, current, scheduler))
            depth = read(queue + "nr_requests")
            if nr_requests and depth is not None and depth != str(nr_requests):
                key = name + "/queue/nr_requests"
                if self.container:
                    self.pending.append(pending("io_scheduler", key, "host-kernel", depth, str(nr_requests)))
                else:
                    self.apply("io_scheduler", key, queue + "nr_requests", depth, str(nr_requests),
                               refused="unavailable")

    def selinux(self, wanted):
        enforce = read(SELINUX_ENFORCE)
        if enforce is None:  # no SELinux in this kernel: nothing to switch off
            return
        if enforce == "1":
            self.apply("selinux", "selinux enforce", SELINUX_ENFORCE, "1", "0")
        if wanted == "disabled":
            self.pending.append(pending("selinux", "SELINUX=disabled", "reboot",
                                        "enforcing" if enforce == "1" else "permissive", "disabled"))


def main():
    module = AnsibleModule(
        argument_spec={
            "sysctl": {"type": "dict"},
            "thp": {"type": "bool", "default": False},
            "scheduler": {"type": "str"},
            "nr_requests": {"type": "int"},
            "disks": {"type": "list", "elements": "str", "default": []},
            "selinux": {"type": "str", "choices": ["permissive", "disabled"]},
            "container": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    run = Run(module)
    params = module.params
    if params["sysctl"]:
        run.sysctl(params["sysctl"])
    if params["thp"]:
        run.thp()
    if params["scheduler"] or params["nr_requests"]:
        run.disks(params["scheduler"], params["nr_requests"], params["disks"])
    if params["selinux"]:
        run.selinux(params["selinux"])
    module.exit_json(changed=bool(run.applied), applied=run.applied, pending=run.pending,
                     absent=run.absent,
                     diff={"before": "".join(run.before), "after": "".join(run.after)})


if __name__ == "__main__":
    main()
