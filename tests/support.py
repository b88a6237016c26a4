# -*- coding: utf-8 -*-
"""Shared test helpers: run playbooks the way AWX does (ansible-runner's Python API)."""
import glob
import json
import os
import re
import sys

import ansible_runner
import pytest

ANSI = re.compile(r"\x1b\[[0-9;]*m")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ansible_env(bin_dir=None):
    """Environment of an ansible-runner run: the profile's ``bin_dir`` (default: the venv of
    the Python running the tests, even when pytest runs without an activated venv) and ansible.cfg."""
    return {"PATH": (bin_dir or os.path.dirname(sys.executable)) + os.pathsep + os.environ.get("PATH", ""),
            "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"),
            "ANSIBLE_HOST_KEY_CHECKING": "False"}


LEGACY_BIN = os.path.join(REPO, ".venv-legacy", "bin")


def profile_bin_dir(profile):
    """``bin_dir`` of run_playbook for a profile: None for the default one; the legacy profile's,
    skipped when it is not installed (a failure under CI, which installs it)."""
    if profile != "legacy":
        return None
    if not os.path.exists(os.path.join(LEGACY_BIN, "ansible-playbook")):
        if os.environ.get("CI"):
            pytest.fail("the legacy profile is not installed: make setup-legacy-dev")
        pytest.skip("the legacy profile is not installed (make setup-legacy-dev)")
    return LEGACY_BIN


def run_playbook(private_dir, playbook, inventory, extravars=None, cmdline=None, verbosity=0,
                 bin_dir=None):
    """Run ``playbooks/<playbook>``; returns (runner, stdout text).

    ``bin_dir`` picks the profile's ansible-playbook (e.g. ``.venv-legacy/bin``);
    by default the one beside the Python running the tests.
    """
    os.makedirs(str(private_dir), exist_ok=True)
    runner = ansible_runner.run(
        private_data_dir=str(private_dir),
        project_dir=REPO,
        playbook=os.path.join(REPO, "playbooks", playbook),
        inventory=str(inventory),
        extravars=extravars or {},
        cmdline=cmdline,
        verbosity=verbosity,
        envvars=ansible_env(bin_dir),
        quiet=True,
    )
    # runner keeps the terminal colours: strip them for assertions
    return runner, ANSI.sub("", runner.stdout.read())


def run_module(private_dir, module, module_args, python=None, bin_dir=None):
    """Run ``module`` on one local host with interpreter ``python``; (runner, its result)."""
    inventory = os.path.join(str(private_dir), "hosts.yml")
    os.makedirs(os.path.join(str(private_dir), "runner"), exist_ok=True)
    with open(inventory, "w", encoding="utf-8") as handle:
        json.dump({"all": {"hosts": {"snapshot-host": {
            "ansible_connection": "local", "ansible_python_interpreter": python or sys.executable}}}}, handle)
    runner = ansible_runner.run(
        private_data_dir=os.path.join(str(private_dir), "runner"), project_dir=REPO, inventory=inventory,
        host_pattern="snapshot-host", module=module, module_args=module_args, quiet=True,
        envvars=ansible_env(bin_dir))
    results = [e["event_data"]["res"] for e in runner.events if e["event"] in ("runner_on_ok", "runner_on_failed")]
    assert len(results) == 1, ANSI.sub("", runner.stdout.read())
    return runner, results[0]


def load_results(report_dir):
    with open(os.path.join(str(report_dir), "results.json"), encoding="utf-8") as handle:
        return json.load(handle)


def find_python(version):
    """An interpreter of ``version`` (e.g. "3.6") on this machine, or None.

    Hospital servers run Python 3.6 and 3.7; the build and CI machines carry
    pyenv builds of both (``~/.pyenv/versions``), other machines may have
    ``/usr/bin/python3.x``.
    """
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    versions = os.path.join(pyenv_root, "versions")
    candidates = sorted(os.path.join(versions, name, "bin", "python" + version)
                        for name in (os.listdir(versions) if os.path.isdir(versions) else ())
                        if name.startswith(version + "."))
    candidates += ["/usr/bin/python" + version, "/usr/local/bin/python" + version]
    return next((path for path in candidates if os.access(path, os.X_OK)), None)


def processed_job(artifacts):
    """The job events ``ansible-runner process`` wrote under ``artifacts`` (a job's artifact folder)
    and the job's output as AWX shows it, colours removed."""
    events = [json.load(open(path, encoding="utf-8"))
              for path in sorted(glob.glob(os.path.join(str(artifacts), "job_events", "*.json")))]
    stdout = ANSI.sub("", "\n".join(event.get("stdout", "")
                                    for event in sorted(events, key=lambda e: e["counter"])))
    return events, stdout


def audit_events(events):
    """The per-host job events (``runner_on_*``) of the fep_audit task: what AWX stores per host."""
    return [e for e in events if e["event"].startswith("runner_on_")
            and (e["event_data"].get("task_action") or "").endswith("fep_audit")]
