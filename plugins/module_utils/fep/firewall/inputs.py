# -*- coding: utf-8 -*-
"""Validate the fep_firewall role's inputs into one normalised ``desired`` model.

``meta/argument_specs.yml`` checks types and names; what it cannot check
(CIDR syntax, overlapping networks, ports, interfaces that exist on the host)
is checked here, and every message names the inventory variable and field
the ops team wrote, e.g. ``fep_firewall_zones.intranet.sources[1]: …``.
"""
import ipaddress
import re

from ..checks.inputs import as_list, validate_inputs
from ..checks.sheet import DEFAULT_PORTS
from . import ZONE_PREFIX, ZONES

# Linux interface names: at most 15 bytes, no slash or whitespace.
_INTERFACE = re.compile(r"^[A-Za-z0-9_.:@-]{1,15}$")


def parse_network(text):
    """``ipaddress`` network of a CIDR or a bare address (a bare address is a /32 or /128).

    Raises ValueError with a short reason; host bits set (``10.0.0.5/24``) is
    an error, not silently widened: the ops team may have meant the host.
    """
    text = str(text).strip()
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        if "host bits set" in str(exc):
            wide = ipaddress.ip_network(text, strict=False)
            raise ValueError("host bits set: write %s for the network or %s/%d for the host"
                             % (wide, text.split("/")[0], wide.max_prefixlen))
        raise ValueError("not an IPv4/IPv6 address or CIDR (e.g. 10.20.0.0/16)")


def _port(value):
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip())
    if not 0 < number < 65536:
        raise ValueError
    return number


def _networks(name, values, errors):
    found = []
    for index, value in enumerate(as_list(values)):
        try:
            found.append(parse_network(value))
        except ValueError as exc:
            errors.append("%s[%d]: %r: %s" % (name, index, value, exc))
    return found


def validate(raw):
    """``(desired, errors)`` from the role's variables (``raw`` keys are the variable names)."""
    errors = []
    # fep_ports: the audit's own validation, so both say the same about a bad port
    _inputs, port_errors = validate_inputs({"ports": raw.get("fep_ports") or {}})
    errors.extend(port_errors)
    ports = dict(DEFAULT_PORTS)
    ports.update(_inputs["ports"])
    ssh_port = _ssh_port(raw, ports, errors)
    zones = _zones(raw, ports, errors)
    if not zones and not errors:
        errors.append("fep_firewall_zones: no zone lists interfaces or sources: say which network "
                      "is the hospital intranet and which the extranet")

    admin = _networks("fep_firewall_admin_sources", raw.get("fep_firewall_admin_sources"), errors)
    if not as_list(raw.get("fep_firewall_admin_sources")):
        errors.append("fep_firewall_admin_sources: required: the networks SSH must stay open from "
                      "(the control node's address at least), or the role could lock the ops team out")
    platform, platform_ports = _platform(raw, errors)
    _timeouts(raw, errors)
    desired = {
        "ports": ports,
        "ssh_port": ssh_port,
        "zones": zones,
        "admin_sources": [str(n) for n in admin],
        "platform_addresses": [str(n) for n in platform],
        "platform_ports": sorted(set(platform_ports)),
    }
    return desired, errors


def _ssh_port(raw, ports, errors):
    try:
        ssh_port = _port(raw.get("fep_firewall_ssh_port", 22))
    except (TypeError, ValueError):
        errors.append("fep_firewall_ssh_port: must be a port 1-65535, got %r" % raw.get("fep_firewall_ssh_port"))
        ssh_port = 22
    national = {port: service for service, port in ports.items()}
    if ssh_port in national:
        errors.append("fep_firewall_ssh_port: %d is the front-end port of %s (fep_ports)"
                      % (ssh_port, national[ssh_port]))
    return ssh_port


def _zones(raw, ports, errors):
    """The role's zones that list interfaces or sources, each checked against the others."""
    zone_ports = raw.get("fep_firewall_zone_ports") or {}
    zones_raw = raw.get("fep_firewall_zones") or {}
    if not isinstance(zones_raw, dict):
        errors.append("fep_firewall_zones: must map a zone (%s) to its interfaces and sources" % ", ".join(ZONES))
        zones_raw = {}
    for name in zones_raw:
        if name not in ZONES:
            errors.append("fep_firewall_zones: unknown zone %r (known: %s)" % (name, ", ".join(ZONES)))
    seen = {"interfaces": {}, "networks": [], "host_interfaces": raw.get("host_interfaces")}
    zones = []
    for name in ZONES:
        spec = zones_raw.get(name) or {}
        if not isinstance(spec, dict):
            errors.append("fep_firewall_zones.%s: must be a mapping with interfaces, sources, ports" % name)
            continue
        unknown = sorted(set(spec) - {"interfaces", "sources", "ports"})
        if unknown:
            errors.append("fep_firewall_zones.%s: unknown key(s) %s (known: interfaces, sources, ports)"
                          % (name, ", ".join(unknown)))
        interfaces = _zone_interfaces(name, spec, seen, errors)
        sources = _zone_sources(name, spec, seen, errors)
        services = as_list(spec["ports"]) if "ports" in spec else as_list(zone_ports.get(name))
        for service in services:
            if service not in ports:
                errors.append("fep_firewall_zones.%s.ports: unknown service %r (known: %s)"
                              % (name, service, ", ".join(ports)))
        services = [s for s in services if s in ports]
        if interfaces or sources:
            zones.append({
                "name": name,
                "firewalld_zone": ZONE_PREFIX + name,
                "interfaces": interfaces,
                "sources": [str(n) for n in sources],
                "services": services,
                "ports": sorted({ports[s] for s in services}),
            })
    return zones


def _zone_interfaces(name, spec, seen, errors):
    """A zone's interfaces: names Linux allows, present on the host, in no other zone."""
    interfaces, host_interfaces = [], seen["host_interfaces"]
    for index, interface in enumerate(as_list(spec.get("interfaces"))):
        field = "fep_firewall_zones.%s.interfaces[%d]" % (name, index)
        interface = str(interface)
        if not _INTERFACE.match(interface):
            errors.append("%s: %r is not an interface name" % (field, interface))
        elif host_interfaces is not None and interface not in host_interfaces:
            errors.append("%s: no interface %s on this host (it has: %s)"
                          % (field, interface, ", ".join(sorted(host_interfaces)) or "none"))
        elif interface in seen["interfaces"]:
            errors.append("%s: %s is already in zone %s" % (field, interface, seen["interfaces"][interface]))
        else:
            seen["interfaces"][interface] = name
            interfaces.append(interface)
    return interfaces


def _zone_sources(name, spec, seen, errors):
    """A zone's source networks; one overlapping another zone's is named."""
    sources = _networks("fep_firewall_zones.%s.sources" % name, spec.get("sources"), errors)
    for network in sources:
        for other_zone, other in seen["networks"]:
            if network.version == other.version and network.overlaps(other):
                errors.append("fep_firewall_zones.%s.sources: %s overlaps %s of zone %s"
                              % (name, network, other, other_zone))
        seen["networks"].append((name, network))
    return sources


def _platform(raw, errors):
    """``(addresses, ports)`` of the national platform the host may reach outbound."""
    platform = _networks("fep_firewall_platform_addresses", raw.get("fep_firewall_platform_addresses"), errors)
    if not as_list(raw.get("fep_firewall_platform_addresses")):
        # the national platform is given once: the audit's probe targets (host[:port]) serve the
        # firewall too, as far as they are addresses (a rule cannot name a host)
        platform = platform_addresses(raw.get("fep_national_platform"))
    platform_ports = []
    for index, value in enumerate(as_list(raw.get("fep_firewall_platform_ports"))):
        try:
            platform_ports.append(_port(value))
        except (TypeError, ValueError):
            errors.append("fep_firewall_platform_ports[%d]: must be a port 1-65535, got %r" % (index, value))
    return platform, platform_ports


def _timeouts(raw, errors):
    timeouts = {}
    for name in ("fep_firewall_rollback_timeout", "fep_firewall_confirm_timeout"):
        try:
            timeouts[name] = int(raw.get(name))
            if timeouts[name] <= 0:
                raise ValueError
        except (TypeError, ValueError):
            errors.append("%s: must be a positive number of seconds, got %r" % (name, raw.get(name)))
    if len(timeouts) == 2 and timeouts["fep_firewall_rollback_timeout"] < timeouts["fep_firewall_confirm_timeout"] + 30:
        errors.append("fep_firewall_rollback_timeout: must exceed fep_firewall_confirm_timeout by 30 s at least "
                      "(the rollback must not fire while the play is still confirming the connection)")


def platform_addresses(targets):
    """The IP addresses among ``fep_national_platform`` targets (``host[:port]``, ``[v6]:port``)."""
    found = []
    for target in as_list(targets):
        text = str(target).strip()
        host = text[1:].split("]", 1)[0] if text.startswith("[") else (
            text.rsplit(":", 1)[0] if text.count(":") == 1 else text)
        try:
            network = ipaddress.ip_network(host)
        except ValueError:
            continue  # a name: the probe resolves it, a firewall rule cannot
        if network not in found:
            found.append(network)
    return found


def managed_ports(desired):
    """Ports the role decides on the managed networks: the five front-end ports and SSH."""
    return sorted(set(desired["ports"].values()) | {desired["ssh_port"]})
