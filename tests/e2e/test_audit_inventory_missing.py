# -*- coding: utf-8 -*-
"""A missing, unparsable or empty inventory fails the audit.

Before: exit 0, "共 0 台" and empty reports, which reads as a region with nothing to fix.
"""
import os
import subprocess
import sys

import pytest

from tests.support import ANSI, REPO, ansible_env

INVENTORIES = {
    "missing": (None, "Completely failed to parse inventory source"),
    "unparsable": ("all:\n  hosts:\n    a: {ansible_connection: local\n", "Completely failed to parse inventory source"),
    "no-hosts": ("all: {}\n", "no host was audited: the inventory"),
    "only-comments": ("# hospitals to be added\n", "no host was audited: the inventory"),
}


@pytest.mark.parametrize("kind", sorted(INVENTORIES))
def test_the_audit_fails_and_writes_nothing(kind, tmp_path):
    text, message = INVENTORIES[kind]
    inventory = tmp_path / "hosts.yml"
    if text is not None:
        inventory.write_text(text)
    report_dir = tmp_path / "rep"
    # ansible-playbook -i as an operator types it (ansible-runner would take a missing path for
    # inventory text)
    done = subprocess.run(
        [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory),
         os.path.join(REPO, "playbooks", "audit.yml"), "-e", "fep_report_dir=%s" % report_dir],
        env=dict(os.environ, **ansible_env()), cwd=str(tmp_path), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, universal_newlines=True, timeout=600)
    stdout = ANSI.sub("", done.stdout)
    assert done.returncode != 0, stdout
    assert message in " ".join(stdout.split()), stdout
    assert str(inventory) in stdout
    assert not report_dir.exists()
