# -*- coding: utf-8 -*-
"""Snapshot roots of the hardware that generic tools misjudge.

Each case is a whole server (a profile of tests/builders/profiles.py with its
hardware changed) plus the devices that make it hard: Hygon DCUs beside the
Hygon chipset and the BMC's VGA, guests whose CPU model hides the host, a
Wi-Fi card and a tethered phone beside one wired port, a dual-ported NVMe
namespace under native multipath, an FC LUN behind dm-multipath.  ``expect``
is the verdict each deserves; ``facts`` what the collector must report.
Test-only.
"""
from pathlib import Path

from tests.builders import devices
from tests.builders.devices import write_file
from tests.builders.profiles import PROFILES, TB, snapshot_host

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SSD_480G = ("sda", 480103981056, False, "sata", "SAMSUNG MZ7L3480HCHQ", "ATA")


def _lspci(name):
    return devices.parse_lspci((FIXTURES / "pci" / f"{name}.lspci").read_text())


def _profile(base, **changes):
    profile = dict(PROFILES[base], **changes)
    profile["description"] = changes.get("description", profile["description"])
    return profile


def _qemu_dmi(root, product):
    """sys/class/dmi/id of a QEMU/KVM guest, as the collector reads it."""
    for key, value in (("sys_vendor", "QEMU"), ("product_name", product),
                       ("board_vendor", ""), ("bios_vendor", "EFI Development Kit II / OVMF")):
        write_file(Path(root) / "sys/class/dmi/id" / key, value + "\n")


def _wifi_and_tethering(root):
    devices.add_nic(root, "wlp2s0", kind="wireless", speed=None, mac="a0:a4:c5:5e:21:0f",
                    driver="iwlwifi")
    devices.add_nic(root, "usb0", usb_port="1-4", driver="rndis_host", speed=425,
                    mac="82:6a:9c:31:f0:11")


def _nvme_multipath(root):
    devices.add_nvme_multipath(root, 0, 1, 1920383410176, "SAMSUNG MZWLR1T9HCJR-00A07",
                               [("nvme0", "0000:3d:00.0", 0), ("nvme1", "0000:3e:00.0", 65)],
                               "eui.36344830526001230025384100000001")


def _fc_multipath(root):
    wwid = "naa.6c0bfc41005a3f1e0c2b8e6d00000011"
    for name in ("sdb", "sdc"):
        devices.add_block_device(root, name, 2 * TB, False, model="XSG1", vendor="HUAWEI",
                                 transport="fc", wwid=wwid)
    devices.add_block_device(root, "dm-1", 2 * TB, False, slaves=["sdb", "sdc"],
                             dm_uuid="mpath-36c0bfc41005a3f1e0c2b8e6d00000011")


CASES = {
    "hygon-dcu": {
        "profile": _profile("hygon-uos-l2-short",
                            description="Hygon 7280 with Hygon DCUs (Z100L, K100, K100_AI) and an ASPEED BMC",
                            pci=_lspci("hygon_chipset") + _lspci("hygon_dcu")
                            + [("0000:09:00.0", 0x1A03, 0x2000, 0x030000)]),
        "expect": {"accelerator.gpu_npu": "pass", "cpu.domestic": "pass"},
        "facts": {"accelerators": ["Z100L", "Z100L", "K100", "K100", "K100_AI", "K100_AI"]},
    },
    "hygon-kvm-guest": {
        "profile": _profile("hygon-uos-l2-short", cpu="vm_hygon_kvm_amd",
                            description="KVM guest of a Hygon host with a generic CPU model"),
        "extra": lambda root: _qemu_dmi(root, "Standard PC (i440FX + PIIX, 1996)"),
        "expect": {"cpu.domestic": "warn"},
        "facts": {"domestic_reason": "vm_vendor_brand_conflict"},
    },
    "kunpeng-virt-guest": {
        "profile": _profile("kunpeng-kylin-l3", cpu="vm_kunpeng_virt_a72",
                            description="virt guest of a Kunpeng host with the cortex-a72 CPU model"),
        "extra": lambda root: _qemu_dmi(root, "KVM Virtual Machine"),
        "expect": {"cpu.domestic": "unknown"},
    },
    "wifi-second-nic": {
        "profile": _profile("hygon-uos-l2-short",
                            description="one wired port, a Wi-Fi card and a tethered phone"),
        "extra": _wifi_and_tethering,
        "expect": {"nic.dual": "fail"},
    },
    "nvme-multipath": {
        "profile": _profile("hygon-uos-l2-short", disks=[SSD_480G],
                            description="a dual-ported NVMe namespace under native multipath"),
        "extra": _nvme_multipath,
        "expect": {"storage.size": "pass", "storage.ssd": "pass"},
        "facts": {"disks": ["nvme0n1", "sda"]},
    },
    "san-multipath": {
        "profile": _profile("hygon-uos-l2-short", disks=[SSD_480G],
                            description="a local SSD and an OceanStor FC LUN over two paths"),
        "extra": _fc_multipath,
        "expect": {"storage.size": "pass", "storage.ssd": "unknown"},
        "facts": {"disks": ["sda", "sdb"]},
    },
}


def case_host(root, name, python):
    """Inventory variables of a local host auditing the snapshot of case ``name``."""
    case = CASES[name]
    host = snapshot_host(root, name, python, profile=case["profile"])
    if case.get("extra"):
        case["extra"](root)
    return host
