# -*- coding: utf-8 -*-
"""The lab's hospital servers audited from archives equal the live SSH audit, check by check.

tools/fep_snapshot.py runs on each lab server as a hospital would run it (as root, the system
Python, the file piped over ssh: nothing of fepkit installed there), its archive comes back to
the controller, and playbooks/audit.yml audits the lab twice: live over SSH, and from the
archives (``fep_snapshot``) with the very same inventory variables.  The lab configures no probe
targets: the network probes are ``skip`` in both.  Needs the lab (`make lab`); FEPKIT_LAB_REQUIRED
turns its absence into a failure.
"""
import os
import subprocess

import pytest
import yaml

from fep.checks.registry import CHECKS
from tests.lab import lab
from tests.support import REPO, load_results, run_playbook

INVENTORY = os.path.join(REPO, "inventories", "lab")
TOOL = os.path.join(REPO, "tools", "fep_snapshot.py")
SSH = ["ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
       "-o", "LogLevel=ERROR", "-o", "ControlMaster=no"]


def running_lab_hosts():
    """The lab's hosts when every one runs (the equality holds whatever profile each presents)."""
    try:
        hosts = lab.inventory_hosts(INVENTORY)
        down = [h.name for h in hosts if not (lab.container_state(h.name) or {}).get("running")]
        problem = "not running: %s" % ", ".join(down) if down else None
        if not problem and not lab.SSH_KEY.is_file():
            problem = "no lab SSH key at %s" % lab.SSH_KEY
    except (OSError, lab.LabError) as exc:
        problem = str(exc)
    if problem:
        if os.environ.get("FEPKIT_LAB_REQUIRED"):
            pytest.fail("the lab is not up (%s); run `make lab`" % problem)
        pytest.skip("the lab is not up (%s); run `make lab`" % problem)
    return hosts


def snapshot_over_ssh(host):
    """``python3 - --output -`` on the server, the tool on stdin: the archive's bytes."""
    with open(TOOL, "rb") as tool:
        proc = subprocess.run(SSH + ["-i", str(lab.SSH_KEY), "root@%s" % host.address,
                                     "python3 - --output -"],
                              stdin=tool, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    assert "[9/9]" in proc.stderr.decode("utf-8"), "a progress line per section"
    return proc.stdout


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    """``{"live": results, "archive": results}`` of the lab region."""
    hosts = running_lab_hosts()
    base = tmp_path_factory.mktemp("lab-archives")
    archives = {}
    for host in hosts:
        path = base / ("%s.tar.gz" % host.name)
        path.write_bytes(snapshot_over_ssh(host))
        archives[host.name] = {"fep_snapshot": str(path), "ansible_connection": "local"}
    # the lab's own inventory, plus one source that turns each host into its archive
    overlay = base / "archives.yml"
    overlay.write_text(yaml.safe_dump({"all": {"hosts": archives}}))
    results = {}
    for kind, cmdline in (("live", None), ("archive", "-i %s" % overlay)):
        extravars = {"fep_report_dir": str(base / kind), "fep_fail_on_findings": False,
                     "ansible_control_path_dir": str(base / "cp")}
        runner, stdout = run_playbook(base / ("runner-" + kind), "audit.yml", INVENTORY, extravars=extravars,
                                      cmdline=cmdline)
        assert runner.status == "successful", stdout
        results[kind] = load_results(base / kind)
    return {"hosts": [h.name for h in hosts], "results": results}


def test_every_lab_host_is_audited_both_ways(audits):
    for kind in ("live", "archive"):
        statuses = {name: audits["results"][kind]["hosts"][name]["status"] for name in audits["hosts"]}
        assert statuses == dict.fromkeys(audits["hosts"], "ok"), kind
    for name in audits["hosts"]:
        live, archive = (audits["results"][kind]["hosts"][name]["facts"]["collector"] for kind in ("live", "archive"))
        assert (live["snapshot"], archive["snapshot"]) == (False, True)
        assert archive["archive"]["hostname"] == name  # the container's own host name, from its manifest
        # the archive was audited on the controller with the hospital's Python recorded, not run there again
        assert archive["python"]["version"] == live["python"]["version"]


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_the_archive_verdict_equals_the_live_one(audits, check_id):
    differing = {}
    for name in audits["hosts"]:
        live = audits["results"]["live"]["hosts"][name]["checks"][check_id]
        archive = audits["results"]["archive"]["hosts"][name]["checks"][check_id]
        if live["status"] != archive["status"]:
            differing[name] = (live["status"], live["message_en"], archive["status"], archive["message_en"])
    assert differing == {}
