# -*- coding: utf-8 -*-
"""``ansible-navigator run`` with fepkit's EE image, as a user without AWX runs it (docs/distribution.md).

ansible-navigator (requirements-dev.txt) starts the image with podman, mounts the project folder
at its own path and runs the playbook there through ansible-runner. The project is the AWX-style
one of test_runner_ee.py (a playbook importing ``fepkit.fep.audit``, an archive taken by
tools/fep_snapshot.py) plus a snapshot root mounted with ``--eev``. Navigator's own artifact
folder is temporary, so the reports go where ``fep_report_dir`` says, inside the project.
"""
import json
import os
import re
import subprocess
import sys

import pytest

from tests.distribution.test_execution_environment import ENV, REQUIRED, build_ee, images  # noqa: F401 (autouse fixture)
from tests.distribution.test_runner_ee import awx_job
from tests.support import ANSI

NAVIGATOR = os.path.join(os.path.dirname(sys.executable), "ansible-navigator")
# ansible-runner's event markers in the stdout stream (a terminal erases them: ESC[K … ESC[nD ESC[K)
EVENT_MARKER = r"\x1b\[K[A-Za-z0-9+/=]*\x1b\[\d+D"


@pytest.fixture(autouse=True)
def navigator():
    if not os.path.exists(NAVIGATOR):
        pytest.fail("ansible-navigator is in requirements-dev.txt: make setup-dev")
    # navigator refuses podman without it (it runs the EE with --ipc=host); systemd mounts it,
    # a machine booted without systemd may lack it: mk/ee.mk `ee-test` creates it
    if not os.path.isdir("/dev/mqueue"):
        message = "ansible-navigator with podman needs /dev/mqueue/ (make ee-test creates it)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("profile", ["default", "legacy"])
def test_navigator_audits_with_the_image(profile, tmp_path):
    roots = tmp_path / "roots"
    hosts = awx_job(tmp_path / "job", roots)
    project = tmp_path / "job" / "project"
    reports = project / "reports"
    done = subprocess.run(
        [NAVIGATOR, "run", "audit.yml", "-i", str(tmp_path / "job" / "inventory" / "hosts.yml"),
         "--ee", "true", "--eei", build_ee.image_tag(profile), "--pp", "never", "--ce", "podman",
         "--eev", "%s:%s:ro" % (roots, roots), "-m", "stdout", "--pae", "false",
         "--lf", str(tmp_path / "navigator.log"),
         "-e", "fep_fail_on_findings=false", "-e", "fep_lang=en", "-e", "fep_report_dir=%s" % reports],
        cwd=str(project), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        universal_newlines=True, timeout=900)
    output = ANSI.sub("", re.sub(EVENT_MARKER, "", done.stdout))
    assert done.returncode == 0, output[-3000:]
    results = json.loads((reports / "results.json").read_text(encoding="utf-8"))
    assert sorted(results["hosts"]) == sorted(hosts)
    assert all(host["status"] == "ok" for host in results["hosts"].values())
    assert results["hosts"]["kunpeng-kylin-l3"]["checks"]["cpu.domestic"]["status"] == "pass"
    for name in ("report.html", "junit.xml", "rollup.xlsx"):
        assert (reports / name).stat().st_size > 0, name
    assert "results: %s/results.json" % reports in output
    # the image's ANSIBLE_CALLBACKS_ENABLED: navigator reads no ansible.cfg of ours either
    total = len(hosts)
    assert "fepkit: %d/%d audited, " % (total, total) in output, output[-3000:]
