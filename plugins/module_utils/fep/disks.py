"""Physical disks and the storage totals the requirement sheet asks for.

Only whole physical (or hypervisor-provided) disks count: volumes stacked on
other disks (LVM, md RAID, multipath) would count the same bytes twice, and
memory/loop/optical devices are not storage.  ``sys/block`` lists whole disks
only; partitions are sub-directories of their disk.

One disk is counted once however many paths reach it:

* native NVMe multipath shows the namespace once, as ``nvme0n1`` under
  ``devices/virtual/nvme-subsystem/``, and each controller's path as a hidden
  ``nvme0c65n1`` (``hidden`` = 1, no /dev node): the namespace counts, the
  paths do not;
* dm-multipath shows a SAN LUN as one ``sdX`` per path under a ``dm-N`` whose
  uuid starts with ``mpath-``: the LUN counts once, through its first path;
* two block devices with the same ``wwid`` (multipath not configured) are one.

A SAN LUN's ``rotational`` flag is the array's word, not the medium: like a
RAID logical drive, SSD/HDD is unknown unless the hospital declares it.
"""
import re

SYS_BLOCK = "sys/block"
SECTOR_BYTES = 512  # sysfs "size" is always in 512-byte sectors

# loop/ram/zram/fd/nbd are not disks; sr is optical; dm/md/drbd sit on disks.
_NOT_DISK_PREFIXES = ("loop", "ram", "zram", "sr", "fd", "nbd", "dm-", "md", "drbd")
_SCSI_TYPE_CDROM = 5

# Vendors that ship only RAID controllers: any disk they "make" is a logical drive.
_RAID_ONLY_VENDORS = frozenset(("AVAGO", "LSI", "BROADCOM", "MSCC", "ADAPTEC"))
# Logical-drive model names of MegaRAID (MR9460-16i, HPE MR416i), Dell PERC,
# HP Smart Array (LOGICAL VOLUME), Huawei/Inspur LSI3508 (HW-SAS3508),
# Lenovo "RAID 930-8i", Fujitsu PRAID, IBM ServeRAID.
_RAID_MODEL = re.compile(
    r"^MR\d{3}|^PERC\b|LOGICAL VOLUME|SAS3[45]\d\d|\bRAID\b|^PRAID|SERVERAID|SMART ARRAY",
    re.IGNORECASE)

# Storage arrays' SCSI vendor/model of their LUNs: Huawei OceanStor (XSG1), Dell EMC
# (DGC: Unity/VNX, SYMMETRIX), NetApp, HPE 3PAR/Primera, Pure, Dell Compellent, Hitachi
# VSP (OPEN-V), IBM SVC/Storwize (2145), MacroSAN.
_SAN_LUN = re.compile(
    r"^(HUAWEI XSG1|DGC |EMC SYMMETRIX|NETAPP |3PARDATA |PURE |COMPELNT |HITACHI OPEN-|IBM 2145"
    r"|MACROSAN )", re.IGNORECASE)
_HIDDEN_NVME_PATH = re.compile(r"^nvme\d+c\d+n\d+$")

# SCSI vendors of hypervisor disks (VMware pvscsi, Hyper-V, QEMU scsi-hd).
_HYPERVISOR_VENDORS = frozenset(("VMWARE", "VMWARE,", "MSFT", "QEMU"))

NOTE_RAID = ("hardware RAID logical drive: the controller sets the rotational flag "
             "(often 1 even for SSD arrays), so SSD/HDD is unreliable")
NOTE_VIRTUAL = ("virtual disk: the rotational flag is the hypervisor's default, "
                "not the backing storage")
NOTE_SAN = ("SAN LUN (FC/iSCSI or multipath): the rotational flag is the storage array's, "
            "not the medium's, so SSD/HDD is unreliable")
NOTE_NO_ROTATIONAL = "queue/rotational unreadable: SSD/HDD unknown"
NOTE_REMOVABLE = "USB or removable medium: not counted as server storage"


def parse_scheduler(text):
    """Active I/O scheduler: the bracketed word of ``queue/scheduler``."""
    if not text:
        return None
    match = re.search(r"\[([^\]]+)\]", text)
    if match:
        return match.group(1)
    words = text.split()
    return words[0] if len(words) == 1 else None


def available_schedulers(text):
    """Every scheduler ``queue/scheduler`` offers: ``[mq-deadline] kyber none`` -> three names."""
    return (text or "").replace("[", " ").replace("]", " ").split()


def is_raid_virtual(vendor, model):
    """True when vendor/model name a hardware RAID controller's logical drive."""
    if (vendor or "").upper() in _RAID_ONLY_VENDORS:
        return True
    return bool(model and _RAID_MODEL.search(model))


def is_san_lun(transport, vendor, model, multipath_member=False):
    """True for a LUN of a storage array: over FC/iSCSI, behind dm-multipath, or an array's name."""
    if transport in ("fc", "iscsi") or multipath_member:
        return True
    return bool(_SAN_LUN.match("%s %s" % ((vendor or "").strip(), (model or "").strip())))


def is_virtual_disk(transport, vendor):
    """True for a disk a hypervisor provides (its SSD/HDD flag is made up)."""
    return transport in ("virtio", "xen") or (vendor or "").upper() in _HYPERVISOR_VENDORS


def detect_transport(name, device_path, vendor):
    """nvme / sata / sas / fc / iscsi / virtio / xen / usb / scsi / mmc / unknown.

    ``device_path`` is the target of the ``sys/block/<name>`` link
    (``../devices/pci0000:00/.../block/sda``), or None in a snapshot made
    without links.
    """
    path = device_path or ""
    if name.startswith("nvme") or "/nvme/" in path:
        return "nvme"
    if name.startswith("vd") or "/virtio" in path:
        return "virtio"
    if name.startswith("xvd"):
        return "xen"  # Xen PV disks (XenServer, Huawei FusionCompute guests)
    if name.startswith("mmcblk") or "/mmc_host/" in path:
        return "mmc"
    if re.search(r"/usb\d+/", path):
        return "usb"
    if "/rport-" in path:
        return "fc"  # .../hostN/rport-N:0-0/targetN:0:0/... of an FC HBA
    if re.search(r"/session\d+/", path):
        return "iscsi"  # devices/platform/hostN/sessionM/... of open-iscsi
    # libata and SAS HBAs both report SCSI vendor "ATA" for SATA drives.
    is_ata = (vendor or "").upper() == "ATA"
    if re.search(r"/ata\d+/", path) or is_ata:
        return "sata"
    if "/end_device-" in path or "/port-" in path:
        return "sas"
    if name.startswith("sd") and path:
        return "scsi"  # RAID logical drives, iSCSI, FC: SCSI with no finer clue
    return "unknown"


def describe_disk(name, size_sectors, rotational, transport, model, vendor,
                  removable, scheduler, multipath_member=False):
    """The disk record built from raw attribute values."""
    raid_virtual = is_raid_virtual(vendor, model)
    san = is_san_lun(transport, vendor, model, multipath_member)
    virtual = is_virtual_disk(transport, vendor)
    # A forgotten installer stick or a USB backup drive is not the server's storage.
    counted = transport != "usb" and not removable
    if transport == "nvme":
        ssd = True
    elif rotational is None:
        ssd = None
    else:
        ssd = not rotational
    if not counted:
        note = NOTE_REMOVABLE
    elif raid_virtual:
        note = NOTE_RAID
    elif san:
        note = NOTE_SAN
    elif virtual:
        note = NOTE_VIRTUAL
    elif ssd is None:
        note = NOTE_NO_ROTATIONAL
    else:
        note = None
    return {
        "name": name,
        "size_bytes": size_sectors * SECTOR_BYTES,
        "rotational": None if rotational is None else bool(rotational),
        "ssd": ssd,
        "transport": transport,
        "type": "nvme" if transport == "nvme" else {True: "ssd", False: "hdd"}.get(ssd),
        "model": model or None,
        "vendor": vendor or None,
        "removable": None if removable is None else bool(removable),
        "scheduler": scheduler,
        "raid_virtual": raid_virtual,
        "san": san,
        "virtual": virtual,
        "counted": counted,
        "note": note,
    }


def ssd_unreliable(disk):
    """True when the disk's SSD/HDD classification cannot be trusted."""
    return bool(disk["raid_virtual"] or disk.get("san") or disk["virtual"] or disk["ssd"] is None)


def summarise_storage(disks):
    """Totals of the counted disks; doubtful SSD/HDD bytes are also in ``ssd_unreliable_bytes``.

    A disk of unknown kind counts as HDD: only a proven SSD may satisfy an
    "on SSD" requirement.
    """
    counted = [disk for disk in disks if disk["counted"]]
    storage = {"total_bytes": 0, "ssd_bytes": 0, "hdd_bytes": 0,
               "disk_count": len(counted), "ssd_unreliable_bytes": 0}
    for disk in counted:
        size = disk["size_bytes"]
        storage["total_bytes"] += size
        storage["ssd_bytes" if disk["ssd"] else "hdd_bytes"] += size
        if ssd_unreliable(disk):
            storage["ssd_unreliable_bytes"] += size
    return storage


def _multipath_paths(reader, names):
    """``(members, extra)``: the sdX paths of dm-multipath LUNs, and those beyond each LUN's first.

    dm-multipath shows one LUN as several sdX disks (one per path); the LUN is
    counted once, through its first path.
    """
    members, extra = set(), set()
    for name in names:
        if not name.startswith("dm-"):
            continue
        uuid = reader.read_value(f"{SYS_BLOCK}/{name}/dm/uuid") or ""
        if uuid.startswith("mpath-"):
            paths = reader.listdir(f"{SYS_BLOCK}/{name}/slaves")
            members.update(paths)
            extra.update(paths[1:])
    return members, extra


def _is_whole_physical_disk(reader, name, base, link):
    if name.startswith(_NOT_DISK_PREFIXES):
        return False
    if reader.exists(base + "/partition"):
        return False
    # A controller's path to a multipathed NVMe namespace: the namespace itself counts.
    if _HIDDEN_NVME_PATH.match(name) or reader.read_value(base + "/hidden") == "1":
        return False
    # Anything else built on other block devices (bcache, zvols, ...) is a volume; the
    # NVMe multipath namespace is the one real disk living under devices/virtual/.
    virtual = "/devices/virtual/" in "/" + (link or "") and "/nvme-subsystem/" not in (link or "")
    if virtual or reader.listdir(base + "/slaves"):
        return False
    return reader.read_int(base + "/device/type") != _SCSI_TYPE_CDROM


def _read_disk(reader, name, multipath_member=False):
    base = f"{SYS_BLOCK}/{name}"
    link = reader.readlink(base)
    if not _is_whole_physical_disk(reader, name, base, link):
        return None
    sectors = reader.read_int(base + "/size")
    if sectors is None:
        reader.mark_unknown(f"disks.{name}.size_bytes", f"{base}/size unreadable")
        return None
    if sectors == 0:
        return None  # empty card reader or a detached LUN
    vendor = reader.read_value(base + "/device/vendor")
    if vendor and vendor.startswith("0x"):
        vendor = None  # a virtio bus id, not the SCSI vendor name
    scheduler_text = reader.read_value(base + "/queue/scheduler")
    disk = describe_disk(
        name=name,
        size_sectors=sectors,
        rotational=reader.read_int(base + "/queue/rotational"),
        transport=detect_transport(name, link, vendor),
        model=reader.read_value(base + "/device/model"),
        vendor=vendor,
        removable=reader.read_int(base + "/removable"),
        scheduler=parse_scheduler(scheduler_text),
        multipath_member=multipath_member,
    )
    # the IO queue the openGauss installer tunes (gs_checkos A9/A10)
    disk.update({
        "schedulers": available_schedulers(scheduler_text),
        "nr_requests": reader.read_int(base + "/queue/nr_requests"),
        "read_ahead_kb": reader.read_int(base + "/queue/read_ahead_kb"),
        "logical_block_size": reader.read_int(base + "/queue/logical_block_size"),
    })
    return disk


def gather_disks(reader):
    """``(disks, storage)`` from ``sys/block``; ``(None, None)`` when no disk is visible.

    No disk at all means we cannot see them (a container), not a server
    without storage: an empty list would fail the storage checks wrongly.
    """
    names = reader.listdir(SYS_BLOCK)
    if not names:
        reader.mark_unknown("disks", f"{SYS_BLOCK} is missing or empty")
        return None, None
    members, extra_paths = _multipath_paths(reader, names)
    disks, seen_wwids = [], set()
    for name in names:
        if name in extra_paths:
            continue
        disk = _read_disk(reader, name, name in members)
        if not disk:
            continue
        # the same LUN or namespace through a second path, multipath not configured
        wwid = (reader.read_value(f"{SYS_BLOCK}/{name}/wwid")
                or reader.read_value(f"{SYS_BLOCK}/{name}/device/wwid"))
        if wwid and wwid in seen_wwids:
            continue
        seen_wwids.add(wwid)
        disks.append(disk)
    if not disks:
        reader.mark_unknown("disks", f"no physical disk in {SYS_BLOCK} (a container?)")
        return None, None
    return disks, summarise_storage(disks)
