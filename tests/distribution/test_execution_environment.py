# -*- coding: utf-8 -*-
"""fepkit's execution environment images audit a snapshot with no network (`make ee-test`).

`make ee` builds (or reuses, by input hash) localhost/fepkit-ee:<version> and :<version>-legacy;
these tests run the audit inside each with `podman run --network none` against a snapshot root
of tests/builders, the reports landing in a mounted folder, as AWX or ansible-navigator would.
"""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.builders.profiles import snapshot_host

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import build_ee  # noqa: E402
import install_collections  # noqa: E402

REQUIRED = os.environ.get("FEPKIT_EE_REQUIRED") == "1"
ENV = dict(os.environ, CONTAINERS_CONF=str(REPO / "tests" / "lab" / "containers.conf"))


def podman(*args, timeout=600):
    return subprocess.run(["podman", *args], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=timeout)


@pytest.fixture(scope="module", autouse=True)
def images():
    """Both images, as `make ee` built them (the make target runs first under `make ee-test`)."""
    if shutil.which("podman") is None or os.geteuid() != 0:
        if REQUIRED:
            pytest.fail("podman and root are required (make ee-test)")
        pytest.skip("needs podman and root")
    tags = [build_ee.image_tag(profile) for profile in ("default", "legacy")]
    missing = [tag for tag in tags if podman("image", "exists", tag).returncode != 0]
    if missing:
        if REQUIRED:
            pytest.fail("not built: %s (make ee)" % ", ".join(missing))
        pytest.skip("run `make ee` first: %s" % ", ".join(missing))
    return tags


PROFILES = [("default", "requirements.txt", "requirements.yml"),
            ("legacy", "requirements-legacy.txt", "requirements-legacy.yml")]


def pinned(requirements_txt, package):
    text = (REPO / requirements_txt).read_text()
    return re.search(r"^%s==(\S+)$" % re.escape(package), text, re.M).group(1)


@pytest.mark.parametrize("profile,requirements_txt,requirements_yml", PROFILES)
def test_the_image_runs_the_pinned_ansible_core_and_only_the_pinned_collections(
        profile, requirements_txt, requirements_yml):
    tag = build_ee.image_tag(profile)
    result = podman("run", "--rm", "--network", "none", tag, "ansible-galaxy", "collection", "list",
                    "--format", "json")
    assert result.returncode == 0, result.stdout
    listed = {}
    for path_collections in json.loads(result.stdout[result.stdout.index("{"):]).values():
        # ansible._protomatter: ansible-core 2.19's own internal collection, inside ansible-core
        listed.update({fqcn: info["version"] for fqcn, info in path_collections.items()
                       if not fqcn.startswith("ansible._")})
    expected = dict(install_collections.read_pins(str(REPO / requirements_yml)))
    expected["fepkit.fep"] = yaml.safe_load((REPO / "galaxy.yml").read_text())["version"]
    assert listed == expected  # no full `ansible` package: three collections and fepkit.fep
    version = podman("run", "--rm", "--network", "none", tag, "ansible", "--version")
    assert "[core %s]" % pinned(requirements_txt, "ansible-core") in version.stdout, version.stdout
    runner = podman("run", "--rm", "--network", "none", tag, "ansible-runner", "--version")
    assert runner.stdout.strip().endswith(pinned(requirements_txt, "ansible-runner")), runner.stdout


@pytest.mark.parametrize("profile", ["default", "legacy"])
def test_the_image_audits_a_snapshot_with_no_network(profile, tmp_path):
    """fepkit.fep.audit by FQCN in the image: verdicts from the snapshot, reports in the mount."""
    root = tmp_path / "root"
    work = tmp_path / "work"
    work.mkdir()
    # the image runs as uid 1000 (as in AWX): the mounted folder must be writable for it
    os.chmod(str(tmp_path), 0o755)
    os.chmod(str(work), 0o777)
    hosts = {"kunpeng-kylin-l3": snapshot_host(root / "kunpeng-kylin-l3", "kunpeng-kylin-l3",
                                               "/usr/bin/python3"),
             "hygon-uos-l2-short": snapshot_host(root / "hygon-uos-l2-short", "hygon-uos-l2-short",
                                                 "/usr/bin/python3")}
    (work / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    result = podman("run", "--rm", "--network", "none",
                    "-v", "%s:%s:ro" % (root, root), "-v", "%s:/runner/work" % work, "-w", "/runner/work",
                    "-e", "ANSIBLE_NOCOLOR=1", build_ee.image_tag(profile),
                    "ansible-playbook", "fepkit.fep.audit", "-i", "hosts.yml", "-e", "fep_lang=en")
    # findings on the short server: the audit's own exit status says so (fep_fail_on_findings)
    assert result.returncode == 2, result.stdout[-3000:]
    results = sorted(work.glob("reports/*/results.json"))
    assert len(results) == 1, result.stdout[-2000:]
    data = json.loads(results[0].read_text(encoding="utf-8"))
    good, short = data["hosts"]["kunpeng-kylin-l3"], data["hosts"]["hygon-uos-l2-short"]
    assert good["status"] == short["status"] == "ok"
    assert good["checks"]["cpu.domestic"]["status"] == "pass"
    assert good["checks"]["memory.size"]["status"] == "pass"
    failed = {name for name, check in short["checks"].items() if check["status"] == "fail"}
    assert failed, short["checks"]
    for report in ("report.html", "junit.xml", "rollup.xlsx"):
        assert (results[0].parent / report).is_file(), report
