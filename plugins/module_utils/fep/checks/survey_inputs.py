# -*- coding: utf-8 -*-
"""Inventory inputs the survey form states as they are, kept in results.json (``inventory``).

* the thresholds applied to the host (the sheet's by level, or overridden by
  ``fep_thresholds`` with the reason ``fep_thresholds_reason``: the sheet
  allows adjustment by institution type and volume);
* which interfaces and networks are the intranet and the extranet
  (``fep_firewall_zones``, the firewall role's variable), so the port rows
  can say whether the host firewall admits each port from its network;
* the declaration-only items of the sheet that no server can show
  (``fep_declared``: digital certificates and cryptographic products, the
  external IP, the operations and security work rules).
"""
import ipaddress
from collections import OrderedDict

from .sheet import COMMON_THRESHOLDS, LEVEL_THRESHOLDS

ZONES = ("intranet", "extranet")
ZONE_KEYS = ("interfaces", "sources", "ports")
# fep_declared keys that only the form shows (no check judges them), in form order
DECLARATION_ONLY = ("crypto_products", "external_ip", "work_rules")


def _list(value):
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def validate_zones(zones, errors, variable="fep_firewall_zones"):
    """``{zone: {"interfaces": [...], "sources": [...]}}`` of the zones that say something."""
    if zones in (None, ""):
        return OrderedDict()
    if not isinstance(zones, dict):
        errors.append("%s: must map a zone (%s) to its interfaces and sources" % (variable, ", ".join(ZONES)))
        return OrderedDict()
    clean = OrderedDict()
    for name in zones:
        if name not in ZONES:
            errors.append("%s: unknown zone %r (known: %s)" % (variable, name, ", ".join(ZONES)))
    for name in ZONES:
        spec = zones.get(name)
        if spec in (None, ""):
            continue
        if not isinstance(spec, dict):
            errors.append("%s.%s: must be a mapping with interfaces, sources" % (variable, name))
            continue
        for key in sorted(set(spec) - set(ZONE_KEYS)):
            errors.append("%s.%s: unknown key %r (known: %s)" % (variable, name, key, ", ".join(ZONE_KEYS)))
        sources = []
        for index, source in enumerate(_list(spec.get("sources"))):
            try:
                sources.append(str(ipaddress.ip_network(str(source).strip(), strict=False)))
            except ValueError:
                errors.append("%s.%s.sources[%d]: %r is not an address or CIDR" % (variable, name, index, source))
        interfaces = [str(i) for i in _list(spec.get("interfaces"))]
        if interfaces or sources:
            clean[name] = OrderedDict((("interfaces", interfaces), ("sources", sources)))
    return clean


def threshold_record(level, overrides, reason):
    """The thresholds applied: ``{"sheet": {...}, "applied": {...}, "overridden": [names], "reason"}``."""
    sheet = dict(COMMON_THRESHOLDS)
    sheet.update(LEVEL_THRESHOLDS.get(level) or {})
    applied = dict(sheet)
    applied.update(overrides or {})
    overridden = sorted(name for name in overrides or {} if sheet.get(name) != applied[name])
    return OrderedDict((("level", level), ("sheet", OrderedDict(sorted(sheet.items()))),
                        ("applied", OrderedDict(sorted(applied.items()))), ("overridden", overridden),
                        ("reason", reason or None)))


def validate_survey_inputs(args, level, thresholds, declared):
    """``(inventory record, errors)`` from the audit's arguments (after validate_inputs' own)."""
    errors = []
    reason = args.get("thresholds_reason")
    if reason not in (None, "") and not isinstance(reason, str):
        errors.append("fep_thresholds_reason: must be text (why fep_thresholds differ from the sheet)")
        reason = None
    zones = validate_zones(args.get("firewall_zones"), errors)
    record = OrderedDict((
        ("thresholds", threshold_record(level, thresholds, (reason or "").strip())),
        ("firewall_zones", zones),
        ("declared", OrderedDict((key, declared[key]) for key in DECLARATION_ONLY if key in declared)),
    ))
    return record, errors
