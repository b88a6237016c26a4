# -*- coding: utf-8 -*-
"""firewalld carry-over: what moves with an interface or source into a fepkit zone.

When an interface or source leaves the zone that handled it (the hospital's
``public``, say) for ``fep-intranet``, everything that zone allowed or did on
that network must keep working. Every zone property firewalld has is listed
in ``PROPERTIES``; each is either carried over exactly, or held back by the
zone map (it would open a managed port the map keeps closed: a warning), or
cannot be carried without changing its meaning — then the plan **refuses**
and names what would be lost, instead of changing the hospital's firewall
behind its back. Two cases of the last kind:

* scalar properties (target, masquerade, forward, icmp-block-inversion) on
  which the zones brought together disagree: the fepkit zone can hold one
  value only, and any choice changes one network's behaviour;
* target ``ACCEPT``: it accepts every port, the managed ones too, so the
  zone map cannot keep a front-end port closed behind it.

``icmp-blocks`` and ``icmp-block-inversion`` are one property: the blocks
of a zone with inversion on are the ICMP types it *allows*; carrying the
blocks without the inversion would turn them into the ones it *blocks*.

Pure functions over the zones ``firewalld_listing.parse_listing`` reads.
"""

# (listing field, kind, how it is applied). ``module``: ansible.posix.firewalld
# parameter (permanent and immediate); ``option``: firewall-cmd --add-<option>
# (the module has no parameter for it on every supported collection version).
PROPERTIES = (
    ("services", "list", ("module", "service")),
    ("ports", "list", ("module", "port")),
    ("protocols", "list", ("module", "protocol")),
    ("source-ports", "list", ("option", "source-port")),
    ("icmp-blocks", "list", ("module", "icmp_block")),
    ("rich rules", "list", ("module", "rich_rule")),
    ("forward-ports", "list", ("option", "forward-port")),
    ("icmp-block-inversion", "scalar", ("option", "icmp-block-inversion")),
    ("masquerade", "scalar", ("option", "masquerade")),
    ("forward", "scalar", ("option", "forward")),
    ("target", "scalar", ("option", "target")),
)
LIST_PROPERTIES = tuple(field for field, kind, _ in PROPERTIES if kind == "list")
SCALAR_PROPERTIES = tuple(field for field, kind, _ in PROPERTIES if kind == "scalar")
HOW = {field: how for field, _kind, how in PROPERTIES}
# A zone's value when firewalld's listing does not show the field (older
# versions have no "forward"): what a zone created by firewall-cmd has.
SCALAR_DEFAULTS = {"icmp-block-inversion": "no", "masquerade": "no", "forward": "no", "target": "default"}
TCP_PROTOCOLS = ("tcp", "6")


def scalar(zone, field):
    value = (zone or {}).get(field)
    return SCALAR_DEFAULTS[field] if value in (None, "") else value


def forward_port_target(text):
    """``(port, protocol)`` a forward port delivers to on this host, None when it forwards elsewhere.

    ``port=2222:proto=tcp:toport=22:toaddr=`` delivers to local port 22.
    """
    fields = dict(part.partition("=")[::2] for part in text.split(":"))
    if fields.get("toaddr"):
        return None
    port = fields.get("toport") or fields.get("port") or ""
    try:
        return int(port.split("-")[0]), fields.get("proto") or "tcp"
    except ValueError:
        return None


def closed_ports(field, value, services, closed, item_closed_ports):
    """The managed ports (of ``closed``) one list item would open on the network.

    ``item_closed_ports`` is firewalld's judge of services, ports and rich
    rules; the fields it does not know are judged here.
    """
    if field == "protocols":
        return sorted(closed) if value.lower() in TCP_PROTOCOLS else []
    if field == "source-ports":
        # a TCP source port accepts packets from that port to every port
        return sorted(closed) if value.lower().endswith("/tcp") else []
    if field == "forward-ports":
        target = forward_port_target(value)
        return [target[0]] if target and target[1] == "tcp" and target[0] in closed else []
    return item_closed_ports(field, value, services, closed)


def plan_carry(fep_zone, fep_zone_bound, origins, services, closed, item_closed_ports):
    """What to add to a fepkit zone so that it does what ``origins`` did.

    ``fep_zone``: the fepkit zone as it is (None when it is created now);
    ``fep_zone_bound``: it already handles interfaces or sources, so its
    scalar values are already someone's and must agree with the origins';
    ``origins``: ``[(name, zone)]`` the interfaces and sources come from.

    Returns ``{"items": [(field, value, origin)], "scalars": {field: value},
    "held": [(field, value, origin, ports)], "lost": [sentence]}``: list items
    to add, scalar values to set, items the zone map holds back, and what
    cannot be carried (the plan refuses when ``lost`` is not empty).
    """
    have = {field: set((fep_zone or {}).get(field) or []) for field in LIST_PROPERTIES}
    items, held, lost, scalars = [], [], [], {}
    for name, zone in origins:
        for field in LIST_PROPERTIES:
            for value in zone.get(field) or []:
                if value in have[field]:
                    continue
                ports = closed_ports(field, value, services, closed, item_closed_ports)
                if ports:
                    held.append((field, value, name, ports))
                    continue
                have[field].add(value)
                items.append((field, value, name))
    for field in SCALAR_PROPERTIES:
        values = {}
        if fep_zone is not None and fep_zone_bound:
            values.setdefault(scalar(fep_zone, field), []).append("its current value")
        for name, zone in origins:
            values.setdefault(scalar(zone, field), []).append(name)
        if len(values) > 1:
            lost.append("%s differs between the zones whose networks move into it (%s): one zone holds one value, "
                        "so one network would change" % (field, "; ".join(
                            "%s in %s" % (value, ", ".join(names)) for value, names in sorted(values.items()))))
            continue
        if not values:
            continue
        value = next(iter(values))
        if field == "target" and value == "ACCEPT":
            lost.append("target ACCEPT of %s accepts every port, the front-end ports the zone map keeps closed "
                        "too: give that zone an explicit list of what it allows (services, ports) and the "
                        "target default, then run again" % ", ".join(values[value]))
            continue
        if value != scalar(fep_zone, field):
            scalars[field] = value
    return {"items": items, "scalars": scalars, "held": held, "lost": lost}


def commands(zone, field, value, permanent):
    """firewall-cmd arguments that carry one property applied with an option (see ``PROPERTIES``)."""
    option = HOW[field][1]
    base = (["--permanent"] if permanent else []) + ["--zone=" + zone]
    if field == "target":
        return base + ["--set-target=" + value]
    if field in SCALAR_PROPERTIES:
        return base + ["--%s-%s" % ("add" if value == "yes" else "remove", option)]
    return base + ["--add-%s=%s" % (option, value)]


def applied_by_module(field):
    return HOW[field][0] == "module"


def module_param(field):
    return HOW[field][1]
