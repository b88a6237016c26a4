# -*- coding: utf-8 -*-
"""firewalld as its probe printed it: ``firewall-cmd`` listings of zones, policies and services.

``read_state`` turns the role's probe output (tasks/firewalld.yml) into the
state ``firewalld.plan`` plans against.
"""
from collections import OrderedDict

from .firewalld_spans import port_span

LIST_FIELDS = ("interfaces", "sources", "services", "ports", "protocols", "source-ports",
               "icmp-blocks", "rich rules", "forward-ports", "ingress-zones", "egress-zones",
               "includes", "modules", "helpers", "destination")
# A fepkit zone's description records the front-end ports fepkit opened in it,
# so that a port moved in fep_ports is closed where fepkit opened it (and a
# port the hospital allowed is never mistaken for one of fepkit's).
RECORD_PREFIX = "fepkit front-end ports:"


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
