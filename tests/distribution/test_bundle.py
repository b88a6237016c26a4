# -*- coding: utf-8 -*-
"""The offline bundle sets up a control node with no network at all (`make bundle-test`).

From a fresh clone of this repository in /tmp, inside a network namespace with no interface but
a down loopback (`unshare -n`): `make setup OFFLINE=dist/fepkit-bundle-<version>.tar.gz`, then
`make audit` of this machine. Nothing can be fetched, so anything the bundle lacks fails here.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import install_collections  # noqa: E402

REQUIRED = os.environ.get("FEPKIT_BUNDLE_REQUIRED") == "1"
VERSION = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
BUNDLE = REPO / "dist" / ("fepkit-bundle-%s.tar.gz" % VERSION)


def run(command, cwd, timeout=900):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANSIBLE_", "VIRTUAL_ENV", "PIP_"))}
    # the system Python, as on a control node: not this test's venv
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(REPO)))
    return subprocess.run(["unshare", "-n"] + command, cwd=str(cwd), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("unshare") is None or os.geteuid() != 0 or not BUNDLE.is_file():
        if REQUIRED:
            pytest.fail("needs root, unshare and %s (make bundle)" % BUNDLE)
        pytest.skip("needs root, unshare and %s (make bundle)" % BUNDLE)
    path = tmp_path_factory.mktemp("offline") / "fepkit"
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                            universal_newlines=True, check=True).stdout.strip()
    subprocess.run(["git", "clone", "-q", "--no-checkout", str(REPO), str(path)], check=True)
    subprocess.run(["git", "-C", str(path), "checkout", "-q", commit], check=True)
    return path


@pytest.fixture(scope="module")
def setup(clone):
    result = run(["make", "--no-print-directory", "setup", "OFFLINE=%s" % BUNDLE, "PYTHON=python3"], clone)
    assert result.returncode == 0, result.stdout[-3000:]
    return clone, result.stdout


def assert_profile_installed(venv, suffix):
    """The venv runs requirements<suffix>.txt's ansible-core and requirements<suffix>.yml's pins."""
    core = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import ansible.release; print(ansible.release.__version__)"],
                          stdout=subprocess.PIPE, universal_newlines=True).stdout.strip()
    assert "ansible-core==%s" % core in (REPO / ("requirements%s.txt" % suffix)).read_text()
    pins = install_collections.read_pins(str(REPO / ("requirements%s.yml" % suffix)))
    site = next((venv / "lib").glob("python3*/site-packages"))
    assert install_collections.installed_versions(str(site), pins) == dict(pins)


def test_setup_verifies_the_bundle_and_installs_the_pins_from_it(setup):
    clone, output = setup
    assert re.search(r"fepkit-bundle-%s: \d+ files verified against SHA256SUMS" % re.escape(VERSION), output)
    assert_profile_installed(clone / ".venv", "")


def test_the_bundle_carries_both_profiles_for_both_architectures_and_both_images(setup):
    clone, _ = setup
    unpacked = clone / ".offline" / ("fepkit-bundle-%s" % VERSION)
    for profile in ("default", "legacy"):
        for arch in ("x86_64", "aarch64"):
            names = [p.name for p in (unpacked / "wheels" / profile / arch).glob("*.whl")]
            assert any(n.startswith("ansible_core-") for n in names), (profile, arch)
            compiled = [n for n in names if not n.endswith("-none-any.whl")]
            assert compiled and all(arch in n for n in compiled), (profile, arch, compiled)
        tarballs = {p.name for p in (unpacked / "collections" / profile).glob("*.tar.gz")}
        assert "fepkit-fep-%s.tar.gz" % VERSION in tarballs
    with tarfile.open(str(unpacked / "images" / ("fepkit-ee-%s.tar" % VERSION))) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    tags = {tag for image in manifest for tag in image["RepoTags"]}
    assert {"localhost/fepkit-ee:%s" % VERSION, "localhost/fepkit-ee:%s-legacy" % VERSION} <= tags


def test_make_audit_then_works_with_no_network(setup):
    clone, _ = setup
    result = run(["make", "--no-print-directory", "audit", "PYTHON=python3", "FEP_LANG=en"], clone)
    assert result.returncode == 0, result.stdout[-3000:]
    results = sorted(clone.glob("reports/*/results.json"))
    assert len(results) == 1, result.stdout[-2000:]
    data = json.loads(results[0].read_text(encoding="utf-8"))
    (entry,) = data["hosts"].values()
    assert entry["status"] == "ok"
    assert entry["checks"]["cpu.domestic"]["status"] in ("pass", "fail", "unknown")
    assert "pip install" not in result.stdout  # set up already: nothing installed at audit time


def test_the_legacy_profile_sets_up_from_the_same_bundle(setup):
    """PROFILE=legacy takes its own wheels and collections: ansible-core 2.16 and its pins."""
    clone, _ = setup
    result = run(["make", "--no-print-directory", "setup", "OFFLINE=%s" % BUNDLE, "PYTHON=python3",
                  "PROFILE=legacy"], clone)
    assert result.returncode == 0, result.stdout[-3000:]
    assert_profile_installed(clone / ".venv-legacy", "-legacy")
