# -*- coding: utf-8 -*-
"""Ports, services and rich rules as port spans: what a firewalld zone item opens, and the rules fepkit writes."""
import re

_SPAN = re.compile(r"^(\d+)(?:-(\d+))?/(\w+)$")
_RICH_PORT = re.compile(r'\bport port="(\d+)(?:-(\d+))?" protocol="(\w+)"')
_RICH_SERVICE = re.compile(r'\bservice name="([^"]+)"')


def port_span(text):
    """``(low, high, protocol)`` of ``8881/tcp`` or ``9200-9300/tcp``; None for anything else."""
    match = _SPAN.match(str(text).strip())
    if not match:
        return None
    low = int(match.group(1))
    return low, int(match.group(2) or low), match.group(3)


def service_spans(name, services, _seen=None):
    """Port spans a firewalld service opens (its includes too); None when the service is unknown."""
    seen = _seen if _seen is not None else set()
    if name in seen:
        return []
    seen.add(name)
    info = services.get(name)
    if info is None:
        return None
    spans = [s for s in (port_span(p) for p in info.get("ports") or []) if s]
    for included in info.get("includes") or []:
        spans.extend(service_spans(included, services, seen) or [])
    return spans


def opens(spans, ports, protocol="tcp"):
    """The ``ports`` (ints) that any of ``spans`` covers."""
    return sorted({p for p in ports for low, high, proto in spans if proto == protocol and low <= p <= high})


def rich_rule_reach(rule, services):
    """``(source restricted?, spans or None for 'every port')`` of an accepting rich rule; None otherwise."""
    if not re.search(r"\baccept\b", rule):
        return None
    restricted = bool(re.search(r"\bsource (not )?(address|ipset|mac)=", rule))
    spans = []
    match = _RICH_PORT.search(rule)
    if match:
        low = int(match.group(1))
        spans.append((low, int(match.group(2) or low), match.group(3)))
    service = _RICH_SERVICE.search(rule)
    if service:
        spans.extend(service_spans(service.group(1), services) or [(1, 65535, "tcp")])
    if not match and not service and "icmp" not in rule and "protocol value=" not in rule:
        return restricted, None
    return restricted, spans


def item_closed_ports(field, value, services, closed):
    """The managed ports (of ``closed``) a zone item would open; [] when the item is harmless."""
    if field == "services":
        spans = service_spans(value, services)
        return [] if spans is None else opens(spans, closed)
    if field == "ports":
        span = port_span(value)
        return opens([span], closed) if span else []
    if field == "rich rules":
        reach = rich_rule_reach(value, services)
        if reach is None or reach[0]:  # not accepting, or narrowed to a source: the hospital's own decision
            return []
        return sorted(closed) if reach[1] is None else opens(reach[1], closed)
    return []


def admin_rule(network, ssh_port):
    """The rich rule that keeps SSH open from one admin network (firewalld's canonical form)."""
    family = "ipv6" if ":" in network else "ipv4"
    return ('rule family="%s" source address="%s" port port="%d" protocol="tcp" accept'
            % (family, network, ssh_port))


def platform_rule(network, port):
    family = "ipv6" if ":" in network else "ipv4"
    return ('rule family="%s" destination address="%s" port port="%d" protocol="tcp" accept'
            % (family, network, port))
