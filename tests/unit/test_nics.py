"""Network interfaces from sys/class/net trees shaped like a real server."""
import pytest

from fep import nics
from fep.sysread import SysReader
from tests.builders import devices


def nic(name, physical, kind, operstate, carrier, speed, mac, mtu=1500, driver=None,
        bond_master=None):
    return {"name": name, "physical": physical, "kind": kind, "operstate": operstate,
            "carrier": carrier, "speed_mbps": speed, "mac": mac, "mtu": mtu, "driver": driver,
            "bond_master": bond_master}


def hospital_server(root):
    """Two onboard ports (one unplugged), a bond of two 10G ports with a VLAN on it,
    docker0 with one container, libvirt's virbr0, a VPN tun and lo."""
    devices.add_nic(root, "lo", physical=False, kind="loopback", operstate="unknown",
                    speed=None, mac="00:00:00:00:00:00", mtu=65536)
    devices.add_nic(root, "enp3s0f0", operstate="up", speed=1000, mac="00:e0:fc:11:22:30",
                    driver="igb", carrier=1)
    # down link: carrier reads fail with EINVAL (absent in the snapshot), speed -1
    devices.add_nic(root, "enp3s0f1", operstate="down", speed=-1, mac="00:e0:fc:11:22:31",
                    driver="igb", carrier=None)
    devices.add_nic(root, "bond0", physical=False, kind="bond", speed=20000,
                    mac="00:e0:fc:aa:bb:c0", bond_slaves=["ens1f0", "ens1f1"])
    devices.add_nic(root, "ens1f0", speed=10000, mac="00:e0:fc:aa:bb:c0", driver="hinic",
                    master="bond0")
    devices.add_nic(root, "ens1f1", speed=10000, mac="00:e0:fc:aa:bb:c0", driver="hinic",
                    master="bond0")
    devices.add_nic(root, "bond0.100", physical=False, kind="vlan", speed=20000,
                    mac="00:e0:fc:aa:bb:c0", vlan_of="bond0", vlan_id=100)
    devices.add_nic(root, "docker0", physical=False, kind="docker", operstate="up",
                    speed=None, mac="02:42:8c:1d:5e:01")
    devices.add_nic(root, "veth3f2a1b7", physical=False, kind="veth", speed=10000,
                    mac="9a:6c:2e:41:07:d3", master="docker0")
    devices.add_nic(root, "virbr0", physical=False, kind="bridge", operstate="down",
                    carrier=0, speed=None, mac="52:54:00:8a:2c:11")
    devices.add_nic(root, "tun0", physical=False, kind="tun", operstate="unknown",
                    speed=10, mac="")


HOSPITAL_SERVER = [
    nic("bond0", False, "bond", "up", True, 20000, "00:e0:fc:aa:bb:c0"),
    nic("bond0.100", False, "vlan", "up", True, 20000, "00:e0:fc:aa:bb:c0"),
    nic("docker0", False, "docker", "up", True, None, "02:42:8c:1d:5e:01"),
    nic("enp3s0f0", True, "ethernet", "up", True, 1000, "00:e0:fc:11:22:30", driver="igb"),
    nic("enp3s0f1", True, "ethernet", "down", False, None, "00:e0:fc:11:22:31", driver="igb"),
    nic("ens1f0", True, "ethernet", "up", True, 10000, "00:e0:fc:aa:bb:c0", driver="hinic",
        bond_master="bond0"),
    nic("ens1f1", True, "ethernet", "up", True, 10000, "00:e0:fc:aa:bb:c0", driver="hinic",
        bond_master="bond0"),
    nic("lo", False, "loopback", "unknown", True, None, "00:00:00:00:00:00", mtu=65536),
    nic("tun0", False, "tun", "unknown", True, 10, None),
    nic("veth3f2a1b7", False, "veth", "up", True, 10000, "9a:6c:2e:41:07:d3"),
    nic("virbr0", False, "bridge", "down", False, None, "52:54:00:8a:2c:11"),
]


def test_gather_nics_hospital_server(tmp_path):
    hospital_server(tmp_path)
    reader = SysReader(str(tmp_path))
    assert nics.gather_nics(reader) == HOSPITAL_SERVER
    assert reader.unknown == {}


def test_gather_nics_vm_with_virtio(tmp_path):
    # A VM's virtio NIC sits on the virtual PCI bus: it is the VM's physical port.
    devices.add_nic(tmp_path, "eth0", pci_slot="0000:00:03.0", driver="virtio_net",
                    speed=-1, mac="fa:16:3e:4b:9c:01")
    assert nics.gather_nics(SysReader(str(tmp_path))) == [
        nic("eth0", True, "ethernet", "up", True, None, "fa:16:3e:4b:9c:01",
            driver="virtio_net")]


def test_gather_nics_without_sysfs(tmp_path):
    reader = SysReader(str(tmp_path))
    assert nics.gather_nics(reader) is None
    assert reader.unknown == {"nics": "sys/class/net is missing or empty"}


@pytest.mark.parametrize("name, physical, arp_type, devtype, markers, expected", [
    ("lo", False, 772, None, set(), "loopback"),
    ("wlp2s0", True, 1, "wlan", {"wireless", "phy80211"}, "wireless"),
    ("br0", False, 1, "bridge", {"bridge"}, "bridge"),
    ("virbr0", False, 1, "bridge", {"bridge"}, "bridge"),
    ("docker0", False, 1, "bridge", {"bridge"}, "docker"),
    ("br-3c1f2a9d8e7b", False, 1, "bridge", {"bridge"}, "docker"),
    ("br-ex", False, 1, "bridge", {"bridge"}, "bridge"),
    ("bond0", False, 1, "bond", {"bonding"}, "bond"),
    ("team0", False, 1, "bond", set(), "bond"),
    ("eth0.20", False, 1, None, {"vlan"}, "vlan"),
    ("vlan20", False, 1, "vlan", set(), "vlan"),
    ("veth9a8b7c6", False, 1, None, set(), "veth"),
    ("tap0", False, 1, None, {"tun_flags"}, "tun"),
    ("eno1", True, 1, None, set(), "ethernet"),
    ("ib0", True, 32, None, set(), "infiniband"),
    ("vxlan.calico", False, 1, "vxlan", set(), "virtual"),
    ("dummy0", False, 1, None, set(), "virtual"),
])
def test_classify_kind(name, physical, arp_type, devtype, markers, expected):
    assert nics.classify_kind(name, physical, arp_type, devtype, markers) == expected


@pytest.mark.parametrize("class_link, has_device, expected", [
    ("../../devices/pci0000:00/0000:00:1c.0/0000:03:00.0/net/enp3s0f0", True, True),
    ("../../devices/virtual/net/docker0", False, False),
    ("../../devices/virtual/net/odd0", True, False),
    (None, True, True),  # snapshot copied without links: the device link decides
    (None, False, False),
])
def test_is_physical(class_link, has_device, expected):
    assert nics.is_physical(class_link, has_device) is expected


@pytest.mark.parametrize("text, operstate, expected", [
    ("1", "up", True),
    ("0", "down", False),
    (None, "down", False),  # EINVAL on an administratively down link
    (None, "up", None),
    ("", "unknown", None),
])
def test_parse_carrier(text, operstate, expected):
    assert nics.parse_carrier(text, operstate) is expected


@pytest.mark.parametrize("text, expected", [
    ("10000", 10000), ("1000", 1000), ("-1", None), ("4294967295", None), ("0", None),
    ("", None), (None, None), ("fast", None),
])
def test_parse_speed(text, expected):
    assert nics.parse_speed(text) == expected


def edge_server(root):
    """Two onboard ports, a Wi-Fi card, a phone tethered over USB, the iDRAC's USB
    channel, a 4G modem, an InfiniBand HCA and a USB Ethernet adapter."""
    devices.add_nic(root, "eno1", speed=1000, mac="b0:7b:25:10:00:01", driver="igb")
    devices.add_nic(root, "eno2", operstate="down", carrier=None, speed=-1,
                    mac="b0:7b:25:10:00:02", driver="igb")
    devices.add_nic(root, "wlp2s0", kind="wireless", speed=None, mac="a0:a4:c5:5e:21:0f",
                    driver="iwlwifi")
    devices.add_nic(root, "usb0", usb_port="1-4", driver="rndis_host", speed=425,
                    mac="82:6a:9c:31:f0:11")
    devices.add_nic(root, "idrac", usb_port="1-5", driver="cdc_ether", speed=None,
                    mac="d0:94:66:7a:8b:9d")
    devices.add_nic(root, "wwan0", kind="wwan", usb_port="2-1", driver="qmi_wwan", speed=None,
                    mac="36:1f:80:2d:00:01")
    devices.add_nic(root, "ib0", kind="infiniband", speed=100000, mac="80:00:02:08:fe:80",
                    driver="mlx5_core", mtu=2044)
    devices.add_nic(root, "enx00e04c680001", usb_port="2-2", driver="r8152", speed=1000,
                    mac="00:e0:4c:68:00:01")


def test_gather_nics_kinds_of_physical_interfaces(tmp_path):
    edge_server(tmp_path)
    kinds = {n["name"]: (n["physical"], n["kind"], n["driver"])
             for n in nics.gather_nics(SysReader(str(tmp_path)))}
    assert kinds == {
        "eno1": (True, "ethernet", "igb"), "eno2": (True, "ethernet", "igb"),
        "wlp2s0": (True, "wireless", "iwlwifi"), "usb0": (True, "usb_link", "rndis_host"),
        "idrac": (True, "usb_link", "cdc_ether"), "wwan0": (True, "wwan", "qmi_wwan"),
        "ib0": (True, "infiniband", "mlx5_core"), "enx00e04c680001": (True, "ethernet", "r8152"),
    }


def test_only_wired_ethernet_ports_count(tmp_path):
    edge_server(tmp_path)
    wired = [n["name"] for n in nics.gather_nics(SysReader(str(tmp_path))) if nics.is_wired_port(n)]
    assert wired == ["eno1", "eno2", "enx00e04c680001"]


@pytest.mark.parametrize("record, wired", [
    ({"name": "eth0", "physical": True}, True),  # a record from before "kind"
    ({"name": "eth0", "physical": True, "kind": "ethernet"}, True),
    ({"name": "wlan0", "physical": True, "kind": "wireless"}, False),
    ({"name": "br0", "physical": False, "kind": "bridge"}, False),
])
def test_is_wired_port(record, wired):
    assert nics.is_wired_port(record) is wired
