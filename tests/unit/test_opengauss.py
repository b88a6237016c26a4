# -*- coding: utf-8 -*-
"""The collector's openGauss facts: data directory, packages, accounts, time zone, container."""
import os

import pytest

from fep import collector, opengauss, os_settings
from fep.sysread import SysReader
from tests.builders import devices
from tests.builders.os_settings import tzif

MOUNTS = """sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
/dev/mapper/klas-root / xfs rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota 0 0
/dev/nvme1n1p1 /data xfs rw,relatime,attr2,inode64,noquota 0 0
/dev/sda1 /boot ext4 rw,relatime 0 0
10.20.30.40:/fep_backup /backup nfs4 rw,relatime,vers=4.1 0 0
/dev/md127 /data/archive\\040old ext4 rw,relatime 0 0
"""


def write(root, rel, text):
    path = os.path.join(str(root), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(text, bytes) else "w") as handle:
        handle.write(text)


@pytest.fixture()
def server(tmp_path):
    """LVM root on nvme0n1p3, /data on nvme1n1p1, an MD RAID1 of sda+sdb at /data/archive old."""
    root = tmp_path
    devices.add_block_device(root, "nvme0n1", 3840755982336, False, transport="nvme")
    devices.add_block_device(root, "nvme1n1", 3840755982336, False, transport="nvme")
    devices.add_block_device(root, "sda", 4000787030016, True)
    devices.add_block_device(root, "sdb", 4000787030016, True)
    devices.add_partition(root, "nvme0n1", "nvme0n1p3", 200 * 10 ** 9)
    devices.add_partition(root, "nvme1n1", "nvme1n1p1", 3840755982336 - 2048 * 512)
    devices.add_partition(root, "sda", "sda1", 10 ** 9)
    devices.add_block_device(root, "dm-0", 200 * 10 ** 9, False, transport=None, slaves=["nvme0n1p3"],
                             dm_uuid="LVM-klas-root")
    devices.add_block_device(root, "md127", 4000787030016, False, transport=None, slaves=["sda", "sdb"])
    write(root, "proc/mounts", MOUNTS)
    return root


def test_parse_mounts_keeps_every_entry_and_decodes_spaces():
    entries = opengauss.parse_mounts(MOUNTS)
    assert [e["mountpoint"] for e in entries] == ["/sys", "/proc", "/", "/data", "/boot", "/backup",
                                                  "/data/archive old"]
    assert entries[2] == {"device": "/dev/mapper/klas-root", "mountpoint": "/", "fstype": "xfs",
                          "options": "rw,relatime,attr2,inode64,logbufs=8,logbsize=32k,noquota"}


@pytest.mark.parametrize("path, mountpoint", [
    ("/opt/openGauss/data", "/"), ("/data", "/data"), ("/data/og", "/data"), ("/database", "/"),
    ("/data/archive old/x", "/data/archive old"), ("/", "/"),
])
def test_containing_mount_is_the_longest_prefix(path, mountpoint):
    assert opengauss.containing_mount(opengauss.parse_mounts(MOUNTS), path)["mountpoint"] == mountpoint


def test_a_later_mount_over_the_same_point_wins():
    entries = opengauss.parse_mounts("/dev/sda1 / xfs rw 0 0\noverlay / overlay rw 0 0\n")
    assert opengauss.containing_mount(entries, "/opt")["fstype"] == "overlay"


@pytest.mark.parametrize("device, disks", [
    ("/dev/mapper/klas-root", ["nvme0n1"]),   # LVM on a partition
    ("/dev/nvme1n1p1", ["nvme1n1"]),          # a partition
    ("/dev/md127", ["sda", "sdb"]),           # MD RAID1 of whole disks
    ("/dev/sda", ["sda"]),                    # a whole disk
    ("/dev/mapper/missing", []), ("overlay", []), ("10.20.30.40:/fep_backup", []),
])
def test_disks_behind_a_mount_device(server, device, disks):
    reader = SysReader(str(server))
    name = opengauss.device_block_name(reader, device)
    assert (opengauss.whole_disks(reader, name) if name else []) == disks


def test_data_dir_in_a_snapshot_names_its_filesystem_and_disks(server):
    os.makedirs(os.path.join(str(server), "data/og"))
    reader = SysReader(str(server))
    facts = opengauss.gather_data_dir(reader, "/data/og/base", opengauss.parse_mounts(MOUNTS))
    assert facts == {"path": "/data/og/base", "exists": False, "measured": "/data/og", "mountpoint": "/data",
                     "fstype": "xfs", "device": "/dev/nvme1n1p1", "free_bytes": None, "size_bytes": None,
                     "disks": ["nvme1n1"]}
    assert reader.unknown == {"opengauss.data_dir.free_bytes": "free space needs the live host"}


def test_data_dir_on_the_live_host_measures_free_space_of_the_nearest_parent(tmp_path):
    # a live reader (root /) on this machine's own filesystem: the statvfs of tmp_path
    reader = SysReader("/")
    entries = opengauss.parse_mounts(reader.read_text("proc/mounts"))
    facts = opengauss.gather_data_dir(reader, str(tmp_path / "not" / "yet"), entries)
    stat = os.statvfs(str(tmp_path))
    assert facts["measured"] == str(tmp_path) and facts["exists"] is False
    assert abs(facts["free_bytes"] - stat.f_bavail * stat.f_frsize) < 64 * 1024 ** 2
    assert facts["size_bytes"] == stat.f_blocks * stat.f_frsize
    assert facts["mountpoint"] == opengauss.containing_mount(entries, str(tmp_path))["mountpoint"]


def test_packages_are_found_by_their_files_only(tmp_path):
    write(tmp_path, "usr/bin/bzip2", "")
    write(tmp_path, "usr/lib64/libaio.so.1.0.1", "")
    os.symlink("libaio.so.1.0.1", str(tmp_path / "usr/lib64/libaio.so.1"))
    write(tmp_path, "usr/lib/aarch64-linux-gnu/libnuma.so.1", "")
    write(tmp_path, "usr/lib/aarch64-linux-gnu/libedit.so.2", "")  # Debian's SONAME
    write(tmp_path, "usr/lib64/libxml2.so.2.9.10", "")  # no SONAME link: the loader would not find it
    os.symlink("usr/lib", str(tmp_path / "lib"))  # merged /usr: looked at once
    facts = opengauss.gather_packages(SysReader(str(tmp_path)))
    assert facts == {"searched": ["/usr/lib64", "/usr/lib", "/usr/lib/aarch64-linux-gnu"],
                     "found": {"bzip2": "/usr/bin/bzip2", "libaio": "/usr/lib64/libaio.so.1",
                               "libedit": "/usr/lib/aarch64-linux-gnu/libedit.so.2", "libxml2": None, "lz4": None,
                               "numactl": "/usr/lib/aarch64-linux-gnu/libnuma.so.1", "unixODBC": None}}


def test_no_library_directory_is_unknown(tmp_path):
    reader = SysReader(str(tmp_path))
    assert opengauss.gather_packages(reader)["searched"] == []
    assert "opengauss.packages" in reader.unknown


def test_accounts_report_only_the_database_user_and_group(tmp_path):
    write(tmp_path, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nzhang:x:1001:1001::/home/zhang:/bin/bash\n"
                                  "omm:x:1000:1000::/home/omm:/bin/bash\n")
    write(tmp_path, "etc/group", "root:x:0:\nwheel:x:10:zhang\ndbgrp:x:1000:omm,backup\n")
    assert opengauss.gather_accounts(SysReader(str(tmp_path))) == {
        "user": {"name": "omm", "uid": 1000, "gid": 1000},
        "group": {"name": "dbgrp", "gid": 1000, "members": ["omm", "backup"]}}


def test_accounts_unreadable_are_unknown(tmp_path):
    reader = SysReader(str(tmp_path))
    assert opengauss.gather_accounts(reader) is None and "opengauss.accounts" in reader.unknown


@pytest.mark.parametrize("text, offset", [
    ("CST-8", "+0800"), ("UTC0", "+0000"), ("<+0545>-5:45", "+0545"), ("EST5EDT,M3.2.0,M11.1.0", "-0500"),
    ("<-03>3", "-0300"), ("IST-5:30", "+0530"), ("", None), ("CST", None),
])
def test_posix_tz_offsets(text, offset):
    assert opengauss.parse_posix_tz_offset(text) == offset


def test_tzif_footer_gives_the_offset_and_v1_files_give_none():
    assert opengauss.tzif_offset(tzif()) == "+0800"
    assert opengauss.tzif_offset(tzif("UTC", 0, "UTC0")) == "+0000"
    assert opengauss.tzif_offset(b"TZif\0" + b"\0" * 39) is None
    assert opengauss.tzif_offset(b"not a zone file") is None


def test_real_zone_files_of_this_machine_parse():
    # the tzdata zone files of the machine running the tests, when installed
    path = "/usr/share/zoneinfo/Asia/Shanghai"
    if not os.path.exists(path):
        pytest.skip("no tzdata here")
    with open(path, "rb") as handle:
        assert opengauss.tzif_offset(handle.read()) == "+0800"


def test_timezone_link_of_a_snapshot_stays_inside_it(tmp_path):
    os.makedirs(str(tmp_path / "etc"))
    os.symlink("/usr/share/zoneinfo/Asia/Urumqi", str(tmp_path / "etc/localtime"))
    write(tmp_path, "usr/share/zoneinfo/Asia/Urumqi", tzif("+06", 6 * 3600, "<+06>-6"))
    assert opengauss.gather_timezone_offset(SysReader(str(tmp_path))) == "+0600"


@pytest.mark.parametrize("files, expected", [
    ({"run/.containerenv": ""}, "podman"),
    ({".dockerenv": ""}, "docker"),
    ({"run/systemd/container": "lxc\n"}, "lxc"),
    ({"proc/1/environ": "PATH=/usr/bin\0container=systemd-nspawn\0"}, "systemd-nspawn"),
    ({"proc/1/environ": "PATH=/usr/bin\0"}, None),
    ({}, None),
])
def test_container_detection(tmp_path, files, expected):
    for rel, text in files.items():
        write(tmp_path, rel, text)
    assert collector.detect_container(SysReader(str(tmp_path))) == expected


def test_limits_dash_sets_soft_and_hard_in_file_order(tmp_path):
    write(tmp_path, "etc/security/limits.conf", "*  soft nofile 4096\n*  -  nofile 1000000\nomm hard stack 4096\n")
    write(tmp_path, "etc/security/limits.d/20-nproc.conf", "*  soft nproc 4096\n")
    assert os_settings.gather_limits(SysReader(str(tmp_path))) == {
        "configured": {"*": {"soft nofile": "1000000", "hard nofile": "1000000", "soft nproc": "4096"},
                       "omm": {"hard stack": "4096"}},
        "readable": True}


def test_logind_drop_ins_follow_systemd_order(tmp_path):
    write(tmp_path, "etc/systemd/logind.conf", "[Login]\nRemoveIPC=yes\n")
    write(tmp_path, "usr/lib/systemd/logind.conf.d/10-vendor.conf", "[Login]\nRemoveIPC=no\n")
    write(tmp_path, "etc/systemd/logind.conf.d/10-vendor.conf", "[Login]\nKillUserProcesses=no\n")
    reader = SysReader(str(tmp_path))
    # /etc's file of the same name masks the vendor's: RemoveIPC stays yes
    assert os_settings.logind_files(reader) == ["etc/systemd/logind.conf", "etc/systemd/logind.conf.d/10-vendor.conf"]
    assert os_settings.gather_remove_ipc(reader) == "yes"


def test_sysctl_values_are_read_whitespace_normalised(tmp_path):
    write(tmp_path, "proc/sys/kernel/sem", "250\t6400000\t1000\t25600\n")
    values = os_settings.gather_sysctls(SysReader(str(tmp_path)), keys=("kernel.sem", "net.ipv4.tcp_tw_recycle"))
    assert values == {"kernel.sem": "250 6400000 1000 25600", "net.ipv4.tcp_tw_recycle": None}


def test_live_sysctls_are_readable_here():
    # /proc/sys refuses huge reads on recent kernels (ENOMEM): SysReader reads in chunks
    values = os_settings.gather_sysctls(SysReader("/"), keys=("kernel.osrelease", "vm.overcommit_memory"))
    assert values["kernel.osrelease"] == os.uname().release
    assert values["vm.overcommit_memory"] in ("0", "1", "2")


def test_live_proc_sys_reads_through_the_default_limit():
    # the 4 MiB default limit of read_text must not become one 4 MiB read() on /proc/sys
    reader = SysReader("/")
    assert reader.read_text("proc/sys/kernel/osrelease").strip() == os.uname().release
    assert reader.read_bytes("proc/sys/kernel/ostype") == b"Linux\n"


def test_a_file_larger_than_a_chunk_is_read_whole_up_to_the_limit(tmp_path):
    write(tmp_path, "proc/net/tcp", "x" * 200000)
    reader = SysReader(str(tmp_path))
    assert len(reader.read_text("proc/net/tcp")) == 200000
    assert len(reader.read_bytes("proc/net/tcp", limit=70000)) == 70000


def test_the_collector_passes_the_data_dir_option(server):
    os.makedirs(os.path.join(str(server), "data"))
    facts = collector.collect(str(server), {"opengauss_data_dir": "/data/og"})
    assert facts["opengauss"]["data_dir"]["disks"] == ["nvme1n1"]
    assert collector.collect(str(server))["opengauss"]["data_dir"]["path"] == "/opt/openGauss/data"
