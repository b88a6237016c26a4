# -*- coding: utf-8 -*-
"""Gather every fact the checks need, in one pass, from a host or a snapshot.

Used two ways with the same code:
* by the ``fep_facts`` module (classic Ansible module, targets with Python
  3.8+ under ansible-core 2.19);
* by the ``fep_audit`` action plugin, which pipes this package through the
  connection to ``python3 -`` on the target, so it also runs on Kylin V10 /
  openEuler 20.03 (Python 3.7) and UOS 1050a (Python 3.6).
"""
import json
import os
import platform
import sys
import threading
import time
import traceback

from .cpu import gather_cpu
from .disks import gather_disks
from .memory import gather_memory
from .nics import gather_nics
from .opengauss import gather_opengauss, parse_mounts
from .osinfo import gather_os
from .pci import gather_accelerators
from .ports import gather_ports
from .probes import PROBE_KINDS, recorded_bandwidth, run_probes
from .security import gather_security
from .sysread import SysReader

SCHEMA_VERSION = 1
RESULT_BEGIN = "FEP_RESULT_BEGIN"
RESULT_END = "FEP_RESULT_END"

# Filesystems that are views of the kernel, not storage: ignored in mounts.
PSEUDO_FS = frozenset((
    "proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2", "pstore",
    "bpf", "securityfs", "debugfs", "tracefs", "configfs", "fusectl", "mqueue",
    "hugetlbfs", "autofs", "binfmt_misc", "rpc_pipefs", "efivarfs", "overlay",
    "squashfs", "nsfs", "ramfs", "selinuxfs", "fuse.lxcfs", "fuse.portal",
))
NETWORK_FS = frozenset(("nfs", "nfs4", "cifs", "smb3", "glusterfs", "ceph", "fuse.glusterfs",
                        "fuse.sshfs", "ocfs2", "gfs2", "lustre", "beegfs"))
HYPERVISOR_VENDORS = (
    ("kvm", "KVM"), ("qemu", "QEMU"), ("vmware", "VMware"), ("virtualbox", "VirtualBox"),
    ("xen", "Xen"), ("hyper-v", "Hyper-V"), ("microsoft corporation", "Hyper-V"),
    ("openstack", "OpenStack"), ("fusioncompute", "FusionCompute"), ("bochs", "QEMU"),
    ("alibaba cloud", "Alibaba Cloud ECS"), ("tencent cloud", "Tencent CVM"),
    ("huawei cloud", "Huawei Cloud ECS"),
)


def gather_mounts(entries):
    """Real and network filesystems among the ``proc/mounts`` entries (backup storage evidence)."""
    return [dict(entry, network=entry["fstype"] in NETWORK_FS)
            for entry in entries if entry["fstype"] not in PSEUDO_FS]


def gather_virtualization(reader, cpu):
    """Is this a VM or a container?  From DMI strings, the CPU flag and markers."""
    dmi = {}
    for key in ("sys_vendor", "product_name", "board_vendor", "bios_vendor"):
        dmi[key] = reader.read_value("sys/class/dmi/id/" + key)
    text = " ".join(v for v in dmi.values() if v).lower()
    hypervisor = None
    for needle, name in HYPERVISOR_VENDORS:
        if needle in text:
            hypervisor = name
            break
    if hypervisor is None and (cpu or {}).get("hypervisor"):
        hypervisor = "unknown hypervisor"
    return {"vm": hypervisor is not None, "hypervisor": hypervisor, "container": detect_container(reader),
            "manufacturer": dmi.get("sys_vendor"), "product": dmi.get("product_name")}


def detect_container(reader):
    """The container runtime this host runs in, or None (systemd-detect-virt --container's clues)."""
    if reader.exists("run/.containerenv"):
        return "podman"
    if reader.exists(".dockerenv"):
        return "docker"
    # systemd writes the manager's $container here; PID 1's environment needs root
    marker = reader.read_value("run/systemd/container")
    if marker:
        return marker
    for item in (reader.read_text("proc/1/environ", limit=65536) or "").split("\0"):
        if item.startswith("container=") and item[len("container="):]:
            return item[len("container="):]
    return None


def recorded_probes(reader, wanted):
    """The probes tools/fep_snapshot.py ran on the server, for the kinds whose targets are the
    ones asked for; any other kind stays unknown (a snapshot cannot probe)."""
    record = reader.recorded("probes") or {}
    # an archive is untrusted: a section that is not a mapping is no record
    config, results = ({} if not isinstance(record.get(name), dict) else record[name] for name in ("config", "results"))
    probes, missing, reasons = {}, [], []
    for kind, _port in PROBE_KINDS:
        if not wanted.get(kind):
            continue
        if sorted(config.get(kind) or []) == sorted(wanted[kind]) and isinstance(results.get(kind), list):
            probes[kind] = results[kind]
        else:
            missing.append(kind)
    if missing and record:
        reasons.append("the snapshot probed other targets than %s" % ", ".join(missing))
    if wanted.get("bandwidth_url"):
        # the same download as a live audit's, when the tool was given the same URL (--bandwidth-url)
        measurement, problem = recorded_bandwidth(record, wanted["bandwidth_url"])
        if measurement is not None:
            probes["bandwidth"] = measurement
        else:
            missing.append("bandwidth")
            if record or reader.taken_on_host():  # a hand-made snapshot: no tool to have asked
                reasons.append(problem)
    if missing:
        reader.mark_unknown("probes", "network probes need the live host, not a snapshot%s" % (
            " (%s)" % "; ".join(reasons) if reasons else ""))
    return probes


def python_info():
    version = sys.version_info
    return {"version": "%d.%d.%d" % (version[0], version[1], version[2]),
            "executable": sys.executable, "implementation": platform.python_implementation()}


def _section(reader, name, func, *args):
    """Run one gatherer; a crash makes only that section unknown."""
    reader.section = name
    try:
        return func(*args)
    except Exception as exc:  # noqa: BLE001 - isolate parser bugs per section
        reader.mark_unknown(name, "collector error: %s: %s" % (exc.__class__.__name__, exc))
        reader.warnings.append(traceback.format_exc(limit=3).strip().splitlines()[-1])
        return None


def collect(root="/", options=None, reader=None):
    """All facts as the public ``fep`` dict (see docs/results-schema.md)."""
    options = options or {}
    started = time.time()
    reader = reader or SysReader(root)
    cpu = _section(reader, "cpu", gather_cpu, reader)
    memory = _section(reader, "memory", gather_memory, reader)
    disks_and_storage = _section(reader, "disks", gather_disks, reader) or (None, None)
    nics = _section(reader, "nics", gather_nics, reader)
    accelerators = _section(reader, "accelerators", gather_accelerators, reader)
    os_facts = _section(reader, "os", gather_os, reader)
    ports = _section(reader, "ports", gather_ports, reader)
    security_and_names = _section(
        reader, "security", gather_security, reader, options.get("agents")) or (None, [])
    reader.section = "mounts"
    mount_entries = parse_mounts(reader.read_text("proc/mounts"))
    if not mount_entries:
        reader.mark_unknown("mounts", "proc/mounts unreadable or empty")
    probes = {}
    if options.get("probes"):
        if reader.live:
            probes = _section(reader, "probes", run_probes, options["probes"]) or {}
        else:
            probes = _section(reader, "probes", recorded_probes, reader, options["probes"]) or {}
    facts = {
        "schema": SCHEMA_VERSION,
        "collector": {
            "root": reader.root,
            "snapshot": not reader.live,
            "privileged": reader.live and reader.is_root_user(),
            "python": python_info(),
            "duration_ms": 0,
        },
        "cpu": cpu,
        "memory": memory,
        "disks": disks_and_storage[0],
        "storage": disks_and_storage[1],
        "nics": nics,
        "accelerators": accelerators,
        "os": os_facts,
        "ports": ports,
        "security": security_and_names[0],
        "processes": sorted(set(security_and_names[1])),
        "mounts": _section(reader, "mounts", gather_mounts, mount_entries) if mount_entries else None,
        "opengauss": _section(reader, "opengauss", gather_opengauss, reader, options.get("opengauss_data_dir"),
                              mount_entries),
        "virtualization": _section(reader, "virtualization", gather_virtualization, reader, cpu),
        "probes": probes,
        "unknown": reader.unknown,
        "warnings": reader.warnings,
    }
    facts["collector"]["duration_ms"] = int((time.time() - started) * 1000)
    return facts


def print_result(result):
    sys.stdout.write("\n%s\n%s\n%s\n" % (RESULT_BEGIN, json.dumps(result, sort_keys=True), RESULT_END))
    sys.stdout.flush()


def stuck_message(deadline, reader):
    """Why the collector gave up: where it was when ``deadline`` passed."""
    where = "in section %s" % (reader.section or "start-up")
    if reader.reading:
        where += " (last: %s)" % reader.reading
    return ("the collector did not finish within %g s (80 %% of fep_audit_timeout): stuck %s "
            "(a dead network mount, a stuck /proc entry or a blocking file?)" % (deadline, where))


def start_watchdog(deadline, reader, printed):
    """Print a failed result and end the process if the collection outlives ``deadline`` seconds.

    A read can block where no timeout reaches it (a FIFO, a dead NFS mount): a
    thread then reports where the collector was stuck, so the controller
    records this host as failed with that reason before the task's own
    timeout (fep_audit_timeout) would kill it without one.
    """
    def expire():
        if printed.acquire(False):  # the facts were not printed: nothing else will be
            print_result({"failed": True, "msg": stuck_message(deadline, reader)})
            os._exit(0)  # the blocked main thread cannot be interrupted otherwise
    timer = threading.Timer(deadline, expire)
    timer.daemon = True
    timer.start()
    return timer


def run_payload(config):
    """Entry point of the piped collector: print the facts between markers.

    Markers let the controller find the JSON even when a login banner or a
    profile script writes to stdout first.
    """
    root = config.get("root") or "/"
    if not os.path.isdir(root):
        print_result({"failed": True, "msg": "fep_root %s is not a directory on this host" % root})
        return
    reader = SysReader(root)
    printed = threading.Lock()
    watchdog = start_watchdog(config["deadline"], reader, printed) if config.get("deadline") else None
    result = {"failed": False, "fep": collect(root, config, reader)}
    if printed.acquire(False):
        if watchdog:
            watchdog.cancel()
            watchdog.join()
        print_result(result)
