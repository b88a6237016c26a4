# -*- coding: utf-8 -*-
"""The effective OS data of the roles, layered the way their tasks load it.

Both roles keep their OS variance as layers (as linux-system-roles do): a base
that every OS gets, then each more specific vars file that exists overrides
only what differs there.  These helpers compute what a host ends up with
without running ansible, for the unit tests and the testinfra suites:

- fep_opengauss_prereqs (tasks/platform.yml): vars/main.yml, then the files of
  ``platform_of(os-release)["vars_files"]`` that exist, least specific first;
- fep_firewall (tasks/os_vars.yml): vars/main.yml, then the files the task's
  ``__fep_firewall_vars_layers`` names for the host's facts, in that order.
"""
import os

import jinja2
import yaml

from fep.opengauss_role import platform_of

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPENGAUSS_ROLE = os.path.join(REPO, "roles", "fep_opengauss_prereqs")
FIREWALL_ROLE = os.path.join(REPO, "roles", "fep_firewall")


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def _existing(role, names):
    return [name for name in names if os.path.isfile(os.path.join(role, "vars", name))]


def layered(role, layers):
    """vars/main.yml, then each layer over it: a key a layer sets replaces the whole value."""
    values = _load(os.path.join(role, "vars", "main.yml"))
    for name in layers:
        values.update(_load(os.path.join(role, "vars", name)))
    return values


def opengauss_layers(os_release_fields):
    """The vars files fep_opengauss_prereqs loads for this os-release, in the order it loads them."""
    return _existing(OPENGAUSS_ROLE, list(reversed(platform_of(os_release_fields)["vars_files"])))


def opengauss_vars(os_release_fields):
    return layered(OPENGAUSS_ROLE, opengauss_layers(os_release_fields))


def _firewall_layer_templates():
    tasks = _load(os.path.join(FIREWALL_ROLE, "tasks", "os_vars.yml"))
    task = next(t for t in tasks if "__fep_firewall_vars_layers" in t.get("vars", {}))
    return task["vars"]["__fep_firewall_vars_layers"]


def firewall_layers(facts):
    """The vars files fep_firewall loads for these ansible_facts (os_family, distribution,
    distribution_major_version), in the order it loads them."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    names = [env.from_string(text).render(ansible_facts=facts) for text in _firewall_layer_templates()]
    # RHEL itself is distribution RedHat of os_family RedHat: one layer, as the task's unique
    return _existing(FIREWALL_ROLE, list(dict.fromkeys(names)))


def resolve(values):
    """Render the values that are templates of other values (as ansible does lazily)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    resolved = dict(values)
    for _ in range(5):
        pending = {key: value for key, value in resolved.items() if isinstance(value, str) and "{{" in value}
        if not pending:
            return resolved
        for key, value in pending.items():
            resolved[key] = env.from_string(value).render(resolved)
    raise ValueError("templates that do not resolve: %s" % sorted(pending))


def firewall_vars(facts):
    return resolve(layered(FIREWALL_ROLE, firewall_layers(facts)))
