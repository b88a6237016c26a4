"""fep.cpu, fep.cpu_cores and fep.cpuinfo against full-length /proc/cpuinfo fixtures and sysfs topology trees."""
import os
import re
from pathlib import Path

import pytest

from fep.cpu import classify_vendor, gather_cpu, infer_arch
from fep.cpu_cores import count_cores, parse_cpu_list, read_topology
from fep.cpuinfo import parse_cpuinfo
from fep.domestic import DOMESTIC_CPU_FAMILIES
from fep.sysread import SysReader
from tests.builders.cpu_tree import FIXTURES, layout, load_meta, write_cpu_snapshot, write_sysfs_topology

X86_OK = {"avx": True, "rdtscp": True}

# case: (vendor_family, model, vendor_id, implementer, part, x86_flags, hypervisor)
IDENTITY = {
    "kunpeng920_5250": ("kunpeng", "Kunpeng 920 (TaiShan v110)", None, "0x48", "0xd01", None, None),
    "kunpeng920_7270z": ("kunpeng", "Kunpeng 920 (TaiShan v120)", None, "0x48", "0xd02", None, None),
    "phytium_ft2500": ("phytium", "Phytium FT-2500/S2500 (FTC663)", None, "0x70", "0x663", None, None),
    "phytium_ft2000plus": ("phytium", "Phytium FT-2000+/64 (FTC662)", None, "0x70", "0x662", None, None),
    "ampere_altra": ("other", "ARM Neoverse-N1", None, "0x41", "0xd0c", None, None),
    "ampereone_a192": ("other", "Ampere Ampere-1", None, "0xc0", "0xac3", None, None),
    "hygon_7280": ("hygon", "Hygon C86 7280 32-core Processor", "HygonGenuine", None, None, X86_OK, False),
    "hygon_3g_7390": ("hygon", "Hygon C86-3G 7390 32-core Processor", "HygonGenuine", None, None, X86_OK, False),
    "zhaoxin_kh40000": ("zhaoxin", "ZHAOXIN KaiSheng KH-40000/16@2.2GHz", "Shanghai", None, None, X86_OK, False),
    "zhaoxin_kx_u6780a": ("zhaoxin", "ZHAOXIN KaiXian KX-U6780A@2.7GHz", "CentaurHauls", None, None, X86_OK, False),
    "loongson_3c5000": ("loongson", "Loongson-3C5000", None, None, None, None, None),
    "loongson_3a5000_oldkeys": ("loongson", "Loongson-3A5000LL", None, None, None, None, None),
    "loongson_3a6000": ("loongson", "Loongson-3A6000", None, None, None, None, None),
    "sunway_sw3231": ("sunway", "SW3231 CPU @ 2.40GHz", "sunway", None, None, None, None),
    "intel_xeon_gold_6248": ("intel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "GenuineIntel",
                             None, None, X86_OK, False),
    "amd_epyc_7543": ("amd", "AMD EPYC 7543 32-Core Processor", "AuthenticAMD", None, None, X86_OK, False),
    "vm_intel_kvm64": ("intel", "Common KVM processor", "GenuineIntel", None, None,
                       {"avx": False, "rdtscp": False}, True),
    "vm_hygon_kvm_amd": ("amd", "Hygon C86 7390 32-core Processor", "AuthenticAMD", None, None,
                         {"avx": False, "rdtscp": False}, True),
    # arm64 has no hypervisor flag: only DMI tells this guest from an ARM server (cpu.domestic)
    "vm_kunpeng_virt_a72": ("other", "ARM Cortex-A72", None, "0x41", "0xd08", None, None),
}

SYSFS_NOTE = "one core per distinct thread sibling list in sysfs"
PAIRS_NOTE = "distinct physical id/core id pairs in /proc/cpuinfo"
LOONGSON_NOTE = "distinct package/core pairs in /proc/cpuinfo"
PHYTIUM_NOTE = "Phytium cores have no SMT: one logical CPU per physical core"
AARCH64_NOTE = ("/proc/cpuinfo on aarch64 gives only the logical CPU count:"
                " SMT cannot be ruled out")

# Without sysfs: (sockets, physical_cores, logical_cpus, threads_per_core, cores_source, note)
CPUINFO_ONLY = {
    "kunpeng920_5250": (None, 192, 192, 1, "cpuinfo",
                        "Kunpeng 920 TaiShan v110 cores have no SMT: one logical CPU per physical core"),
    # an honest over-estimate: the true count is 128
    "kunpeng920_7270z": (None, 256, 256, None, "estimate",
                         "Kunpeng 920 TaiShan v120 cores can run 2 threads each:"
                         " physical cores may be half the logical CPU count"),
    "phytium_ft2500": (None, 128, 128, 1, "cpuinfo", PHYTIUM_NOTE),
    "phytium_ft2000plus": (None, 64, 64, 1, "cpuinfo", PHYTIUM_NOTE),
    "ampere_altra": (None, 80, 80, None, "estimate", AARCH64_NOTE),
    "ampereone_a192": (None, 192, 192, None, "estimate", AARCH64_NOTE),
    "hygon_7280": (2, 64, 128, 2, "cpuinfo", PAIRS_NOTE),
    "hygon_3g_7390": (2, 64, 128, 2, "cpuinfo", PAIRS_NOTE),
    "zhaoxin_kh40000": (2, 32, 32, 1, "cpuinfo", PAIRS_NOTE),
    "zhaoxin_kx_u6780a": (1, 8, 8, 1, "cpuinfo", PAIRS_NOTE),
    "loongson_3c5000": (4, 64, 64, 1, "cpuinfo", LOONGSON_NOTE),
    "loongson_3a5000_oldkeys": (1, 4, 4, 1, "cpuinfo", LOONGSON_NOTE),
    "loongson_3a6000": (1, 4, 8, 2, "cpuinfo", LOONGSON_NOTE),
    "sunway_sw3231": (2, 64, 64, None, "estimate",
                      "/proc/cpuinfo has no core ids: assumed one thread per core"),
    "intel_xeon_gold_6248": (2, 40, 80, 2, "cpuinfo", PAIRS_NOTE),
    "amd_epyc_7543": (2, 64, 128, 2, "cpuinfo", PAIRS_NOTE),
    "vm_intel_kvm64": (2, 8, 8, 1, "cpuinfo", PAIRS_NOTE),
    "vm_hygon_kvm_amd": (1, 8, 8, 1, "cpuinfo", PAIRS_NOTE),
    "vm_kunpeng_virt_a72": (None, 8, 8, None, "estimate", AARCH64_NOTE),
}

CASES = sorted(IDENTITY)

COUNT_KEYS = ("sockets", "physical_cores", "logical_cpus", "threads_per_core",
              "cores_source", "cores_note")


def test_every_fixture_is_covered():
    assert sorted(os.listdir(FIXTURES)) == CASES == sorted(CPUINFO_ONLY)


@pytest.mark.parametrize("case", sorted(c for c in CASES if (FIXTURES / c / "lscpu").exists()))
def test_lscpu_beside_a_fixture_tells_the_same_cpu(case):
    """lscpu's Vendor ID / Model name / CPU(s) match the cpuinfo they sit beside."""
    lscpu = dict(line.strip().split(":", 1) for line in (FIXTURES / case / "lscpu").read_text().splitlines()
                 if ":" in line)
    lscpu = {key.strip(): value.strip() for key, value in lscpu.items()}
    processors = parse_cpuinfo((FIXTURES / case / "cpuinfo").read_text())
    assert int(lscpu["CPU(s)"]) == len(processors)
    vendor = processors[0].get("vendor_id") or {"0x41": "ARM"}[processors[0]["cpu implementer"]]
    assert lscpu["Vendor ID"] == vendor
    assert lscpu["Model name"] in (processors[0].get("model name"), "Cortex-A72")


def _snapshot(tmp_path, case, **kwargs):
    meta = write_cpu_snapshot(tmp_path, case, **kwargs)
    reader = SysReader(str(tmp_path))
    return meta, reader, gather_cpu(reader)


# Guests whose CPU model hides the host: (domestic, domestic_reason)
HIDDEN_ORIGIN = {
    "vm_intel_kvm64": (None, "vm_generic_model"),
    # the issue: "AMD, not domestic" although the brand string names the Hygon host
    "vm_hygon_kvm_amd": (None, "vm_vendor_brand_conflict"),
}


def _x86_ids(case):
    """(cpu family, model) of the fixture's first processor, read without fep.cpu."""
    text = (FIXTURES / case / "cpuinfo").read_text()
    family = re.search(r"^cpu family\s*: (\d+)$", text, re.M)
    model = re.search(r"^model\s*: (\d+)$", text, re.M)
    return int(family.group(1)), int(model.group(1))


def _expected_identity(case, arch):
    family, model, vendor_id, implementer, part, flags, hypervisor = IDENTITY[case]
    domestic, reason = HIDDEN_ORIGIN.get(case, (family in DOMESTIC_CPU_FAMILIES, None))
    x86_family, x86_model = _x86_ids(case) if arch == "x86_64" else (None, None)
    return {
        "vendor_family": family, "domestic": domestic, "domestic_reason": reason, "model": model,
        "arch": arch, "vendor_id": vendor_id, "implementer": implementer, "part": part,
        "x86_flags": flags, "hypervisor": hypervisor, "x86_family": x86_family, "x86_model": x86_model,
    }


@pytest.mark.parametrize("case", CASES)
def test_with_sysfs_counts_the_true_topology(tmp_path, case):
    meta, reader, facts = _snapshot(tmp_path, case)
    expected = _expected_identity(case, meta["arch"])
    expected.update({
        "sockets": meta["sockets"],
        "physical_cores": meta["sockets"] * meta["cores_per_socket"],
        "logical_cpus": meta["sockets"] * meta["cores_per_socket"] * meta["threads_per_core"],
        "threads_per_core": meta["threads_per_core"],
        "cores_source": "sysfs",
        "cores_note": SYSFS_NOTE,
    })
    assert facts == expected
    assert reader.unknown == {}


@pytest.mark.parametrize("case", CASES)
def test_cpuinfo_only(tmp_path, case):
    meta, reader, facts = _snapshot(tmp_path, case, with_sysfs=False)
    expected = _expected_identity(case, meta["arch"])
    expected.update(zip(COUNT_KEYS, CPUINFO_ONLY[case]))
    assert facts == expected
    assert reader.unknown == {}


@pytest.mark.parametrize("case", CASES)
def test_cpuinfo_only_never_undercounts(case):
    """An estimate may be too high (and says so) but a count is never too low."""
    meta = load_meta(case)
    _sockets, cores, _logical, _threads, source, _note = CPUINFO_ONLY[case]
    truth = meta["sockets"] * meta["cores_per_socket"]
    assert cores == truth if source == "cpuinfo" else cores >= truth


@pytest.mark.parametrize("case", CASES)
def test_arch_is_inferred_without_the_arch_file(tmp_path, case):
    meta, reader, facts = _snapshot(tmp_path, case, with_sysfs=False, with_arch_file=False)
    assert facts["arch"] == meta["arch"]
    assert facts["vendor_family"] == IDENTITY[case][0]
    assert reader.unknown == {}


@pytest.mark.parametrize("case", ["kunpeng920_5250", "kunpeng920_7270z", "phytium_ft2500"])
def test_arm_trees_defeat_naive_package_core_counting(case):
    """The fixtures reproduce PPTT ids: (package, core_id) pairs undercount badly."""
    meta = load_meta(case)
    pairs = {(package, core_id) for _key, package, core_id in layout(case)}
    assert len(pairs) < meta["sockets"] * meta["cores_per_socket"]


@pytest.mark.parametrize("make_unreadable", ["missing", "directory", "empty"])
def test_unreadable_cpuinfo_is_unknown_with_a_reason(tmp_path, make_unreadable):
    write_cpu_snapshot(tmp_path, "hygon_7280")
    cpuinfo = tmp_path / "proc" / "cpuinfo"
    cpuinfo.unlink()
    if make_unreadable == "directory":
        cpuinfo.mkdir()
    elif make_unreadable == "empty":
        cpuinfo.write_text("")
    reader = SysReader(str(tmp_path))
    facts = gather_cpu(reader)
    assert facts == {
        "vendor_family": "unknown", "domestic": None, "model": None, "arch": "x86_64",
        "sockets": None, "physical_cores": None, "logical_cpus": None,
        "threads_per_core": None, "cores_source": None, "cores_note": None,
        "vendor_id": None, "implementer": None, "part": None,
        "x86_flags": None, "hypervisor": None, "x86_family": None, "x86_model": None,
        "domestic_reason": None,
    }
    reason = ("/proc/cpuinfo lists no processors" if make_unreadable == "empty"
              else "/proc/cpuinfo is missing or unreadable")
    assert reader.unknown == {"cpu": reason}


def test_unknown_arch_is_marked(tmp_path):
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "cpuinfo").write_text("processor\t: 0\nBogoMIPS\t: 48.00\n\n")
    reader = SysReader(str(tmp_path))
    facts = gather_cpu(reader)
    assert facts["arch"] is None
    assert facts["vendor_family"] == "other"
    assert facts["cores_source"] == "estimate"
    assert facts["cores_note"] == ("/proc/cpuinfo on this architecture gives only the"
                                   " logical CPU count: SMT cannot be ruled out")
    assert set(reader.unknown) == {"cpu.arch"}


def test_x86_without_flags_line_is_marked(tmp_path):
    write_cpu_snapshot(tmp_path, "zhaoxin_kx_u6780a", with_sysfs=False)
    cpuinfo = tmp_path / "proc" / "cpuinfo"
    cpuinfo.write_text("".join(line for line in cpuinfo.read_text().splitlines(True)
                               if not line.startswith("flags")))
    reader = SysReader(str(tmp_path))
    facts = gather_cpu(reader)
    assert (facts["x86_flags"], facts["hypervisor"]) == (None, None)
    assert reader.unknown == {"cpu.x86_flags": "/proc/cpuinfo has no flags line"}


# -- topology details --------------------------------------------------------------

def test_offline_cpus_are_not_counted(tmp_path):
    write_cpu_snapshot(tmp_path, "hygon_7280")
    # CPU 5 and its sibling 69 taken offline, and 100 alone (its sibling 36 stays)
    (tmp_path / "sys/devices/system/cpu/online").write_text("0-4,6-68,70-99,101-127\n")
    topology = read_topology(SysReader(str(tmp_path)))
    assert [cpu["cpu"] for cpu in topology if not cpu["online"]] == [5, 69, 100]
    counts = count_cores([], topology, "x86_64")
    assert (counts["physical_cores"], counts["logical_cpus"]) == (63, 125)
    assert (counts["sockets"], counts["threads_per_core"]) == (2, 2)


def test_offline_cpu_without_topology_directory_is_skipped(tmp_path):
    write_cpu_snapshot(tmp_path, "loongson_3a6000")
    base = tmp_path / "sys/devices/system/cpu"
    for name in (base / "cpu7" / "topology").iterdir():
        name.unlink()
    (base / "cpu7" / "topology").rmdir()
    (base / "online").unlink()
    (base / "cpu7" / "online").write_text("0\n")
    topology = read_topology(SysReader(str(tmp_path)))
    assert [cpu["cpu"] for cpu in topology] == list(range(7))
    counts = count_cores([], topology, "loongarch64")
    assert (counts["physical_cores"], counts["logical_cpus"], counts["threads_per_core"]) == (4, 7, 2)


def test_without_sibling_lists_falls_back_to_package_core_pairs(tmp_path):
    write_cpu_snapshot(tmp_path, "intel_xeon_gold_6248")
    for path in (tmp_path / "sys/devices/system/cpu").glob("cpu*/topology/*"):
        if path.name in ("thread_siblings_list", "core_cpus_list"):
            path.unlink()
    counts = count_cores([], read_topology(SysReader(str(tmp_path))), "x86_64")
    assert counts == {
        "sockets": 2, "physical_cores": 40, "logical_cpus": 80, "threads_per_core": 2,
        "cores_source": "sysfs",
        "note": "sysfs has no thread sibling lists: counted distinct"
                " physical_package_id/core_id pairs",
    }


def test_core_cpus_list_is_read_when_thread_siblings_list_is_gone(tmp_path):
    write_cpu_snapshot(tmp_path, "kunpeng920_7270z")
    for path in (tmp_path / "sys/devices/system/cpu").glob("cpu*/topology/thread_siblings_list"):
        path.unlink()
    facts = gather_cpu(SysReader(str(tmp_path)))
    assert (facts["physical_cores"], facts["cores_source"]) == (128, "sysfs")


def test_sysfs_without_topology_falls_back_to_cpuinfo(tmp_path):
    write_cpu_snapshot(tmp_path, "loongson_3c5000", with_sysfs=False)
    (tmp_path / "sys/devices/system/cpu/cpu0").mkdir(parents=True)
    (tmp_path / "sys/devices/system/cpu/online").write_text("0-63\n")
    facts = gather_cpu(SysReader(str(tmp_path)))
    assert (facts["physical_cores"], facts["cores_source"]) == (64, "cpuinfo")


def test_negative_package_ids_give_unknown_sockets():
    topology = [{"cpu": n, "package": -1, "core_id": n, "thread_siblings_list": str(n),
                 "online": True} for n in range(4)]
    counts = count_cores([], topology, "aarch64")
    assert (counts["sockets"], counts["physical_cores"]) == (None, 4)


def test_read_topology_without_sysfs_is_empty(tmp_path):
    assert read_topology(SysReader(str(tmp_path))) == []


# -- pure parsers ----------------------------------------------------------------------

def test_parse_cpuinfo_lowercases_keys_and_spreads_machine_lines():
    text = (FIXTURES / "loongson_3c5000" / "cpuinfo").read_text()
    processors = parse_cpuinfo(text)
    assert len(processors) == 64
    first = processors[0]
    assert first["cpu family"] == "Loongson-64bit"
    assert first["model name"] == "Loongson-3C5000"
    assert first["system type"] == "generic-loongson-machine"
    assert processors[63]["system type"] == "generic-loongson-machine"
    assert (processors[63]["package"], processors[63]["core"]) == ("3", "15")


def test_parse_cpuinfo_keeps_padded_vendor_and_empty_values():
    text = (FIXTURES / "zhaoxin_kh40000" / "cpuinfo").read_text()
    assert "vendor_id\t:   Shanghai  \n" in text
    first = parse_cpuinfo(text)[0]
    assert first["vendor_id"] == "Shanghai"
    assert first["power management"] == ""


def test_parse_cpuinfo_hardware_line_after_the_last_processor():
    text = ("processor\t: 0\nCPU implementer\t: 0x70\nCPU part\t: 0x663\n\n"
            "processor\t: 1\nCPU implementer\t: 0x70\nCPU part\t: 0x663\n\n"
            "Hardware\t: PHYTIUM FT-2000/4\n")
    processors = parse_cpuinfo(text)
    assert [p["hardware"] for p in processors] == ["PHYTIUM FT-2000/4"] * 2
    assert classify_vendor(processors, "aarch64") == ("phytium", "PHYTIUM FT-2000/4")


def test_parse_cpuinfo_old_arm64_layout_with_processor_lines_back_to_back():
    text = ("Processor\t: AArch64 Processor rev 1 (aarch64)\nprocessor\t: 0\nprocessor\t: 1\n"
            "Features\t: fp asimd evtstrm\nCPU implementer\t: 0x70\nCPU part\t: 0x660\n")
    processors = parse_cpuinfo(text)
    assert [p["processor"] for p in processors] == ["0", "1"]
    assert classify_vendor(processors, "aarch64") == ("phytium", "Phytium FT-1500A (FTC660)")


@pytest.mark.parametrize("text", [None, "", "garbage without colons\n", ":\n: :\n"])
def test_parse_cpuinfo_never_raises(text):
    assert parse_cpuinfo(text) == []


@pytest.mark.parametrize("text, expected", [
    ("0-3,8-11", {0, 1, 2, 3, 8, 9, 10, 11}),
    ("0,40", {0, 40}),
    ("5\n", {5}),
    ("", set()),
    (None, None),
    ("0-x", None),
    ("7-3", None),
])
def test_parse_cpu_list(text, expected):
    assert parse_cpu_list(text) == expected


def _blocks(*blocks):
    return parse_cpuinfo("\n\n".join("\n".join(block) for block in blocks) + "\n")


@pytest.mark.parametrize("lines, arch, expected", [
    # old VIA parts share Zhaoxin's CentaurHauls vendor string
    (["processor : 0", "vendor_id : CentaurHauls", "model name : VIA Nano processor U2250 (1.6GHz Capable)",
      "flags : fpu lm"], "x86_64", ("other", "VIA Nano processor U2250 (1.6GHz Capable)")),
    (["processor : 0", "CPU implementer : 0x70", "CPU part : 0x999"], "aarch64",
     ("phytium", "Phytium (part 0x999)")),
    (["processor : 0", "CPU implementer : 0x48", "CPU part : 0xd03"], "aarch64",
     ("kunpeng", "Kunpeng (part 0xd03)")),
    # a vendor kernel's own model line wins over the part table
    (["processor : 0", "model name : HUAWEI Kunpeng 920 5250", "CPU implementer : 0x48",
      "CPU part : 0xd01"], "aarch64", ("kunpeng", "HUAWEI Kunpeng 920 5250")),
    # ...but not the generic line arm64 kernels print for 32-bit tasks
    (["processor : 0", "model name : ARMv8 Processor rev 0 (v8l)", "CPU implementer : 0x48",
      "CPU part : 0xd01"], "aarch64", ("kunpeng", "Kunpeng 920 (TaiShan v110)")),
    (["processor : 0", "CPU implementer : 0x51", "CPU part : 0xc00"], "aarch64",
     ("other", "Qualcomm (part 0xc00)")),
    # Loongson on MIPS (3A4000 and older)
    (["system type : generic-loongson-machine", "machine : loongson,generic", "processor : 0",
      "cpu model : ICT Loongson-3 V0.1  FPU V0.1",
      "model name : Loongson-3A R4 (Loongson-3A4000) @ 1800MHz",
      "isa : mips1 mips2 mips3 mips4 mips5 mips32r1 mips32r2 mips64r1 mips64r2"], "mips64",
     ("loongson", "Loongson-3A R4 (Loongson-3A4000) @ 1800MHz")),
    # Sunway known by its architecture even with an unfamiliar vendor string
    (["processor : 0", "vendor_id : WX", "model : 65"], "sw_64", ("sunway", "SW8A")),
    ([], "x86_64", ("unknown", None)),
])
def test_classify_vendor_edge_cases(lines, arch, expected):
    assert classify_vendor(_blocks(lines) if lines else [], arch) == expected


@pytest.mark.parametrize("lines, expected", [
    (["processor : 0", "cpu model : ICT Loongson-3 V0.1  FPU V0.1",
      "isa : mips1 mips2 mips3 mips4 mips5 mips32r1 mips32r2 mips64r1 mips64r2"], "mips64"),
    (["processor : 0", "CPU implementer : 0x41", "CPU architecture: 7"], "armv7l"),
    (["processor : 0", "vendor_id : GenuineIntel", "flags : fpu vme de pse"], "i686"),
    (["processor : 0", "vendor_id : sunway", "flags : fpu simd vpn upn cpuid"], "sw_64"),
    (["processor : 0", "BogoMIPS : 48.00"], None),
])
def test_infer_arch_edge_cases(lines, expected):
    assert infer_arch(_blocks(lines)) == expected


@pytest.mark.parametrize("cores, sockets, expected", [
    (4, 1, "Phytium FT-2000/4 (FTC663)"),
    (8, None, "Phytium D2000 (FTC663)"),
    (256, 4, "Phytium FT-2500/S2500 (FTC663)"),
    (16, 1, "Phytium FT-2500/S2500, FT-2000/4 or D2000 (FTC663)"),
])
def test_ftc663_chip_is_named_by_cores_per_socket(tmp_path, cores, sockets, expected):
    root = Path(tmp_path)
    (root / "proc").mkdir()
    block = "processor\t: %d\nCPU implementer\t: 0x70\nCPU architecture: 8\nCPU part\t: 0x663\n\n"
    (root / "proc" / "cpuinfo").write_text("".join(block % n for n in range(cores)))
    if sockets:
        per_socket = cores // sockets
        write_sysfs_topology(root, [((n, n), n // per_socket, n % 4) for n in range(cores)])
    assert gather_cpu(SysReader(str(root)))["model"] == expected
