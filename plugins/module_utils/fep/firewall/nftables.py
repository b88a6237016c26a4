# -*- coding: utf-8 -*-
"""nftables: fepkit's own table, and what the hospital's tables mean for it.

fepkit never flushes the rule set: it owns one table, ``inet fepkit``,
replaced atomically on its own (``table …; delete table …; table … {…}`` in
one ``nft -f`` transaction).  Its input chain **guards** the managed ports
(the five front-end ports and SSH) on the managed networks (the zones'
interfaces and sources): accepted from the zone the sheet names (SSH from
the admin networks), dropped from everywhere else.  Its policy is *accept*,
so everything else is decided by the hospital's own tables exactly as
before: a hospital rule is never overridden by an accept of fepkit's.

nftables runs **every** base chain of a hook, and a drop in any of them is
final; an accept only ends the chain it is in.  So a hospital table whose
input chain drops by default must itself accept the front-end ports, and
one whose output chain drops by default must itself accept the national
platform: fepkit cannot open either from its own table.  ``warnings`` says
exactly which rules to add to which chain.
"""
import re

from . import NFT_TABLE

# priority -10: fepkit's chain runs before the usual filter chains (0) and
# firewalld's (+10); the order changes nothing about accept/drop semantics
# (see above) but drops what it guards before other chains spend time on it.
CHAIN_PRIORITY = -10

_TABLE = re.compile(r"^table (\w+) (\S+) \{$")
_CHAIN = re.compile(r"^chain (\S+) \{$")
_HOOK = re.compile(r"type (\w+) hook (\w+)(?: device \S+)? priority ([^;]+);(?: policy (\w+);)?")


def base_chains(ruleset):
    """Base chains of ``nft list ruleset`` text: ``[{family, table, chain, type, hook, priority, policy, rules}]``."""
    chains, family, table, chain = [], None, None, None
    for raw in (ruleset or "").splitlines():
        line = raw.strip()
        match = _TABLE.match(line)
        if match:
            family, table, chain = match.group(1), match.group(2), None
            continue
        match = _CHAIN.match(line)
        if match and table:
            chain = {"family": family, "table": table, "chain": match.group(1), "type": None,
                     "hook": None, "priority": None, "policy": None, "rules": []}
            continue
        if chain is None:
            continue
        if line == "}":
            if chain["hook"]:
                chains.append(chain)
            chain = None
            continue
        match = _HOOK.search(line)
        if match and chain["hook"] is None:
            chain.update(type=match.group(1), hook=match.group(2), priority=match.group(3).strip(),
                         policy=match.group(4) or "accept")
        elif line:
            chain["rules"].append(line)
    return chains


def _filters(chain):
    words = " ".join(chain["rules"]).split()
    return chain["policy"] == "drop" or "drop" in words or "reject" in words


def foreign_filter_chains(ruleset, hook):
    """The hospital's filter chains on ``hook`` (input/output) that drop by default or drop some traffic."""
    return [c for c in base_chains(ruleset)
            if c["hook"] == hook and c["type"] == "filter" and c["table"] != NFT_TABLE and _filters(c)]


def _set(values, quote=False):
    items = ['"%s"' % v for v in values] if quote else [str(v) for v in values]
    return "{ %s }" % ", ".join(items)


def _by_family(networks):
    v4 = [n for n in networks if ":" not in n]
    v6 = [n for n in networks if ":" in n]
    return (("ip", v4), ("ip6", v6))


def zone_accept_rules(zone, ports):
    """Accept rules of one zone (empty when it opens no port)."""
    if not ports:
        return []
    rules = []
    dport = "tcp dport %s accept" % _set(ports)
    if zone["interfaces"]:
        rules.append("iifname %s %s" % (_set(zone["interfaces"], quote=True), dport))
    for family, networks in _by_family(zone["sources"]):
        if networks:
            rules.append("%s saddr %s %s" % (family, _set(networks), dport))
    return rules


def table(desired, managed):
    """The text of table inet fepkit for ``desired`` (the role's validated inputs)."""
    managed = sorted(managed)
    lines = ['iifname "lo" accept',
             "ct state established,related accept"]
    for family, networks in _by_family(desired["admin_sources"]):
        if networks:
            lines.append("# SSH from the admin networks (fep_firewall_admin_sources)")
            lines.append("%s saddr %s tcp dport %d accept" % (family, _set(networks), desired["ssh_port"]))
    interfaces, sources = [], []
    for zone in desired["zones"]:
        services = ", ".join("%s %d" % (s, desired["ports"][s]) for s in zone["services"])
        lines.append("# %s: %s" % (zone["name"], services or "no front-end port"))
        lines.extend(zone_accept_rules(zone, zone["ports"]))
        interfaces += zone["interfaces"]
        sources += zone["sources"]
    lines.append("# the managed ports on the managed networks: closed to everyone else")
    if interfaces:
        lines.append("iifname %s tcp dport %s drop" % (_set(interfaces, quote=True), _set(managed)))
    for family, networks in _by_family(sources):
        if networks:
            lines.append("%s saddr %s tcp dport %s drop" % (family, _set(networks), _set(managed)))
    body = "\n".join("\t\t" + line for line in lines)
    return ("table inet {name} {{\n"
            "\tchain input {{\n"
            "\t\ttype filter hook input priority {priority}; policy accept;\n"
            "{body}\n"
            "\t}}\n"
            "}}\n").format(name=NFT_TABLE, priority=CHAIN_PRIORITY, body=body)


def _name(chain):
    return "table %s %s chain %s" % (chain["family"], chain["table"], chain["chain"])


def warnings(ruleset, desired):
    """What fepkit's table cannot do on this host, and the rules to add to the hospital's chains."""
    found = []
    for chain in foreign_filter_chains(ruleset, "input"):
        if chain["policy"] != "drop":
            continue
        wanted = []
        for zone in desired["zones"]:
            wanted.extend(zone_accept_rules(zone, zone["ports"]))
        found.append("%s drops inbound traffic by default, and nftables lets no table override another's "
                      "drop: that chain must accept the front-end ports itself, e.g. %s"
                      % (_name(chain), "; ".join(wanted)))
    egress = foreign_filter_chains(ruleset, "output")
    if egress and desired["platform_addresses"]:
        rules = ["%s daddr %s tcp dport %s accept" % (family, _set(networks), _set(desired["platform_ports"]))
                 for family, networks in _by_family(desired["platform_addresses"]) if networks]
        for chain in egress:
            found.append("%s filters outbound traffic: fepkit cannot open the national platform from its own "
                         "table; add to that chain: %s" % (_name(chain), "; ".join(rules)))
    elif egress:
        found.append("%s filters outbound traffic and fep_firewall_platform_addresses is empty: "
                     "HTTPS/8888 to the national platform may stay blocked" % ", ".join(_name(c) for c in egress))
    for chain in base_chains(ruleset):
        if chain["table"] == "firewalld":
            found.append("table %s firewalld exists but firewalld is not running: a stale table of a stopped "
                         "firewalld (CleanupOnExit=no) still filters" % chain["family"])
            break
    return found
