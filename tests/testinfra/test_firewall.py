# -*- coding: utf-8 -*-
"""firewalld is in the state the inventory declares (``fep_expected_state.firewalld``)."""
import pytest


@pytest.fixture(scope="module")
def firewalld_wanted(expected_state):
    wanted = expected_state.get("firewalld")
    if wanted is None:
        pytest.skip("fep_expected_state.firewalld is not declared for this host")
    assert wanted in ("running", "stopped"), "fep_expected_state.firewalld: %r" % wanted
    return wanted


def test_firewalld_service_is_as_declared(host, firewalld_wanted):
    assert host.service("firewalld").is_running == (firewalld_wanted == "running")


def test_running_firewalld_answers(host, firewalld_wanted):
    if firewalld_wanted != "running":
        pytest.skip("firewalld is declared stopped")
    assert host.check_output("firewall-cmd --state") == "running"
