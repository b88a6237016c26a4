"""Network interfaces, telling physical NICs from the virtual ones.

The requirement sheet counts network cards, so a bridge, a bond, docker0 or
a veth must not pass for one.  In a real sysfs ``sys/class/net/X`` is a link
to ``../../devices/<bus path>/net/X`` (physical) or
``../../devices/virtual/net/X``; we read the link text instead of resolving
it so that snapshot trees answer the same way.
"""
import posixpath
import re

SYS_NET = "sys/class/net"
PROC_VLAN = "proc/net/vlan"

ARPHRD_ETHER = 1
ARPHRD_INFINIBAND = 32
ARPHRD_LOOPBACK = 772

# USB network functions that are no wired port of the server: a phone's tethering (RNDIS,
# Apple ipheth), a 4G/5G modem (qmi_wwan, cdc_mbim, Huawei's NCM) and the BMC's host channel
# (iDRAC, XCC and iBMC show the host a CDC Ethernet function).  A USB Ethernet adapter
# (r8152, asix, ax88179_178a) has a cable and stays "ethernet".
_USB_LINK_DRIVERS = frozenset((
    "rndis_host", "cdc_ether", "cdc_ncm", "cdc_eem", "cdc_subset", "ipheth", "qmi_wwan",
    "cdc_mbim", "huawei_cdc_ncm", "sierra_net"))

# What the 双网卡 requirement counts: wired Ethernet ports.  Why each other kind is not one.
WIRED_KINDS = frozenset(("ethernet",))
NOT_WIRED_REASONS = {
    "wireless": ("无线网卡", "wireless"),
    "wwan": ("移动网络", "mobile broadband"),
    "usb_link": ("USB 网络（手机共享、调制解调器或 BMC 通道）",
                 "USB network link (phone tethering, modem or BMC channel)"),
    "infiniband": ("InfiniBand 计算网络", "InfiniBand fabric"),
}

# docker0 and Docker's user-defined networks (br-<12 hex of the network id>);
# an operator's br-ex or br-int stays a plain bridge.
_DOCKER_BRIDGE = re.compile(r"^(docker\d+|br-[0-9a-f]{12})$")


def parse_uevent(text):
    """``KEY=value`` lines of a sysfs uevent file as a dict."""
    values = {}
    for line in (text or "").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    return values


def parse_speed(text):
    """Link speed in Mb/s; None for unknown (-1, or unsigned -1 on old kernels)."""
    try:
        speed = int(text)
    except (TypeError, ValueError):
        return None
    return speed if 0 < speed < 0xFFFFFFFF else None


def parse_carrier(text, operstate):
    """Carrier as a bool.

    Reading ``carrier`` of an administratively down link fails with EINVAL,
    so an unreadable carrier on a down link means no carrier.
    """
    if text in ("0", "1"):
        return text == "1"
    if operstate == "down":
        return False
    return None


def is_physical(class_link, has_device_link):
    """A NIC on a real bus: it has a ``device`` link and is not under devices/virtual/."""
    return has_device_link and "/devices/virtual/" not in "/" + (class_link or "")


def classify_kind(name, physical, arp_type, devtype, markers):
    """Interface kind from its sysfs markers.

    ``markers`` is the set of present entries among ``wireless``,
    ``phy80211``, ``bridge``, ``bonding``, ``tun_flags`` and ``vlan`` (the
    latter for a ``proc/net/vlan/<name>`` file), plus ``usb_link`` for a USB
    network function of a phone, modem or BMC (:func:`is_usb_link`).
    """
    if arp_type == ARPHRD_LOOPBACK:
        return "loopback"
    if "wireless" in markers or "phy80211" in markers or devtype == "wlan":
        return "wireless"
    if devtype == "wwan":
        return "wwan"
    if "usb_link" in markers:
        return "usb_link"
    if "bridge" in markers or devtype == "bridge":
        return "docker" if _DOCKER_BRIDGE.match(name) else "bridge"
    if "bonding" in markers or devtype == "bond":
        return "bond"
    if "vlan" in markers or devtype == "vlan":
        return "vlan"
    if name.startswith("veth"):
        return "veth"
    if "tun_flags" in markers:
        return "tun"
    if physical:
        return "infiniband" if arp_type == ARPHRD_INFINIBAND else "ethernet"
    return "virtual"


def is_usb_link(class_link, driver):
    """A USB network function that is no wired port: on a USB bus, with a tethering/modem driver."""
    return "/usb" in (class_link or "") and driver in _USB_LINK_DRIVERS


def is_wired_port(nic):
    """Does this interface count as one of the server's wired network ports?

    Records written before interfaces had a ``kind`` count when physical.
    """
    return bool(nic.get("physical")) and nic.get("kind", "ethernet") in WIRED_KINDS


def _basename(link):
    return posixpath.basename(link.rstrip("/")) if link else None


def _read_nic(reader, name):
    base = f"{SYS_NET}/{name}"
    uevent = parse_uevent(reader.read_text(base + "/uevent"))
    markers = {m for m in ("wireless", "phy80211", "bridge", "bonding", "tun_flags")
               if reader.exists(f"{base}/{m}")}
    if reader.exists(f"{PROC_VLAN}/{name}"):
        markers.add("vlan")
    class_link = reader.readlink(base)
    driver = _basename(reader.readlink(base + "/device/driver"))
    if is_usb_link(class_link, driver):
        markers.add("usb_link")
    physical = is_physical(class_link, reader.exists(base + "/device"))
    operstate = reader.read_value(base + "/operstate")

    master = _basename(reader.readlink(base + "/master"))
    is_bond_slave = master is not None and (
        reader.exists(base + "/bonding_slave")
        or reader.exists(f"{SYS_NET}/{master}/bonding"))

    return {
        "name": name,
        "physical": physical,
        "kind": classify_kind(name, physical, reader.read_int(base + "/type"),
                              uevent.get("DEVTYPE"), markers),
        "operstate": operstate,
        "carrier": parse_carrier(reader.read_value(base + "/carrier"), operstate),
        "speed_mbps": parse_speed(reader.read_value(base + "/speed")),
        "mac": reader.read_value(base + "/address") or None,
        "mtu": reader.read_int(base + "/mtu"),
        "driver": driver,
        "bond_master": master if is_bond_slave else None,
    }


def gather_nics(reader):
    """One record per interface in ``sys/class/net`` sorted by name; None when unreadable."""
    names = [name for name in reader.listdir(SYS_NET)
             # bonding_masters is a plain file beside the interface links.
             if reader.isdir(f"{SYS_NET}/{name}")]
    if not names:
        reader.mark_unknown("nics", f"{SYS_NET} is missing or empty")
        return None
    return [_read_nic(reader, name) for name in names]
