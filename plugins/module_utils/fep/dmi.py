"""Parse the raw SMBIOS structure table (``sys/firmware/dmi/tables/DMI``).

We read the table ourselves instead of calling ``dmidecode``: minimal hospital
images often lack it, and a snapshot root has no program to run.  Offsets are
those of DMTF DSP0134 (SMBIOS 3.x); every field read is bounds-checked because
older firmware writes shorter structures and a truncated table must never
raise.  The table is readable by root only on a live host.
"""
import struct

END_OF_TABLE = 127
_HEADER = struct.Struct("<BBH")
_MIB = 1024 * 1024

# Firmware fills unused string fields with these instead of leaving them empty.
_PLACEHOLDERS = frozenset((
    "", "not specified", "unknown", "no dimm", "none", "null", "undefined",
    "to be filled by o.e.m.", "default string", "not available",
))

# Type 16 "Use" values whose type-17 children are not system RAM (a flash
# ROM array listed beside the DIMMs would otherwise inflate installed RAM).
_NOT_SYSTEM_RAM = frozenset((0x04, 0x05, 0x06, 0x07))

_MEMORY_TYPES = {
    0x12: "DDR", 0x13: "DDR2", 0x14: "DDR2 FB-DIMM", 0x18: "DDR3",
    0x1A: "DDR4", 0x1B: "LPDDR", 0x1C: "LPDDR2", 0x1D: "LPDDR3",
    0x1E: "LPDDR4", 0x1F: "Logical non-volatile device", 0x20: "HBM",
    0x21: "HBM2", 0x22: "DDR5", 0x23: "LPDDR5", 0x24: "HBM3",
}


def parse_smbios(table):
    """Structures of a raw table: ``[{type, handle, data, strings}]``.

    ``data`` is the formatted area *including* the 4-byte header, so field
    offsets match the specification.  Parsing stops at the end-of-table
    structure (type 127) or at the first malformed structure.
    """
    structs = []
    if not table:
        return structs
    table = bytes(table)
    offset = 0
    while offset + _HEADER.size <= len(table):
        stype, length, handle = _HEADER.unpack_from(table, offset)
        if length < _HEADER.size or offset + length > len(table):
            break
        # The string set ends with a double NUL (just "\0\0" when empty).
        end = table.find(b"\0\0", offset + length)
        if end < 0:
            break
        raw = table[offset + length:end]
        structs.append({
            "type": stype,
            "handle": handle,
            "data": table[offset:offset + length],
            "strings": [s.decode("utf-8", "replace") for s in raw.split(b"\0")] if raw else [],
        })
        if stype == END_OF_TABLE:
            break
        offset = end + 2
    return structs


def _byte(st, offset):
    data = st["data"]
    return data[offset] if offset < len(data) else None


def _word(st, offset):
    data = st["data"]
    return struct.unpack_from("<H", data, offset)[0] if offset + 2 <= len(data) else None


def _dword(st, offset):
    data = st["data"]
    return struct.unpack_from("<I", data, offset)[0] if offset + 4 <= len(data) else None


def _string(st, offset):
    """String referenced by the byte at ``offset`` (1-based; 0 = none)."""
    index = _byte(st, offset)
    if not index or index > len(st["strings"]):
        return None
    value = st["strings"][index - 1].strip()
    return None if value.lower() in _PLACEHOLDERS else value


def memory_size_bytes(size_word, extended_size):
    """Bytes of a type-17 device; 0 for an empty slot, None when unknown."""
    if size_word is None or size_word == 0xFFFF:
        return None
    if size_word == 0:
        return 0
    if size_word == 0x7FFF:
        # 32 GiB and larger: the real size (MB) is in the extended DWORD.
        if extended_size is None:
            return None
        return (extended_size & 0x7FFFFFFF) * _MIB
    if size_word & 0x8000:
        return (size_word & 0x7FFF) * 1024
    return size_word * _MIB


def memory_devices(structs):
    """Type-17 memory devices of system RAM, empty slots included.

    ``size_bytes`` is 0 for an empty slot and None when the firmware says the
    size is unknown.
    """
    array_use = {st["handle"]: _byte(st, 0x05) for st in structs if st["type"] == 16}
    devices = []
    for st in structs:
        if st["type"] != 17:
            continue
        if array_use.get(_word(st, 0x04)) in _NOT_SYSTEM_RAM:
            continue
        speed = _word(st, 0x15)
        if speed == 0xFFFF:
            # SMBIOS 3.3+: speeds above 65534 MT/s live in a DWORD at 0x54.
            speed = _dword(st, 0x54)
        devices.append({
            "size_bytes": memory_size_bytes(_word(st, 0x0C), _dword(st, 0x1C)),
            "locator": _string(st, 0x10),
            "type": _MEMORY_TYPES.get(_byte(st, 0x12)),
            "speed_mts": speed or None,
            "manufacturer": _string(st, 0x17),
            "part_number": _string(st, 0x1A),
        })
    return devices


def _count(st, short_offset, long_offset):
    """Core/thread count: 0xFF in the byte means "see the SMBIOS 3.0 word"."""
    value = _byte(st, short_offset)
    if value == 0xFF:
        value = _word(st, long_offset)
        if value == 0xFFFF:
            value = None
    return value or None


def processors(structs):
    """Populated type-4 processor sockets."""
    result = []
    for st in structs:
        if st["type"] != 4:
            continue
        status = _byte(st, 0x18)
        if status is not None and not status & 0x40:
            continue  # bit 6 clear: empty socket
        result.append({
            "socket": _string(st, 0x04),
            "manufacturer": _string(st, 0x07),
            "version": _string(st, 0x10),
            "core_count": _count(st, 0x23, 0x2A),
            "thread_count": _count(st, 0x25, 0x2E),
        })
    return result


def system_info(structs):
    """Manufacturer and product name from the type-1 structure."""
    for st in structs:
        if st["type"] == 1:
            return {"manufacturer": _string(st, 0x04), "product": _string(st, 0x05)}
    return {"manufacturer": None, "product": None}
