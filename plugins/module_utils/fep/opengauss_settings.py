# -*- coding: utf-8 -*-
"""Kernel settings of the ``fep_opengauss_prereqs`` role, decided on the host.

The role's modules (``fep_opengauss_kernel``, ``fep_opengauss_host``) run on
hospital servers and import this module there: which sysctl keys a container
may apply and which only the host kernel can take (``net.*`` belongs to the
network namespace, ``kernel.sem`` / ``kernel.shm*`` to the IPC namespace, the
rest is host-wide), what to do with each setting now, and how to read the
hospital's own sysctl.d files.  The role's controller-side logic (platform,
computed values, input validation, summary) is ``fep.opengauss_role``.

Standard library only, Python 3.6+.
"""
import fnmatch

from . import opengauss_spec as spec

# Keys that exist only on some kernels: absent means "not applicable", not
# "missing" (net.ipv4.tcp_tw_recycle was removed in Linux 4.12).
OPTIONAL_SYSCTLS = spec.SYSCTL_IF_PRESENT

# IPC-namespaced keys (a container has its own); every other kernel.*,
# vm.* and fs.* key is host-wide.
IPC_SYSCTLS = ("kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni",
               "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.shm_rmid_forced")

SCHEDULER_ALIASES = {"deadline": ("deadline", "mq-deadline"), "mq-deadline": ("mq-deadline", "deadline")}


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


def parse_sysctl_conf(text):
    """``{key: value}`` of a sysctl.d(5) file (later lines win; ``-key`` ignores errors; ``/`` = ``.``)."""
    values = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue
        key = key.strip().lstrip("-").replace("/", ".")
        values[key] = normalise(value)
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
