# -*- coding: utf-8 -*-
"""firewalld: read its listings, plan fepkit's zones, render the plan as a diff.

The model (docs/firewall.md):

* each role zone becomes a namespaced firewalld zone (``fep-intranet``,
  ``fep-extranet``) bound to the zone's interfaces and sources; the
  hospital's zones are never edited (a source bound to a hospital zone is
  the one exception: firewalld binds a source to one zone only, so it moves);
* **managed ports** — the five front-end ports (``fep_ports``) and SSH — are
  open in a fepkit zone exactly as the zone map says; SSH only from
  ``fep_firewall_admin_sources`` (one rich rule per network);
* everything else the hospital allowed on that network is **carried over**:
  when an interface or source moves into a fepkit zone, the services, ports,
  protocols, ICMP blocks and rich rules of the zone that handled it before
  are added to the fepkit zone, except those that would open a managed port
  the zone map keeps closed (reported as warnings, never silently dropped);
* outbound HTTPS/8888 to the national platform: only when a firewalld policy
  filters the host's egress (ingress zone HOST, target DROP/REJECT), a
  ``fep-platform`` policy with a higher precedence accepts the platform's
  addresses and ports.
"""
import re
from collections import OrderedDict

from . import PLATFORM_POLICY

LIST_FIELDS = ("interfaces", "sources", "services", "ports", "protocols", "source-ports",
               "icmp-blocks", "rich rules", "forward-ports", "ingress-zones", "egress-zones",
               "includes", "modules", "helpers", "destination")
# Zone content that moves with an interface or source (ansible.posix.firewalld
# can set each of these); the key is the module parameter.
CARRIED = (("services", "service"), ("ports", "port"), ("protocols", "protocol"),
           ("icmp-blocks", "icmp_block"), ("rich rules", "rich_rule"))
NOT_CARRIED = ("source-ports", "forward-ports")
EGRESS_BLOCKING_TARGETS = ("DROP", "REJECT", "%%REJECT%%")
# A fepkit zone's description records the front-end ports fepkit opened in it,
# so that a port moved in fep_ports is closed where fepkit opened it (and a
# port the hospital allowed is never mistaken for one of fepkit's).
RECORD_PREFIX = "fepkit front-end ports:"


# -- reading ----------------------------------------------------------------

def split_sections(text):
    """``{name: text}`` of a probe's output made of ``@@ name`` headed sections."""
    sections, name, lines = {}, None, []
    for line in (text or "").splitlines():
        if line.startswith("@@ "):
            if name is not None:
                sections[name] = "\n".join(lines)
            name, lines = line[3:].strip(), []
        else:
            lines.append(line)
    if name is not None:
        sections[name] = "\n".join(lines)
    return sections


def parse_listing(text):
    """Zones, policies or services as ``firewall-cmd --list-all-zones`` / ``--list-all-policies``
    / ``--info-service`` print them: ``{name: {field: value or [items], "flags": [...]}}``.

    A header line ``public (default, active)`` starts an entry; ``  key: a b``
    lines are its fields; tab-indented lines continue the last field (rich
    rules, and forward ports in firewalld >= 0.9).
    """
    entries = OrderedDict()
    current, last = None, None
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            name, _, flags = line.strip().partition(" ")
            current = entries[name] = {"flags": [f.strip() for f in flags.strip("()").split(",") if f.strip()]}
            last = None
        elif current is None:
            continue
        elif line.startswith("\t"):
            if last is not None:
                current.setdefault(last, []).append(line.strip())
        else:
            key, _, value = line.strip().partition(":")
            last = key.strip()
            value = value.strip()
            if last in LIST_FIELDS:
                # rich rules are one per line; the others are space separated
                current[last] = [] if last == "rich rules" or not value else value.split()
                if last == "rich rules" and value:
                    current[last].append(value)
            else:
                current[last] = value
    return entries


def empty_zone():
    return {"target": "default", "interfaces": [], "sources": [], "services": [], "ports": [],
            "protocols": [], "source-ports": [], "icmp-blocks": [], "rich rules": [], "forward-ports": [],
            "masquerade": "no", "flags": []}


def read_state(probe_output):
    """The firewalld state the role's probe printed (see tasks/firewalld.yml)."""
    sections = split_sections(probe_output)
    return {
        "state": (sections.get("state") or "").strip(),
        "version": (sections.get("version") or "").strip(),
        "default_zone": (sections.get("default") or "").strip() or "public",
        "permanent": parse_listing(sections.get("permanent")),
        "runtime": parse_listing(sections.get("runtime")),
        "policies": parse_listing(sections.get("policies")),
        "runtime_policies": parse_listing(sections.get("runtime-policies")),
        "services": parse_listing(sections.get("services")),
        "records": {name[len("record "):]: text.strip() for name, text in sections.items()
                    if name.startswith("record ")},
    }


def record_text(ports):
    return "%s %s" % (RECORD_PREFIX, " ".join("%d/tcp" % p for p in sorted(ports)))


def recorded_ports(text):
    """Front-end ports a zone's description says fepkit opened (none without fepkit's record)."""
    text = (text or "").strip()
    if not text.startswith(RECORD_PREFIX):
        return []
    return [p for p in text[len(RECORD_PREFIX):].split() if port_span(p)]


# -- ports, services and rich rules as port spans ----------------------------

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


# -- planning ----------------------------------------------------------------

def _holder(zones, field, value):
    for name, zone in zones.items():
        if value in (zone.get(field) or []):
            return name
    return None


def _comparable(zone):
    return {k: v for k, v in zone.items() if k not in ("flags", "interfaces")}


def runtime_drift(state):
    """Zones/policies whose runtime config differs from the permanent one (a reload would lose it).

    Interface bindings are left out: NetworkManager sets them at runtime.
    """
    drift = []
    for kind, permanent, runtime in (("zone", state["permanent"], state["runtime"]),
                                     ("policy", state["policies"], state["runtime_policies"])):
        for name in sorted(set(permanent) | set(runtime)):
            if _comparable(permanent.get(name) or {}) != _comparable(runtime.get(name) or {}):
                drift.append("%s %s" % (kind, name))
    return drift


def plan(state, desired, managed):
    """What to change so that firewalld matches ``desired``.

    Returns ``{"create_zones", "policy_commands", "ops", "zone_commands",
    "reload", "warnings", "blocked", "notes", "changed"}``; ``ops`` are ansible.posix.firewalld
    parameters (permanent and immediate), in the order they must run: the
    fepkit zone is filled before an interface or source moves into it.
    """
    permanent, services = state["permanent"], state["services"]
    runtime = state["runtime"]
    create, ops, warnings, notes, blocked, zone_commands = [], [], [], [], [], []
    managed = set(managed)

    def op(zone, field, value, enabled, why):
        param = dict(CARRIED + (("interfaces", "interface"), ("sources", "source")))[field]
        ops.append({"zone": zone, "param": param, "field": field, "value": value,
                    "state": "enabled" if enabled else "disabled", "why": why})

    for zone in desired["zones"]:
        name = zone["firewalld_zone"]
        allowed = set(zone["ports"])
        closed = managed - allowed
        current = permanent.get(name)
        if current is None:
            create.append(name)
            current = empty_zone()
        have = {field: set(current.get(field) or []) for field, _ in CARRIED}
        moves, carry_from = [], []
        for field, values in (("interfaces", zone["interfaces"]), ("sources", zone["sources"])):
            for value in values:
                holder = _holder(permanent, field, value)
                live = _holder(runtime, field, value)
                if field == "interfaces" and live not in (None, name, holder):
                    # NetworkManager binds interfaces at runtime from its connection profiles
                    warnings.append("%s: interface %s is in zone %s at runtime only (NetworkManager's binding?): if "
                                    "NetworkManager manages it, set its connection's zone too (nmcli connection "
                                    "modify <connection> connection.zone %s) so that a reconnect keeps it in %s"
                                    % (name, value, live, name, name))
                if holder == name:
                    continue
                origin = holder or live or state["default_zone"]
                if field == "sources" and holder:
                    # firewalld binds a source to one zone only: it leaves the hospital's zone
                    op(holder, "sources", value, False, "moves to %s" % name)
                moves.append((field, value, origin))
                if origin not in carry_from and not origin.startswith("fep-"):
                    carry_from.append(origin)

        for origin in carry_from:
            source = permanent.get(origin) or empty_zone()
            for field, _param in CARRIED:
                for value in source.get(field) or []:
                    if value in have[field]:
                        continue
                    blocked_ports = item_closed_ports(field, value, services, closed)
                    if blocked_ports:
                        warnings.append("%s: not carried over from %s: %s %s (would open %s, which the zone map "
                                        "keeps closed on this network)" % (name, origin, field.rstrip("s"), value,
                                                                          ", ".join(str(p) for p in blocked_ports)))
                        continue
                    have[field].add(value)
                    op(name, field, value, True, "carried over from %s" % origin)
            for field in NOT_CARRIED:
                if source.get(field):
                    warnings.append("%s: not carried over from %s: %s %s (re-create them in %s if still needed)"
                                    % (name, origin, field, " ".join(source[field]), name))
            if source.get("target") not in (None, "default"):
                warnings.append("%s: zone %s had target %s; %s keeps the default target (reject what is not "
                                "allowed)" % (name, origin, source.get("target"), name))

        for port in sorted(allowed):
            value = "%d/tcp" % port
            if value not in have["ports"]:
                have["ports"].add(value)
                service = [s for s, p in desired["ports"].items() if p == port]
                op(name, "ports", value, True, "front-end port (%s)" % ", ".join(service))
        for network in desired["admin_sources"]:
            rule = admin_rule(network, desired["ssh_port"])
            if rule not in have["rich rules"]:
                have["rich rules"].add(rule)
                op(name, "rich rules", rule, True, "SSH from the admin network %s" % network)
        # managed ports the zone map keeps closed here are removed from the fepkit zone
        for field, _param in CARRIED:
            for value in sorted(current.get(field) or []):
                blocked_ports = item_closed_ports(field, value, services, closed)
                if blocked_ports:
                    op(name, field, value, False, "opens %s, closed on this network by the zone map"
                       % ", ".join(str(p) for p in blocked_ports))
        # front-end ports fepkit opened here for an earlier fep_ports value
        wanted = ["%d/tcp" % p for p in sorted(allowed)]
        removed = {o["value"] for o in ops if o["zone"] == name and o["state"] == "disabled"}
        for value in recorded_ports(state.get("records", {}).get(name)):
            if value not in wanted and value in (current.get("ports") or []) and value not in removed:
                op(name, "ports", value, False, "opened by fepkit for an earlier fep_ports value")
        if state.get("records", {}).get(name) != record_text(allowed):
            zone_commands.append(["--permanent", "--zone=" + name, "--set-description=" + record_text(allowed)])
        for field, value, origin in moves:
            op(name, field, value, True, "from %s" % origin)

    policy_commands = plan_platform_policy(state, desired, warnings, notes)
    reload_needed = bool(create or policy_commands)
    if reload_needed:
        drift = runtime_drift(state)
        if drift:
            blocked.append("firewalld has runtime-only changes (%s) that the reload needed to create %s would "
                           "discard: make them permanent (firewall-cmd --runtime-to-permanent) or drop them "
                           "(firewall-cmd --reload), then run the role again"
                           % (", ".join(drift), ", ".join(create + ([PLATFORM_POLICY] if policy_commands else []))))
    return {"create_zones": create, "policy_commands": policy_commands, "ops": ops,
            "zone_commands": zone_commands, "reload": reload_needed, "warnings": warnings, "notes": notes,
            "blocked": blocked, "changed": bool(create or policy_commands or ops or zone_commands)}


def egress_filters(policies):
    """firewalld policies that filter what the host sends (ingress zone HOST, target DROP/REJECT)."""
    return sorted(name for name, policy in policies.items()
                  if name != PLATFORM_POLICY and "HOST" in (policy.get("ingress-zones") or [])
                  and policy.get("target") in EGRESS_BLOCKING_TARGETS)


def plan_platform_policy(state, desired, warnings, notes):
    """firewall-cmd arguments (permanent) that make the fep-platform policy as desired; [] when it is."""
    policies = state["policies"]
    filters = egress_filters(policies)
    addresses, ports = desired["platform_addresses"], desired["platform_ports"]
    if not filters:
        if addresses:
            notes.append("egress: no firewalld policy filters outbound traffic: nothing to open for the platform")
        return []
    if not addresses:
        warnings.append("egress: policy %s filters outbound traffic and fep_firewall_platform_addresses is empty: "
                        "HTTPS/8888 to the national platform stays blocked" % ", ".join(filters))
        return []
    priorities = []
    for name in filters:
        try:
            priorities.append(int(policies[name].get("priority") or -1))
        except ValueError:
            priorities.append(-1)
    priority = max(-32768, min(priorities) - 1)
    if priority == 0:
        priority = -1
    wanted_rules = [platform_rule(a, p) for a in addresses for p in ports]
    current = policies.get(PLATFORM_POLICY)
    base = ["--permanent", "--policy=" + PLATFORM_POLICY]
    commands = []
    if current is None:
        commands.append(["--permanent", "--new-policy=" + PLATFORM_POLICY])
        current = {"ingress-zones": [], "egress-zones": [], "priority": "-1", "rich rules": []}
    if "HOST" not in (current.get("ingress-zones") or []):
        commands.append(base + ["--add-ingress-zone=HOST"])
    if "ANY" not in (current.get("egress-zones") or []):
        commands.append(base + ["--add-egress-zone=ANY"])
    if str(current.get("priority")) != str(priority):
        commands.append(base + ["--set-priority=%d" % priority])
    for rule in wanted_rules:
        if rule not in (current.get("rich rules") or []):
            commands.append(base + ["--add-rich-rule=" + rule])
    for rule in current.get("rich rules") or []:
        if rule not in wanted_rules:
            commands.append(base + ["--remove-rich-rule=" + rule])
    return commands


# -- rendering ---------------------------------------------------------------

def apply_ops(state, result):
    """The permanent zones and the fep-platform policy as they will be after ``result``."""
    zones = {name: {k: (list(v) if isinstance(v, list) else v) for k, v in zone.items()}
             for name, zone in state["permanent"].items()}
    for name in result["create_zones"]:
        zones[name] = empty_zone()
    for item in result["ops"]:
        values = zones.setdefault(item["zone"], empty_zone()).setdefault(item["field"], [])
        if item["state"] == "enabled" and item["value"] not in values:
            values.append(item["value"])
        elif item["state"] == "disabled" and item["value"] in values:
            values.remove(item["value"])
        if item["state"] == "enabled" and item["field"] == "interfaces":
            for other_name, other in zones.items():
                if other_name != item["zone"] and item["value"] in other.get("interfaces", []):
                    other["interfaces"].remove(item["value"])
    return zones


def render_zone(name, zone, record=None):
    if zone is None:
        return "%s: (no such zone)\n" % name
    lines = [name]
    if record:
        lines.append("  description: %s" % record)
    for field in ("target", "interfaces", "sources", "services", "ports", "protocols", "icmp-blocks"):
        value = zone.get(field)
        lines.append("  %s: %s" % (field, " ".join(sorted(value)) if isinstance(value, list) else value))
    lines.append("  rich rules:")
    lines.extend("\t" + rule for rule in sorted(zone.get("rich rules") or []))
    return "\n".join(lines) + "\n"


def diff(state, result):
    """``{"before", "after"}`` texts of every zone the plan touches (for ``--diff``)."""
    touched = sorted({item["zone"] for item in result["ops"]} | set(result["create_zones"]))
    after = apply_ops(state, result)
    touched = sorted(set(touched) | {c[1][len("--zone="):] for c in result["zone_commands"]})
    records = dict(state.get("records") or {})
    before_text = "".join(render_zone(z, state["permanent"].get(z), records.get(z)) for z in touched)
    records.update({c[1][len("--zone="):]: c[2][len("--set-description="):] for c in result["zone_commands"]})
    after_text = "".join(render_zone(z, after.get(z), records.get(z)) for z in touched)
    if result["policy_commands"]:
        policy = state["policies"].get(PLATFORM_POLICY)
        before_text += "policy %s: %s\n" % (PLATFORM_POLICY, "present" if policy else "(no such policy)")
        after_text += "policy %s (ingress HOST, egress ANY), then:\n%s" % (
            PLATFORM_POLICY, "".join("  firewall-cmd %s\n" % " ".join(c) for c in result["policy_commands"]))
    return {"before": before_text, "after": after_text,
            "before_header": "firewalld (permanent and runtime)", "after_header": "firewalld after fep_firewall"}


def summary(result):
    """One line per change, for the play's output."""
    lines = ["create zone %s" % z for z in result["create_zones"]]
    lines += ["%s: %s %s %s (%s)" % (o["zone"], "+" if o["state"] == "enabled" else "-", o["param"], o["value"],
                                     o["why"]) for o in result["ops"]]
    lines += ["policy: firewall-cmd %s" % " ".join(c) for c in result["policy_commands"]]
    lines += ["firewall-cmd %s" % " ".join(c) for c in result["zone_commands"]]
    return lines
