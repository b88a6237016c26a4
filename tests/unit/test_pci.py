"""GPU/NPU detection from sys/bus/pci/devices."""
import pytest

from fep import pci
from fep.sysread import SysReader
from tests.builders import devices

# slot, vendor, device, class: a Kunpeng AI server with its ordinary devices beside the cards
AI_SERVER = [
    ("0000:01:00.0", 0x19E5, 0x1711, 0x030000),  # Hi171x iBMC VGA
    ("0000:03:00.0", 0x1A03, 0x2000, 0x030000),  # ASPEED BMC VGA
    ("0000:1a:00.0", 0x19E5, 0x1822, 0x020000),  # Hi1822 NIC
    ("0000:1b:00.0", 0x19E5, 0x3758, 0x010400),  # Huawei SP686C RAID card
    ("0000:3b:00.0", 0x19E5, 0xD802, 0x120000),  # Ascend 910B
    ("0000:5e:00.0", 0x10DE, 0x20B0, 0x030200),  # NVIDIA A100 SXM4 40GB
    ("0000:75:00.0", 0x19E5, 0xA250, 0x120000),  # Kunpeng on-chip ZIP engine
    ("0000:86:00.0", 0xCABC, 0x0370, 0x120000),  # Cambricon MLU370
]


def card(kind, vendor, vendor_id, device_id, model, slot, cls):
    return {"kind": kind, "vendor": vendor, "vendor_id": vendor_id, "device_id": device_id,
            "model": model, "slot": slot, "class": cls}


def test_gather_accelerators(tmp_path):
    for slot, vendor, device, cls in AI_SERVER:
        devices.add_pci_device(tmp_path, slot, vendor, device, cls)
    reader = SysReader(str(tmp_path))
    assert pci.gather_accelerators(reader) == [
        card("npu", "Huawei", "0x19e5", "0xd802", "Ascend 910B", "0000:3b:00.0", "0x120000"),
        card("gpu", "NVIDIA", "0x10de", "0x20b0", "A100 SXM4 40GB", "0000:5e:00.0", "0x030200"),
        card("npu", "Cambricon", "0xcabc", "0x0370", "MLU370", "0000:86:00.0", "0x120000"),
    ]
    assert reader.unknown == {}


def test_gather_accelerators_none_present(tmp_path):
    devices.add_pci_device(tmp_path, "0000:03:00.0", 0x1A03, 0x2000, 0x030000)
    devices.add_pci_device(tmp_path, "0000:1a:00.0", 0x19E5, 0x1822, 0x020000)
    assert pci.gather_accelerators(SysReader(str(tmp_path))) == []


def test_gather_accelerators_without_sysfs(tmp_path):
    reader = SysReader(str(tmp_path))
    assert pci.gather_accelerators(reader) is None
    assert reader.unknown == {"accelerators": "sys/bus/pci/devices is missing or empty"}


@pytest.mark.parametrize("vendor, device, cls, expected", [
    pytest.param(0x19E5, 0xD100, 0x120000, ("npu", "Huawei", "Ascend 310"), id="ascend-310"),
    pytest.param(0x19E5, 0xD500, 0x120000, ("npu", "Huawei", "Ascend 310P"), id="ascend-310p"),
    pytest.param(0x19E5, 0xD801, 0x120000, ("npu", "Huawei", "Ascend 910"), id="ascend-910"),
    pytest.param(0x19E5, 0xD803, 0x120000, ("npu", "Huawei", "Huawei device 0xd803"),
                 id="unlisted-huawei-accelerator-class"),
    pytest.param(0x19E5, 0x1822, 0x020000, None, id="huawei-hi1822-nic"),
    pytest.param(0x19E5, 0x3758, 0x010400, None, id="huawei-raid"),
    pytest.param(0x19E5, 0x1711, 0x030000, None, id="huawei-hi171x-bmc-vga"),
    pytest.param(0x19E5, 0xA251, 0x120000, None, id="kunpeng-zip-engine-vf"),
    pytest.param(0x19E5, 0xA255, 0x0B4000, None, id="kunpeng-engine-coprocessor-class"),
    pytest.param(0x19E5, 0x0200, 0x038000, None, id="huawei-display-class-is-no-npu"),
    pytest.param(0x10DE, 0x20F5, 0x030200, ("gpu", "NVIDIA", "A800 PCIe 80GB"), id="a800"),
    pytest.param(0x10DE, 0x1EB8, 0x030200, ("gpu", "NVIDIA", "Tesla T4"), id="t4"),
    pytest.param(0x10DE, 0x2236, 0x030200, ("gpu", "NVIDIA", "A10"), id="a10"),
    pytest.param(0x10DE, 0x26B5, 0x030200, ("gpu", "NVIDIA", "L40"), id="l40"),
    pytest.param(0x10DE, 0x2684, 0x030000, ("gpu", "NVIDIA", "NVIDIA device 0x2684"),
                 id="unlisted-nvidia-rtx-4090"),
    pytest.param(0x10DE, 0x1AEF, 0x040300, None, id="nvidia-ga102-hdmi-audio"),
    pytest.param(0x1002, 0x740F, 0x038000, ("gpu", "AMD", "Instinct MI210"), id="amd-mi210"),
    pytest.param(0x1002, 0x515E, 0x030000, None, id="ati-es1000-onboard-vga"),
    pytest.param(0x1D94, 0x1450, 0x060000, None, id="hygon-root-complex"),
    pytest.param(0x1D94, 0x51B7, 0x120000, ("gpu", "Hygon DCU", "Hygon DCU device 0x51b7"),
                 id="unlisted-hygon-dcu-accelerator-class"),
    pytest.param(0x1D94, 0x62B7, 0x0B4000, ("gpu", "Hygon DCU", "K100"), id="hygon-k100-coprocessor"),
    pytest.param(0x1D94, 0x6399, 0x0B4000, ("gpu", "Hygon DCU", "Hygon DCU device 0x6399"),
                 id="unlisted-hygon-dcu-coprocessor-class"),
    pytest.param(0x1D94, 0x55B7, 0x038000, ("gpu", "Hygon DCU", "Z100L"), id="hygon-z100l-display"),
    pytest.param(0x1D94, 0x790B, 0x0C0500, None, id="hygon-fch-smbus"),
    pytest.param(0x1D94, 0x1451, 0x080600, None, id="hygon-iommu"),
    pytest.param(0x8086, 0x4940, 0x0B4000, None, id="intel-qat-coprocessor"),
    # vendors without a public lspci capture (tests/fixtures/pci/README.md)
    pytest.param(0x1EE0, 0x0001, 0x120000, ("gpu", "Biren", "Biren device 0x0001"),
                 id="biren-unverified"),
    pytest.param(0xCABC, 0x0590, 0x120000, ("npu", "Cambricon", "Cambricon device 0x0590"),
                 id="cambricon-unlisted-unverified"),
    pytest.param(0xCABC, 0x0590, 0x038000, None, id="cambricon-display-class-is-no-npu"),
    pytest.param(0x1E36, 0x0031, 0x0B4000, ("npu", "Enflame", "Enflame device 0x0031"),
                 id="enflame-coprocessor-unverified"),
    pytest.param(0x1ED5, 0x0323, 0x030000, ("gpu", "Moore Threads", "MTT S4000"),
                 id="moore-threads-s4000"),
    pytest.param(0x1E3E, 0x0001, 0x030200,
                 ("gpu", "Iluvatar CoreX", "Iluvatar CoreX device 0x0001"),
                 id="unlisted-iluvatar"),
    pytest.param(0x9999, 0x4001, 0x038000, ("gpu", "MetaX", "MetaX device 0x4001"),
                 id="unlisted-metax"),
    pytest.param(0x0731, 0x9100, 0x030000, ("gpu", "Jingjia Micro", "JM9100"), id="jm9100"),
    pytest.param(0x1E36, 0x0021, 0x120000, ("npu", "Enflame", "CloudBlazer T20"),
                 id="enflame-t20"),
    pytest.param(0xCABC, 0x0270, 0x120000, ("npu", "Cambricon", "MLU270"), id="mlu270"),
    pytest.param(0x102B, 0x0536, 0x030000, None, id="matrox-bmc-vga"),
    pytest.param(0x1A03, 0x2000, 0x030000, None, id="aspeed-bmc-vga"),
    pytest.param(0x8086, 0x0BD5, 0x038000, None, id="vendor-outside-the-list"),
])
def test_classify_pci(vendor, device, cls, expected):
    assert pci.classify_pci(vendor, device, cls) == expected


def _tree(tmp_path, *fixtures):
    for fixture in fixtures:
        devices.add_lspci_devices(tmp_path, fixture)
    return SysReader(str(tmp_path))


def test_hygon_dcus_are_found_by_class_and_the_chipset_is_not(tmp_path):
    # The issue: K100/K100_AI/BW100 are class 0x0b40 and were missed; the Hygon host's own
    # bridges share vendor 0x1d94 and must not count.
    reader = _tree(tmp_path, "hygon_chipset", "hygon_dcu")
    found = [(card["slot"], card["model"], card["class"]) for card in pci.gather_accelerators(reader)]
    assert found == [
        ("0000:07:00.0", "Z100L", "0x038000"), ("0000:0a:00.0", "Z100L", "0x038000"),
        ("0000:17:00.0", "K100", "0x0b4000"), ("0000:1a:00.0", "K100", "0x0b4000"),
        ("0000:27:00.0", "K100_AI", "0x0b4000"), ("0000:2a:00.0", "K100_AI", "0x0b4000"),
    ]


def test_hygon_bw100(tmp_path):
    reader = _tree(tmp_path, "hygon_chipset", "hygon_bw100")
    assert [card["model"] for card in pci.gather_accelerators(reader)] == ["BW100"] * 4


def test_hygon_host_without_dcu_has_no_accelerator(tmp_path):
    assert pci.gather_accelerators(_tree(tmp_path, "hygon_chipset")) == []


def test_ascend_beside_aspeed_bmc_vga(tmp_path):
    reader = _tree(tmp_path, "ft2000plus_ascend310")
    assert pci.gather_accelerators(reader) == [
        card("npu", "Huawei", "0x19e5", "0xd100", "Ascend 310", "0000:0c:00.0", "0x120000")]


def test_intel_coprocessors_are_not_accelerators(tmp_path):
    assert pci.gather_accelerators(_tree(tmp_path, "intel_qat_coprocessor")) == []
