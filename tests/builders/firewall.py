# -*- coding: utf-8 -*-
"""fep_firewall's validated inputs for the unit tests: the role's defaults plus one host's zones."""
import sys
from pathlib import Path

MODULE_UTILS = str(Path(__file__).resolve().parents[2] / "plugins" / "module_utils")
if MODULE_UTILS not in sys.path:
    sys.path.insert(0, MODULE_UTILS)

from fep.firewall.inputs import managed_ports, validate  # noqa: E402


def firewall_inputs(zones, fep_ports=None, admin_sources=("10.232.11.1/32",), platform_addresses=()):
    """``(desired, managed)`` as the role's filter makes them; the inputs must be valid."""
    desired, errors = validate({
        "fep_ports": dict(fep_ports or {}),
        "fep_firewall_zones": zones,
        "fep_firewall_zone_ports": {"intranet": ["data_api", "database", "web"],
                                    "extranet": ["config_update", "monitoring", "web"]},
        "fep_firewall_admin_sources": list(admin_sources), "fep_firewall_ssh_port": 22,
        "fep_firewall_platform_addresses": list(platform_addresses), "fep_firewall_platform_ports": [443, 8888],
        "fep_firewall_rollback_timeout": 180, "fep_firewall_confirm_timeout": 30})
    assert errors == [], errors
    return desired, managed_ports(desired)
