# -*- coding: utf-8 -*-
"""The audit gave each lab host the verdicts its profile deserves.

Reads the results.json named by ``FEPKIT_RESULTS`` (molecule's verify sets
it to what its converge, the audit, wrote); without it there is nothing to
verify and the module is skipped.
"""
import json
import os

import pytest

from tests.builders.profiles import HOST_KERNEL_ITEMS, PROFILES

pytestmark = pytest.mark.group("lab")


@pytest.fixture(scope="module")
def entry(hostvars):
    path = os.environ.get("FEPKIT_RESULTS")
    if not path:
        pytest.skip("FEPKIT_RESULTS is not set: no audit results to verify")
    with open(path, encoding="utf-8") as handle:
        results = json.load(handle)
    return results["hosts"][hostvars["inventory_hostname"]]


def test_host_was_audited(entry):
    assert entry["status"] == "ok", entry.get("message")


def test_verdicts_are_the_profile_s(entry, hostvars):
    # the hardware's verdicts: the openGauss settings depend on whether a role ran before
    expected = PROFILES[hostvars["fep_lab_profile"]]["expect"]
    assert {check_id: entry["checks"][check_id]["status"] for check_id in expected} == expected


def test_host_kernel_items_carry_the_container_marker(entry):
    # every lab host is a container: the kernel-wide items can only be changed on the host
    assert sorted(c for c, o in entry["checks"].items() if o.get("container_unchangeable")) == \
        sorted(HOST_KERNEL_ITEMS)


def test_collector_read_the_live_host(entry):
    collector = entry["facts"]["collector"]
    assert (collector["snapshot"], collector["privileged"]) == (False, True)
