# -*- coding: utf-8 -*-
"""firewalld planning of fep_firewall, from the role's probe output captured on real firewalld 1.3.

``firewalld-hospital.txt``: the molecule server as the hospital left it (public
zone with ssh, postgresql, 8882/tcp and a rich rule for node_exporter; a zone
``hospital-his``; an egress policy ``hospital-egress`` rejecting HOST traffic).
``firewalld-fepkit.txt``: the same server after the role.
"""
import copy
from pathlib import Path

import pytest

from fep.firewall import firewalld, firewalld_listing, firewalld_spans
from fep.firewall.inputs import managed_ports, validate

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "firewall"
ADMIN = 'rule family="ipv4" source address="10.232.11.1/32" port port="22" protocol="tcp" accept'
NODE_EXPORTER = 'rule family="ipv4" source address="10.232.11.20/32" port port="9100" protocol="tcp" accept'


def state(name):
    return firewalld.read_state((FIXTURES / ("firewalld-%s.txt" % name)).read_text())


def desired(**overrides):
    raw = {
        "fep_ports": {},
        "fep_firewall_zones": {"intranet": {"interfaces": ["enp125s0f0"]}, "extranet": {"interfaces": ["enp125s0f1"]}},
        "fep_firewall_zone_ports": {"intranet": ["data_api", "database", "web"],
                                    "extranet": ["config_update", "monitoring", "web"]},
        "fep_firewall_admin_sources": ["10.232.11.1/32"],
        "fep_firewall_ssh_port": 22,
        "fep_firewall_platform_addresses": ["10.232.12.20"],
        "fep_firewall_platform_ports": [443, 8888],
        "fep_firewall_rollback_timeout": 180,
        "fep_firewall_confirm_timeout": 30,
    }
    raw.update(overrides)
    wanted, errors = validate(raw)
    assert errors == []
    return wanted


def plan(current, wanted):
    return firewalld.plan(current, wanted, managed_ports(wanted))


def ops(result):
    return [(o["zone"], "+" if o["state"] == "enabled" else "-", o["field"] if o["param"] == "command" else o["param"],
             o["value"]) for o in result["ops"]]


# -- reading ---------------------------------------------------------------------

def test_probe_output_is_read_into_zones_policies_and_services():
    current = state("hospital")
    assert (current["state"], current["version"], current["default_zone"]) == ("running", "1.3.3", "public")
    assert current["permanent"]["public"] == {
        "flags": [], "target": "default", "icmp-block-inversion": "no", "interfaces": [], "sources": [],
        "services": ["dhcpv6-client", "postgresql", "ssh"], "ports": ["8882/tcp"], "protocols": [],
        "forward": "yes", "masquerade": "no", "forward-ports": [], "source-ports": [], "icmp-blocks": [],
        "rich rules": [NODE_EXPORTER]}
    assert current["runtime"]["hospital-his"]["flags"] == ["active"]
    assert current["policies"]["hospital-egress"]["target"] == "REJECT"
    assert current["policies"]["hospital-egress"]["ingress-zones"] == ["HOST"]
    assert current["services"]["postgresql"]["ports"] == ["5432/tcp"]


def test_forward_ports_on_continuation_lines_are_read():
    listing = "work (active)\n  target: default\n  forward-ports: \n\tport=2222:proto=tcp:toport=22:toaddr=\n" \
              "  source-ports: 1234/udp\n  rich rules: \n\trule family=\"ipv4\" source address=\"10.9.0.0/16\" accept\n"
    zone = firewalld_listing.parse_listing(listing)["work"]
    assert zone["forward-ports"] == ["port=2222:proto=tcp:toport=22:toaddr="]
    assert zone["source-ports"] == ["1234/udp"]
    assert zone["rich rules"] == ['rule family="ipv4" source address="10.9.0.0/16" accept']


# -- the first run on the hospital's firewalld -------------------------------------

def test_first_run_creates_the_zones_carries_the_hospital_s_rules_and_guards_the_ports():
    result = plan(state("hospital"), desired())
    assert result["create_zones"] == ["fep-intranet", "fep-extranet"]
    assert result["reload"] and result["changed"] and result["blocked"] == []
    assert ops(result) == [
        ("fep-intranet", "+", "service", "dhcpv6-client"),
        ("fep-intranet", "+", "service", "postgresql"),
        ("fep-intranet", "+", "rich_rule", NODE_EXPORTER),
        ("fep-intranet", "+", "forward", "yes"),  # public forwards; a new zone does not
        ("fep-intranet", "+", "port", "5432/tcp"),
        ("fep-intranet", "+", "port", "8881/tcp"),
        ("fep-intranet", "+", "port", "8884/tcp"),
        ("fep-intranet", "+", "rich_rule", ADMIN),
        ("fep-intranet", "+", "interface", "enp125s0f0"),
        ("fep-extranet", "+", "service", "dhcpv6-client"),
        ("fep-extranet", "+", "port", "8882/tcp"),
        ("fep-extranet", "+", "rich_rule", NODE_EXPORTER),
        ("fep-extranet", "+", "forward", "yes"),
        ("fep-extranet", "+", "port", "8883/tcp"),
        ("fep-extranet", "+", "port", "8884/tcp"),
        ("fep-extranet", "+", "rich_rule", ADMIN),
        ("fep-extranet", "+", "interface", "enp125s0f1"),
    ]
    assert result["warnings"] == [
        "fep-intranet: not carried over from public: service ssh (would open 22, which the zone map keeps closed "
        "on this network)",
        "fep-intranet: not carried over from public: port 8882/tcp (would open 8882, which the zone map keeps "
        "closed on this network)",
        "fep-extranet: not carried over from public: service postgresql (would open 5432, which the zone map keeps "
        "closed on this network)",
        "fep-extranet: not carried over from public: service ssh (would open 22, which the zone map keeps closed on "
        "this network)",
    ]


def test_egress_policy_of_the_hospital_gets_a_platform_policy_ahead_of_it():
    result = plan(state("hospital"), desired())
    base = ["--permanent", "--policy=fep-platform"]
    assert result["policy_commands"] == [
        ["--permanent", "--new-policy=fep-platform"],
        base + ["--add-ingress-zone=HOST"],
        base + ["--add-egress-zone=ANY"],
        base + ["--set-priority=-2"],  # hospital-egress has -1: lower runs first
        base + ['--add-rich-rule=rule family="ipv4" destination address="10.232.12.20/32" port port="443" '
                'protocol="tcp" accept'],
        base + ['--add-rich-rule=rule family="ipv4" destination address="10.232.12.20/32" port port="8888" '
                'protocol="tcp" accept'],
    ]


def test_egress_filter_without_platform_addresses_is_a_warning():
    result = plan(state("hospital"), desired(fep_firewall_platform_addresses=[]))
    assert result["policy_commands"] == []
    assert result["warnings"][-1] == (
        "egress: policy hospital-egress filters outbound traffic and fep_firewall_platform_addresses is empty: "
        "HTTPS/8888 to the national platform stays blocked")


def test_unfiltered_egress_needs_no_platform_policy():
    current = state("hospital")
    del current["policies"]["hospital-egress"]
    result = plan(current, desired())
    assert result["policy_commands"] == []
    assert result["notes"] == ["egress: no firewalld policy filters outbound traffic: nothing to open for the platform"]


def test_diff_shows_each_touched_zone_before_and_after():
    current = state("hospital")
    diff = firewalld.diff(current, plan(current, desired()))
    assert diff["before"].startswith("fep-extranet: (no such zone)\nfep-intranet: (no such zone)\n")
    assert "fep-intranet\n  description: fepkit front-end ports: 5432/tcp 8881/tcp 8884/tcp\n" \
           "  target: default\n  interfaces: enp125s0f0\n  sources: \n" \
           "  services: dhcpv6-client postgresql\n  ports: 5432/tcp 8881/tcp 8884/tcp\n" in diff["after"]
    assert "\t" + ADMIN + "\n" in diff["after"]
    assert "  firewall-cmd --permanent --new-policy=fep-platform\n" in diff["after"]


# -- later runs ------------------------------------------------------------------

def test_second_run_changes_nothing():
    result = plan(state("fepkit"), desired())
    assert (result["changed"], result["ops"], result["create_zones"], result["policy_commands"], result["warnings"]) \
        == (False, [], [], [], [])


def test_alternative_port_moves_in_both_zones():
    result = plan(state("fepkit"), desired(fep_ports={"web": 18884}))
    assert ops(result) == [
        ("fep-intranet", "+", "port", "18884/tcp"),
        ("fep-intranet", "-", "port", "8884/tcp"),
        ("fep-extranet", "+", "port", "18884/tcp"),
        ("fep-extranet", "-", "port", "8884/tcp"),
    ]
    assert result["zone_commands"] == [
        ["--permanent", "--zone=fep-intranet", "--set-description=fepkit front-end ports: 5432/tcp 8881/tcp 18884/tcp"],
        ["--permanent", "--zone=fep-extranet", "--set-description=fepkit front-end ports: 8882/tcp 8883/tcp 18884/tcp"],
    ]
    assert not result["reload"]


def test_without_fepkit_s_record_no_front_end_port_is_taken_for_fepkit_s():
    current = state("fepkit")
    current["records"]["fep-intranet"] = "the hospital's own description"
    result = plan(current, desired(fep_ports={"web": 18884}))
    assert ("fep-intranet", "-", "port", "8884/tcp") not in ops(result)
    assert ("fep-extranet", "-", "port", "8884/tcp") in ops(result)


def test_a_new_admin_network_adds_one_rule_per_zone():
    result = plan(state("fepkit"), desired(fep_firewall_admin_sources=["10.232.11.1/32", "fd00:1::/64"]))
    rule = 'rule family="ipv6" source address="fd00:1::/64" port port="22" protocol="tcp" accept'
    assert ops(result) == [("fep-intranet", "+", "rich_rule", rule), ("fep-extranet", "+", "rich_rule", rule)]


def test_a_managed_port_opened_by_hand_in_a_fepkit_zone_is_closed_again():
    current = state("fepkit")
    current["permanent"]["fep-extranet"]["ports"].append("8881/tcp")
    current["permanent"]["fep-extranet"]["services"].append("ssh")
    current["permanent"]["fep-extranet"]["rich rules"].append('rule family="ipv4" port port="5432" protocol="tcp" accept')
    assert ops(plan(current, desired())) == [
        ("fep-extranet", "-", "service", "ssh"),
        ("fep-extranet", "-", "port", "8881/tcp"),
        ("fep-extranet", "-", "rich_rule", 'rule family="ipv4" port port="5432" protocol="tcp" accept'),
    ]


def test_source_restricted_hospital_rules_on_managed_ports_are_kept():
    current = state("hospital")
    jump = 'rule family="ipv4" source address="10.3.3.3/32" service name="ssh" accept'
    current["permanent"]["public"]["rich rules"].append(jump)
    assert ("fep-extranet", "+", "rich_rule", jump) in ops(plan(current, desired()))


def test_a_source_moves_out_of_the_hospital_zone_that_held_it():
    result = plan(state("hospital"), desired(fep_firewall_zones={"intranet": {"sources": ["10.232.99.0/24"]}}))
    moves = [o for o in ops(result) if o[2] == "source"]
    assert moves == [("hospital-his", "-", "source", "10.232.99.0/24"),
                     ("fep-intranet", "+", "source", "10.232.99.0/24")]
    # what hospital-his allowed is carried over (7000/tcp), nothing from public
    assert ("fep-intranet", "+", "port", "7000/tcp") in ops(result)
    assert ("fep-intranet", "+", "service", "postgresql") not in ops(result)


def test_networkmanager_binding_is_warned_about():
    current = state("hospital")
    current["runtime"]["internal"]["interfaces"] = ["enp125s0f0"]
    result = plan(current, desired())
    assert result["warnings"][0].startswith("fep-intranet: interface enp125s0f0 is in zone internal at runtime only")
    # the zone that really handled the interface is the one carried over
    assert ("fep-intranet", "+", "service", "samba-client") in ops(result)


def test_runtime_only_changes_block_the_reload_that_would_lose_them():
    current = state("hospital")
    current["runtime"]["public"] = copy.deepcopy(current["runtime"]["public"])
    current["runtime"]["public"]["ports"].append("9999/tcp")
    result = plan(current, desired())
    assert result["blocked"] == [
        "firewalld has runtime-only changes (zone public) that the reload needed to create fep-intranet, "
        "fep-extranet, fep-platform would discard: make them permanent (firewall-cmd --runtime-to-permanent) or "
        "drop them (firewall-cmd --reload), then run the role again"]


def test_runtime_only_changes_do_not_block_changes_without_reload():
    current = state("fepkit")
    current["runtime"]["public"]["ports"].append("9999/tcp")
    result = plan(current, desired(fep_ports={"web": 18884}))
    assert result["blocked"] == [] and not result["reload"]


@pytest.mark.parametrize("rule,reach", [
    ('rule family="ipv4" source address="10.0.0.1" accept', (True, None)),
    ('rule family="ipv4" port port="8000-9000" protocol="tcp" accept', (False, [(8000, 9000, "tcp")])),
    ('rule family="ipv4" service name="ssh" log prefix="ssh" accept', (False, [(22, 22, "tcp")])),
    ('rule family="ipv4" source address="10.0.0.1" port port="22" protocol="tcp" reject', None),
    ('rule family="ipv6" icmp-type name="neighbour-solicitation" accept', (False, [])),
])
def test_rich_rule_reach(rule, reach):
    services = {"ssh": {"ports": ["22/tcp"]}}
    assert firewalld_spans.rich_rule_reach(rule, services) == reach


def test_runtime_only_settings_are_recorded_for_the_rollback_to_replay():
    # the hospital opened 9999/tcp and a rich rule at runtime only, closed dhcpv6-client at runtime
    # only, and NetworkManager bound enp125s0f0 to internal: a rollback's reload would lose all four
    current = state("fepkit")
    current["runtime"]["public"] = copy.deepcopy(current["permanent"]["public"])
    current["runtime"]["public"]["ports"].append("9999/tcp")
    current["runtime"]["public"]["rich rules"].append("rule family=\"ipv4\" source address=\"10.9.9.9\" "
                                                      "service name=\"http\" accept")
    current["runtime"]["public"]["services"].remove("dhcpv6-client")
    current["runtime"]["internal"]["interfaces"] = ["enp125s0f0"]
    assert firewalld.runtime_replay(current) == [
        "'--zone=internal' '--change-interface=enp125s0f0'",
        "'--zone=public' '--remove-service=dhcpv6-client'",
        "'--zone=public' '--add-port=9999/tcp'",
        "'--zone=public' '--add-rich-rule=rule family=\"ipv4\" source address=\"10.9.9.9\" service name=\"http\" "
        "accept'",
    ]
    assert firewalld.runtime_replay(state("fepkit")) == []
