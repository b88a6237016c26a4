# -*- coding: utf-8 -*-
"""The five national inbound ports: free, held by the front-end software, or by the declared owner.

``fep_ports`` gives the port numbers (as for the audit), ``fep_frontend_processes``
the extra front-end process names, and ``fep_expected_state.port_owners`` the
ports a hospital service is known to hold (``{8884: nginx}``).
"""
import pytest

from fep.checks.network import PORT_CHECKS
from fep.checks.sheet import DEFAULT_FRONTEND_PROCESSES

SERVICES = [(service, nominal) for _check_id, service, nominal, *_rest in PORT_CHECKS]


@pytest.mark.parametrize("service,nominal", SERVICES, ids=[service for service, _ in SERVICES])
def test_national_port_is_free_or_held_as_declared(hostvars, expected_state, listeners, privileged,
                                                    service, nominal):
    port = int((hostvars.get("fep_ports") or {}).get(service, nominal))
    declared = expected_state.get("port_owners") or {}
    # YAML int keys come back as strings through ansible-inventory's JSON
    owner = declared.get(port) or declared.get(str(port))
    holders = listeners.get(port)
    if owner:
        assert holders == {owner}, "port %d should be held by %s, is %s" % (port, owner, holders)
        return
    if holders is not None and not holders:
        assert privileged, "port %d is in use; its owner is readable only as root (become)" % port
    frontend = set(DEFAULT_FRONTEND_PROCESSES) | set(hostvars.get("fep_frontend_processes") or [])
    assert not (holders or set()) - frontend, "port %d is held by %s" % (port, sorted(holders))
