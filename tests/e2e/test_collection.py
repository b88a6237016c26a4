# -*- coding: utf-8 -*-
"""The collection fepkit.fep, built and installed offline, works outside this repository."""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.builders.profiles import snapshot_host

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
OFFLINE = ["unshare", "-n"] if os.geteuid() == 0 and shutil.which("unshare") else []


def clean_env(collections_path):
    """No project ansible.cfg, no project paths: only the installed collection and the venv."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ANSIBLE_")}
    env.update(PATH=BIN + os.pathsep + env.get("PATH", ""), ANSIBLE_COLLECTIONS_PATH=str(collections_path),
               ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1")
    return env


def run(command, cwd, env, timeout=600):
    return subprocess.run(OFFLINE + command, cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """dist/fepkit-fep-<version>.tar.gz built by `make collection`, installed into an empty path."""
    base = tmp_path_factory.mktemp("collection")
    build = subprocess.run(["make", "--no-print-directory", "collection", "DIST=%s" % (base / "dist")],
                           cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=600)
    assert build.returncode == 0, build.stdout
    tarballs = glob.glob(str(base / "dist" / "fepkit-fep-*.tar.gz"))
    assert len(tarballs) == 1, build.stdout
    path = base / "collections"
    empty = base / "empty"
    empty.mkdir()
    result = run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--offline", "--no-deps",
                  "-p", str(path), tarballs[0]], empty, clean_env(path))
    assert result.returncode == 0, result.stdout
    return {"path": path, "tarball": tarballs[0], "base": base, "empty": empty}


def test_the_tarball_is_named_and_versioned_like_the_package(installed):
    sys.path.insert(0, os.path.join(REPO, "plugins", "module_utils"))
    from fep import __version__
    galaxy = yaml.safe_load(open(os.path.join(REPO, "galaxy.yml"), encoding="utf-8"))
    assert galaxy["version"] == __version__
    assert os.path.basename(installed["tarball"]) == "fepkit-fep-%s.tar.gz" % __version__
    manifest = json.load(open(installed["path"] / "ansible_collections" / "fepkit" / "fep" / "MANIFEST.json"))
    assert manifest["collection_info"]["version"] == __version__


def test_only_collection_content_is_shipped(installed):
    root = installed["path"] / "ansible_collections" / "fepkit" / "fep"
    shipped = {entry.name for entry in root.iterdir()}
    assert {"plugins", "roles", "playbooks", "meta", "README.md"} <= shipped
    assert not shipped & {"tests", "molecule", ".venv", "collections", "reports", "Makefile", ".git",
                           ".offline", "execution-environment.yml", "tools"}
    assert (root / "plugins" / "module_utils" / "fep" / "collector.py").is_file()


def test_the_audit_runs_by_fqcn_from_an_empty_folder(installed, tmp_path):
    """`ansible-playbook fepkit.fep.audit` with no ansible.cfg: reports land under the current folder."""
    work = tmp_path / "work"
    work.mkdir()
    host = snapshot_host(tmp_path / "root", "kunpeng-kylin-l3", sys.executable)
    (work / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": {"kunpeng-kylin-l3": host}}}))
    result = run([os.path.join(BIN, "ansible-playbook"), "fepkit.fep.audit", "-i", "hosts.yml",
                  "-e", "fep_fail_on_findings=false"], work, clean_env(installed["path"]))
    assert result.returncode == 0, result.stdout[-3000:]
    results = glob.glob(str(work / "reports" / "*" / "*" / "results.json")) + \
        glob.glob(str(work / "reports" / "*" / "results.json"))
    assert results, result.stdout[-2000:]
    data = json.load(open(results[0], encoding="utf-8"))
    entry = data["hosts"]["kunpeng-kylin-l3"]
    assert entry["status"] == "ok"
    assert entry["facts"]["cpu"]["vendor_family"] == "kunpeng"
    assert entry["checks"]["cpu.domestic"]["status"] == "pass"
    assert "kunpeng-kylin-l3" in result.stdout


@pytest.mark.parametrize("playbook", ["firewall", "opengauss_prereqs", "firewall_restore"])
def test_the_role_playbooks_resolve_every_role_module_and_filter_by_fqcn(installed, playbook, tmp_path):
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {"h": {"ansible_connection": "local"}}}}))
    result = run([os.path.join(BIN, "ansible-playbook"), "fepkit.fep.%s" % playbook, "-i", str(inventory),
                  "--syntax-check"], installed["empty"], clean_env(installed["path"]))
    assert result.returncode == 0, result.stdout[-2000:]


def shipped_plugins(root):
    """(type, name) of every module, callback and filter the collection ships."""
    plugins = [("module", os.path.basename(p)[:-3]) for p in glob.glob(str(root / "plugins" / "modules" / "*.py"))]
    plugins += [("callback", os.path.basename(p)[:-3]) for p in glob.glob(str(root / "plugins" / "callback" / "*.py"))]
    for path in glob.glob(str(root / "plugins" / "filter" / "*.py")):
        text = open(path, encoding="utf-8").read()
        plugins += [("filter", name) for name in re.findall(r'"(fep_\w+)":', text)]
    return sorted(plugins)


def test_every_action_plugin_has_its_documentation(installed):
    root = installed["path"] / "ansible_collections" / "fepkit" / "fep"
    actions = {os.path.basename(p)[:-3] for p in glob.glob(str(root / "plugins" / "action" / "*.py"))}
    modules = {name for kind, name in shipped_plugins(root) if kind == "module"}
    assert actions and actions <= modules


def test_ansible_doc_documents_every_module_callback_and_filter(installed):
    root = installed["path"] / "ansible_collections" / "fepkit" / "fep"
    plugins = shipped_plugins(root)
    assert ("module", "fep_audit") in plugins and ("filter", "fep_firewall_inputs") in plugins
    assert ("callback", "progress") in plugins
    for kind in ("module", "filter", "callback"):
        names = ["fepkit.fep.%s" % name for k, name in plugins if k == kind]
        result = run([os.path.join(BIN, "ansible-doc"), "-t", kind, "--json"] + names,
                     installed["empty"], clean_env(installed["path"]))
        assert result.returncode == 0, result.stdout[-2000:]
        docs = json.loads(result.stdout[result.stdout.index("{"):])
        assert sorted(docs) == sorted(names)
        for name, doc in docs.items():
            assert doc["doc"].get("short_description"), name
            assert doc["doc"].get("description"), name


def test_the_audit_action_documents_every_inventory_variable_it_reads():
    from fep.checks.inputs import ARG_VARIABLES
    text = open(os.path.join(REPO, "plugins", "modules", "fep_audit.py"), encoding="utf-8").read()
    options = yaml.safe_load(text.split('DOCUMENTATION = r"""', 1)[1].split('"""', 1)[0])["options"]
    options.pop("failure")  # the rescue's: not an inventory variable
    assert set(options) == set(ARG_VARIABLES)
    for option, variable in ARG_VARIABLES.items():
        assert "C(%s)" % variable in options[option]["description"], option
