# -*- coding: utf-8 -*-
"""fep_firewall's inputs: normalised, and every mistake named by variable and field."""
import pytest

from fep.firewall.inputs import managed_ports, parse_network, validate

ZONE_PORTS = {"intranet": ["data_api", "database", "web"], "extranet": ["config_update", "monitoring", "web"]}


def inputs(**overrides):
    raw = {
        "fep_ports": {},
        "fep_firewall_zones": {"intranet": {"interfaces": ["enp125s0f0"]},
                               "extranet": {"interfaces": ["enp125s0f1"], "sources": ["59.255.0.0/16"]}},
        "fep_firewall_zone_ports": ZONE_PORTS,
        "fep_firewall_admin_sources": ["10.20.0.5"],
        "fep_firewall_ssh_port": 22,
        "fep_firewall_platform_addresses": [],
        "fep_firewall_platform_ports": [443, 8888],
        "fep_firewall_rollback_timeout": 180,
        "fep_firewall_confirm_timeout": 30,
    }
    raw.update(overrides)
    return raw


def test_valid_inputs_become_the_desired_model():
    desired, errors = validate(inputs(fep_ports={"web": "18884"}))
    assert errors == []
    assert desired == {
        "ports": {"data_api": 8881, "database": 5432, "config_update": 8882, "monitoring": 8883, "web": 18884},
        "ssh_port": 22,
        "zones": [
            {"name": "intranet", "firewalld_zone": "fep-intranet", "interfaces": ["enp125s0f0"], "sources": [],
             "services": ["data_api", "database", "web"], "ports": [5432, 8881, 18884]},
            {"name": "extranet", "firewalld_zone": "fep-extranet", "interfaces": ["enp125s0f1"],
             "sources": ["59.255.0.0/16"], "services": ["config_update", "monitoring", "web"],
             "ports": [8882, 8883, 18884]},
        ],
        "admin_sources": ["10.20.0.5/32"],
        "platform_addresses": [],
        "platform_ports": [443, 8888],
    }
    assert managed_ports(desired) == [22, 5432, 8881, 8882, 8883, 18884]


def test_a_zone_without_networks_is_left_alone():
    desired, errors = validate(inputs(fep_firewall_zones={"intranet": {"interfaces": ["eth0"]}}))
    assert errors == []
    assert [z["name"] for z in desired["zones"]] == ["intranet"]


def test_a_zone_may_choose_its_services():
    desired, _ = validate(inputs(fep_firewall_zones={"extranet": {"sources": ["10.9.0.0/16"], "ports": ["web"]}}))
    assert desired["zones"][0]["ports"] == [8884]


@pytest.mark.parametrize("overrides,message", [
    ({"fep_firewall_zones": {"dmz": {"interfaces": ["eth2"]}, "intranet": {"interfaces": ["eth0"]}}},
     "fep_firewall_zones: unknown zone 'dmz' (known: intranet, extranet)"),
    ({"fep_firewall_zones": {"intranet": {"sources": ["10.0.0.300/24"]}}},
     "fep_firewall_zones.intranet.sources[0]: '10.0.0.300/24': not an IPv4/IPv6 address or CIDR (e.g. 10.20.0.0/16)"),
    ({"fep_firewall_zones": {"intranet": {"sources": ["10.1.0.0/16", "10.2.3.4/24"]}}},
     "fep_firewall_zones.intranet.sources[1]: '10.2.3.4/24': host bits set: write 10.2.3.0/24 for the network "
     "or 10.2.3.4/32 for the host"),
    ({"fep_ports": {"web": 70000}}, "fep_ports.web: port must be 1-65535, got 70000"),
    ({"fep_ports": {"webui": 8080}}, "fep_ports: unknown service 'webui' (known: data_api, database, "
                                     "config_update, monitoring, web)"),
    ({"fep_firewall_admin_sources": []}, "fep_firewall_admin_sources: required: the networks SSH must stay open "
                                         "from (the control node's address at least), or the role could lock the "
                                         "ops team out"),
    ({"fep_firewall_admin_sources": ["jumphost.example"]},
     "fep_firewall_admin_sources[0]: 'jumphost.example': not an IPv4/IPv6 address or CIDR (e.g. 10.20.0.0/16)"),
    ({"fep_firewall_zones": {"intranet": {"sources": ["10.0.0.0/8"]}, "extranet": {"sources": ["10.5.0.0/16"]}}},
     "fep_firewall_zones.extranet.sources: 10.5.0.0/16 overlaps 10.0.0.0/8 of zone intranet"),
    ({"fep_firewall_zones": {"intranet": {"interfaces": ["eth0"]}, "extranet": {"interfaces": ["eth0"]}}},
     "fep_firewall_zones.extranet.interfaces[0]: eth0 is already in zone intranet"),
    ({"fep_firewall_zones": {"intranet": {"interfaces": ["eth0; reboot"]}}},
     "fep_firewall_zones.intranet.interfaces[0]: 'eth0; reboot' is not an interface name"),
    ({"fep_firewall_zones": {"intranet": {"interfaces": ["eth0"], "ports": ["ssh"]}}},
     "fep_firewall_zones.intranet.ports: unknown service 'ssh' (known: data_api, database, config_update, "
     "monitoring, web)"),
    ({"fep_firewall_zones": {"intranet": {"interface": ["eth0"]}}},
     "fep_firewall_zones.intranet: unknown key(s) interface (known: interfaces, sources, ports)"),
    ({"fep_firewall_zones": {}}, "fep_firewall_zones: no zone lists interfaces or sources: say which network is "
                                 "the hospital intranet and which the extranet"),
    ({"fep_firewall_ssh_port": 8881}, "fep_firewall_ssh_port: 8881 is the front-end port of data_api (fep_ports)"),
    ({"fep_firewall_platform_ports": [8888, 0]}, "fep_firewall_platform_ports[1]: must be a port 1-65535, got 0"),
    ({"fep_firewall_platform_addresses": ["10.8.8.8/33"]},
     "fep_firewall_platform_addresses[0]: '10.8.8.8/33': not an IPv4/IPv6 address or CIDR (e.g. 10.20.0.0/16)"),
    ({"fep_firewall_rollback_timeout": 40},
     "fep_firewall_rollback_timeout: must exceed fep_firewall_confirm_timeout by 30 s at least (the rollback must "
     "not fire while the play is still confirming the connection)"),
    ({"fep_firewall_confirm_timeout": "soon"},
     "fep_firewall_confirm_timeout: must be a positive number of seconds, got 'soon'"),
])
def test_each_mistake_is_named_by_its_variable(overrides, message):
    _, errors = validate(inputs(**overrides))
    assert errors == [message]


def test_interfaces_must_exist_on_the_host():
    _, errors = validate(dict(inputs(), host_interfaces=["lo", "enp125s0f0"]))
    assert errors == ["fep_firewall_zones.extranet.interfaces[0]: no interface enp125s0f1 on this host "
                      "(it has: enp125s0f0, lo)"]


def test_ipv6_networks_are_accepted_and_normalised():
    assert str(parse_network("fd00:10::5")) == "fd00:10::5/128"
    assert str(parse_network(" 10.20.0.0/16 ")) == "10.20.0.0/16"


def test_the_platform_address_is_given_once():
    """fep_national_platform (the audit's probe targets) serves the role when it names no addresses itself."""
    desired, errors = validate(inputs(fep_national_platform=["203.0.113.80:8888", "platform.example.cn:8888",
                                                             "[2001:db8::8]:8888", "198.51.100.7"]))
    assert errors == []
    assert desired["platform_addresses"] == ["203.0.113.80/32", "2001:db8::8/128", "198.51.100.7/32"]
    # the role's own variable wins
    desired, _ = validate(inputs(fep_national_platform=["203.0.113.80:8888"],
                                 fep_firewall_platform_addresses=["10.8.8.0/24"]))
    assert desired["platform_addresses"] == ["10.8.8.0/24"]
