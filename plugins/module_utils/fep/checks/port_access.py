# -*- coding: utf-8 -*-
"""Does the host firewall let a front-end port in from the network the sheet names?

A free port is half of 三-1…5: the hospital systems (intranet) must reach
8881 and 5432, the national platform (extranet: 政务外网 / 疾控 VPN) 8882 and
8883, doctors 8884 from both.  That is established only when the host's
firewall state is known and the inventory says which interfaces or source
networks are the intranet and the extranet (``fep_firewall_zones``, the
firewall role's own variable).  Anything short of that is ``unknown`` with
what is missing, never a guess.

firewalld decides by zone: a packet belongs to the zone that lists its
source network, else the zone of the interface it arrives on, else the
default zone.  Only permanent zones under /etc/firewalld/zones are known to
the audit (a built-in zone never edited has no file there).
"""
import ipaddress
from collections import OrderedDict

from ..opengauss_spec import FIREWALLD_SERVICES

# service (fep_ports key) -> the networks the sheet says it is used from (附件1 二)
NETWORKS = OrderedDict((
    ("data_api", ("intranet",)),
    ("database", ("intranet",)),
    ("config_update", ("extranet",)),
    ("monitoring", ("extranet",)),
    ("web", ("intranet", "extranet")),
))
NETWORK_ZH = {"intranet": "院内网", "extranet": "政务外网/疾控 VPN"}


def zone_admits(zone, port):
    """True when a firewalld zone lets ``port``/tcp in (port, range, service or target ACCEPT)."""
    if (zone.get("target") or "").upper() == "ACCEPT":
        return True
    for entry in zone.get("ports") or []:
        numbers, _, protocol = entry.partition("/")
        if protocol not in ("tcp", ""):
            continue
        low, _, high = numbers.partition("-")
        try:
            if int(low) <= port <= int(high or low):
                return True
        except ValueError:
            continue
    return any(FIREWALLD_SERVICES.get(service) == port for service in zone.get("services") or [])


def _overlaps(network, sources):
    for source in sources:
        try:
            other = ipaddress.ip_network(str(source), strict=False)
        except ValueError:
            continue
        if other.version == network.version and other.overlaps(network):
            return True
    return False


def firewalld_zone_of(firewall, spec):
    """``(zone name, zone)`` firewalld puts a network (``{interfaces, sources}``) in; zone None when unknown."""
    zones = firewall.get("zones") or {}
    networks = []
    for source in spec.get("sources") or []:
        try:
            networks.append(ipaddress.ip_network(str(source), strict=False))
        except ValueError:
            continue
    for name, zone in sorted(zones.items()):
        if networks and any(_overlaps(network, zone.get("sources") or []) for network in networks):
            return name, zone
    for name, zone in sorted(zones.items()):
        if set(spec.get("interfaces") or []) & set(zone.get("interfaces") or []):
            return name, zone
    default = firewall.get("default_zone") or "public"
    return default, zones.get(default)


def network_access(firewall, zones, network, port):
    """``(state, reason_zh, reason_en)`` for ``port`` from ``network``: admitted, blocked or unknown."""
    where = NETWORK_ZH[network]
    spec = (zones or {}).get(network)
    if not spec or not (spec.get("interfaces") or spec.get("sources")):
        return ("unknown", "清单未说明%s的网卡或网段（fep_firewall_zones.%s）" % (where, network),
                "the inventory does not say which interfaces or networks are the %s (fep_firewall_zones.%s)"
                % (network, network))
    name, zone = firewalld_zone_of(firewall, spec)
    if zone is None:
        return ("unknown", "%s属于 firewalld 区域 %s，其配置未能读取" % (where, name),
                "the %s is in firewalld zone %s, whose settings were not readable" % (network, name))
    if zone_admits(zone, port):
        return "admitted", "%s（区域 %s）已放行" % (where, name), "allowed from the %s (zone %s)" % (network, name)
    return "blocked", "%s（区域 %s）未放行" % (where, name), "not allowed from the %s (zone %s)" % (network, name)


def port_access(facts, zones, service, port):
    """What the host firewall does with ``port`` from the networks the sheet names for ``service``.

    ``{"status": admitted|blocked|unknown, "networks": [...], "message_zh", "message_en"}``.
    """
    networks = NETWORKS.get(service, ())
    firewall = ((facts or {}).get("security") or {}).get("firewall")
    record = OrderedDict((("status", "unknown"), ("networks", list(networks))))
    if not firewall:
        record.update(message_zh="未能读取本机防火墙状态", message_en="host firewall state unknown")
        return record
    backend, state = firewall.get("backend"), firewall.get("state")
    if backend == "none" or state == "stopped":
        record.update(status="admitted", message_zh="本机防火墙未启用，不拦截",
                      message_en="no host firewall filters inbound traffic")
        return record
    if backend != "firewalld" or state != "running":
        record.update(message_zh="本机防火墙为 %s（%s），未能自动判断是否放行" % (backend, state),
                      message_en="host firewall %s (%s): whether it admits the port is not decided by the audit"
                      % (backend, state))
        return record
    outcomes = [network_access(firewall, zones, network, port) for network in networks]
    states = {state for state, _, _ in outcomes}
    record["status"] = "blocked" if "blocked" in states else "unknown" if "unknown" in states else "admitted"
    record["message_zh"] = "；".join(zh for _, zh, _ in outcomes)
    record["message_en"] = "; ".join(en for _, _, en in outcomes)
    return record
