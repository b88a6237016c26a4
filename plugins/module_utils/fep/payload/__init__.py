# -*- coding: utf-8 -*-
"""Which code runs on hospital servers, and the collector payload piped to them.

One rule, by location.  The modules at the top level of the ``fep`` package
(``plugins/module_utils/fep/*.py``) are *target code*: standard library only,
Python 3.6+, and they import only each other, never a sub-package.  The
collector's share of them is piped to the target by the ``fep_audit`` action
(``collector_sources``); the share of the role modules (``plugins/modules``)
is packed by AnsiballZ.  The sub-packages (``checks/``, ``report/``,
``firewall/``, ``archive/``, ``opengauss_role/``, this one) run on the
controller only.

``tests/unit/test_target_python.py`` holds every module of
``target_modules()`` to the rule; the action ships ``collector_sources()``.
"""
import ast
import os

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# where the payload starts: the package itself and the collector's entry point
ENTRY_MODULES = ("__init__", "collector")


def target_modules(package_dir=PACKAGE_DIR):
    """``{module name: path}`` of the target code: the top-level ``*.py`` of the package."""
    return {name[:-3]: os.path.join(package_dir, name)
            for name in sorted(os.listdir(package_dir)) if name.endswith(".py")}


def imported_modules(text):
    """The package-relative modules a source imports, as written (``cpu``, ``checks.registry``).

    ``from .x import y`` gives ``x``, ``from . import x as y, z`` gives ``x`` and
    ``z``, ``from ..x import y`` gives ``..x``; absolute imports are not the package's.
    Parsed, not matched: a parenthesised import over several lines counts too.
    """
    names = set()
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        prefix = "." * node.level if node.level > 1 else ""  # outside the package: keep the dots
        if node.module:
            names.add(prefix + node.module)
        else:
            names.update(prefix + alias.name for alias in node.names)
    return names


def read_sources(package_dir=PACKAGE_DIR):
    """``{module name: source text}`` of the target modules."""
    sources = {}
    for name, path in target_modules(package_dir).items():
        with open(path, "rb") as handle:
            sources[name] = handle.read().decode("utf-8")
    return sources


def collector_sources(package_dir=PACKAGE_DIR):
    """The payload: the target modules the collector imports, directly or not, by import name
    (``fep``, ``fep.collector``, ``fep.cpu`` …).  Modules only the role modules use stay out."""
    available = read_sources(package_dir)
    wanted, pending = set(ENTRY_MODULES), list(ENTRY_MODULES)
    while pending:
        for name in imported_modules(available[pending.pop()]):
            if name in available and name not in wanted:
                wanted.add(name)
                pending.append(name)
    return {"fep" if name == "__init__" else "fep." + name: available[name] for name in sorted(wanted)}
