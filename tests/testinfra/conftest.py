# -*- coding: utf-8 -*-
"""Final-state checks of hospital front-end servers, for any inventory (ceph-ansible style).

    pytest tests/testinfra --hosts=ansible://all --ansible-inventory=inventories/<region>/

Expected values come from each host's inventory variables
(``host.ansible.get_variables()``); a module or test marked
``@pytest.mark.group("name")`` runs only on hosts of that inventory group.
Lookups that cost a round trip are module-scoped fixtures (once per host).
"""
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# molecule runs pytest from its scenario directory: make the profiles and the
# check tables importable from anywhere
for _path in (REPO, os.path.join(REPO, "plugins", "module_utils")):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from tests.testinfra.listeners import parse_ss_listeners  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "group(name): run only on hosts in this inventory group")


def pytest_runtest_setup(item):
    """Skip a ``group``-marked test on other hosts before any fixture runs.

    Module-scoped fixtures are set up before the autouse skip below, and one
    that reads a group's variables would fail on hosts outside the group.
    """
    marker = item.get_closest_marker("group")
    params = getattr(getattr(item, "callspec", None), "params", {})
    host = params.get("_testinfra_host")
    if marker is None or host is None:
        return
    hostvars = host.ansible.get_variables()
    if marker.args[0] not in hostvars.get("group_names", []):
        pytest.skip("%s is not in group %s" % (hostvars["inventory_hostname"], marker.args[0]))


@pytest.fixture(scope="module")
def hostvars(host):
    """The host's inventory variables (``inventory_hostname``, ``group_names`` included)."""
    return host.ansible.get_variables()


@pytest.fixture(autouse=True)
def _only_in_group(request, hostvars):
    marker = request.node.get_closest_marker("group")
    if marker is not None and marker.args[0] not in hostvars.get("group_names", []):
        pytest.skip("%s is not in group %s" % (hostvars["inventory_hostname"], marker.args[0]))


@pytest.fixture(scope="module")
def expected_state(hostvars):
    """``fep_expected_state``: what the inventory says this server looks like."""
    return hostvars.get("fep_expected_state") or {}


@pytest.fixture(scope="module")
def listeners(host):
    """Listening TCP ports and the processes holding them.

    Other users' processes are named only for root: audit accounts need
    ``ansible_become`` (testinfra then runs every command through sudo).
    """
    return parse_ss_listeners(host.check_output("ss -Hltnp"))


@pytest.fixture(scope="module")
def privileged(host):
    return host.check_output("id -u") == "0"


@pytest.fixture(scope="module")
def processes(host):
    """Names (comm) of every running process."""
    return {line.strip() for line in host.check_output("ps -eo comm=").splitlines()}
