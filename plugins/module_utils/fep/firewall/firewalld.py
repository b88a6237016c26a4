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
  when an interface or source moves into a fepkit zone, every property of
  the zone that handled it before goes with it (``carry.py``), except what
  would open a managed port the zone map keeps closed (reported as warnings,
  never silently dropped); what cannot be carried without changing its
  meaning stops the plan, naming it;
* outbound HTTPS/8888 to the national platform: only when a firewalld policy
  filters the host's egress (ingress zone HOST, target DROP/REJECT), a
  ``fep-platform`` policy with a higher precedence accepts the platform's
  addresses and ports.
"""

from . import PLATFORM_POLICY, carry
from .firewalld_listing import (
    empty_zone,
    read_state,  # noqa: F401  (fep_firewall_plan calls it as firewalld.read_state)
    record_text,
    recorded_ports,
)
from .firewalld_spans import admin_rule, item_closed_ports, platform_rule

# Zone content a fepkit zone may hold that could open a managed port; the
# value is the ansible.posix.firewalld parameter that removes it.
GUARDED = (("services", "service"), ("ports", "port"), ("protocols", "protocol"),
           ("icmp-blocks", "icmp_block"), ("rich rules", "rich_rule"))
EGRESS_BLOCKING_TARGETS = ("DROP", "REJECT", "%%REJECT%%")


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
    ``command_ops`` (properties the module cannot set: firewall-cmd
    arguments in ``commands``) and ``module_ops`` split them for the role.
    """
    planned = _Plan(state)
    managed = set(managed)
    for zone in desired["zones"]:
        _plan_zone(planned, zone, desired, managed)
    create, ops, zone_commands = planned.create, planned.ops, planned.zone_commands
    blocked = []
    policy_commands = plan_platform_policy(state, desired, planned.warnings, planned.notes)
    if planned.lost:
        blocked.append("the hospital's zone settings cannot all be carried over into the fepkit zones, nothing "
                       "was changed: %s" % "; ".join(planned.lost))
    # a zone's target is permanent only: a reload makes it live
    reload_needed = bool(create or policy_commands or planned.target_set)
    if reload_needed:
        drift = runtime_drift(state)
        if drift:
            blocked.append("firewalld has runtime-only changes (%s) that the reload needed to create %s would "
                           "discard: make them permanent (firewall-cmd --runtime-to-permanent) or drop them "
                           "(firewall-cmd --reload), then run the role again"
                           % (", ".join(drift), ", ".join(create + ([PLATFORM_POLICY] if policy_commands else []))))
    return {"create_zones": create, "policy_commands": policy_commands, "ops": ops,
            "command_ops": [o for o in ops if o["param"] == "command"],
            "module_ops": [o for o in ops if o["param"] != "command"],
            "zone_commands": zone_commands, "reload": reload_needed, "warnings": planned.warnings,
            "notes": planned.notes, "blocked": blocked,
            "changed": bool(create or policy_commands or ops or zone_commands)}


class _Plan(object):
    """What ``plan`` gathers zone by zone: the ops in the order they must run, and what it reports."""

    def __init__(self, state):
        self.state = state
        self.create, self.ops, self.zone_commands = [], [], []
        self.warnings, self.notes, self.lost = [], [], []
        self.target_set = False

    def op(self, zone, field, value, enabled, why):
        if field in ("interfaces", "sources") or carry.applied_by_module(field):
            param = {"interfaces": "interface", "sources": "source"}.get(field) or carry.module_param(field)
            item = {"zone": zone, "param": param, "field": field, "value": value}
        else:
            # firewall-cmd, permanent then runtime (a target is permanent only: the reload makes it live)
            item = {"zone": zone, "param": "command", "field": field, "value": value,
                    "commands": [carry.commands(zone, field, value, True)]
                    + ([] if field == "target" else [carry.commands(zone, field, value, False)])}
        item.update(state="enabled" if enabled else "disabled", why=why)
        self.ops.append(item)


def _plan_zone(planned, zone, desired, managed):
    """One fepkit zone: carry over what its networks had, open and close the managed ports, bind."""
    permanent = planned.state["permanent"]
    name = zone["firewalld_zone"]
    allowed = set(zone["ports"])
    closed = managed - allowed
    current = permanent.get(name)
    bound = bool(current and (current.get("interfaces") or current.get("sources")))
    if current is None:
        planned.create.append(name)
    have = {field: set((current or {}).get(field) or []) for field, _ in GUARDED}
    current = current or empty_zone()
    moves, carry_from = _moves(planned, zone)
    _carry_over(planned, name, bound, carry_from, closed, have)
    _open_managed(planned, name, allowed, have, desired)
    _close_managed(planned, name, current, allowed, closed)
    for field, value, origin in moves:
        planned.op(name, field, value, True, "from %s" % origin)


def _moves(planned, zone):
    """``(moves, carry_from)``: the interfaces and sources that move into the zone, and the
    hospital zones whose settings go with them."""
    state, name = planned.state, zone["firewalld_zone"]
    moves, carry_from = [], []
    for field, values in (("interfaces", zone["interfaces"]), ("sources", zone["sources"])):
        for value in values:
            holder = _holder(state["permanent"], field, value)
            live = _holder(state["runtime"], field, value)
            if field == "interfaces" and live not in (None, name, holder):
                # NetworkManager binds interfaces at runtime from its connection profiles
                planned.warnings.append(
                    "%s: interface %s is in zone %s at runtime only (NetworkManager's binding?): if "
                    "NetworkManager manages it, set its connection's zone too (nmcli connection "
                    "modify <connection> connection.zone %s) so that a reconnect keeps it in %s"
                    % (name, value, live, name, name))
            if holder == name:
                continue
            origin = holder or live or state["default_zone"]
            if field == "sources" and holder:
                # firewalld binds a source to one zone only: it leaves the hospital's zone
                planned.op(holder, "sources", value, False, "moves to %s" % name)
            moves.append((field, value, origin))
            if origin not in carry_from and not origin.startswith("fep-"):
                carry_from.append(origin)
    return moves, carry_from


def _carry_over(planned, name, bound, carry_from, closed, have):
    permanent = planned.state["permanent"]
    carried = carry.plan_carry(permanent.get(name), bound,
                               [(origin, permanent.get(origin) or empty_zone()) for origin in carry_from],
                               planned.state["services"], closed, item_closed_ports)
    for field, value, origin in carried["items"]:
        if field in have:
            have[field].add(value)
        planned.op(name, field, value, True, "carried over from %s" % origin)
    for field, value in sorted(carried["scalars"].items()):
        planned.op(name, field, value, True, "carried over from %s" % ", ".join(carry_from))
    planned.target_set = planned.target_set or "target" in carried["scalars"]
    for field, value, origin, ports in carried["held"]:
        planned.warnings.append("%s: not carried over from %s: %s %s (would open %s, which the zone map keeps "
                                "closed on this network)" % (name, origin, field.rstrip("s"), value,
                                                             ", ".join(str(p) for p in ports)))
    planned.lost.extend("%s (from %s): %s" % (name, ", ".join(carry_from), what) for what in carried["lost"])


def _open_managed(planned, name, allowed, have, desired):
    """The front-end ports the zone map opens here, and SSH from each admin network."""
    for port in sorted(allowed):
        value = "%d/tcp" % port
        if value not in have["ports"]:
            have["ports"].add(value)
            service = [s for s, p in desired["ports"].items() if p == port]
            planned.op(name, "ports", value, True, "front-end port (%s)" % ", ".join(service))
    for network in desired["admin_sources"]:
        rule = admin_rule(network, desired["ssh_port"])
        if rule not in have["rich rules"]:
            have["rich rules"].add(rule)
            planned.op(name, "rich rules", rule, True, "SSH from the admin network %s" % network)


def _close_managed(planned, name, current, allowed, closed):
    """Managed ports the zone map keeps closed here, and front-end ports fepkit opened for an
    earlier fep_ports value, leave the fepkit zone; its description records what fepkit opened."""
    for field, _param in GUARDED:
        for value in sorted(current.get(field) or []):
            blocked_ports = item_closed_ports(field, value, planned.state["services"], closed)
            if blocked_ports:
                planned.op(name, field, value, False, "opens %s, closed on this network by the zone map"
                           % ", ".join(str(p) for p in blocked_ports))
    wanted = ["%d/tcp" % p for p in sorted(allowed)]
    removed = {o["value"] for o in planned.ops if o["zone"] == name and o["state"] == "disabled"}
    records = planned.state.get("records", {})
    for value in recorded_ports(records.get(name)):
        if value not in wanted and value in (current.get("ports") or []) and value not in removed:
            planned.op(name, "ports", value, False, "opened by fepkit for an earlier fep_ports value")
    if records.get(name) != record_text(allowed):
        planned.zone_commands.append(["--permanent", "--zone=" + name, "--set-description=" + record_text(allowed)])


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
        if item["field"] in carry.SCALAR_PROPERTIES:
            zones.setdefault(item["zone"], empty_zone())[item["field"]] = item["value"]
            continue
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
    for field in ("target", "interfaces", "sources", "services", "ports", "protocols", "source-ports",
                  "icmp-block-inversion", "icmp-blocks", "masquerade", "forward", "forward-ports"):
        value = zone.get(field) if field not in carry.SCALAR_PROPERTIES else carry.scalar(zone, field)
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


# -- rollback -----------------------------------------------------------------

_REPLAY_OPTION = {"interfaces": "interface", "sources": "source", "services": "service", "ports": "port",
                  "protocols": "protocol", "source-ports": "source-port", "icmp-blocks": "icmp-block",
                  "rich rules": "rich-rule", "forward-ports": "forward-port"}


def _quote(arg):
    """POSIX shell quoting (the helper replays these lines with eval)."""
    return "'" + arg.replace("'", "'\"'\"'") + "'"


def runtime_replay(state):
    """firewall-cmd arguments (shell-quoted lines) that put back the runtime-only settings of the zones.

    A rollback restores the permanent configuration and reloads firewalld,
    which discards what the hospital had set at runtime only (``firewall-cmd
    --add-port=…`` without ``--permanent``, NetworkManager's interface
    bindings). The helper replays these lines after the reload. Zones that
    exist at runtime only cannot be re-created without a reload, and a
    zone's target is permanent only: neither is replayed.
    """
    lines = []
    for name, live in state["runtime"].items():
        saved = state["permanent"].get(name)
        if saved is None:
            continue
        zone = "--zone=" + name
        for field, option in _REPLAY_OPTION.items():
            now, kept = live.get(field) or [], saved.get(field) or []
            for value in now:
                if value not in kept:
                    verb = "--change-" if field in ("interfaces", "sources") else "--add-"
                    lines.append([zone, "%s%s=%s" % (verb, option, value)])
            for value in kept:
                if value not in now and field not in ("interfaces", "sources"):
                    lines.append([zone, "--remove-%s=%s" % (option, value)])
        for field in ("masquerade", "forward", "icmp-block-inversion"):
            if carry.scalar(live, field) != carry.scalar(saved, field):
                lines.append([zone, "--%s-%s" % ("add" if carry.scalar(live, field) == "yes" else "remove", field)])
    return [" ".join(_quote(arg) for arg in line) for line in lines]
