"""Write realistic sysfs/procfs shapes into a snapshot root for the collector tests.

The shapes follow a real kernel: ``sys/block/<name>`` and
``sys/class/net/<name>`` are relative links into ``sys/devices/...`` (PCI
path for hardware, ``devices/virtual/...`` for software devices), attribute
files end with a newline, SCSI vendor/model strings are space padded.
"""
import os
import re
import struct
from pathlib import Path


def write_file(path, text, mode=None):
    """Write ``text`` (str or bytes) at ``path``, creating its parents; ``mode`` if given."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    if mode is not None:
        path.chmod(mode)
    return path


def _link(link, target):
    """Relative symlink ``link`` -> ``target`` (both absolute paths)."""
    link, target = Path(link), Path(target)
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        link.unlink()
    link.symlink_to(os.path.relpath(str(target), str(link.parent)))


def _attrs(directory, values):
    for name, value in values.items():
        if value is not None:
            write_file(Path(directory) / name, f"{value}\n")


# -- block devices ----------------------------------------------------------

def _block_device_dirs(root, name, transport, index):
    """``(block_dir, scsi_device_dir_or_None)`` under sys/devices for a disk."""
    devices = Path(root) / "sys/devices"
    pci = devices / "pci0000:00"
    if name.startswith(("loop", "dm-", "md", "zram", "ram", "nbd")):
        return devices / "virtual/block" / name, None
    if transport == "nvme":
        controller = name[:name.index("n", 4)]  # nvme0n1 -> nvme0
        ctrl_dir = pci / "0000:00:1d.0" / f"0000:{0x3d + index:02x}:00.0" / "nvme" / controller
        return ctrl_dir / name, ctrl_dir
    if transport == "virtio":
        virtio = pci / f"0000:00:{4 + index:02x}.0" / f"virtio{index}"
        return virtio / "block" / name, virtio
    if transport == "mmc":
        card = devices / "platform/soc/mmc0/mmc_host/mmc0/mmc0:0001"
        return card / "block" / name, card
    hctl = f"{index}:0:0:0"
    if transport == "usb":
        host = pci / "0000:00:14.0/usb2/2-1/2-1:1.0" / f"host{index}"
    elif transport == "sas":
        host = (pci / "0000:00:01.0/0000:01:00.0" / f"host{index}" / f"port-{index}:0"
                / f"end_device-{index}:0")
    elif transport == "scsi":  # RAID controller logical drive (megaraid_sas)
        hctl = f"{index}:2:0:0"
        host = pci / "0000:00:01.0/0000:02:00.0" / f"host{index}"
    elif transport == "fc":  # LUN 1 behind an FC HBA's remote port (lpfc, qla2xxx)
        hctl = f"{index}:0:0:1"
        host = pci / "0000:00:03.0/0000:04:00.0" / f"host{index}" / f"rport-{index}:0-0"
    elif transport == "iscsi":  # open-iscsi session: a virtual SCSI host under platform
        hctl = f"{index}:0:0:1"
        host = devices / "platform" / f"host{index}" / f"session{index}"
    else:  # sata (libata on AHCI)
        host = pci / "0000:00:17.0" / f"ata{index + 1}" / f"host{index}"
    scsi_dev = host / f"target{hctl.rsplit(':', 1)[0]}" / hctl
    return scsi_dev / "block" / name, scsi_dev


_BLOCK_MAJORS = (("loop", 7), ("md", 9), ("dm-", 253), ("vd", 252), ("zram", 251),
                 ("nvme", 259))


def add_block_device(root, name, size_bytes, rotational, model=None, vendor=None,
                     transport="sata", scheduler="[mq-deadline] kyber bfq none",
                     removable=0, scsi_type=0, slaves=(), dm_uuid=None, nr_requests=64, wwid=None):
    """A whole disk (or loop/dm/md volume) as the kernel shows it in sys/block.

    ``transport`` picks the bus path: sata, sas, scsi (a RAID controller's
    logical drive), fc, iscsi, usb, nvme, virtio or mmc.  ``slaves`` (disks or
    partitions added before) make a stacked volume; ``dm_uuid`` ("LVM-...",
    "mpath-...") adds the device-mapper attributes; ``wwid`` the SCSI device's
    (or NVMe namespace's) world-wide id.
    """
    root = Path(root)
    index = len(list((root / "sys/block").glob("*"))) if (root / "sys/block").exists() else 0
    block_dir, device_dir = _block_device_dirs(root, name, transport, index)
    major = next((number for prefix, number in _BLOCK_MAJORS if name.startswith(prefix)), 8)
    _attrs(block_dir, {
        "size": size_bytes // 512,
        "removable": removable,
        "ro": 0,
        "dev": f"{major}:{16 * index}",
        "uevent": f"MAJOR={major}\nMINOR={16 * index}\nDEVNAME={name}\nDEVTYPE=disk",
    })
    _attrs(block_dir / "queue", {
        "rotational": None if rotational is None else int(rotational),
        "scheduler": scheduler,
        "logical_block_size": 512,
        "hw_sector_size": 512,
        "nr_requests": nr_requests,
        "read_ahead_kb": 128,
    })
    (block_dir / "holders").mkdir(parents=True, exist_ok=True)
    (block_dir / "slaves").mkdir(parents=True, exist_ok=True)
    for slave in slaves:  # a disk or a partition, already added
        slave_dir = (root / "sys/class/block" / slave).resolve()
        _link(block_dir / "slaves" / slave, slave_dir)
        _link(slave_dir / "holders" / name, block_dir)
    if dm_uuid is not None:
        _attrs(block_dir / "dm", {"name": dm_uuid.split("-", 1)[-1], "uuid": dm_uuid})

    if device_dir is not None:
        if transport == "nvme":
            _attrs(device_dir, {"model": f"{model or ''}".ljust(40), "transport": "pcie",
                                "state": "live"})
            _attrs(block_dir, {"wwid": wwid})
        elif transport in ("virtio", "mmc"):
            _attrs(device_dir, {"vendor": "0x1af4" if transport == "virtio" else None})
        else:
            if vendor is None and transport == "sata":
                vendor = "ATA"  # libata's SCSI vendor for every SATA drive
            _attrs(device_dir, {
                "vendor": None if vendor is None else vendor.ljust(8),
                "model": None if model is None else model.ljust(16),
                "rev": "0100",
                "type": scsi_type,
                "state": "running",
                "wwid": wwid,
            })
        _link(block_dir / "device", device_dir)

    _link(root / "sys/block" / name, block_dir)
    _link(root / "sys/class/block" / name, block_dir)
    return block_dir


def add_nvme_multipath(root, subsys, nsid, size_bytes, model, controllers, wwid):
    """A namespace shared by ``controllers`` under native NVMe multipath (nvme_core.multipath=Y).

    As the kernel lays it out: the namespace ``nvme<subsys>n<nsid>`` is a block
    device of ``devices/virtual/nvme-subsystem/nvme-subsys<subsys>`` (its
    ``device`` is the subsystem, which carries model and serial); each
    controller ``(name, pci_slot, cntlid)`` adds a hidden path
    ``nvme<subsys>c<cntlid>n<nsid>`` under its PCI function, also listed in
    sys/block but without a /dev node.
    """
    root = Path(root)
    subsys_dir = root / "sys/devices/virtual/nvme-subsystem" / f"nvme-subsys{subsys}"
    _attrs(subsys_dir, {"model": model.ljust(40), "serial": "S6CKNA0T500123".ljust(20),
                        "subsysnqn": f"nqn.2014.08.org.nvmexpress:144d144d{wwid[-12:]}",
                        "iopolicy": "numa"})
    head = f"nvme{subsys}n{nsid}"
    paths = []
    for controller, slot, cntlid in controllers:
        ctrl_dir = root / "sys/devices/pci0000:00/0000:00:1d.0" / slot / "nvme" / controller
        _attrs(ctrl_dir, {"model": model.ljust(40), "transport": "pcie", "state": "live",
                          "cntlid": cntlid})
        _link(ctrl_dir / "subsystem", subsys_dir)
        path = f"nvme{subsys}c{cntlid}n{nsid}"
        path_dir = ctrl_dir / path
        _attrs(path_dir, {"size": size_bytes // 512, "removable": 0, "hidden": 1, "wwid": wwid,
                          "uevent": f"MAJOR=259\nMINOR={cntlid}\nDEVNAME={path}\nDEVTYPE=disk"})
        _attrs(path_dir / "queue", {"rotational": 0, "scheduler": "none",
                                    "logical_block_size": 512, "nr_requests": 1023,
                                    "read_ahead_kb": 128})
        _link(path_dir / "device", ctrl_dir)
        _link(root / "sys/block" / path, path_dir)
        paths.append(path)
    head_dir = subsys_dir / head
    _attrs(head_dir, {"size": size_bytes // 512, "removable": 0, "ro": 0, "wwid": wwid,
                      "uevent": f"MAJOR=259\nMINOR=0\nDEVNAME={head}\nDEVTYPE=disk"})
    _attrs(head_dir / "queue", {"rotational": 0, "scheduler": "[none] mq-deadline",
                                "logical_block_size": 512, "hw_sector_size": 512,
                                "nr_requests": 1023, "read_ahead_kb": 128})
    (head_dir / "holders").mkdir(parents=True, exist_ok=True)
    (head_dir / "slaves").mkdir(parents=True, exist_ok=True)
    _link(head_dir / "device", subsys_dir)
    _link(root / "sys/block" / head, head_dir)
    _link(root / "sys/class/block" / head, head_dir)
    return head, paths


def add_partition(root, disk, name, size_bytes, start_sector=2048):
    """A partition: a sub-directory of its disk, not an entry of sys/block."""
    part = (Path(root) / "sys/block" / disk).resolve() / name
    _attrs(part, {"size": size_bytes // 512, "start": start_sector, "partition": 1,
                  "uevent": f"DEVNAME={name}\nDEVTYPE=partition"})
    _link(Path(root) / "sys/class/block" / name, part)
    return part


# -- network interfaces -------------------------------------------------------

# PCI ids of the NIC behind a driver, so the PCI tree stays consistent.
_NIC_PCI_IDS = {"igb": (0x8086, 0x1521), "ixgbe": (0x8086, 0x10FB), "i40e": (0x8086, 0x1572),
                "hinic": (0x19E5, 0x1822), "mlx5_core": (0x15B3, 0x1017),
                "iwlwifi": (0x8086, 0x2723)}

_DEVTYPES = {"bridge": "bridge", "docker": "bridge", "bond": "bond", "vlan": "vlan",
             "wireless": "wlan", "wwan": "wwan"}
_ARPHRD = {"loopback": 772, "infiniband": 32}


def add_nic(root, name, physical=True, kind="ethernet", operstate="up", speed=1000,
            mac="52:54:00:12:34:56", driver="igb", carrier=1, mtu=1500,
            pci_slot=None, master=None, bond_slaves=(), vlan_of=None, vlan_id=None, usb_port=None):
    """A network interface.

    ``carrier=None`` / ``speed=None`` leave the attribute out, as a snapshot
    of a down link has it (the kernel answers EINVAL).  ``master`` makes the
    interface a port of that bond or bridge (create the master first).
    ``usb_port`` ("1-4") puts it on a USB interface of the xHCI controller,
    ``driver`` then being the USB driver (cdc_ether, rndis_host, r8152...).
    """
    root = Path(root)
    net_class = root / "sys/class/net"
    index = len(list(net_class.glob("*"))) + 1 if net_class.exists() else 1
    if usb_port:
        bus = usb_port.split("-")[0]
        usb_if = root / "sys/devices/pci0000:00/0000:00:14.0" / f"usb{bus}" / usb_port / f"{usb_port}:1.0"
        net_dir = usb_if / "net" / name
        drivers = root / "sys/bus/usb/drivers" / driver
        drivers.mkdir(parents=True, exist_ok=True)
        _link(usb_if / "driver", drivers)
        _link(net_dir / "device", usb_if)
    elif physical:
        pci_slot = pci_slot or f"0000:{index:02x}:00.0"
        pci_dir = root / "sys/devices/pci0000:00/0000:00:1c.0" / pci_slot
        net_dir = pci_dir / "net" / name
        vendor, device = _NIC_PCI_IDS.get(driver, (0x8086, 0x1521))
        _attrs(pci_dir, {"vendor": f"0x{vendor:04x}", "device": f"0x{device:04x}",
                         "class": "0x020000"})
        if driver:
            drivers = root / "sys/bus/pci/drivers" / driver
            drivers.mkdir(parents=True, exist_ok=True)
            _link(pci_dir / "driver", drivers)
        _link(net_dir / "device", pci_dir)
        _link(root / "sys/bus/pci/devices" / pci_slot, pci_dir)
    else:
        net_dir = root / "sys/devices/virtual/net" / name

    devtype = _DEVTYPES.get(kind)
    uevent = f"INTERFACE={name}\nIFINDEX={index}"
    if devtype:
        uevent += f"\nDEVTYPE={devtype}"
    _attrs(net_dir, {
        "address": mac,
        "addr_len": 6,
        "mtu": mtu,
        "operstate": operstate,
        "carrier": carrier,
        "speed": speed,
        "type": _ARPHRD.get(kind, 1),
        "ifindex": index,
        "iflink": index,
        "uevent": uevent,
    })
    if kind in ("bridge", "docker"):
        _attrs(net_dir / "bridge", {"bridge_id": "8000." + mac.replace(":", ""), "stp_state": 0})
    elif kind == "bond":
        _attrs(net_dir / "bonding", {"mode": "802.3ad 4", "slaves": " ".join(bond_slaves)})
        # the bonding driver's control file sits beside the interfaces
        masters = root / "sys/class/net/bonding_masters"
        names = masters.read_text().split() if masters.exists() else []
        write_file(masters, " ".join(names + [name]) + "\n")
    elif kind == "tun":
        _attrs(net_dir, {"tun_flags": "0x1002"})
    elif kind == "wireless":
        (net_dir / "wireless").mkdir(parents=True, exist_ok=True)
        _link(net_dir / "phy80211", root / "sys/devices/virtual/ieee80211/phy0")
    elif kind == "vlan":
        write_file(root / "proc/net/vlan" / name,
               f"{name}  VID: {vlan_id}\t REORDER_HDR: 1  dev->priv_flags: 1021\n"
               f"Device: {vlan_of}\nINGRESS priority mappings: 0:0  1:0  2:0  3:0\n")
    if master:
        master_dir = (root / "sys/class/net" / master).resolve()
        _link(net_dir / "master", master_dir)
        _link(net_dir / f"upper_{master}", master_dir)
        _link(master_dir / f"lower_{name}", net_dir)
        if (master_dir / "bonding").is_dir():
            _attrs(net_dir / "bonding_slave", {"state": "active", "mii_status": "up"})
        else:
            (net_dir / "brport").mkdir(parents=True, exist_ok=True)
    _link(root / "sys/class/net" / name, net_dir)
    return net_dir


# -- PCI ----------------------------------------------------------------------

def add_pci_device(root, slot, vendor, device, cls, driver=None):
    """A PCI function with numeric ids (``vendor=0x10de, device=0x20b0, cls=0x030200``)."""
    root = Path(root)
    dev_dir = root / "sys/devices/pci0000:00/0000:00:01.0" / slot
    _attrs(dev_dir, {
        "vendor": f"0x{vendor:04x}",
        "device": f"0x{device:04x}",
        "class": f"0x{cls:06x}",
        "subsystem_vendor": f"0x{vendor:04x}",
        "subsystem_device": "0x0000",
        "revision": "0xa1",
    })
    if driver:
        drivers = root / "sys/bus/pci/drivers" / driver
        drivers.mkdir(parents=True, exist_ok=True)
        _link(dev_dir / "driver", drivers)
    _link(root / "sys/bus/pci/devices" / slot, dev_dir)
    return dev_dir


def parse_lspci(text):
    """``[(slot, vendor, device, class)]`` of ``lspci -nn`` lines (the class with prog-if 00)."""
    pattern = re.compile(r"^(?P<slot>\S+) .*?\[(?P<cls>[0-9a-f]{4})\]: .*"
                         r"\[(?P<vendor>[0-9a-f]{4}):(?P<device>[0-9a-f]{4})\]")
    devices = []
    for line in text.splitlines():
        match = pattern.match(line)
        if match:
            slot = match.group("slot")
            devices.append(("0000:" + slot if slot.count(":") == 1 else slot,
                            int(match.group("vendor"), 16), int(match.group("device"), 16),
                            int(match.group("cls"), 16) << 8))
    return devices


def add_lspci_devices(root, fixture):
    """Every device of ``tests/fixtures/pci/<fixture>.lspci`` as a sysfs PCI function."""
    text = (Path(__file__).resolve().parent.parent / "fixtures/pci" / f"{fixture}.lspci").read_text()
    devices = parse_lspci(text)
    for slot, vendor, device, cls in devices:
        add_pci_device(root, slot, vendor, device, cls)
    return devices


# -- memory -------------------------------------------------------------------

def write_meminfo(root, mem_total_kib, swap_kib=0, hugepages_total=0):
    """A full-length /proc/meminfo of a lightly loaded server."""
    free = mem_total_kib * 9 // 10
    hugepage_kib = 2048
    fields = [
        ("MemTotal", mem_total_kib), ("MemFree", free),
        ("MemAvailable", mem_total_kib * 19 // 20), ("Buffers", 5120),
        ("Cached", mem_total_kib // 25), ("SwapCached", 0),
        ("Active", mem_total_kib // 40), ("Inactive", mem_total_kib // 30),
        ("Active(anon)", 61440), ("Inactive(anon)", 10240),
        ("Active(file)", mem_total_kib // 50), ("Inactive(file)", mem_total_kib // 40),
        ("Unevictable", 0), ("Mlocked", 0), ("SwapTotal", swap_kib), ("SwapFree", swap_kib),
        ("Dirty", 128), ("Writeback", 0), ("AnonPages", 71680), ("Mapped", 40960),
        ("Shmem", 20480), ("KReclaimable", 102400), ("Slab", 204800),
        ("SReclaimable", 102400), ("SUnreclaim", 102400), ("KernelStack", 16384),
        ("PageTables", 4096), ("NFS_Unstable", 0), ("Bounce", 0), ("WritebackTmp", 0),
        ("CommitLimit", mem_total_kib // 2 + swap_kib), ("Committed_AS", 1048576),
        ("VmallocTotal", 34359738367), ("VmallocUsed", 65536), ("VmallocChunk", 0),
        ("Percpu", 32768), ("HardwareCorrupted", 0), ("AnonHugePages", 0),
        ("ShmemHugePages", 0), ("ShmemPmdMapped", 0), ("FileHugePages", 0),
        ("FilePmdMapped", 0),
    ]
    lines = [f"{key + ':':<16}{value:>8} kB" for key, value in fields]
    lines += [
        f"{'HugePages_Total:':<16}{hugepages_total:>8}",
        f"{'HugePages_Free:':<16}{hugepages_total:>8}",
        f"{'HugePages_Rsvd:':<16}{0:>8}",
        f"{'HugePages_Surp:':<16}{0:>8}",
        f"{'Hugepagesize:':<16}{hugepage_kib:>8} kB",
        f"{'Hugetlb:':<16}{hugepages_total * hugepage_kib:>8} kB",
        f"{'DirectMap4k:':<16}{524288:>8} kB",
        f"{'DirectMap2M:':<16}{mem_total_kib // 2:>8} kB",
        f"{'DirectMap1G:':<16}{mem_total_kib // 2:>8} kB",
    ]
    return write_file(Path(root) / "proc/meminfo", "\n".join(lines) + "\n")


def _smbios_struct(stype, handle, formatted, strings=()):
    """One structure: header, formatted area (after the header), string set."""
    body = struct.pack("<BBH", stype, 4 + len(formatted), handle) + formatted
    if strings:
        return body + b"".join(s.encode() + b"\0" for s in strings) + b"\0"
    return body + b"\0\0"


def smbios_table(dimm_sizes_mb=(), cpus=(), system=("Huawei", "TaiShan 200 (Model 2280)")):
    """A valid SMBIOS 3.x structure table (bytes).

    ``dimm_sizes_mb``: one entry per slot, 0 for an empty slot; sizes of
    32 GiB and more use the extended-size field like real firmware.
    ``cpus``: ``(manufacturer, version, cores, threads)`` per populated socket.
    """
    bios = struct.pack("<BBHBBQBBBBBB", 1, 2, 0xF000, 3, 0xFF, 0x08, 0, 0, 5, 0, 0xFF, 0xFF)
    out = [_smbios_struct(0, 0x0000, bios, ["Huawei", "6.57", "05/17/2023"])]
    out.append(_smbios_struct(1, 0x0001, struct.pack("<BBBB16sBBB", 1, 2, 3, 4, b"\x11" * 16,
                                                     6, 5, 6),
                              [system[0], system[1], "V100R005", "2102312345ABC",
                               "TaiShan 200", "Kunpeng"]))
    for number, (manufacturer, version, cores, threads) in enumerate(cpus):
        formatted = struct.pack(
            "<BBBBQBBHHHBBHHHBBBBBBHHHHH",
            1,                      # 0x04 socket designation
            3,                      # 0x05 processor type: central processor
            0xFE,                   # 0x06 family: see family 2
            2,                      # 0x07 manufacturer
            0,                      # 0x08 processor id
            3,                      # 0x10 version
            0x8B,                   # 0x11 voltage
            100, 2600, 2600,        # 0x12 external clock, max speed, current speed
            0x41,                   # 0x18 status: populated, enabled
            0x06,                   # 0x19 upgrade
            0xFFFF, 0xFFFF, 0xFFFF,  # 0x1A cache handles
            0, 0, 0,                # 0x20 serial, asset tag, part number
            min(cores, 0xFF),       # 0x23 core count
            min(cores, 0xFF),       # 0x24 core enabled
            min(threads, 0xFF),     # 0x25 thread count
            0x00EC,                 # 0x26 characteristics
            0x0102,                 # 0x28 family 2
            cores, cores, threads,  # 0x2A core count 2, core enabled 2, thread count 2
        )
        out.append(_smbios_struct(4, 0x0100 + number, formatted,
                                  [f"CPU{number + 1:02d}", manufacturer, version]))
    array = 0x0200
    out.append(_smbios_struct(16, array, struct.pack("<BBBIHHQ", 3, 3, 6, 0x80000000, 0xFFFE,
                                                     len(dimm_sizes_mb), 0)))
    for slot, size_mb in enumerate(dimm_sizes_mb):
        if size_mb >= 0x7FFF:
            size_word, extended = 0x7FFF, size_mb
        else:
            size_word, extended = size_mb, 0
        populated = size_mb > 0
        formatted = struct.pack(
            "<HHHHHBBBBBHHBBBBBIHHHH",
            array, 0xFFFE,          # 0x04 array handle, error info handle
            72, 64,                 # 0x08 total width, data width
            size_word,              # 0x0C size
            0x09,                   # 0x0E form factor: DIMM
            0,                      # 0x0F device set
            1, 2,                   # 0x10 locator, bank locator
            0x1A if populated else 0x02,  # 0x12 type: DDR4 / unknown
            0x2080 if populated else 0,   # 0x13 type detail: synchronous, registered
            3200 if populated else 0,     # 0x15 speed
            3, 4, 5, 6,             # 0x17 manufacturer, serial, asset tag, part number
            2 if populated else 0,  # 0x1B attributes: rank
            extended,               # 0x1C extended size
            3200 if populated else 0,     # 0x20 configured speed
            1200, 1200, 1200,       # 0x22 min, max, configured voltage
        )
        strings = [f"DIMM{slot:03d}", f"_Node0_Channel{slot // 2}_Dimm{slot % 2}"]
        if populated:
            strings += ["Samsung", "0x12345678", "0123", "M393A4K40DB3-CWE    "]
        else:
            strings += ["NO DIMM", "NO DIMM", "NO DIMM", "NO DIMM"]
        out.append(_smbios_struct(17, 0x1100 + slot, formatted, strings))
    out.append(_smbios_struct(127, 0xFEFF, b""))
    return b"".join(out)


def smbios_entry_point(table_length):
    """A 64-bit ``_SM3_`` entry point (SMBIOS 3.3) with a valid checksum."""
    fields = struct.pack("<5sBBBBBBBIQ", b"_SM3_", 0, 0x18, 3, 3, 0, 1, 0, table_length,
                         0x7FFFF000)
    checksum = (-sum(fields)) & 0xFF
    return fields[:5] + bytes([checksum]) + fields[6:]


def write_smbios(root, dimm_sizes_mb=(), cpus=(), system=("Huawei", "TaiShan 200 (Model 2280)")):
    """``sys/firmware/dmi/tables/{DMI,smbios_entry_point}`` (mode 0400 like the kernel's)."""
    table = smbios_table(dimm_sizes_mb, cpus, system)
    tables = Path(root) / "sys/firmware/dmi/tables"
    write_file(tables / "smbios_entry_point", smbios_entry_point(len(table)), mode=0o400)
    return write_file(tables / "DMI", table, mode=0o400)
