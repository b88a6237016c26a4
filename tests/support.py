# -*- coding: utf-8 -*-
"""Shared test helpers: run playbooks the way AWX does (ansible-runner's Python API)."""
import json
import os
import re
import sys

import ansible_runner

ANSI = re.compile(r"\x1b\[[0-9;]*m")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_playbook(private_dir, playbook, inventory, extravars=None, cmdline=None, verbosity=0,
                 bin_dir=None):
    """Run ``playbooks/<playbook>``; returns (runner, stdout text).

    ``bin_dir`` picks the profile's ansible-playbook (e.g. ``.venv-legacy/bin``);
    by default the one beside the Python running the tests.
    """
    bin_dir = bin_dir or os.path.dirname(sys.executable)
    os.makedirs(str(private_dir), exist_ok=True)
    runner = ansible_runner.run(
        private_data_dir=str(private_dir),
        project_dir=REPO,
        playbook=os.path.join(REPO, "playbooks", playbook),
        inventory=str(inventory),
        extravars=extravars or {},
        cmdline=cmdline,
        verbosity=verbosity,
        # the venv's ansible-playbook, even when pytest runs without an activated venv
        envvars={"PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                 "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"),
                 "ANSIBLE_HOST_KEY_CHECKING": "False"},
        quiet=True,
    )
    # runner keeps the terminal colours: strip them for assertions
    return runner, ANSI.sub("", runner.stdout.read())


def load_results(report_dir):
    with open(os.path.join(str(report_dir), "results.json"), encoding="utf-8") as handle:
        return json.load(handle)
