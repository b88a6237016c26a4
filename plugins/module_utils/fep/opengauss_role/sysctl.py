# -*- coding: utf-8 -*-
"""The sysctl values the role writes on one host, and the hospital's settings they change."""
from .. import opengauss_spec as spec
from ..opengauss_settings import normalise

# The installer reserves the database port and the seven after it
# (port .. port+7) in net.ipv4.ip_local_reserved_ports.
RESERVED_PORT_SPAN = spec.PORT_SPAN


def min_free_kbytes(memtotal_kb, percent):
    """``vm.min_free_kbytes`` the installer expects: ``percent`` % of RAM (MemTotal)."""
    return int(int(memtotal_kb) * float(percent) / 100)


def parse_port_list(text):
    """Ports of a ``ip_local_reserved_ports`` value ("5432-5439,8080") as a set."""
    ports = set()
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        low, high = int(low), int(high or low)
        if low > high:
            low, high = high, low
        ports.update(range(low, high + 1))
    return ports


def format_port_list(ports):
    """The kernel's own format: sorted, consecutive ports as ranges."""
    ranges, ordered = [], sorted(ports)
    for port in ordered:
        if ranges and port == ranges[-1][1] + 1:
            ranges[-1][1] = port
        else:
            ranges.append([port, port])
    return ",".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in ranges)


def reserved_ports(current, port, span=RESERVED_PORT_SPAN):
    """``current`` reserved ports plus the database's ``port .. port+span-1``.

    Merged, never replaced: ports another service of the hospital reserved
    stay reserved.
    """
    wanted = set(range(int(port), int(port) + span))
    return format_port_list(parse_port_list(current) | wanted)


def sysctl_values(mandatory, suggested, overrides, host, percent, port, aio_max_nr):
    """The complete ``{key: value}`` the role persists and applies on one host.

    ``host`` is what ``fep_opengauss_host`` read: ``memtotal_kb``, the
    current ``sysctl`` values it was asked for and the ``absent_sysctls``
    (optional keys this kernel lacks, left out).  ``suggested`` may be empty
    (not wanted).  Computed per host: ``vm.min_free_kbytes`` from RAM, the
    reserved ports merged with those already reserved, ``fs.aio-max-nr``
    raised to ``aio_max_nr`` but never lowered.  ``overrides`` win over all.
    """
    current = host.get("sysctl") or {}
    values = {}
    for table in (mandatory or {}, suggested or {}):
        values.update((key, normalise(value)) for key, value in table.items())
    if host.get("memtotal_kb"):
        values["vm.min_free_kbytes"] = str(min_free_kbytes(host["memtotal_kb"], percent))
    values["net.ipv4.ip_local_reserved_ports"] = reserved_ports(
        current.get("net.ipv4.ip_local_reserved_ports"), port)
    try:
        aio_now = int(current.get("fs.aio-max-nr") or 0)
    except ValueError:
        aio_now = 0
    values["fs.aio-max-nr"] = str(max(aio_now, int(aio_max_nr)))
    values.update((key, normalise(value)) for key, value in (overrides or {}).items())
    for key in host.get("absent_sysctls") or ():
        values.pop(key, None)
    return values


# -- the hospital's own sysctl files -------------------------------------------------------

def sysctl_overrides(files, values, own_file):
    """The hospital's sysctl settings the role's file changes, and those that would win over it.

    ``files``: ``[{"file", "name", "values"}]`` in systemd-sysctl's order
    (sorted by ``name``, the file name, later wins); ``values``: what the role writes in ``own_file``.
    Returns ``[{"key", "file", "old", "new", "wins"}]``: ``wins`` is True
    when the hospital's file sorts after the role's, so that its value,
    not the role's, is in effect after a boot.
    """
    own_name = own_file.rsplit("/", 1)[-1]
    found = []
    for entry in files or ():
        path = entry["file"]
        name = entry.get("name") or path.rsplit("/", 1)[-1]
        if path == own_file:
            continue
        for key, old in sorted((entry.get("values") or {}).items()):
            if key in values and normalise(old) != normalise(values[key]):
                found.append({"key": key, "file": path, "old": normalise(old), "new": values[key],
                              "wins": name > own_name})
    return found


def override_messages(item):
    """Chinese and English sentence for one entry of ``sysctl_overrides``."""
    if item["wins"]:
        return ("%s：医院的 %s 设为 %s，排序在本角色文件之后，重启后仍以 %s 为准（本角色需要 %s）"
                % (item["key"], item["file"], item["old"], item["old"], item["new"]),
                "%s: the hospital's %s sets %s and sorts after the role's file: after a reboot %s wins, not %s"
                % (item["key"], item["file"], item["old"], item["old"], item["new"]))
    return ("%s：%s → %s（覆盖医院 %s 中的设置）" % (item["key"], item["old"], item["new"], item["file"]),
            "%s: %s → %s (overrides the hospital's %s)" % (item["key"], item["old"], item["new"], item["file"]))
