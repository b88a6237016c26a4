# -*- coding: utf-8 -*-
"""Sockets, physical cores and threads of the CPU, from sysfs topology or ``/proc/cpuinfo``.

ansible-core's ``processor_*`` facts get the core count wrong on the domestic
platforms (aarch64 reports every logical CPU as a socket with one core, sw_64
always one core).  Sources, most trusted first:

1. sysfs ``cpuN/topology``: one physical core per distinct thread sibling
   list.  Works on every architecture, including ARM servers whose
   ``core_id`` repeats in every cluster.
2. ``/proc/cpuinfo`` ids: x86 ``physical id``/``core id``, LoongArch
   ``package``/``core``.
3. An estimate (``cores_source == "estimate"``): only the logical CPU count
   is known, and ``cores_note`` says why it may be too high.

Pure functions except ``read_topology``, which reads through a ``SysReader``.
Standard library only, Python 3.6+.
"""
import re

from .cpuinfo import first_value, hex_value, int_or_none

CPU_SYSFS = "sys/devices/system/cpu"


def parse_cpu_list(text):
    """Set of CPU numbers in a kernel cpu list (``0-3,8``); None if invalid."""
    if text is None:
        return None
    cpus = set()
    for chunk in text.strip().split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        first, _, last = chunk.partition("-")
        try:
            start = int(first)
            end = int(last) if last else start
        except ValueError:
            return None
        if end < start:
            return None
        cpus.update(range(start, end + 1))
    return cpus


def read_topology(reader):
    """Per-CPU sysfs topology, ``[]`` when the snapshot or host has none.

    Each dict: ``cpu`` (number), ``package`` (physical_package_id),
    ``core_id``, ``thread_siblings_list`` (raw text, or ``core_cpus_list`` on
    kernels that dropped the old name) and ``online``.
    """
    if not reader.isdir(CPU_SYSFS):
        return []
    online = parse_cpu_list(reader.read_value(CPU_SYSFS + "/online"))
    cpus = []
    for entry in reader.listdir(CPU_SYSFS):
        match = re.match(r"^cpu(\d+)$", entry)
        if not match:
            continue
        number = int(match.group(1))
        topology = f"{CPU_SYSFS}/{entry}/topology"
        # offline CPUs lose their topology directory
        if not reader.isdir(topology):
            continue
        if online is not None:
            is_online = number in online
        else:
            is_online = reader.read_value(f"{CPU_SYSFS}/{entry}/online") != "0"
        siblings = (reader.read_value(topology + "/thread_siblings_list")
                    or reader.read_value(topology + "/core_cpus_list"))
        cpus.append({
            "cpu": number,
            "package": reader.read_int(topology + "/physical_package_id"),
            "core_id": reader.read_int(topology + "/core_id"),
            "thread_siblings_list": siblings or None,
            "online": is_online,
        })
    cpus.sort(key=lambda cpu: cpu["cpu"])
    return cpus


def _counts(sockets, cores, logical, threads, source, note):
    return {
        "sockets": sockets, "physical_cores": cores, "logical_cpus": logical,
        "threads_per_core": threads, "cores_source": source, "note": note,
    }


def _count_from_sysfs(online):
    logical = len(online)
    numbers = {cpu["cpu"] for cpu in online}
    packages = {cpu["package"] for cpu in online
                if cpu["package"] is not None and cpu["package"] >= 0}
    sockets = len(packages) or None

    sibling_sets = []
    for cpu in online:
        members = parse_cpu_list(cpu.get("thread_siblings_list"))
        if not members or cpu["cpu"] not in members:
            sibling_sets = None
            break
        sibling_sets.append(frozenset(members & numbers))
    if sibling_sets:
        cores = set(sibling_sets)
        return _counts(sockets, len(cores), logical, max(len(core) for core in cores),
                       "sysfs", "one core per distinct thread sibling list in sysfs")

    pairs = {(cpu["package"], cpu["core_id"]) for cpu in online}
    if any(package is None or core is None for package, core in pairs):
        return None
    threads = logical // len(pairs) if logical % len(pairs) == 0 else None
    return _counts(sockets, len(pairs), logical, threads, "sysfs",
                   "sysfs has no thread sibling lists: counted distinct"
                   " physical_package_id/core_id pairs")


def _no_smt_reason(processors):
    """Why one logical CPU is one core on this aarch64 CPU, or None."""
    implementer = hex_value(first_value(processors, "cpu implementer"))
    part = hex_value(first_value(processors, "cpu part"))
    if implementer == 0x70:
        return "Phytium cores have no SMT: one logical CPU per physical core"
    if implementer == 0x48 and part == 0xd01:
        return ("Kunpeng 920 TaiShan v110 cores have no SMT:"
                " one logical CPU per physical core")
    return None


def _pairs(processors, first_key, second_key):
    """(package, core) of every processor, or None if any processor lacks one."""
    pairs = []
    for processor in processors:
        pair = (int_or_none(processor.get(first_key)), int_or_none(processor.get(second_key)))
        if None in pair:
            return None
        pairs.append(pair)
    return pairs


def _count_from_cpuinfo(processors, arch):
    logical = len(processors)
    if not logical:
        return _counts(None, None, None, None, None,
                       "/proc/cpuinfo lists no processors")
    for first_key, second_key in (("physical id", "core id"), ("package", "core")):
        pairs = _pairs(processors, first_key, second_key)
        if pairs:
            cores = set(pairs)
            threads = max(pairs.count(core) for core in cores)
            return _counts(len({package for package, _ in cores}), len(cores),
                           logical, threads, "cpuinfo",
                           f"distinct {first_key}/{second_key} pairs in /proc/cpuinfo")

    packages = [int_or_none(processor.get("physical id")) for processor in processors]
    if None not in packages:
        per_package = {}
        for processor, package in zip(processors, packages):
            per_package.setdefault(package, int_or_none(processor.get("cpu cores")))
        if None not in per_package.values():
            cores = sum(per_package.values())
            threads = logical // cores if cores and logical % cores == 0 else None
            return _counts(len(per_package), cores, logical, threads, "cpuinfo",
                           "sockets times 'cpu cores' in /proc/cpuinfo")
        # sw_64 lists packages but neither core ids nor cores per package
        return _counts(len(per_package), logical, logical, None, "estimate",
                       "/proc/cpuinfo has no core ids: assumed one thread per core")

    reason = _no_smt_reason(processors)
    if reason:
        return _counts(None, logical, logical, 1, "cpuinfo", reason)
    if (hex_value(first_value(processors, "cpu implementer")) == 0x48
            and hex_value(first_value(processors, "cpu part")) == 0xd02):
        note = ("Kunpeng 920 TaiShan v120 cores can run 2 threads each:"
                " physical cores may be half the logical CPU count")
    else:
        note = (f"/proc/cpuinfo on {arch or 'this architecture'} gives only the"
                " logical CPU count: SMT cannot be ruled out")
    return _counts(None, logical, logical, None, "estimate", note)


def count_cores(processors, topology, arch):
    """Sockets, physical cores, logical CPUs and threads per core.

    sysfs topology wins; ``/proc/cpuinfo`` ids come next.  Without either,
    aarch64 gives only the logical count: the result is labelled
    ``estimate`` unless the CPU family is known to have no SMT (Phytium,
    Kunpeng 920 TaiShan v110), where the logical count *is* the core count
    and the source is ``cpuinfo``.  The choice rests on which ids the
    sources provide (the same layout means the same on every architecture);
    ``arch`` only words the note of an estimate.
    """
    online = [cpu for cpu in topology or [] if cpu.get("online")]
    if online:
        counted = _count_from_sysfs(online)
        if counted:
            return counted
    return _count_from_cpuinfo(processors or [], arch)
