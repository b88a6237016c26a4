# -*- coding: utf-8 -*-
"""Code that runs on hospital servers must work on Python 3.6 (UOS 1050a).

Which code is target code is one rule, by location (fep.payload): the top
level of plugins/module_utils/fep.  vermin reports the minimum Python version
each file needs; those modules, the snapshot tool hospitals run and the
bootstrap piped by the fep_audit action plugin must need nothing newer than
3.6.  The same modules must import nothing outside the standard library and
nothing from the controller's sub-packages.
"""
import ast
import os
import subprocess
import sys

import pytest

from fep import payload
from tests.builders.profiles import PROFILES, build_root
from tests.support import find_python

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGE = os.path.join(REPO, "plugins", "module_utils", "fep")
# the target modules (fep.payload's rule), and the snapshot collector hospitals run themselves
TARGET_MODULES = payload.target_modules(PACKAGE)
TARGET_FILES = sorted(TARGET_MODULES.values()) + [os.path.join(REPO, "tools", "fep_snapshot.py")]


def vermin(paths):
    exe = os.path.join(os.path.dirname(sys.executable), "vermin")
    proc = subprocess.run(
        [exe, "--no-tips", "--violations", "-t=3.6-", "--eval-annotations", "--no-parse-comments", *paths],
        capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def test_collector_modules_need_python_36_at_most():
    rc, output = vermin(TARGET_FILES)
    assert rc == 0, output


def test_bootstrap_needs_python_36_at_most(tmp_path):
    sys.path.insert(0, os.path.join(REPO, "plugins", "action"))
    try:
        import fep_audit  # the plugin module itself
    finally:
        sys.path.pop(0)
    payload = fep_audit.build_payload({"root": "/"}, PACKAGE)
    script = tmp_path / "payload.py"
    script.write_text(payload)
    rc, output = vermin([str(script)])
    assert rc == 0, output


def test_vermin_would_catch_a_newer_construct(tmp_path):
    # guards the guard: a walrus (3.8) must be reported
    bad = tmp_path / "bad.py"
    bad.write_text("if (n := 1):\n    pass\n")
    rc, _ = vermin([str(bad)])
    assert rc != 0


@pytest.mark.parametrize("path", TARGET_FILES, ids=os.path.basename)
def test_collector_imports_only_stdlib_and_itself(path):
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the package
                continue
            names = [node.module.split(".")[0]]
        else:
            continue
        for name in names:
            assert name in sys.stdlib_module_names, "%s imports %s" % (os.path.basename(path), name)


@pytest.mark.parametrize("name", sorted(TARGET_MODULES))
def test_target_modules_import_no_controller_package(name):
    with open(TARGET_MODULES[name], encoding="utf-8") as handle:
        imported = payload.imported_modules(handle.read())
    # a sub-package (checks.registry) or a module outside the package (..x) is controller code
    assert imported <= set(TARGET_MODULES), "%s imports %s" % (name, sorted(imported - set(TARGET_MODULES)))


def test_the_rule_is_the_location():
    assert {"collector", "cpu", "domestic", "opengauss_settings"} <= set(TARGET_MODULES)
    # controller code lives in sub-packages: none of it is a top-level module
    for package in ("checks", "report", "firewall", "archive", "opengauss_role", "payload"):
        assert os.path.isfile(os.path.join(PACKAGE, package, "__init__.py")) and package not in TARGET_MODULES


def load_fep_audit():
    sys.path.insert(0, os.path.join(REPO, "plugins", "action"))
    try:
        import fep_audit  # the plugin module itself
    finally:
        sys.path.pop(0)
    return fep_audit


def test_payload_carries_what_the_collector_imports_and_nothing_else():
    shipped = set(payload.collector_sources(PACKAGE))
    # the collector's own imports, followed through security -> opengauss_spec, cpu -> cpu_origin -> domestic
    assert {"fep", "fep.collector", "fep.cpu", "fep.security", "fep.opengauss", "fep.opengauss_spec",
            "fep.domestic"} <= shipped
    assert shipped <= {"fep"} | {"fep." + name for name in TARGET_MODULES}
    # used only by the fep_opengauss_prereqs role's modules, which AnsiballZ packs itself
    assert "fep.opengauss_settings" not in shipped


def test_payload_runs_with_only_the_shipped_modules(tmp_path):
    # a missing module would surface as an ImportError inside the piped program
    fep_audit = load_fep_audit()
    root = tmp_path / "root"
    root.mkdir()
    payload = fep_audit.build_payload({"root": str(root)}, PACKAGE)
    proc = subprocess.run([sys.executable, "-"], input=payload, capture_output=True, text=True,
                          check=False, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "FEP_RESULT_BEGIN" in proc.stdout and "Traceback" not in proc.stdout


def test_relative_imports_are_read_in_every_spelling():
    text = ("from .cpu import gather_cpu\nfrom . import opengauss_spec as spec, sysread\n"
            "from .disks import (\n    read_disks,\n    summarise,\n)\nimport json\n"
            "def late():\n    from .checks.registry import CHECKS\n    from ..other import thing\n")
    assert payload.imported_modules(text) == {"cpu", "opengauss_spec", "sysread", "disks", "checks.registry",
                                              "..other"}


# -- the payload under the interpreters hospital servers ship ------------------
# Kylin V10 and openEuler 20.03 ship Python 3.7, UOS 1050a 3.6.  vermin reads
# the source; these run it (tests.support.find_python says where they come from).
OLD_PYTHONS = ("3.6", "3.7")


def collect(python, payload, cwd):
    proc = subprocess.run([python, "-"], input=payload, capture_output=True, text=True, check=False, cwd=cwd)
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    document = load_fep_audit().parse_output(proc.stdout)
    assert document is not None, proc.stdout
    return document


@pytest.mark.parametrize("version", OLD_PYTHONS)
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_payload_collects_the_same_facts_under_old_pythons(version, profile, tmp_path):
    python = find_python(version)
    if python is None:
        pytest.skip("no Python %s here (looked in $PYENV_ROOT/versions and /usr/bin)" % version)
    root = tmp_path / "root"
    build_root(root, profile)
    payload = load_fep_audit().build_payload({"root": str(root)}, PACKAGE)
    old, current = collect(python, payload, str(tmp_path)), collect(sys.executable, payload, str(tmp_path))
    assert old["fep"]["collector"].pop("python")["version"].startswith(version + ".")
    current["fep"]["collector"].pop("python")
    for document in (old, current):
        document["fep"]["collector"].pop("duration_ms")
    assert old == current
