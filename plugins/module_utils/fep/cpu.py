"""CPU facts: who made the CPU (domestic or not), its architecture and cores.

The requirement sheet asks for a domestic CPU with enough *physical* cores.
This module names the CPU (vendor family, model, architecture) from
``/proc/cpuinfo`` (``fep.cpuinfo``); the cores are counted by
``fep.cpu_cores`` from sysfs topology, and whether the maker is domestic is
``fep.cpu_origin``'s judgement.

Everything here is a pure function over text or dicts except ``gather_cpu``
and ``determine_arch``, which do their I/O through a ``SysReader``.
Standard library only, Python 3.6+.
"""
import os
import re

from .cpu_cores import count_cores, read_topology
from .cpu_origin import judge_domestic
from .cpuinfo import clean_text, first_value, hex_value, int_or_none, parse_cpuinfo

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


# arm64 kernels running 32-bit tasks print a generic model name
GENERIC_ARM_MODEL = re.compile(r"^(ARMv\d|AArch64 Processor|.*Processor rev \d)")


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
        value = first_value(processors, key)
        if value and not GENERIC_ARM_MODEL.match(value):
            return clean_text(value)
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
    implementer = hex_value(first_value(processors, "cpu implementer"))
    if implementer is not None:
        part = hex_value(first_value(processors, "cpu part"))
        model = _aarch64_model(processors, implementer, part)
        family = {0x48: "kunpeng", 0x70: "phytium"}.get(implementer, "other")
        return family, model

    vendor = first_value(processors, "vendor_id") or ""
    model_name = clean_text(first_value(processors, "model name"))
    cpu_family = first_value(processors, "cpu family") or ""
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
        [model_name or "", cpu_family, first_value(processors, "cpu model") or ""]).lower()
    if "loongson" in loongson_text or arch == "loongarch64":
        return "loongson", model_name
    if (arch == "sw_64" or vendor.lower().startswith("sunway")
            or re.match(r"^SW\d", model_name or "")):
        if not model_name:
            model_name = SUNWAY_MODELS.get(int_or_none(first_value(processors, "model")))
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


# -- gathering -------------------------------------------------------------------

def x86_flags(processors):
    """The x86 flags openGauss needs, or None without a flags line."""
    flags = first_value(processors, "flags")
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

    implementer = hex_value(first_value(processors, "cpu implementer"))
    part = hex_value(first_value(processors, "cpu part"))
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
        "vendor_id": first_value(processors, "vendor_id"),
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
            facts["hypervisor"] = "hypervisor" in first_value(processors, "flags").split()
        facts["x86_family"] = int_or_none(first_value(processors, "cpu family"))
        facts["x86_model"] = int_or_none(first_value(processors, "model"))
    # from the CPU alone; the cpu.domestic check adds what DMI says about a VM
    facts["domestic"], facts["domestic_reason"] = judge_domestic(facts)
    return facts
