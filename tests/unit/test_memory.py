"""Memory facts from proc/meminfo and the SMBIOS table of a snapshot root."""
import pytest

from fep import dmi, memory
from fep.sysread import SysReader
from tests.builders import devices

GIB = 1024 ** 3
KUNPENG_CPUS = [("HiSilicon", "Kunpeng 920-4826", 48, 48)] * 2
KUNPENG_FACTS = [{"socket": "CPU01", "manufacturer": "HiSilicon", "version": "Kunpeng 920-4826",
                  "core_count": 48, "thread_count": 48},
                 {"socket": "CPU02", "manufacturer": "HiSilicon", "version": "Kunpeng 920-4826",
                  "core_count": 48, "thread_count": 48}]


def kib_of(gib, reserved_pct):
    """MemTotal in kB for ``gib`` installed, less firmware/kernel reservations."""
    return int(gib * 1024 * 1024 * (100 - reserved_pct) / 100)


class NonRootLiveReader(SysReader):
    """A live host seen by an unprivileged user: the SMBIOS table is mode 0400 root."""

    def __init__(self, root):
        SysReader.__init__(self, root)
        self.live = True  # the snapshot stands in for "/"

    def can_read(self, rel):
        return rel != memory.DMI_TABLE and SysReader.can_read(self, rel)

    def read_bytes(self, rel, default=None, limit=4 * 1024 * 1024):
        if rel == memory.DMI_TABLE:
            return default
        return SysReader.read_bytes(self, rel, default, limit)

    def is_root_user(self):
        return False


@pytest.mark.parametrize("dimms_mb, cpus, mem_total_kib, swap_kib, expected", [
    pytest.param(
        [16384] * 8 + [0] * 8, KUNPENG_CPUS, kib_of(128, 2), 4194304,
        {"total_bytes": kib_of(128, 2) * 1024, "swap_total_bytes": 4 * GIB,
         "hugepages_total": 0, "installed_bytes": 128 * GIB, "installed_source": "smbios",
         "dimms": 8, "smbios_processors": KUNPENG_FACTS},
        id="128GiB-installed-MemTotal-2pct-lower"),
    pytest.param(
        [32768] * 8, KUNPENG_CPUS, kib_of(256, 2.5), 0,
        {"total_bytes": kib_of(256, 2.5) * 1024, "swap_total_bytes": 0,
         "hugepages_total": 0, "installed_bytes": 256 * GIB, "installed_source": "smbios",
         "dimms": 8, "smbios_processors": KUNPENG_FACTS},
        id="256GiB-of-32GiB-dimms-extended-size"),
    pytest.param(
        [65536, 0, 65536, 0], [("Hygon", "Hygon C86 7285 32-core Processor", 32, 64)],
        kib_of(128, 3), 0,
        {"total_bytes": kib_of(128, 3) * 1024, "swap_total_bytes": 0,
         "hugepages_total": 0, "installed_bytes": 128 * GIB, "installed_source": "smbios",
         "dimms": 2,
         "smbios_processors": [{"socket": "CPU01", "manufacturer": "Hygon",
                                "version": "Hygon C86 7285 32-core Processor",
                                "core_count": 32, "thread_count": 64}]},
        id="hygon-64GiB-dimms"),
])
def test_gather_memory_with_smbios(tmp_path, dimms_mb, cpus, mem_total_kib, swap_kib, expected):
    devices.write_meminfo(tmp_path, mem_total_kib, swap_kib=swap_kib)
    devices.write_smbios(tmp_path, dimm_sizes_mb=dimms_mb, cpus=cpus)
    reader = SysReader(str(tmp_path))
    assert memory.gather_memory(reader) == expected
    assert reader.unknown == {}


def test_gather_memory_smbios_needs_root(tmp_path):
    devices.write_meminfo(tmp_path, kib_of(128, 2), hugepages_total=1024)
    devices.write_smbios(tmp_path, dimm_sizes_mb=[16384] * 8, cpus=KUNPENG_CPUS)
    reader = NonRootLiveReader(str(tmp_path))
    assert memory.gather_memory(reader) == {
        "total_bytes": kib_of(128, 2) * 1024, "swap_total_bytes": 0, "hugepages_total": 1024,
        "installed_bytes": None, "installed_source": None, "dimms": None,
        "smbios_processors": None,
    }
    reason = "SMBIOS table needs root (run with become)"
    assert reader.unknown == {"memory.installed_bytes": reason,
                              "memory.smbios_processors": reason}
    assert reader.warnings == ["memory.installed_bytes: " + reason]


def test_gather_memory_smbios_absent(tmp_path):
    devices.write_meminfo(tmp_path, kib_of(128, 2))
    reader = SysReader(str(tmp_path))
    assert memory.gather_memory(reader) == {
        "total_bytes": kib_of(128, 2) * 1024, "swap_total_bytes": 0, "hugepages_total": 0,
        "installed_bytes": None, "installed_source": None, "dimms": None,
        "smbios_processors": None,
    }
    reason = "SMBIOS table not present (sys/firmware/dmi/tables/DMI)"
    assert reader.unknown == {"memory.installed_bytes": reason,
                              "memory.smbios_processors": reason}


def test_gather_memory_dimm_of_unknown_size(tmp_path):
    # A size word of 0xFFFF: a partial sum would understate the RAM.
    devices.write_meminfo(tmp_path, kib_of(128, 2))
    path = devices.write_smbios(tmp_path, dimm_sizes_mb=[16384, 16384], cpus=KUNPENG_CPUS)
    table = path.read_bytes()
    second_dimm = [s for s in dmi.parse_smbios(table) if s["type"] == 17][1]["data"]
    size_at = table.index(second_dimm) + 0x0C
    path.chmod(0o600)
    path.write_bytes(table[:size_at] + b"\xff\xff" + table[size_at + 2:])
    reader = SysReader(str(tmp_path))
    facts = memory.gather_memory(reader)
    assert (facts["installed_bytes"], facts["installed_source"], facts["dimms"]) == (None, None, 2)
    assert reader.unknown == {
        "memory.installed_bytes": "SMBIOS reports DIMMs of unknown size: DIMM001"}


def test_gather_memory_without_meminfo(tmp_path):
    devices.write_smbios(tmp_path, dimm_sizes_mb=[16384] * 8, cpus=KUNPENG_CPUS)
    reader = SysReader(str(tmp_path))
    facts = memory.gather_memory(reader)
    assert (facts["total_bytes"], facts["swap_total_bytes"], facts["installed_bytes"]) == (
        None, None, 128 * GIB)
    assert reader.unknown == {
        "memory.total_bytes": "proc/meminfo unreadable or without MemTotal"}


@pytest.mark.parametrize("text, expected", [
    pytest.param("MemTotal:       131533373 kB\nSwapTotal:             0 kB\n"
                 "HugePages_Total:     512\nHugepagesize:       2048 kB\n",
                 {"MemTotal": 131533373, "SwapTotal": 0, "HugePages_Total": 512,
                  "Hugepagesize": 2048}, id="typical"),
    pytest.param("MemTotal: lots kB\nbroken line\nEmpty:\n", {}, id="garbage"),
    pytest.param(None, {}, id="unreadable"),
])
def test_parse_meminfo(text, expected):
    assert memory.parse_meminfo(text) == expected


def test_builder_meminfo_is_full_length(tmp_path):
    text = devices.write_meminfo(tmp_path, kib_of(128, 2), swap_kib=1024).read_text()
    values = memory.parse_meminfo(text)
    assert len(values) == 51
    assert (values["MemTotal"], values["SwapTotal"], values["HugePages_Total"]) == (
        kib_of(128, 2), 1024, 0)
