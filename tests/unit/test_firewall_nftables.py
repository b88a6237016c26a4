# -*- coding: utf-8 -*-
"""fep_firewall's nftables table, and what the hospital's own tables mean for it.

Fixtures are ``nft list ruleset`` of the molecule servers: ``nft-hospital-fepkit.txt``
(the hospital's ``inet hospital`` table beside fepkit's, as nft lists it back)
and ``nft-firewalld.txt`` (a host whose firewalld runs).
"""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fep.firewall import nftables
from fep.firewall.inputs import managed_ports, validate
from fep.host_firewall import nft_filters_input

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "firewall"


def ruleset(name):
    return (FIXTURES / ("nft-%s.txt" % name)).read_text()


def desired(**overrides):
    raw = {
        "fep_ports": {"web": 18884},
        "fep_firewall_zones": {"intranet": {"interfaces": ["enp1s0f0"]}, "extranet": {"sources": ["10.232.12.0/24"]}},
        "fep_firewall_zone_ports": {"intranet": ["data_api", "database", "web"],
                                    "extranet": ["config_update", "monitoring", "web"]},
        "fep_firewall_admin_sources": ["10.232.11.1/32"],
        "fep_firewall_ssh_port": 22,
        "fep_firewall_platform_addresses": ["10.232.12.21"],
        "fep_firewall_platform_ports": [443, 8888],
        "fep_firewall_rollback_timeout": 180,
        "fep_firewall_confirm_timeout": 30,
    }
    raw.update(overrides)
    wanted, errors = validate(raw)
    assert errors == []
    return wanted


EXPECTED_TABLE = """table inet fepkit {
\tchain input {
\t\ttype filter hook input priority -10; policy accept;
\t\tiifname "lo" accept
\t\tct state established,related accept
\t\t# SSH from the admin networks (fep_firewall_admin_sources)
\t\tip saddr { 10.232.11.1/32 } tcp dport 22 accept
\t\t# intranet: data_api 8881, database 5432, web 18884
\t\tiifname { "enp1s0f0" } tcp dport { 5432, 8881, 18884 } accept
\t\t# extranet: config_update 8882, monitoring 8883, web 18884
\t\tip saddr { 10.232.12.0/24 } tcp dport { 8882, 8883, 18884 } accept
\t\t# the managed ports on the managed networks: closed to everyone else
\t\tiifname { "enp1s0f0" } tcp dport { 22, 5432, 8881, 8882, 8883, 18884 } drop
\t\tip saddr { 10.232.12.0/24 } tcp dport { 22, 5432, 8881, 8882, 8883, 18884 } drop
\t}
}
"""


def test_table_guards_the_managed_ports_per_zone():
    wanted = desired()
    assert nftables.table(wanted, managed_ports(wanted)) == EXPECTED_TABLE


def test_ipv6_networks_get_ip6_rules():
    wanted = desired(fep_firewall_admin_sources=["10.232.11.1/32", "fd00:1::/64"],
                     fep_firewall_zones={"extranet": {"sources": ["10.232.12.0/24", "fd00:12::/64"]}})
    text = nftables.table(wanted, managed_ports(wanted))
    assert "\t\tip6 saddr { fd00:1::/64 } tcp dport 22 accept\n" in text
    assert "\t\tip6 saddr { fd00:12::/64 } tcp dport { 8882, 8883, 18884 } accept\n" in text
    assert "\t\tip6 saddr { fd00:12::/64 } tcp dport { 22, 5432, 8881, 8882, 8883, 18884 } drop\n" in text


@pytest.mark.skipif(shutil.which("nft") is None or os.geteuid() != 0, reason="nft -c needs nft and root")
def test_table_is_valid_nft_syntax_and_replaces_only_itself(tmp_path):
    wanted = desired()
    path = tmp_path / "fepkit.nft"
    # the role's template: create, delete and re-create the one table in one transaction
    path.write_text("table inet fepkit\ndelete table inet fepkit\n" + nftables.table(wanted, managed_ports(wanted)))
    proc = subprocess.run(["nft", "-c", "-f", str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stdout


def test_base_chains_of_a_hospital_table_beside_fepkit_s():
    chains = nftables.base_chains(ruleset("hospital-fepkit"))
    assert [(c["family"], c["table"], c["chain"], c["type"], c["hook"], c["priority"], c["policy"]) for c in chains] == [
        ("inet", "hospital", "input", "filter", "input", "filter", "accept"),
        ("inet", "fepkit", "input", "filter", "input", "filter - 10", "accept"),
    ]
    assert chains[0]["rules"] == ["tcp dport 9100 ip saddr != 10.232.11.21 drop"]


def test_the_audit_sees_fepkit_s_table_as_inbound_filtering():
    # security.firewall judges nftables by its input hook; fepkit's table alone must count
    fepkit_only = ruleset("hospital-fepkit").split("table inet fepkit")[1]
    assert nft_filters_input("table inet fepkit" + fepkit_only)


def test_a_hospital_table_that_only_drops_some_traffic_needs_nothing():
    assert nftables.warnings(ruleset("hospital-fepkit"), desired()) == []


def test_a_hospital_input_chain_that_drops_by_default_is_explained():
    hospital = ("table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n"
                "\t\tct state established,related accept\n\t\ttcp dport 22 accept\n\t}\n}\n")
    assert nftables.warnings(hospital, desired()) == [
        "table inet filter chain input drops inbound traffic by default, and nftables lets no table override "
        "another's drop: that chain must accept the front-end ports itself, e.g. "
        'iifname { "enp1s0f0" } tcp dport { 5432, 8881, 18884 } accept; '
        "ip saddr { 10.232.12.0/24 } tcp dport { 8882, 8883, 18884 } accept"]


def test_a_hospital_egress_filter_gets_the_rule_to_add():
    hospital = ("table ip egress {\n\tchain out {\n\t\ttype filter hook output priority 0; policy drop;\n"
                "\t\tct state established,related accept\n\t}\n}\n")
    assert nftables.warnings(hospital, desired()) == [
        "table ip egress chain out filters outbound traffic: fepkit cannot open the national platform from its "
        "own table; add to that chain: ip daddr { 10.232.12.21/32 } tcp dport { 443, 8888 } accept"]


def test_a_stale_firewalld_table_is_reported():
    assert nftables.warnings(ruleset("firewalld"), desired(fep_firewall_platform_addresses=[]))[-1] == (
        "table inet firewalld exists but firewalld is not running: a stale table of a stopped firewalld "
        "(CleanupOnExit=no) still filters")
    assert [(c["table"], c["chain"]) for c in nftables.foreign_filter_chains(ruleset("firewalld"), "input")] == [
        ("firewalld", "filter_INPUT")]
