# -*- coding: utf-8 -*-
"""Whole-server snapshot roots of realistic hospital front-end servers.

A profile is data: CPU fixture, memory, disks, NICs, PCI cards, OS, running
processes and their listening ports, mounts.  ``build_root(root, name)``
writes a tree mirroring ``proc/``, ``sys/`` and ``etc/`` exactly as
docs/snapshot-layout.md describes, which the audit reads through ``fep_root``.
Test-only: nothing here ships to production users.
"""
import os
import shutil
from pathlib import Path

from tests.builders import devices
from tests.builders.cpu_tree import write_cpu_snapshot
from tests.builders.devices import write_file
from tests.builders.os_settings import write_opengauss_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GIB_KIB = 1024 * 1024
GIB_MB = 1024
TB = 10 ** 12

TCP_HEADER = ("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
              "   uid  timeout inode\n")
TCP6_HEADER = ("  sl  local_address                         remote_address                        st"
               " tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")

# Every profile's expected verdicts live beside it, so tests and the lab
# assert "the verdicts its hardware deserves" from one place:
#   expect           what its hardware and OS deserve, in a snapshot and in the lab alike;
#   expect_snapshot  what its OS settings ("settings": stock or tuned, tests/builders/
#                    os_settings.py) deserve: only a snapshot presents them, a lab host
#                    shows the lab image's own settings (LAB_EXPECT).
PROFILES = {
    "kunpeng-kylin-l3": {
        "description": "compliant level-3 server: Kunpeng 920 5250 ×4, Kylin V10 SP3",
        "level": 3,
        "cpu": "kunpeng920_5250",
        "memory_gib": 512, "dimms_gib": [32] * 16,
        "disks": [("nvme0n1", int(3.84 * TB), False, "nvme", "HWE52P433T8M002N", None),
                  ("nvme1n1", int(3.84 * TB), False, "nvme", "HWE52P433T8M002N", None),
                  ("sda", 8 * TB, True, "sas", "HUS728T8TAL5204", "HGST")],
        "nics": [("enp125s0f0", 10000, "hinic"), ("enp125s0f1", 10000, "hinic")],
        "pci": [("0000:81:00.0", 0x19e5, 0xd802, 0x120000)],  # Ascend 910B
        "os": "kylin_v10_sp3_lance",
        "processes": [("systemd", []), ("sshd", [22]), ("firewalld", []), ("chronyd", []),
                      ("gaussdb", [5432]), ("qaxsafed", [])],
        "mounts": [("/dev/mapper/klas-root", "/", "xfs"), ("10.20.30.40:/fep_backup", "/backup", "nfs4")],
        "settings": "tuned",
        "expect": {"cpu.domestic": "pass", "cpu.cores": "pass", "memory.size": "pass",
                   "storage.size": "pass", "storage.ssd": "pass", "nic.dual": "pass",
                   "accelerator.gpu_npu": "pass", "os.domestic": "pass", "db.opengauss.os": "pass",
                   "db.opengauss.arch": "pass", "db.opengauss.cpu_flags": "skip",
                   "port.5432": "pass", "port.8884": "pass", "security.firewall": "pass",
                   "security.antivirus": "pass", "server.backup_storage": "pass"},
        # prepared for openGauss: every installer item passes; a snapshot cannot show free space
        "expect_snapshot": {"db.opengauss": "unknown", "db.opengauss.data_dir": "unknown",
                            **{"db.opengauss." + item: "pass" for item in (
                                "kernel", "locale", "timezone", "swap", "sysctl", "limits", "io_scheduler",
                                "aio_max_nr", "time_sync", "firewalld", "thp", "remove_ipc", "selinux",
                                "pam_limits", "packages", "user_group", "port")}},
    },
    "hygon-uos-l2-short": {
        "description": "level-2 Hygon C86 7280 ×2 on UOS 1060e: 64 GiB memory, one NIC",
        "level": 2,
        "cpu": "hygon_7280",
        "memory_gib": 64, "dimms_gib": [16] * 4,
        "disks": [("sda", int(1.92 * TB), False, "sata", "SAMSUNG MZ7L31T9", "ATA")],
        "nics": [("enp33s0f0", 1000, "igb")],
        "pci": [],
        "os": "uos_server_20_1060e",
        "processes": [("systemd", []), ("sshd", [22]), ("chronyd", [])],
        "mounts": [("/dev/sda3", "/", "xfs")],
        "settings": "stock",
        "expect": {"cpu.domestic": "pass", "cpu.cores": "pass", "memory.size": "fail",
                   "nic.dual": "fail", "os.domestic": "pass", "storage.ssd": "pass",
                   "db.opengauss.os": "pass", "db.opengauss.arch": "pass", "db.opengauss.cpu_flags": "pass",
                   "security.firewall": "fail"},
        # as installed: the installer would reject it (sysctl, THP, aio-max-nr, RemoveIPC)
        "expect_snapshot": {"db.opengauss": "fail", "db.opengauss.sysctl": "fail", "db.opengauss.thp": "fail",
                            "db.opengauss.aio_max_nr": "fail", "db.opengauss.remove_ipc": "fail",
                            "db.opengauss.limits": "warn", "db.opengauss.io_scheduler": "warn",
                            "db.opengauss.packages": "warn", "db.opengauss.user_group": "warn",
                            "db.opengauss.port": "warn", "db.opengauss.time_sync": "pass",
                            "db.opengauss.firewalld": "pass", "db.opengauss.pam_limits": "pass",
                            "db.opengauss.data_dir": "unknown"},
    },
    "phytium-openeuler-8884": {
        "description": "Phytium FT-2500 ×2 on openEuler 22.03 SP3 whose port 8884 is taken by nginx",
        "level": 3,
        "cpu": "phytium_ft2500",
        "memory_gib": 256, "dimms_gib": [32] * 8,
        "disks": [("sda", int(1.92 * TB), False, "sata", "INTEL SSDSC2KG019T8", "ATA")],
        "nics": [("enp1s0f0", 10000, "ixgbe"), ("enp1s0f1", 10000, "ixgbe")],
        "pci": [],
        "os": "openeuler_22.03_lts_sp3",
        "processes": [("systemd", []), ("sshd", [22]), ("firewalld", []), ("nginx", [8884, 80])],
        "mounts": [("/dev/mapper/openeuler-root", "/", "xfs")],
        "settings": "stock",
        "expect": {"cpu.domestic": "pass", "cpu.cores": "pass", "port.8884": "fail",
                   "port.8881": "pass", "os.domestic": "pass", "memory.size": "pass",
                   "db.opengauss.os": "pass", "db.opengauss.arch": "pass", "db.opengauss.cpu_flags": "skip"},
        # firewalld runs without 5432, no chronyd
        "expect_snapshot": {"db.opengauss": "fail", "db.opengauss.firewalld": "warn",
                            "db.opengauss.time_sync": "warn", "db.opengauss.sysctl": "fail"},
    },
    "intel-centos": {
        "description": "Intel Xeon Gold 6248 ×2 on CentOS 7: fails CPU and OS",
        "level": 3,
        "cpu": "intel_xeon_gold_6248",
        "memory_gib": 384, "dimms_gib": [32] * 12,
        "disks": [("sda", int(1.92 * TB), False, "sata", "INTEL SSDSC2KG019T8", "ATA")],
        "nics": [("eno1", 1000, "i40e"), ("eno2", 1000, "i40e")],
        "pci": [("0000:3b:00.0", 0x10de, 0x1eb8, 0x030200)],  # Tesla T4
        "os": "centos_7",
        "processes": [("systemd", []), ("sshd", [22]), ("firewalld", [])],
        "mounts": [("/dev/mapper/centos-root", "/", "xfs")],
        "settings": "stock", "selinux": "enforcing",
        "expect": {"cpu.domestic": "fail", "cpu.cores": "fail", "os.domestic": "fail",
                   "memory.size": "pass", "db.opengauss.os": "pass", "db.opengauss.arch": "pass",
                   "db.opengauss.cpu_flags": "pass"},
        "expect_snapshot": {"db.opengauss": "fail", "db.opengauss.selinux": "warn"},
    },
    "loongson-kylin": {
        "description": "Loongson 3C5000 ×4 on Kylin V10 SP1: domestic, but no openGauss build",
        "level": 2,
        "cpu": "loongson_3c5000",
        "memory_gib": 128, "dimms_gib": [16] * 8,
        "disks": [("sda", int(1.92 * TB), False, "sata", "SAMSUNG MZ7L31T9", "ATA")],
        "nics": [("enp0s3f0", 1000, "stmmac"), ("enp0s3f1", 1000, "stmmac")],
        "pci": [],
        "os": "kylin_v10_sp1_tercel",
        "processes": [("systemd", []), ("sshd", [22]), ("firewalld", [])],
        "mounts": [("/dev/sda2", "/", "ext4")],
        "settings": "stock",
        "expect": {"cpu.domestic": "pass", "cpu.cores": "pass", "db.opengauss": "fail",
                   "db.opengauss.arch": "fail", "db.opengauss.cpu_flags": "skip", "db.opengauss.os": "pass",
                   "os.domestic": "pass", "memory.size": "pass"},
        "expect_snapshot": {},
    },
}


# What every lab host shows besides its profile's hardware: the lab image is a stock
# Debian 12 container, its settings real (not the profile's): the container's own network
# namespace keeps the kernel's sysctl defaults (tcp_keepalive_time 7200 …), systemd's
# logind.conf leaves RemoveIPC at yes, no omm user.  Until the fep_opengauss_prereqs role
# has run on it, the installer would reject it.
LAB_EXPECT = {"db.opengauss": "fail", "db.opengauss.sysctl": "fail", "db.opengauss.remove_ipc": "fail",
              "db.opengauss.user_group": "warn"}
# The db.opengauss.* items of the host kernel: inside a container they carry
# container_unchangeable (docs/results-schema.md).
HOST_KERNEL_ITEMS = tuple("db.opengauss." + item for item in (
    "swap", "sysctl", "io_scheduler", "aio_max_nr", "thp", "selinux"))


def add_process(root, pid, comm, ports, tcp_lines, tcp6_lines):
    """A process with listening sockets: proc/<pid>/{comm,cmdline,fd/*} + socket table rows."""
    proc = Path(root) / "proc" / str(pid)
    write_file(proc / "comm", comm + "\n")
    write_file(proc / "cmdline", "/usr/sbin/%s\0" % comm)
    (proc / "fd").mkdir(parents=True, exist_ok=True)
    os.symlink("/dev/null", str(proc / "fd" / "0"))
    for index, port in enumerate(ports):
        inode = pid * 100 + index
        os.symlink("socket:[%d]" % inode, str(proc / "fd" / str(index + 3)))
        tcp_lines.append("%4d: 00000000:%04X 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
                         "     0        0 %d 1 0000000000000000 100 0 0 10 0\n"
                         % (len(tcp_lines), port, inode))
        tcp6_lines.append("%4d: 00000000000000000000000000000000:%04X 00000000000000000000000000000000:0000"
                          " 0A 00000000:00000000 00:00000000 00000000     0        0 %d 1 0000000000000000"
                          " 100 0 0 10 0\n" % (len(tcp6_lines), port, inode + 50))
        os.symlink("socket:[%d]" % (inode + 50), str(proc / "fd" / str(index + 40)))


def snapshot_host(root, name, python, profile=None):
    """Inventory variables of a local host that audits profile ``name``'s snapshot at ``root``."""
    profile = build_root(root, name, profile=profile)
    return {"ansible_connection": "local", "ansible_python_interpreter": python,
            "fep_root": str(root), "fep_hospital_level": profile["level"],
            "fep_hospital": {"name": profile["description"].split(":")[0]}}


def build_root(root, name, with_sysfs_topology=True, profile=None):
    """Write the snapshot of profile ``name`` (or of the ``profile`` dict given) under ``root``."""
    profile = profile or PROFILES[name]
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    write_cpu_snapshot(str(root), profile["cpu"], with_sysfs=with_sysfs_topology)
    mem_total_kib = int(profile["memory_gib"] * GIB_KIB * 0.978)
    devices.write_meminfo(root, mem_total_kib)
    devices.write_smbios(root, dimm_sizes_mb=[g * GIB_MB for g in profile["dimms_gib"]])
    tuned = profile["settings"] == "tuned"
    for disk_name, size, rotational, transport, model, vendor in profile["disks"]:
        # NVMe drives come up with no scheduler; the role sets mq-deadline and a deep queue
        scheduler = "[none] mq-deadline kyber bfq" if transport == "nvme" else "[mq-deadline] kyber bfq none"
        devices.add_block_device(root, disk_name, size, rotational, model=model, vendor=vendor,
                                 transport=transport,
                                 scheduler="[mq-deadline] kyber bfq none" if tuned else scheduler,
                                 nr_requests=32768 if tuned else (1023 if transport == "nvme" else 64))
    add_root_volume(root, profile)
    devices.add_nic(root, "lo", physical=False, kind="loopback", speed=None, mac="00:00:00:00:00:00")
    for index, (nic, speed, driver) in enumerate(profile["nics"]):
        devices.add_nic(root, nic, physical=True, speed=speed, driver=driver,
                        mac="a4:be:2b:%02x:10:%02x" % (index, index + 1))
    for slot, vendor, device, cls in profile["pci"]:
        devices.add_pci_device(root, slot, vendor, device, cls)
    (root / "etc").mkdir(parents=True, exist_ok=True)
    shutil.copy(str(FIXTURES / "os-release" / profile["os"]), str(root / "etc" / "os-release"))
    write_file(root / "proc/sys/kernel/osrelease", "4.19.90-52.22.v2207.ky10.aarch64\n")
    write_file(root / "proc/sys/kernel/hostname", name + "\n")
    tcp, tcp6 = [TCP_HEADER], [TCP6_HEADER]
    for index, (comm, ports) in enumerate(profile["processes"]):
        add_process(root, 1 if index == 0 else 1000 + index * 37, comm, ports, tcp, tcp6)
    write_file(root / "proc/net/tcp", "".join(tcp))
    write_file(root / "proc/net/tcp6", "".join(tcp6))
    write_file(root / "proc/mounts", "".join(
        "%s %s %s rw,relatime 0 0\n" % mount for mount in
        [("proc", "/proc", "proc"), ("sysfs", "/sys", "sysfs")] + list(profile["mounts"])))
    if any(comm == "firewalld" for comm, _ in profile["processes"]):
        write_file(root / "etc/firewalld/firewalld.conf", "DefaultZone=public\nFirewallBackend=nftables\n")
        database = '  <port port="5432" protocol="tcp"/>\n' if tuned else ""
        write_file(root / "etc/firewalld/zones/public.xml",
               '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <short>Public</short>\n'
               '  <service name="ssh"/>\n  <port port="8884" protocol="tcp"/>\n%s</zone>\n' % database)
    write_file(root / "etc/locale.conf", 'LANG="en_US.UTF-8"\n')
    os.symlink("../usr/share/zoneinfo/Asia/Shanghai", str(root / "etc/localtime"))
    write_opengauss_settings(root, profile["settings"], mem_total_kib, selinux=profile.get("selinux", "disabled"))
    return profile


def add_root_volume(root, profile):
    """The block devices behind the profile's root filesystem: a partition, or LVM on one.

    ``/dev/sda3`` becomes partition 3 of sda; ``/dev/mapper/<vg>-root`` an
    LVM volume (dm-0) on partition 3 of the first disk, as installers lay it out.
    """
    device = next((d for d, mountpoint, _ in profile["mounts"] if mountpoint == "/"), None)
    first = profile["disks"][0][0]
    if device is None or not device.startswith("/dev/"):
        return
    name = device[len("/dev/"):]
    if name.startswith("mapper/"):
        part = first + ("p3" if first[-1].isdigit() else "3")
        devices.add_partition(root, first, part, 200 * 10 ** 9)
        devices.add_block_device(root, "dm-0", 200 * 10 ** 9, 0, transport=None, slaves=[part],
                                 dm_uuid="LVM-" + name[len("mapper/"):])
    else:
        disk = next(d[0] for d in profile["disks"] if name.startswith(d[0]))
        devices.add_partition(root, disk, name, 200 * 10 ** 9)
