"""SMBIOS parsing, on binary tables laid out field by field as DSP0134 (3.x) defines them."""
import struct

import pytest

from fep import dmi

GIB = 1024 ** 3
MIB = 1024 ** 2


def structure(stype, handle, formatted=b"", strings=()):
    """Header (type, length, handle), formatted area, string set ending in a double NUL."""
    header = struct.pack("<BBH", stype, 4 + len(formatted), handle)
    if not strings:
        return header + formatted + b"\0\0"
    return header + formatted + b"".join(s.encode() + b"\0" for s in strings) + b"\0"


END = structure(127, 0xFEFF)


def memory_array(handle, use=0x03):
    """Type 16 (SMBIOS 2.7 length 0x17): location, use, ECC, capacity, error handle, devices."""
    return structure(16, handle, struct.pack("<BBBIHHQ", 0x03, use, 0x06, 0x80000000,
                                             0xFFFE, 4, 0))


def memory_device(handle, size_word, extended=0, speed=3200, array=0x1000, length=0x28,
                  extended_speed=0, mem_type=0x1A, strings=None):
    """Type 17 cut to ``length`` bytes: 0x1B (SMBIOS 2.3), 0x28 (2.8) or 0x5C (3.3)."""
    formatted = struct.pack(
        "<HHHHHBBBBBHHBBBBBIHHHH",
        array, 0xFFFE, 72, 64, size_word, 0x09, 0,
        1, 2,                # 0x10 device locator, bank locator
        mem_type, 0x2080,    # 0x12 memory type, type detail
        speed,               # 0x15 speed (MT/s)
        3, 4, 5, 6,          # 0x17 manufacturer, serial, asset tag, part number
        2, extended,         # 0x1B attributes, 0x1C extended size (MB)
        speed, 1200, 1200, 1200)
    # SMBIOS 3.2/3.3 fields up to 0x54 (memory technology, ...), then extended speeds
    formatted += b"\0" * (0x54 - 0x28) + struct.pack("<II", extended_speed, extended_speed)
    if strings is None:
        strings = ["DIMM000", "_Node0_Channel0_Dimm0", "Samsung", "S123", "A1",
                   "M393A4K40DB3-CWE    "]
    return structure(17, handle, formatted[:length - 4], strings)


def processor(handle, cores, threads, status=0x41, length=0x30,
              manufacturer="HiSilicon", version="Kunpeng 920-4826"):
    """Type 4 cut to ``length`` bytes: 0x23 (SMBIOS 2.3), 0x30 (3.0)."""
    formatted = struct.pack(
        "<BBBBQBBHHHBBHHHBBBBBBHHHHH",
        1, 3, 0xFE, 2, 0x481FD010, 3, 0x8B, 100, 2600, 2600,
        status, 0x06, 0xFFFF, 0xFFFF, 0xFFFF,
        4, 5, 6,                                            # 0x20 serial, asset tag, part
        min(cores, 0xFF), min(cores, 0xFF), min(threads, 0xFF),  # 0x23 counts (byte)
        0x00EC, 0x0102,
        cores, cores, threads)                              # 0x2A counts (word)
    return structure(4, handle, formatted[:length - 4],
                     ["CPU01", manufacturer, version, "NotSet", "NotSet", "NotSet"])


def table(*structures):
    return b"".join(structures) + END


# -- parse_smbios ---------------------------------------------------------------

def test_parse_smbios_reads_header_formatted_area_and_strings():
    raw = table(structure(1, 0x0001, struct.pack("<BBBB", 1, 2, 0, 3),
                          ["Huawei", "TaiShan 200 (Model 2280)", "2102312345"]),
                structure(32, 0x0020, b"\0" * 7))
    structs = dmi.parse_smbios(raw)
    assert [(s["type"], s["handle"], len(s["data"]), s["strings"]) for s in structs] == [
        (1, 0x0001, 8, ["Huawei", "TaiShan 200 (Model 2280)", "2102312345"]),
        (32, 0x0020, 11, []),
        (127, 0xFEFF, 4, []),
    ]


def test_parse_smbios_stops_at_end_of_table():
    raw = table(structure(1, 1)) + structure(2, 2)
    assert [s["type"] for s in dmi.parse_smbios(raw)] == [1, 127]


@pytest.mark.parametrize("raw, types", [
    pytest.param(None, [], id="none"),
    pytest.param(b"", [], id="empty"),
    pytest.param(b"\x11\x28", [], id="shorter-than-a-header"),
    pytest.param(structure(1, 1, b"\1\2", ["a"]) + struct.pack("<BBH", 17, 0x28, 2) + b"\0" * 10,
                 [1], id="truncated-formatted-area"),
    pytest.param(structure(1, 1) + struct.pack("<BBH", 4, 6, 2) + b"\0\0" + b"abc",
                 [1], id="unterminated-string-set"),
    pytest.param(struct.pack("<BBH", 1, 2, 1) + b"\0\0", [], id="length-below-header"),
])
def test_parse_smbios_survives_malformed_tables(raw, types):
    assert [s["type"] for s in dmi.parse_smbios(raw)] == types


# -- memory devices -----------------------------------------------------------------

@pytest.mark.parametrize("size_word, extended, expected", [
    pytest.param(0x4000, 0, 16 * GIB, id="16GiB-in-MB"),
    pytest.param(0x7FFF, 32768, 32 * GIB, id="32GiB-extended"),
    pytest.param(0x7FFF, 65536, 64 * GIB, id="64GiB-extended"),
    pytest.param(0x7FFF, 0x80000000 | 131072, 128 * GIB, id="extended-bit31-reserved"),
    pytest.param(0x8000 | 512, 0, 512 * 1024, id="KB-units"),
    pytest.param(0, 0, 0, id="empty-slot"),
    pytest.param(0xFFFF, 0, None, id="unknown"),
    pytest.param(0x7FFF, None, None, id="extended-missing"),
    pytest.param(None, None, None, id="field-missing"),
])
def test_memory_size_bytes(size_word, extended, expected):
    assert dmi.memory_size_bytes(size_word, extended) == expected


POPULATED = {"locator": "DIMM000", "type": "DDR4", "speed_mts": 3200,
             "manufacturer": "Samsung", "part_number": "M393A4K40DB3-CWE"}
EMPTY = {"size_bytes": 0, "locator": "DIMM001", "type": None, "speed_mts": None,
         "manufacturer": None, "part_number": None}
EMPTY_STRINGS = ["DIMM001", "_Node0_Channel0_Dimm1", "NO DIMM", "NO DIMM", "NO DIMM", "NO DIMM"]


@pytest.mark.parametrize("structures, expected", [
    pytest.param(
        [memory_array(0x1000), memory_device(0x1100, 0x4000),
         memory_device(0x1101, 0, speed=0, mem_type=0x02, strings=EMPTY_STRINGS)],
        [dict(POPULATED, size_bytes=16 * GIB), EMPTY],
        id="populated-and-empty-slot"),
    pytest.param(
        [memory_array(0x1000), memory_device(0x1100, 0x7FFF, extended=65536)],
        [dict(POPULATED, size_bytes=64 * GIB)],
        id="64GiB-extended-size"),
    pytest.param(
        [memory_device(0x1100, 0x7FFF, extended=32768, length=0x1B)],
        [dict(POPULATED, size_bytes=None)],
        id="smbios-2.3-without-extended-size"),
    pytest.param(
        [memory_device(0x1100, 0x7FFF, extended=32768, speed=0xFFFF, extended_speed=70000,
                       mem_type=0x22, length=0x5C)],
        [dict(POPULATED, size_bytes=32 * GIB, type="DDR5", speed_mts=70000)],
        id="smbios-3.3-extended-speed"),
    pytest.param(
        [memory_array(0x1000), memory_array(0x2000, use=0x05),
         memory_device(0x1100, 0x4000), memory_device(0x2100, 16, array=0x2000)],
        [dict(POPULATED, size_bytes=16 * GIB)],
        id="flash-array-device-is-not-ram"),
    pytest.param([structure(1, 1)], [], id="no-type-17"),
])
def test_memory_devices(structures, expected):
    assert dmi.memory_devices(dmi.parse_smbios(table(*structures))) == expected


# -- processors and system -------------------------------------------------------------

KUNPENG = {"socket": "CPU01", "manufacturer": "HiSilicon", "version": "Kunpeng 920-4826"}


@pytest.mark.parametrize("structures, expected", [
    pytest.param([processor(0x400, 48, 48), processor(0x401, 48, 48)],
                 [dict(KUNPENG, core_count=48, thread_count=48)] * 2,
                 id="two-kunpeng-920-sockets"),
    pytest.param([processor(0x400, 64, 128, manufacturer="Hygon",
                            version="Hygon C86 7390 64-core Processor")],
                 [{"socket": "CPU01", "manufacturer": "Hygon",
                   "version": "Hygon C86 7390 64-core Processor",
                   "core_count": 64, "thread_count": 128}],
                 id="hygon-smt"),
    pytest.param([processor(0x400, 288, 576)],
                 [dict(KUNPENG, core_count=288, thread_count=576)],
                 id="over-255-cores-uses-3.0-words"),
    pytest.param([processor(0x400, 48, 48), processor(0x401, 0, 0, status=0x00)],
                 [dict(KUNPENG, core_count=48, thread_count=48)],
                 id="unpopulated-socket-skipped"),
    pytest.param([processor(0x400, 16, 32, length=0x1A)],
                 [dict(KUNPENG, core_count=None, thread_count=None)],
                 id="smbios-2.0-without-counts"),
])
def test_processors(structures, expected):
    assert dmi.processors(dmi.parse_smbios(table(*structures))) == expected


@pytest.mark.parametrize("structures, expected", [
    pytest.param([structure(1, 1, struct.pack("<BBBB", 1, 2, 0, 0),
                            ["Huawei", "TaiShan 200 (Model 2280)"])],
                 {"manufacturer": "Huawei", "product": "TaiShan 200 (Model 2280)"}, id="type-1"),
    pytest.param([structure(1, 1, struct.pack("<BBBB", 1, 2, 0, 0),
                            ["To Be Filled By O.E.M.", "Default string"])],
                 {"manufacturer": None, "product": None}, id="placeholders"),
    pytest.param([], {"manufacturer": None, "product": None}, id="absent"),
])
def test_system_info(structures, expected):
    assert dmi.system_info(dmi.parse_smbios(table(*structures))) == expected
