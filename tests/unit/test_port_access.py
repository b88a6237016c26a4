# -*- coding: utf-8 -*-
"""Survey rows 三-1…5: does the host firewall admit a port from the network the sheet names?

Zones are what plugins/module_utils/fep/security.py parses from /etc/firewalld/zones/*.xml (the
fep_firewall role writes fep-intranet and fep-extranet there with firewall-cmd --permanent).
"""
import pytest

from fep.checks.port_access import port_access

INTRANET = {"interfaces": ["enp125s0f0"], "sources": []}
EXTRANET = {"interfaces": [], "sources": ["59.255.0.0/16"]}
ZONES = {"intranet": INTRANET, "extranet": EXTRANET}


def firewalld(zones, default="public", state="running"):
    return {"security": {"firewall": {"backend": "firewalld", "state": state, "default_zone": default,
                                      "zones": zones}}}


def zone(ports=(), services=(), interfaces=(), sources=(), target=None):
    return {"target": target, "ports": list(ports), "services": list(services), "interfaces": list(interfaces),
            "sources": list(sources), "rich_rules": 0}


# what the fep_firewall role leaves: its two zones, the hospital's public zone untouched
ROLE_ZONES = {
    "public": zone(services=["ssh"]),
    "fep-intranet": zone(ports=["8881/tcp", "5432/tcp", "8884/tcp"], interfaces=["enp125s0f0"]),
    "fep-extranet": zone(ports=["8882/tcp", "8883/tcp", "8884/tcp"], sources=["59.255.0.0/16"]),
}


@pytest.mark.parametrize("service, port", [("data_api", 8881), ("database", 5432), ("config_update", 8882),
                                           ("monitoring", 8883), ("web", 8884)])
def test_after_the_role_every_port_is_admitted_from_its_network(service, port):
    access = port_access(firewalld(ROLE_ZONES), ZONES, service, port)
    assert access["status"] == "admitted", access


def test_a_port_open_in_the_other_network_only_is_blocked():
    zones = dict(ROLE_ZONES, **{"fep-intranet": zone(ports=["8882/tcp"], interfaces=["enp125s0f0"])})
    access = port_access(firewalld(zones), ZONES, "data_api", 8881)
    assert access["status"] == "blocked"
    assert access["message_zh"] == "院内网（区域 fep-intranet）未放行"


def test_8884_needs_both_networks():
    zones = dict(ROLE_ZONES, **{"fep-extranet": zone(ports=["8882/tcp"], sources=["59.255.0.0/16"])})
    access = port_access(firewalld(zones), ZONES, "web", 8884)
    assert access["status"] == "blocked" and access["networks"] == ["intranet", "extranet"]


def test_unbound_network_falls_to_the_default_zone_and_a_range_admits():
    zones = {"public": zone(ports=["8000-9000/tcp"])}
    assert port_access(firewalld(zones), ZONES, "data_api", 8881)["status"] == "admitted"
    assert port_access(firewalld(zones), ZONES, "database", 5432)["status"] == "blocked"
    zones = {"public": zone(services=["postgresql"])}
    assert port_access(firewalld(zones), ZONES, "database", 5432)["status"] == "admitted"
    zones = {"trusted": zone(target="ACCEPT", interfaces=["enp125s0f0"])}
    assert port_access(firewalld(zones), ZONES, "database", 5432)["status"] == "admitted"


def test_a_built_in_zone_never_edited_is_unknown():
    access = port_access(firewalld({}), ZONES, "data_api", 8881)
    assert access["status"] == "unknown"
    assert access["message_zh"] == "院内网属于 firewalld 区域 public，其配置未能读取"


def test_networks_not_named_in_the_inventory_are_unknown():
    access = port_access(firewalld(ROLE_ZONES), {"intranet": INTRANET}, "monitoring", 8883)
    assert access["status"] == "unknown" and "fep_firewall_zones.extranet" in access["message_zh"]


@pytest.mark.parametrize("firewall, expected", [
    ({"backend": "none", "state": "stopped"}, "admitted"),
    ({"backend": "firewalld", "state": "stopped", "zones": {}}, "admitted"),
    ({"backend": "nftables", "state": "running"}, "unknown"),
    ({"backend": "iptables", "state": "unknown"}, "unknown"),
])
def test_other_firewalls(firewall, expected):
    assert port_access({"security": {"firewall": firewall}}, ZONES, "data_api", 8881)["status"] == expected


def test_no_firewall_facts_is_unknown():
    assert port_access({"security": {}}, ZONES, "data_api", 8881)["status"] == "unknown"
