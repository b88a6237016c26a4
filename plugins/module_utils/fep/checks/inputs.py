# -*- coding: utf-8 -*-
"""Validate the audit's inventory inputs; messages name the inventory variable.

The action plugin reads each input from an inventory variable (``ARG_VARIABLES``);
errors are reported with the variable name the ops team wrote
(``fep_hospital_level``), not the argument name.  Types are checked first by
ansible-core's own ``ArgumentSpecValidator`` (what roles use for their
argument_specs), over a spec keyed by those variable names (``INPUT_SPEC``);
ranges and meanings it cannot express follow in ``validate_inputs``, and only
on values of the right type, so a wrong type is a message, never a crash.
Controller side only (the collector on the target does not import this).
"""
import math
import re

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from .. import opengauss_spec
from .registry import CHECKS
from .sheet import COMMON_THRESHOLDS, DEFAULT_PORTS, LEVEL_THRESHOLDS
from .survey_inputs import validate_survey_inputs

ARG_VARIABLES = {
    "root": "fep_root",
    "snapshot": "fep_snapshot",
    "level": "fep_hospital_level",
    "ports": "fep_ports",
    "thresholds": "fep_thresholds",
    "declared": "fep_declared",
    "skip": "fep_check_skip",
    "select": "fep_checks",
    "national_platform": "fep_national_platform",
    "probe_targets": "fep_probe_targets",
    "bandwidth_probe_url": "fep_bandwidth_probe_url",
    "probe_timeout": "fep_probe_timeout",
    "audit_timeout": "fep_audit_timeout",
    "security_agents": "fep_security_agents",
    "frontend_processes": "fep_frontend_processes",
    "opengauss_data_dir": "fep_opengauss_data_dir",
    "publish_facts": "fep_audit_facts",
    "python": "ansible_python_interpreter",
    # stated on the survey form (survey_inputs.py)
    "thresholds_reason": "fep_thresholds_reason",
    "firewall_zones": "fep_firewall_zones",
}
# Types of the variables; "raw" where validate_inputs gives a more precise message itself.
INPUT_SPEC = {
    "fep_root": {"type": "str"},
    "fep_snapshot": {"type": "raw"},
    "fep_hospital_level": {"type": "raw"},
    "fep_ports": {"type": "dict"},
    "fep_thresholds": {"type": "dict"},
    "fep_declared": {"type": "dict"},
    "fep_check_skip": {"type": "raw"},
    "fep_checks": {"type": "list", "elements": "str"},
    "fep_national_platform": {"type": "list", "elements": "str"},
    "fep_probe_targets": {"type": "dict"},
    "fep_bandwidth_probe_url": {"type": "str"},
    "fep_probe_timeout": {"type": "float"},
    "fep_audit_timeout": {"type": "float"},
    "fep_security_agents": {"type": "dict"},
    "fep_frontend_processes": {"type": "list", "elements": "str"},
    "fep_opengauss_data_dir": {"type": "raw"},
    "fep_audit_facts": {"type": "raw"},
    "ansible_python_interpreter": {"type": "raw"},
    # checked by survey_inputs.py, which names the field
    "fep_thresholds_reason": {"type": "raw"},
    "fep_firewall_zones": {"type": "raw"},
}
_SPEC_VALIDATOR = ArgumentSpecValidator(INPUT_SPEC)
_TYPE_WORDS = {"dict": "a mapping (key: value)", "list": "a list", "str": "text", "float": "a number"}
_TYPE_ERROR = re.compile(r"^argument '(\w+)' is of type ")
BOOLEANS = {True: True, False: False, "true": True, "false": False, "yes": True, "no": False,
            "on": True, "off": False, "1": True, "0": False}  # True == 1 and False == 0 as keys


def as_boolean(value):
    """True or False for a boolean as YAML or ``-e`` spells it, None for anything else."""
    if isinstance(value, str):
        value = value.lower()
    elif not isinstance(value, (bool, int)):
        return None  # a list or a mapping: no boolean (and no key of BOOLEANS)
    return BOOLEANS.get(value)


DECLARABLE = {
    "server_dedicated": bool, "backup_storage": (str, bool), "storage_ssd": bool,
    "antivirus": (str, bool), "firewall": (str, bool), "ips": (str, bool),
    "url_filter": (str, bool), "ca_cert": (str, bool), "bandwidth_mbps": (int, float),
    "egress_8888": (str, bool), "gov_extranet": (str, bool), "health_private": (str, bool),
    # declaration-only: printed on the survey form, judged by no check (survey_inputs.py)
    "crypto_products": (str, bool), "external_ip": str, "work_rules": (str, bool),
}
PROBE_KINDS = ("gov_extranet", "health_private")
AGENT_CATEGORIES = ("antivirus", "ips", "url_filter")
_TARGET = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?$")


# Seconds one host's audit may take (playbooks/audit.yml's task timeout): a normal audit takes
# one to a few seconds; a host stuck beyond this (a dead NFS mount, a stuck /proc entry) is
# recorded as failed instead of holding up the region's results.
DEFAULT_AUDIT_TIMEOUT = 300


def positive_seconds(value, default):
    """``value`` as a finite number of seconds above 0 (``default`` when unset), None when invalid."""
    if value is None or value == "":
        return default
    number = finite_number(value)
    return number if number is not None and number > 0 else None


def native_type(value):
    """``list``, ``dict`` … for a value, also for ansible-core 2.19's tagged subclasses of them."""
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return kind.__name__
    return type(value).__name__


def check_types(args):
    """``args`` with their types checked and converted by ``ArgumentSpecValidator``.

    Returns ``(args, errors)``; an argument of the wrong type is dropped (its
    default applies) so the checks that follow never see it.
    """
    by_variable = {ARG_VARIABLES[name]: value for name, value in args.items()
                   if name in ARG_VARIABLES and value is not None}
    validated = _SPEC_VALIDATOR.validate(by_variable)
    errors, wrong = [], set()
    for message in validated.error_messages:
        match = _TYPE_ERROR.match(message)
        if match and match.group(1) in INPUT_SPEC:
            variable = match.group(1)
            wrong.add(variable)
            errors.append("%s: must be %s, got %s %s" % (
                variable, _TYPE_WORDS.get(INPUT_SPEC[variable]["type"], INPUT_SPEC[variable]["type"]),
                native_type(by_variable[variable]), _short(by_variable[variable])))
        else:
            errors.append(message)
    checked = dict(args)
    for name, variable in ARG_VARIABLES.items():
        if variable in wrong:
            checked.pop(name, None)
        elif by_variable.get(variable) is not None:
            checked[name] = validated.validated_parameters[variable]
    return checked, errors


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def finite_number(value):
    """``value`` as a finite float, None when it is not one (text, NaN, ±Infinity, a boolean)."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_list(value):
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _int(value):
    if isinstance(value, bool):
        raise ValueError("not an integer")
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        raise ValueError("not an integer")
    return int(value)


def _check_targets(name, targets, errors):
    clean = []
    for target in as_list(targets):
        text = str(target).strip()
        if not _TARGET.match(text):
            errors.append("%s: %r is not host, host:port or [ipv6]:port" % (name, target))
            continue
        port = text.rsplit(":", 1)[1] if _TARGET.match(text).group(2) else None
        if port is not None and not 0 < int(port) < 65536:
            errors.append("%s: port of %r out of range 1-65535" % (name, target))
            continue
        clean.append(text)
    return clean


def validate_inputs(args):
    """Normalised inputs and a list of error strings (empty when valid).

    Types first (``check_types``, the argument spec), then one validator per
    variable for what a spec cannot say (ranges, known names, meanings); each
    appends its messages to ``errors`` and returns the normalised value.
    """
    args, errors = check_types(args)
    unknown_args = sorted(set(args) - set(ARG_VARIABLES))
    if unknown_args:
        errors.append("unknown audit argument(s): %s" % ", ".join(unknown_args))
    level = _level(args, errors)
    ports = _ports(args, errors)
    thresholds = _thresholds(args, errors)
    declared = _declared(args, errors)
    skip = _skip(args, errors)
    select = _select(args, errors)
    probes = _probes(args, errors)
    audit_timeout = _seconds(args, "audit_timeout", DEFAULT_AUDIT_TIMEOUT, errors)
    agents = _agents(args, errors)
    root, snapshot, data_dir = _locations(args, errors)
    publish_facts = as_boolean(args.get("publish_facts", False))
    if publish_facts is None:
        errors.append("%s: must be true or false, got %r" % (ARG_VARIABLES["publish_facts"], args.get("publish_facts")))
    survey, survey_errors = validate_survey_inputs(args, level, thresholds, declared)
    errors.extend(survey_errors)

    inputs = {
        "survey": survey,
        "root": root,
        "snapshot": snapshot,
        "publish_facts": bool(publish_facts),
        "level": level,
        "ports": ports,
        "thresholds": thresholds,
        "declared": declared,
        "skip": {k: str(v) for k, v in skip.items()},
        "select": select,
        "probes": probes,
        "audit_timeout": audit_timeout or DEFAULT_AUDIT_TIMEOUT,
        "security_agents": agents,
        "frontend_processes": [str(p) for p in as_list(args.get("frontend_processes"))],
        # the collector measures the filesystem under it (db.opengauss.data_dir)
        "opengauss_data_dir": data_dir if isinstance(data_dir, str) else opengauss_spec.DATA_DIR,
        # "auto*" means ansible's own discovery: the plugin tries the usual paths
        "python": None if str(args.get("python") or "auto").startswith("auto") else str(args["python"]),
    }
    return inputs, errors


# -- one validator per variable: (args, errors) -> normalised value ----------------------

def _level(args, errors):
    level = args.get("level")
    if level in (None, ""):
        return None
    try:
        level = _int(level)
    except (TypeError, ValueError):
        level = -1
    if level not in LEVEL_THRESHOLDS:
        errors.append("%s: must be 2 or 3 (二级/三级), got %r" % (ARG_VARIABLES["level"], args.get("level")))
    return level


def _ports(args, errors):
    variable, ports = ARG_VARIABLES["ports"], {}
    for service, value in (args.get("ports") or {}).items():
        if service not in DEFAULT_PORTS:
            errors.append("%s: unknown service %r (known: %s)" % (variable, service, ", ".join(DEFAULT_PORTS)))
            continue
        try:
            port = _int(value)
        except (TypeError, ValueError):
            port = -1
        if not 0 < port < 65536:
            errors.append("%s.%s: port must be 1-65535, got %r" % (variable, service, value))
        else:
            ports[service] = port
    return ports


def _thresholds(args, errors):
    variable, thresholds = ARG_VARIABLES["thresholds"], {}
    known = set(COMMON_THRESHOLDS) | set(LEVEL_THRESHOLDS[2])
    for name, value in (args.get("thresholds") or {}).items():
        if name not in known:
            errors.append("%s: unknown threshold %r (known: %s)" % (variable, name, ", ".join(sorted(known))))
            continue
        number = finite_number(value)
        if number is None or number < 0:
            errors.append("%s.%s: must be a finite non-negative number, got %r" % (variable, name, value))
        else:
            thresholds[name] = number
    return thresholds


def _declared(args, errors):
    variable, declared = ARG_VARIABLES["declared"], {}
    for name, value in (args.get("declared") or {}).items():
        kind = DECLARABLE.get(name)
        if kind is None:
            errors.append("%s: unknown item %r (known: %s)" % (variable, name, ", ".join(sorted(DECLARABLE))))
        elif not isinstance(value, kind) or (kind == (int, float) and isinstance(value, bool)):
            errors.append("%s.%s: wrong type %s" % (variable, name, native_type(value)))
        elif kind == (int, float) and (finite_number(value) is None or value < 0):
            errors.append("%s.%s: must be a finite non-negative number, got %r" % (variable, name, value))
        else:
            declared[name] = value
    return declared


def _skip(args, errors):
    variable, skip = ARG_VARIABLES["skip"], args.get("skip") or {}
    if not isinstance(skip, dict):
        errors.append("%s: must map a check id to the reason it is waived" % variable)
        return {}
    for check_id, reason in skip.items():
        if check_id not in CHECKS:
            errors.append("%s: unknown check id %r" % (variable, check_id))
        elif not str(reason or "").strip():
            errors.append("%s.%s: a waiver needs a reason" % (variable, check_id))
    return skip


def _select(args, errors):
    select = [str(s) for s in as_list(args.get("select"))]
    known = set(CHECKS) | {t for c in CHECKS.values() for t in c.tags}
    for selector in select:
        if selector not in known:
            errors.append("%s: %r is neither a check id nor a tag" % (ARG_VARIABLES["select"], selector))
    return select


def _probes(args, errors):
    var = ARG_VARIABLES
    probe_targets = args.get("probe_targets") or {}
    probes = {"egress": _check_targets(var["national_platform"], args.get("national_platform"), errors)}
    for name in probe_targets:
        if name not in PROBE_KINDS:
            errors.append("%s: unknown network %r (known: %s)" % (var["probe_targets"], name, ", ".join(PROBE_KINDS)))
    for name in PROBE_KINDS:
        probes[name] = _check_targets("%s.%s" % (var["probe_targets"], name), probe_targets.get(name), errors)
    url = args.get("bandwidth_probe_url") or ""
    if url and not re.match(r"^https?://[^\s/]+", url):
        errors.append("%s: must be an http(s) URL, got %r" % (var["bandwidth_probe_url"], url))
    probes["bandwidth_url"] = url
    probes["timeout"] = _seconds(args, "probe_timeout", 3, errors)
    probes = {k: v for k, v in probes.items() if v}
    return {} if set(probes) == {"timeout"} else probes


def _seconds(args, name, default, errors):
    seconds = positive_seconds(args.get(name), default)
    if seconds is None:
        errors.append("%s: must be a number of seconds above 0, got %r" % (ARG_VARIABLES[name], args.get(name)))
    return seconds


def _agents(args, errors):
    agents = {}
    for category, names in (args.get("security_agents") or {}).items():
        if category not in AGENT_CATEGORIES:
            errors.append("%s: unknown category %r (known: %s)" % (
                ARG_VARIABLES["security_agents"], category, ", ".join(AGENT_CATEGORIES)))
        else:
            agents[category] = [str(n) for n in as_list(names)]
    return agents


def _locations(args, errors):
    """``(root, snapshot, openGauss data directory)``: where the audit reads."""
    var = ARG_VARIABLES
    root = str(args.get("root") or "/")
    if not root.startswith("/"):
        errors.append("%s: must be an absolute path, got %r" % (var["root"], root))
    snapshot = args.get("snapshot") or None
    if snapshot is not None and not isinstance(snapshot, str):
        errors.append("%s: must be the path of a .tar.gz made by tools/fep_snapshot.py" % var["snapshot"])
        snapshot = None
    if snapshot and root != "/":
        errors.append("%s and %s: set one of them (an archive or a snapshot folder)" % (var["snapshot"], var["root"]))
    data_dir = args.get("opengauss_data_dir") or opengauss_spec.DATA_DIR
    if not isinstance(data_dir, str) or not data_dir.startswith("/"):
        errors.append("%s: must be an absolute path, got %r" % (var["opengauss_data_dir"], data_dir))
    return root, snapshot, data_dir
