# -*- coding: utf-8 -*-
"""`make help` lists every target a developer uses, and only targets that exist and run.

The help is the "##" lines of the Makefile and mk/*.mk; make's own database
(`make -pRrq`) says which targets exist. Every target named in the help must
exist and go through `make -n` (make's dry run: it expands every recipe and
prerequisite and runs nothing), and every phony target but the few internal
steps below must be in the help.
"""
import os
import re
import subprocess

import pytest

from tests.support import REPO

# steps other targets run, not commands for a developer
INTERNAL = {"help", "test-deps", "bench-deps", "ee-image"}
# arguments a target cannot run without (its usage in the help)
ARGS = {"report": ["RESULTS=tests/fixtures/results/region.json"]}


def make(*args):
    env = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def help_text():
    proc = make("help")
    assert proc.returncode == 0, proc.stdout
    return proc.stdout


@pytest.fixture(scope="module")
def database():
    """(every target make knows, the phony ones) from make's printed database."""
    text = make("-pRrq", ":").stdout
    targets, skip = set(), False
    for line in text.splitlines():
        if line.startswith("# Not a target:"):
            skip = True
            continue
        match = re.match(r"^([A-Za-z][\w.-]*):(?!=)", line)
        if match and not skip:
            targets.add(match.group(1))
        skip = False
    phony = set(re.search(r"^\.PHONY: (.*)$", text, re.M).group(1).split())
    return targets, phony


def listed(help_text):
    return set(re.findall(r"\bmake ([a-z][\w-]*)", help_text))


def test_help_names_only_targets_that_exist(help_text, database):
    targets, _ = database
    assert listed(help_text) - targets == set()


def test_every_developer_target_is_in_the_help(help_text, database):
    _, phony = database
    assert phony - INTERNAL - listed(help_text) == set()


def test_the_help_covers_the_fast_loop_and_every_kind_of_test(help_text):
    for target in ("unit", "e2e", "lint", "test", "clean", "lab-test", "firewall-test", "opengauss-test", "bench"):
        assert target in listed(help_text), target
    assert 'make unit PYTEST_ARGS="-k' in help_text


def test_every_target_in_the_help_runs(help_text):
    failed = {}
    for target in sorted(listed(help_text)):
        proc = make("-n", target, *ARGS.get(target, []))
        if proc.returncode != 0:
            failed[target] = proc.stdout[-500:]
    assert failed == {}


def test_pytest_args_narrow_the_unit_run():
    proc = make("-n", "unit", "PYTEST_ARGS=-k role_os_vars")
    assert proc.returncode == 0, proc.stdout
    assert "pytest -q -k role_os_vars tests/unit" in proc.stdout
