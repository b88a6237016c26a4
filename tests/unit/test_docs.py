# -*- coding: utf-8 -*-
"""The documentation says what the code does."""
import os
import re
import subprocess
import sys

from fep.checks import CHECKS
from fep.checks.inputs import ARG_VARIABLES

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_check_catalogue_matches_registry():
    proc = subprocess.run([sys.executable, os.path.join(REPO, "tools", "gen_catalogue.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_readme_lists_every_check_id_once():
    with open(os.path.join(REPO, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    for check_id in CHECKS:
        assert len(re.findall(r"\| `%s` \|" % re.escape(check_id), readme)) == 1, check_id


def test_every_playbook_variable_is_documented():
    with open(os.path.join(REPO, "playbooks", "audit.yml"), encoding="utf-8") as handle:
        used = set(re.findall(r"\b(fep_[a-z_]+)\b", handle.read())) - {"fep_audit", "fep_results", "fep_validate"}  # actions
    used |= {name for name in ARG_VARIABLES.values() if name.startswith("fep_")}  # read by fep_audit itself
    with open(os.path.join(REPO, "docs", "variables.md"), encoding="utf-8") as handle:
        documented = set(re.findall(r"`(fep_[a-z_]+)`", handle.read()))
    assert used - documented == set()
