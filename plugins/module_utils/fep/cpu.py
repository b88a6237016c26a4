"""CPU facts: who made the CPU (domestic or not), its architecture and cores.

The requirement sheet asks for a domestic CPU with enough *physical* cores.
ansible-core's ``processor_*`` facts get both wrong on the domestic platforms
(aarch64 reports every logical CPU as a socket with one core, sw_64 always one
core), so this module reads ``/proc/cpuinfo`` and the sysfs CPU topology
itself.

Sources, most trusted first, for the core count:

1. sysfs ``cpuN/topology``: one physical core per distinct thread sibling
   list.  Works on every architecture, including ARM servers whose
   ``core_id`` repeats in every cluster.
2. ``/proc/cpuinfo`` ids: x86 ``physical id``/``core id``, LoongArch
   ``package``/``core``.
3. An estimate (``cores_source == "estimate"``): only the logical CPU count
   is known, and ``cores_note`` says why it may be too high.

Everything here is a pure function over text or dicts except ``gather_*``
and ``read_topology``, which do their I/O through a ``SysReader``.
Standard library only, Python 3.6+.
"""
import os
import re

from .cpu_origin import judge_domestic

X86_ARCHES = frozenset(["x86_64", "i386", "i486", "i586", "i686"])

# vendor_id strings of x86 CPUs, after stripping (Zhaoxin pads "Shanghai"
# with two spaces on each side).
X86_VENDOR_IDS = frozenset([
    "GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls",
    "Shanghai", "GenuineTMx86", "CyrixInstead", "Geode by NSC"])

KUNPENG_PARTS = {
    0xd01: "Kunpeng 920 (TaiShan v110)",
    0xd02: "Kunpeng 920 (TaiShan v120)",
}

# Core designs; one core design is used by several chips.
PHYTIUM_PARTS = {
    0x303: "Phytium FTC310",
    0x660: "Phytium FT-1500A (FTC660)",
    0x661: "Phytium FTC661",
    0x662: "Phytium FT-2000+/64 (FTC662)",
    0x663: "Phytium FT-2500/S2500, FT-2000/4 or D2000 (FTC663)",
    0x664: "Phytium FTC664",
    0x862: "Phytium FTC862",
}

# FTC663 chips told apart by their cores per socket.
FTC663_CHIPS = {
    4: "Phytium FT-2000/4 (FTC663)",
    8: "Phytium D2000 (FTC663)",
    64: "Phytium FT-2500/S2500 (FTC663)",
}

ARM_IMPLEMENTERS = {
    0x41: "ARM", 0x42: "Broadcom", 0x43: "Cavium", 0x46: "Fujitsu",
    0x48: "HiSilicon", 0x4e: "NVIDIA", 0x50: "APM", 0x51: "Qualcomm",
    0x61: "Apple", 0x6d: "Microsoft", 0x70: "Phytium", 0xc0: "Ampere",
}

ARM_PARTS = {
    (0x41, 0xd03): "Cortex-A53",
    (0x41, 0xd07): "Cortex-A57",
    (0x41, 0xd08): "Cortex-A72",
    (0x41, 0xd0c): "Neoverse-N1",
    (0x41, 0xd40): "Neoverse-V1",
    (0x41, 0xd49): "Neoverse-N2",
    (0x41, 0xd4f): "Neoverse-V2",
    (0xc0, 0xac3): "Ampere-1",
    (0xc0, 0xac4): "Ampere-1a",
}

# Sunway "model" numbers (decimal in /proc/cpuinfo).
SUNWAY_MODELS = {0x31: "SW3231", 0x32: "SW831", 0x41: "SW8A"}

CPU_SYSFS = "sys/devices/system/cpu"

# arm64 kernels running 32-bit tasks print a generic model name
GENERIC_ARM_MODEL = re.compile(r"^(ARMv\d|AArch64 Processor|.*Processor rev \d)")


# -- parsing -----------------------------------------------------------------

def parse_cpuinfo(text):
    """Per-processor dicts of ``/proc/cpuinfo``, keys lower-cased.

    Lower-casing makes the LoongArch spellings (``CPU Family`` on new
    kernels, ``cpu family`` on old ones) one key.  Lines outside any
    processor block describe the whole machine (LoongArch ``system type``
    before processor 0, ``Hardware`` after the last arm64 processor): they
    are copied into every processor dict without overriding its own keys.
    """
    processors = []
    machine = {}
    current = None
    for line in (text or "").splitlines():
        if ":" not in line:
            if not line.strip():
                current = None
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if not key:
            continue
        # old arm64 kernels list "processor : N" lines back to back
        if key == "processor" and value.isdigit():
            current = {"processor": value}
            processors.append(current)
        elif current is not None:
            current[key] = value
        else:
            machine[key] = value
    for processor in processors:
        for key, value in machine.items():
            processor.setdefault(key, value)
    return processors


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


def _int(value, base=10):
    try:
        return int(str(value).strip(), base)
    except (TypeError, ValueError):
        return None


def _hex(value):
    """``0x48`` → 72; also accepts a bare decimal (some vendor kernels)."""
    if value is None:
        return None
    return _int(value, 0) if str(value).strip().lower().startswith("0x") else _int(value)


def _first(processors, key):
    """First non-empty value of ``key`` among the processors."""
    for processor in processors:
        value = processor.get(key)
        if value:
            return value
    return None


def _clean(text):
    return " ".join(text.split()) if text else None


# -- architecture --------------------------------------------------------------

def infer_arch(processors):
    """``uname -m``-style architecture guessed from cpuinfo keys, or None."""
    if not processors:
        return None
    first = processors[0]
    if "cpu implementer" in first:
        # 32-bit ARM kernels print "CPU architecture: 7"
        return "armv7l" if first.get("cpu architecture") == "7" else "aarch64"
    isa = first.get("isa", "").lower()
    if "loongarch" in isa:
        return "loongarch64"
    if "cpu model" in first or "mips" in isa:
        return "mips64" if "mips64" in isa or "loongson" in first.get("cpu model", "").lower() else "mips"
    if first.get("cpu family", "").lower().startswith("loongson-64bit"):
        return "loongarch64"
    vendor = first.get("vendor_id", "")
    flags = first.get("flags", "").split()
    if vendor.lower().startswith("sunway") or "page size" in first or (
            "vpn" in flags and "upn" in flags):
        return "sw_64"
    if vendor in X86_VENDOR_IDS:
        return "x86_64" if "lm" in flags or not flags else "i686"
    return None


def determine_arch(reader, processors):
    """Kernel's own answer first, then cpuinfo, then ``uname`` on a live host (or as
    tools/fep_snapshot.py recorded it there)."""
    arch = reader.read_value("proc/sys/kernel/arch")
    if arch:
        return arch
    arch = infer_arch(processors)
    if arch:
        return arch
    if reader.live and hasattr(os, "uname"):
        return os.uname()[4]
    machine = (reader.recorded("uname") or {}).get("machine")
    return machine if isinstance(machine, str) and machine else None


# -- vendor ---------------------------------------------------------------------

def _aarch64_model(processors, implementer, part):
    """Model of an aarch64 CPU: the kernel's model line, else the part table."""
    for key in ("model name", "hardware"):
        value = _first(processors, key)
        if value and not GENERIC_ARM_MODEL.match(value):
            return _clean(value)
    if implementer == 0x48:
        return KUNPENG_PARTS.get(part, f"Kunpeng (part 0x{part or 0:03x})")
    if implementer == 0x70:
        return PHYTIUM_PARTS.get(part, f"Phytium (part 0x{part or 0:03x})")
    vendor = ARM_IMPLEMENTERS.get(implementer, f"implementer 0x{implementer:02x}")
    name = ARM_PARTS.get((implementer, part))
    if name:
        return f"{vendor} {name}"
    return f"{vendor} (part 0x{part or 0:03x})"


def classify_vendor(processors, arch):
    """``(vendor_family, model)`` of the CPU described by ``processors``."""
    if not processors:
        return "unknown", None
    implementer = _hex(_first(processors, "cpu implementer"))
    if implementer is not None:
        part = _hex(_first(processors, "cpu part"))
        model = _aarch64_model(processors, implementer, part)
        family = {0x48: "kunpeng", 0x70: "phytium"}.get(implementer, "other")
        return family, model

    vendor = _first(processors, "vendor_id") or ""
    model_name = _clean(_first(processors, "model name"))
    cpu_family = _first(processors, "cpu family") or ""
    x86_families = {
        "HygonGenuine": "hygon", "Shanghai": "zhaoxin",
        "GenuineIntel": "intel", "AuthenticAMD": "amd"}
    if vendor in x86_families:
        return x86_families[vendor], model_name
    if vendor == "CentaurHauls":
        # Zhaoxin's older parts kept VIA's vendor string; only the model tells
        if model_name and "zhaoxin" in model_name.lower():
            return "zhaoxin", model_name
        return "other", model_name

    loongson_text = " ".join(
        [model_name or "", cpu_family, _first(processors, "cpu model") or ""]).lower()
    if "loongson" in loongson_text or arch == "loongarch64":
        return "loongson", model_name
    if (arch == "sw_64" or vendor.lower().startswith("sunway")
            or re.match(r"^SW\d", model_name or "")):
        if not model_name:
            model_name = SUNWAY_MODELS.get(_int(_first(processors, "model")))
        return "sunway", model_name
    return "other", model_name


def refine_model(vendor_family, model, part, counts):
    """Name the Phytium chip when its FTC663 core design is shared by several."""
    if vendor_family != "phytium" or part != 0x663:
        return model
    if model != PHYTIUM_PARTS[0x663]:
        return model  # the kernel printed its own model line
    cores, sockets = counts.get("physical_cores"), counts.get("sockets")
    # FT-2000/4 and D2000 are single-socket chips
    per_socket = cores // sockets if cores and sockets else cores
    if per_socket in FTC663_CHIPS:
        return FTC663_CHIPS[per_socket]
    # only the S2500 goes multi-socket: a multiple of 64 cores means S2500
    if cores and cores % 64 == 0:
        return FTC663_CHIPS[64]
    return model


# -- topology and core counting ------------------------------------------------

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
    implementer = _hex(_first(processors, "cpu implementer"))
    part = _hex(_first(processors, "cpu part"))
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
        pair = (_int(processor.get(first_key)), _int(processor.get(second_key)))
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

    packages = [_int(processor.get("physical id")) for processor in processors]
    if None not in packages:
        per_package = {}
        for processor, package in zip(processors, packages):
            per_package.setdefault(package, _int(processor.get("cpu cores")))
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
    if (_hex(_first(processors, "cpu implementer")) == 0x48
            and _hex(_first(processors, "cpu part")) == 0xd02):
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


# -- gathering -------------------------------------------------------------------

def x86_flags(processors):
    """The x86 flags openGauss needs, or None without a flags line."""
    flags = _first(processors, "flags")
    if flags is None:
        return None
    flags = set(flags.split())
    return {"avx": "avx" in flags, "rdtscp": "rdtscp" in flags}


def gather_cpu(reader):
    """CPU facts of the host or snapshot behind ``reader``."""
    text = reader.read_text("proc/cpuinfo")
    processors = parse_cpuinfo(text)
    arch = determine_arch(reader, processors)
    facts = {
        "vendor_family": "unknown", "domestic": None, "model": None, "arch": arch,
        "sockets": None, "physical_cores": None, "logical_cpus": None,
        "threads_per_core": None, "cores_source": None, "cores_note": None,
        "vendor_id": None, "implementer": None, "part": None,
        "x86_flags": None, "hypervisor": None, "x86_family": None, "x86_model": None,
        "domestic_reason": None,
    }
    if not processors:
        reader.mark_unknown("cpu", "/proc/cpuinfo is missing or unreadable" if text is None
                            else "/proc/cpuinfo lists no processors")
        return facts
    if arch is None:
        reader.mark_unknown("cpu.arch", "no /proc/sys/kernel/arch and /proc/cpuinfo"
                            " does not reveal the architecture")

    implementer = _hex(_first(processors, "cpu implementer"))
    part = _hex(_first(processors, "cpu part"))
    family, model = classify_vendor(processors, arch)
    counts = count_cores(processors, read_topology(reader), arch)
    facts.update({
        "vendor_family": family,
        "model": refine_model(family, model, part, counts),
        "sockets": counts["sockets"],
        "physical_cores": counts["physical_cores"],
        "logical_cpus": counts["logical_cpus"],
        "threads_per_core": counts["threads_per_core"],
        "cores_source": counts["cores_source"],
        "cores_note": counts["note"],
        "vendor_id": _first(processors, "vendor_id"),
        "implementer": f"0x{implementer:02x}" if implementer is not None else None,
        "part": f"0x{part:03x}" if part is not None else None,
    })
    if counts["physical_cores"] is None:
        reader.mark_unknown("cpu.physical_cores", counts["note"])
    if arch in X86_ARCHES:
        facts["x86_flags"] = x86_flags(processors)
        if facts["x86_flags"] is None:
            reader.mark_unknown("cpu.x86_flags", "/proc/cpuinfo has no flags line")
        else:
            facts["hypervisor"] = "hypervisor" in _first(processors, "flags").split()
        facts["x86_family"] = _int(_first(processors, "cpu family"))
        facts["x86_model"] = _int(_first(processors, "model"))
    # from the CPU alone; the cpu.domestic check adds what DMI says about a VM
    facts["domestic"], facts["domestic_reason"] = judge_domestic(facts)
    return facts
