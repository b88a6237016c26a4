"""Disks and storage totals from sys/block trees shaped like real servers and VMs."""
import pytest

from fep import disks
from fep.sysread import SysReader
from tests.builders import devices

TB = 10 ** 12
NVME_3T84 = 3840755982336
SATA_960G = 960197124096
HDD_4T = 4000787030016
HDD_1T2 = 1200243695616


DEFAULT_SCHEDULERS = ["mq-deadline", "kyber", "bfq", "none"]


def disk(name, size, rotational, ssd, transport, kind, model=None, vendor=None,
         scheduler="mq-deadline", raid_virtual=False, virtual=False, counted=True,
         removable=False, note=None, schedulers=None, nr_requests=64, san=False):
    """The expected record of one disk (the builder's queue: 64 requests, 128 KB read-ahead, 512 B blocks)."""
    return {"name": name, "size_bytes": size, "rotational": rotational, "ssd": ssd,
            "transport": transport, "type": kind, "model": model, "vendor": vendor,
            "removable": removable, "scheduler": scheduler, "raid_virtual": raid_virtual,
            "san": san, "virtual": virtual, "counted": counted, "note": note,
            "schedulers": DEFAULT_SCHEDULERS if schedulers is None else schedulers,
            "nr_requests": nr_requests, "read_ahead_kb": 128, "logical_block_size": 512}


def storage(total, ssd, hdd, count, unreliable=0):
    return {"total_bytes": total, "ssd_bytes": ssd, "hdd_bytes": hdd, "disk_count": count,
            "ssd_unreliable_bytes": unreliable}


def server_with_lvm(root):
    """2 NVMe + 1 SATA SSD + 1 HDD; LVM (dm-0) on sda2; loop, zram, optical drive."""
    devices.add_block_device(root, "loop0", 67108864, True)
    devices.add_block_device(root, "nvme0n1", NVME_3T84, False, model="HWE52P433T8M002N",
                             transport="nvme", scheduler="[none] mq-deadline")
    devices.add_block_device(root, "nvme1n1", NVME_3T84, False, model="HWE52P433T8M002N",
                             transport="nvme", scheduler="[none] mq-deadline")
    devices.add_block_device(root, "sda", SATA_960G, False, model="INTEL SSDSC2KB96")
    devices.add_partition(root, "sda", "sda1", 1073741824)
    devices.add_partition(root, "sda", "sda2", SATA_960G - 1073741824 - 2048 * 512)
    devices.add_block_device(root, "sdb", HDD_4T, True, model="ST4000NM0035-1V4")
    devices.add_block_device(root, "dm-0", SATA_960G - 1073741824, False, slaves=["sda2"],
                             dm_uuid="LVM-Jx7QwqM0aD0cYkq3")
    devices.add_block_device(root, "sr0", 1073741312, True, model="DVD-ROM DV-28SW",
                             scsi_type=5, removable=1)
    devices.add_block_device(root, "zram0", 8589934592, False, scheduler="")


def server_with_md_raid1(root):
    devices.add_block_device(root, "sda", HDD_4T, True, model="ST4000NM0035-1V4")
    devices.add_block_device(root, "sdb", HDD_4T, True, model="ST4000NM0035-1V4")
    devices.add_block_device(root, "md127", HDD_4T - 134217728, False,
                             slaves=["sda", "sdb"], scheduler="none")


def server_with_megaraid(root):
    """RAID5 of SSDs behind a MegaRAID 9460: the controller reports rotational=1."""
    devices.add_block_device(root, "sda", 2 * SATA_960G, True, model="MR9460-16i",
                             vendor="AVAGO", transport="scsi")
    devices.add_block_device(root, "sdb", HDD_1T2, True, model="ST1200MM0009",
                             vendor="SEAGATE", transport="sas")


def vm_with_virtio(root):
    devices.add_block_device(root, "vda", 107374182400, True, transport="virtio",
                             scheduler="[mq-deadline] kyber bfq none")
    devices.add_block_device(root, "vdb", TB, True, transport="virtio")
    devices.add_block_device(root, "sr0", 4096, True, scsi_type=5, removable=1)


OCEANSTOR_WWID = "naa.6c0bfc41005a3f1e0c2b8e6d00000011"


def san_with_multipath(root):
    """A local SSD plus one OceanStor LUN seen through two FC paths (dm-multipath).

    The array says rotational=0 for a LUN of a pool whose disks nobody here can see."""
    devices.add_block_device(root, "sda", SATA_960G, False, model="INTEL SSDSC2KB96")
    devices.add_block_device(root, "sdb", 2 * TB, False, model="XSG1", vendor="HUAWEI",
                             transport="fc", wwid=OCEANSTOR_WWID)
    devices.add_block_device(root, "sdc", 2 * TB, False, model="XSG1", vendor="HUAWEI",
                             transport="fc", wwid=OCEANSTOR_WWID)
    devices.add_block_device(root, "dm-0", 2 * TB, False, slaves=["sdb", "sdc"],
                             dm_uuid="mpath-36c0bfc41005a3f1e0c2b8e6d00000011")


def iscsi_two_paths_without_multipath(root):
    """An iSCSI LUN logged in over two portals, multipathd not running: sdb and sdc, one wwid."""
    devices.add_block_device(root, "sda", SATA_960G, False, model="INTEL SSDSC2KB96")
    for name in ("sdb", "sdc"):
        devices.add_block_device(root, name, 2 * TB, True, model="MS5580G2", vendor="MacroSAN",
                                 transport="iscsi", wwid="naa.600b342a1c2f4e5d8a9b00000000abcd")


NVME_1T92 = 1920383410176
NVME_WWID = "eui.36344830526001230025384100000001"


def nvme_native_multipath(root):
    """A dual-port NVMe SSD whose namespace 1 is reached through controllers 0 and 1."""
    devices.add_nvme_multipath(root, 0, 1, NVME_1T92, "SAMSUNG MZWLR1T9HCJR-00A07",
                               [("nvme0", "0000:3d:00.0", 0), ("nvme1", "0000:3e:00.0", 1)],
                               NVME_WWID)


def server_with_usb_stick(root):
    devices.add_block_device(root, "sda", SATA_960G, False, model="INTEL SSDSC2KB96")
    devices.add_block_device(root, "sdb", 61530439680, True, model="DataTraveler 3.0",
                             vendor="Kingston", transport="usb", removable=1)


SATA_SSD = disk("sda", SATA_960G, False, True, "sata", "ssd", "INTEL SSDSC2KB96", "ATA")
HDD = disk("sdb", HDD_4T, True, False, "sata", "hdd", "ST4000NM0035-1V4", "ATA")


@pytest.mark.parametrize("build, expected_disks, expected_storage", [
    pytest.param(
        server_with_lvm,
        [disk("nvme0n1", NVME_3T84, False, True, "nvme", "nvme", "HWE52P433T8M002N",
              scheduler="none", schedulers=["none", "mq-deadline"]),
         disk("nvme1n1", NVME_3T84, False, True, "nvme", "nvme", "HWE52P433T8M002N",
              scheduler="none", schedulers=["none", "mq-deadline"]),
         SATA_SSD, HDD],
        storage(2 * NVME_3T84 + SATA_960G + HDD_4T, 2 * NVME_3T84 + SATA_960G, HDD_4T, 4),
        id="2nvme-sata-ssd-hdd-lvm-not-double-counted"),
    pytest.param(
        server_with_md_raid1,
        [dict(HDD, name="sda"), HDD],
        storage(2 * HDD_4T, 0, 2 * HDD_4T, 2),
        id="md-raid1-not-double-counted"),
    pytest.param(
        server_with_megaraid,
        [disk("sda", 2 * SATA_960G, True, False, "scsi", "hdd", "MR9460-16i", "AVAGO",
              raid_virtual=True, note=disks.NOTE_RAID),
         disk("sdb", HDD_1T2, True, False, "sas", "hdd", "ST1200MM0009", "SEAGATE")],
        storage(2 * SATA_960G + HDD_1T2, 0, 2 * SATA_960G + HDD_1T2, 2, 2 * SATA_960G),
        id="megaraid-virtual-drive-flagged"),
    pytest.param(
        vm_with_virtio,
        [disk("vda", 107374182400, True, False, "virtio", "hdd", virtual=True,
              note=disks.NOTE_VIRTUAL),
         disk("vdb", TB, True, False, "virtio", "hdd", virtual=True, note=disks.NOTE_VIRTUAL)],
        storage(107374182400 + TB, 0, 107374182400 + TB, 2, 107374182400 + TB),
        id="vm-virtio-disks"),
    pytest.param(
        san_with_multipath,
        [SATA_SSD,
         disk("sdb", 2 * TB, False, True, "fc", "ssd", "XSG1", "HUAWEI", san=True,
              note=disks.NOTE_SAN)],
        storage(SATA_960G + 2 * TB, SATA_960G + 2 * TB, 0, 2, 2 * TB),
        id="multipath-lun-counted-once-medium-unreliable"),
    pytest.param(
        iscsi_two_paths_without_multipath,
        [SATA_SSD,
         disk("sdb", 2 * TB, True, False, "iscsi", "hdd", "MS5580G2", "MacroSAN", san=True,
              note=disks.NOTE_SAN)],
        storage(SATA_960G + 2 * TB, SATA_960G, 2 * TB, 2, 2 * TB),
        id="iscsi-lun-seen-twice-counted-once-by-wwid"),
    pytest.param(
        nvme_native_multipath,
        [disk("nvme0n1", NVME_1T92, False, True, "nvme", "nvme", "SAMSUNG MZWLR1T9HCJR-00A07",
              scheduler="none", schedulers=["none", "mq-deadline"], nr_requests=1023)],
        storage(NVME_1T92, NVME_1T92, 0, 1),
        id="nvme-native-multipath-namespace-not-its-hidden-paths"),
    pytest.param(
        server_with_usb_stick,
        [SATA_SSD,
         disk("sdb", 61530439680, True, False, "usb", "hdd", "DataTraveler 3.0", "Kingston",
              counted=False, removable=True, note=disks.NOTE_REMOVABLE)],
        storage(SATA_960G, SATA_960G, 0, 1),
        id="usb-stick-listed-not-counted"),
])
def test_gather_disks(tmp_path, build, expected_disks, expected_storage):
    build(tmp_path)
    reader = SysReader(str(tmp_path))
    assert disks.gather_disks(reader) == (expected_disks, expected_storage)
    assert reader.unknown == {}


@pytest.mark.parametrize("build, reason", [
    pytest.param(lambda root: None, "sys/block is missing or empty", id="no-sys-block"),
    pytest.param(lambda root: (devices.add_block_device(root, "loop0", 1 << 26, True),
                               devices.add_block_device(root, "zram0", 1 << 33, False)),
                 "no physical disk in sys/block (a container?)", id="only-loop-and-zram"),
])
def test_gather_disks_unknown(tmp_path, build, reason):
    build(tmp_path)
    reader = SysReader(str(tmp_path))
    assert disks.gather_disks(reader) == (None, None)
    assert reader.unknown == {"disks": reason}


def test_snapshot_copied_without_links(tmp_path):
    # Some snapshot tools copy sys/block/<name> as plain directories: no bus path to read.
    for name, vendor, rotational in (("sda", "ATA", "0"), ("sdb", "SEAGATE", "1")):
        base = tmp_path / "sys/block" / name
        (base / "queue").mkdir(parents=True)
        (base / "device").mkdir()
        (base / "size").write_text("1875385008\n")
        (base / "queue/rotational").write_text(rotational + "\n")
        (base / "device/vendor").write_text(vendor.ljust(8) + "\n")
    found, totals = disks.gather_disks(SysReader(str(tmp_path)))
    assert [(d["name"], d["transport"], d["type"]) for d in found] == [
        ("sda", "sata", "ssd"), ("sdb", "unknown", "hdd")]
    assert totals["total_bytes"] == 2 * 1875385008 * 512


def test_unreadable_rotational_counts_as_unreliable_hdd():
    record = disks.describe_disk("sda", 1953525168, None, "sata", "X", "ATA", 0, "none")
    assert (record["size_bytes"], record["ssd"], record["type"], record["note"]) == (
        1000204886016, None, None, disks.NOTE_NO_ROTATIONAL)
    assert disks.summarise_storage([record]) == storage(1000204886016, 0, 1000204886016, 1,
                                                         1000204886016)


@pytest.mark.parametrize("text, expected", [
    ("[none] mq-deadline kyber bfq", ["none", "mq-deadline", "kyber", "bfq"]),
    ("[mq-deadline] kyber bfq none", ["mq-deadline", "kyber", "bfq", "none"]),
    ("none", ["none"]),
    ("", []),
    (None, []),
])
def test_available_schedulers(text, expected):
    assert disks.available_schedulers(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("[mq-deadline] kyber bfq none", "mq-deadline"),
    ("[none] mq-deadline", "none"),
    ("noop [deadline] cfq", "deadline"),
    ("none", "none"),
    ("mq-deadline none", None),
    ("", None),
    (None, None),
])
def test_parse_scheduler(text, expected):
    assert disks.parse_scheduler(text) == expected


@pytest.mark.parametrize("vendor, model, expected", [
    ("AVAGO", "MR9460-16i", True),
    ("LSI", "MR9361-8i", True),
    ("BROADCOM", "MR9560-16i", True),
    ("DELL", "PERC H730P Mini", True),
    ("HP", "LOGICAL VOLUME", True),
    ("HPE", "MR416i-a Gen10+", True),
    ("AVAGO", "HW-SAS3508", True),
    ("Lenovo", "RAID 930-8i-2GB", True),
    ("Inspur", "PM8204 RAID", True),
    ("ATA", "INTEL SSDSC2KB96", False),
    ("HP", "EG0600FBVFP", False),
    ("HUAWEI", "HWE52SS31T9L002N", False),
    ("SEAGATE", "ST600MM0009", False),
    (None, None, False),
])
def test_is_raid_virtual(vendor, model, expected):
    assert disks.is_raid_virtual(vendor, model) is expected


@pytest.mark.parametrize("name, path, vendor, expected", [
    ("sda", "../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda",
     "ATA", "sata"),
    ("sda", "../devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/end_device-0:0/"
            "target0:0:0/0:0:0:0/block/sda", "SEAGATE", "sas"),
    ("sda", "../devices/pci0000:00/0000:00:01.0/0000:01:00.0/host0/port-0:0/end_device-0:0/"
            "target0:0:0/0:0:0:0/block/sda", "ATA", "sata"),
    ("sdc", "../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/"
            "block/sdc", "ATA", "usb"),
    ("nvme0n1", "../devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1",
     None, "nvme"),
    ("vda", "../devices/pci0000:00/0000:00:04.0/virtio1/block/vda", None, "virtio"),
    ("sda", "../devices/pci0000:00/0000:00:05.0/virtio2/host0/target0:0:0/0:0:0:1/block/sda",
     "QEMU", "virtio"),
    ("xvda", "../devices/vbd-51712/block/xvda", None, "xen"),
    ("mmcblk0", "../devices/platform/soc/mmc0/mmc_host/mmc0/mmc0:0001/block/mmcblk0",
     None, "mmc"),
    ("sda", "../devices/pci0000:00/0000:00:01.0/0000:02:00.0/host0/target0:2:0/0:2:0:0/"
            "block/sda", "AVAGO", "scsi"),
    ("sda", None, "SEAGATE", "unknown"),
])
def test_detect_transport(name, path, vendor, expected):
    assert disks.detect_transport(name, path, vendor) == expected


@pytest.mark.parametrize("name, path, expected", [
    ("sdb", "../devices/pci0000:00/0000:00:03.0/0000:04:00.0/host3/rport-3:0-0/target3:0:0/"
            "3:0:0:1/block/sdb", "fc"),
    ("sdc", "../devices/platform/host5/session1/target5:0:0/5:0:0:1/block/sdc", "iscsi"),
])
def test_detect_transport_san(name, path, expected):
    assert disks.detect_transport(name, path, "HUAWEI") == expected


@pytest.mark.parametrize("transport, vendor, model, member, expected", [
    ("scsi", "HUAWEI", "XSG1", False, True),
    ("scsi", "DGC", "VRAID", False, True),
    ("scsi", "NETAPP", "LUN C-Mode", False, True),
    ("scsi", "3PARdata", "VV", False, True),
    ("scsi", "AVAGO", "MR9460-16i", False, False),
    ("sas", "HUAWEI", "HWE62ST3960L003N", False, False),  # a Huawei SAS SSD, not a LUN
    ("iscsi", "LIO-ORG", "disk01", False, True),
    ("scsi", "SEAGATE", "ST1200MM0009", True, True),  # behind dm-multipath
])
def test_is_san_lun(transport, vendor, model, member, expected):
    assert disks.is_san_lun(transport, vendor, model, member) is expected


def test_vmware_disk_is_virtual():
    record = disks.describe_disk("sda", 209715200, 1, "scsi", "Virtual disk", "VMware", 0,
                                 "mq-deadline")
    assert (record["virtual"], record["raid_virtual"], record["note"]) == (
        True, False, disks.NOTE_VIRTUAL)


def test_scsi_cdrom_type_is_not_a_disk(tmp_path):
    # device/type 5 marks an optical drive even when it is not named sr*.
    devices.add_block_device(tmp_path, "sda", SATA_960G, False, model="INTEL SSDSC2KB96")
    devices.add_block_device(tmp_path, "sdb", 734003200, True, model="Virtual CDROM",
                             vendor="AMI", transport="usb", scsi_type=5, removable=1)
    found, _ = disks.gather_disks(SysReader(str(tmp_path)))
    assert [d["name"] for d in found] == ["sda"]
