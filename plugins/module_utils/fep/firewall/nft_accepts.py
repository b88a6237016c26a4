# -*- coding: utf-8 -*-
"""nftables: the hospital's accepts that fepkit's table would override.

nftables runs every base chain of a hook and a drop in any of them is final.
fepkit's input chain drops the managed ports (front-end ports and SSH) on the
managed networks for everyone the zone map does not name, so a hospital rule
such as ``tcp dport 22 accept`` or ``ip saddr 10.1.2.3 tcp dport 5432 accept``
would silently stop working once fepkit's table is loaded.

This module finds those rules in the hospital's input base chains. By
default the role copies them, exactly as the hospital wrote them, into
fepkit's chain ahead of its drops (the hospital keeps what it allowed) and
says so; ``fep_firewall_nft_override_hospital_accepts: true`` lets the zone
map win instead (still reported, rule by rule). A rule that cannot be copied
(it names a set of its own table) stops the role unless the inventory says
to override.
"""
import ipaddress
import re

from . import NFT_TABLE
from .nftables import base_chains

# Names nft may print instead of numbers (older versions translate ports
# through /etc/services); only those of the managed ports matter.
PORT_NAMES = {"ssh": 22, "postgresql": 5432}
_OTHER_L4 = re.compile(r"\b(udp|udplite|sctp|dccp|icmp|icmpv6|igmp|esp|ah|gre)\b")
_COUNTER = re.compile(r"\bcounter packets \d+ bytes \d+")
_VALUE = r'(!= )?(\{[^}]*\}|"[^"]*"|\S+)'


def _values(text):
    return [v.strip().strip('"') for v in text.strip("{} ").split(",") if v.strip()]


def _match(rule, selector):
    """``(negated, [values])`` of ``selector <value>`` in a rule, None when absent."""
    found = re.search(r"(?:^|\s)%s %s" % (re.escape(selector), _VALUE), rule)
    if not found:
        return None
    return bool(found.group(1)), _values(found.group(2))


def _ports(values):
    """The set of ports the values name, None when one cannot be read (a name nft did not translate)."""
    ports = set()
    for value in values:
        low, _, high = value.partition("-")
        try:
            low = PORT_NAMES[low] if low in PORT_NAMES else int(low)
            high = PORT_NAMES[high] if high in PORT_NAMES else int(high or low)
        except ValueError:
            return None
        ports.update(range(low, high + 1))
    return ports


def parse_accept(rule, family):
    """What one accepting rule matches: ``{"ports", "saddr", "iifname", "copy", "problem"}``; None when
    it cannot touch a managed TCP port (no accept verdict, another protocol, established traffic only).

    ``ports`` None: every port; ``saddr`` / ``iifname`` None: any. ``copy`` is
    the rule as fepkit's inet chain can hold it (counters reset, the family
    pinned when the hospital's table is ip or ip6).
    """
    words = rule.split()
    if "accept" not in words or any(v in words for v in ("drop", "reject", "jump", "goto", "queue", "return")):
        return None
    if _OTHER_L4.search(rule) and not re.search(r"\b(tcp|th) dport\b", rule):
        return None
    state = _match(rule, "ct state")
    if state and not state[0] and "new" not in state[1]:
        return None  # established traffic: fepkit's chain accepts it too
    dport = _match(rule, "tcp dport") or _match(rule, "th dport")
    ports = None
    if dport:
        ports = _ports(dport[1])
        if ports is None:
            return None
        if dport[0]:
            ports = ("not", ports)
    saddr = _match(rule, "ip saddr") or _match(rule, "ip6 saddr")
    iif = _match(rule, "iifname") or _match(rule, "iif")
    if iif and not iif[0] and iif[1] == ["lo"]:
        return None
    copy = _COUNTER.sub("counter", rule)
    if family in ("ip", "ip6") and "saddr" not in copy and "nfproto" not in copy:
        copy = "meta nfproto %s %s" % ("ipv4" if family == "ip" else "ipv6", copy)
    problem = None
    if "@" in rule:
        problem = "it names a set or map of its own table, which fepkit's table cannot see"
    return {"ports": ports, "saddr": None if not saddr or saddr[0] else saddr[1],
            "iifname": None if not iif or iif[0] else iif[1], "copy": copy, "problem": problem}


def _networks(values):
    nets = []
    for value in values:
        try:
            nets.append(ipaddress.ip_network(value, strict=False))
        except ValueError:
            return None
    return nets


def _inside(nets, accepted):
    return nets is not None and all(any(n.version == a.version and n.subnet_of(a) for a in accepted) for n in nets)


def _overlaps(nets, managed):
    return nets is None or any(n.version == m.version and n.overlaps(m) for n in nets for m in managed)


def dropped_ports(match, desired, managed):
    """The managed ports fepkit's table would drop for traffic this hospital rule accepts."""
    ports = match["ports"]
    if ports is None:
        candidates = set(managed)
    elif isinstance(ports, tuple):
        candidates = set(managed) - ports[1]
    else:
        candidates = set(managed) & ports
    managed_ifaces = [i for z in desired["zones"] for i in z["interfaces"]]
    managed_nets = _networks([s for z in desired["zones"] for s in z["sources"]]) or []
    rule_nets = _networks(match["saddr"]) if match["saddr"] is not None else None
    dropped = []
    for port in sorted(candidates):
        zones = [z for z in desired["zones"] if port in z["ports"]]
        accepted_nets = _networks([s for z in zones for s in z["sources"]]
                                  + (desired["admin_sources"] if port == desired["ssh_port"] else [])) or []
        accepted_ifaces = [i for z in zones for i in z["interfaces"]]
        if match["saddr"] is not None and _inside(rule_nets, accepted_nets):
            continue
        if match["iifname"] is not None and all(i in accepted_ifaces for i in match["iifname"]):
            continue
        # can the rule's traffic meet one of fepkit's drops of this port (a managed interface or
        # source network whose zone keeps the port closed)?
        dropping_ifaces = [i for i in managed_ifaces if i not in accepted_ifaces]
        dropping_nets = [m for m in managed_nets if not _inside([m], accepted_nets)]
        on_iface = any(match["iifname"] is None or i in match["iifname"] for i in dropping_ifaces)
        from_net = bool(dropping_nets) and _overlaps(rule_nets, dropping_nets)
        if on_iface or from_net:
            dropped.append(port)
    return dropped


def hospital_accepts(ruleset, desired, managed, override):
    """``{"kept": [rule], "warnings": [sentence], "blocked": [sentence]}`` for the role.

    ``kept``: the hospital's rules to copy into fepkit's chain (empty when
    ``override``); ``blocked``: rules that cannot be copied (the role stops).
    """
    kept, warnings, blocked = [], [], []
    for chain in base_chains(ruleset):
        if chain["hook"] != "input" or chain["type"] != "filter" or chain["table"] == NFT_TABLE:
            continue
        where = "table %s %s chain %s" % (chain["family"], chain["table"], chain["chain"])
        for rule in chain["rules"]:
            match = parse_accept(rule, chain["family"])
            if match is None:
                continue
            ports = dropped_ports(match, desired, managed)
            if not ports:
                continue
            lost = "%s accepts `%s`, which fepkit's table would drop on the managed networks (port %s)" % (
                where, rule, ", ".join(str(p) for p in ports))
            if override:
                warnings.append("%s: overridden, as fep_firewall_nft_override_hospital_accepts says" % lost)
            elif match["problem"]:
                blocked.append("%s and cannot be copied into it: %s. Add the rule to fepkit's zone map "
                               "(fep_firewall_zones, fep_firewall_admin_sources) or set "
                               "fep_firewall_nft_override_hospital_accepts: true" % (lost, match["problem"]))
            elif match["copy"] not in kept:
                kept.append(match["copy"])
                warnings.append("%s: copied into table inet %s so that it keeps working (set "
                                "fep_firewall_nft_override_hospital_accepts: true to let the zone map win)"
                                % (lost, NFT_TABLE))
    return {"kept": kept, "warnings": warnings, "blocked": blocked}
