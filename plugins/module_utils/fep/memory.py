"""Memory facts: what the kernel manages and what is installed.

``MemTotal`` is always below the installed RAM (firmware and kernel
reservations take 1.5-3 %), so a 128 GB server would fail a ">= 128 GB"
requirement on MemTotal alone.  The installed size comes from the SMBIOS
type-17 records, which only root can read on a live host.
"""
from . import dmi

MEMINFO = "proc/meminfo"
DMI_TABLE = "sys/firmware/dmi/tables/DMI"


def parse_meminfo(text):
    """``{"MemTotal": 131072000, "HugePages_Total": 0, ...}`` (numbers as written, kB or counts)."""
    values = {}
    for line in (text or "").splitlines():
        key, sep, rest = line.partition(":")
        fields = rest.split()
        if not sep or not fields:
            continue
        try:
            values[key.strip()] = int(fields[0])
        except ValueError:
            continue
    return values


def _kib_to_bytes(meminfo, key):
    value = meminfo.get(key)
    return None if value is None else value * 1024


def summarise_smbios(structs):
    """Installed RAM from parsed SMBIOS structures.

    Returns ``(facts, reason)``; ``reason`` says why ``installed_bytes`` is
    None when it is.
    """
    devices = dmi.memory_devices(structs)
    populated = [dev for dev in devices if dev["size_bytes"] != 0]
    facts = {
        "installed_bytes": None,
        "installed_source": None,
        "dimms": len(populated) if devices else None,
        "smbios_processors": dmi.processors(structs),
    }
    if not devices:
        return facts, "SMBIOS table lists no memory devices"
    unknown = [dev["locator"] or "?" for dev in populated if dev["size_bytes"] is None]
    if unknown:
        # A partial sum would understate the RAM and fail a good server.
        return facts, "SMBIOS reports DIMMs of unknown size: " + ", ".join(unknown)
    facts["installed_bytes"] = sum(dev["size_bytes"] for dev in populated)
    facts["installed_source"] = "smbios"
    return facts, None


def _smbios_unreadable_reason(reader):
    if not reader.exists(DMI_TABLE):
        return f"SMBIOS table not present ({DMI_TABLE})"
    if reader.live and not reader.is_root_user():
        return "SMBIOS table needs root (run with become)"
    return f"SMBIOS table unreadable ({DMI_TABLE})"


def gather_memory(reader):
    """Memory facts; unknown values are None with a reason in ``reader.unknown``."""
    meminfo = parse_meminfo(reader.read_text(MEMINFO))
    if "MemTotal" not in meminfo:
        reader.mark_unknown("memory.total_bytes", f"{MEMINFO} unreadable or without MemTotal")
    facts = {
        "total_bytes": _kib_to_bytes(meminfo, "MemTotal"),
        "swap_total_bytes": _kib_to_bytes(meminfo, "SwapTotal"),
        "hugepages_total": meminfo.get("HugePages_Total"),
    }

    table = reader.read_bytes(DMI_TABLE) if reader.can_read(DMI_TABLE) else None
    if table is None:
        reason = _smbios_unreadable_reason(reader)
        facts.update({"installed_bytes": None, "installed_source": None,
                      "dimms": None, "smbios_processors": None})
        reader.mark_unknown("memory.installed_bytes", reason)
        # Same cause as above: record it without a second warning.
        reader.mark_unknown("memory.smbios_processors", reason, warn=False)
        return facts

    smbios, reason = summarise_smbios(dmi.parse_smbios(table))
    facts.update(smbios)
    if reason:
        reader.mark_unknown("memory.installed_bytes", reason)
    return facts
