# -*- coding: utf-8 -*-
"""nftables backend: the hospital's accepts of managed ports are never silently overridden.

The hospital chains below are written as ``nft list ruleset`` prints them
(nftables 1.0.6, Debian 12; older versions print port names such as ``ssh``
and counters as ``counter packets N bytes N``). The zone map is the one of
tests/unit/test_firewall_nftables.py: intranet on interface enp1s0f0, extranet
from 10.232.12.0/24, SSH from 10.232.11.1/32.
"""
import os
import shutil
import subprocess

import pytest

from fep.firewall import nft_accepts, nftables
from tests.builders.firewall import firewall_inputs


def desired():
    return firewall_inputs({"intranet": {"interfaces": ["enp1s0f0"]}, "extranet": {"sources": ["10.232.12.0/24"]}},
                           fep_ports={"web": 18884})


def hospital(*rules, family="inet", policy="accept"):
    body = "".join("\t\t%s\n" % rule for rule in rules)
    return ("table %s filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy %s;\n%s\t}\n}\n"
            % (family, policy, body))


def accepts(ruleset, override=False):
    return nft_accepts.hospital_accepts(ruleset, *desired(), override)


@pytest.mark.parametrize("rule,family,kept", [
    # SSH from everywhere: fepkit would keep only the admin network
    ("tcp dport 22 accept", "inet", "tcp dport 22 accept"),
    # the database from one extranet address: fepkit keeps 5432 closed on the extranet
    ("ip saddr 10.232.12.7 tcp dport 5432 accept", "inet", "ip saddr 10.232.12.7 tcp dport 5432 accept"),
    # an ip6 table's rule keeps its family inside fepkit's inet table
    ("tcp dport { 22, 8080 } accept", "ip6", "meta nfproto ipv6 tcp dport { 22, 8080 } accept"),
    # older nft: service names and counters (reset in the copy)
    ("tcp dport ssh counter packets 3 bytes 180 accept", "ip", "meta nfproto ipv4 tcp dport ssh counter accept"),
    ("iifname \"enp1s0f0\" tcp dport 8882-8883 accept", "inet", "iifname \"enp1s0f0\" tcp dport 8882-8883 accept"),
    # everything from a network that includes the extranet
    ("ip saddr 10.0.0.0/8 accept", "inet", "ip saddr 10.0.0.0/8 accept"),
])
def test_an_accept_fepkit_would_drop_is_copied_and_reported(rule, family, kept):
    result = accepts(hospital(rule, family=family))
    assert result["kept"] == [kept]
    assert result["blocked"] == []
    assert len(result["warnings"]) == 1
    assert result["warnings"][0].startswith("table %s filter chain input accepts `%s`, which fepkit's table would "
                                            "drop on the managed networks (port " % (family, rule))
    assert "copied into table inet fepkit so that it keeps working" in result["warnings"][0]


@pytest.mark.parametrize("rule", [
    "ip saddr 10.232.11.1 tcp dport 22 accept",     # the admin network: fepkit accepts it too
    "iifname \"enp1s0f0\" tcp dport 5432 accept",   # the intranet's own port on the intranet
    "ip saddr 10.232.12.0/24 tcp dport 8882 accept",
    "tcp dport 9100 accept",                        # not a managed port
    "udp dport 53 accept",                          # not TCP
    "ct state established,related accept",
    "iifname \"lo\" accept",
    # an interface and a network fepkit does not manage (the extranet is a source network: its drops
    # apply on every interface, so the address matters too)
    "iifname \"enp9s0\" ip saddr 192.168.5.0/24 tcp dport 22 accept",
    "tcp dport 22 drop",
])
def test_accepts_fepkit_does_not_drop_are_left_alone(rule):
    assert accepts(hospital(rule)) == {"kept": [], "warnings": [], "blocked": []}


def test_the_exact_warning_for_ssh_from_everywhere():
    assert accepts(hospital("tcp dport 22 accept"))["warnings"] == [
        "table inet filter chain input accepts `tcp dport 22 accept`, which fepkit's table would drop on the "
        "managed networks (port 22): copied into table inet fepkit so that it keeps working (set "
        "fep_firewall_nft_override_hospital_accepts: true to let the zone map win)"]


def test_the_inventory_may_let_the_zone_map_win():
    result = accepts(hospital("tcp dport 22 accept", "ip saddr @ops tcp dport 5432 accept"), override=True)
    assert result["kept"] == [] and result["blocked"] == []
    assert [w.split(": ")[-1] for w in result["warnings"]] == [
        "overridden, as fep_firewall_nft_override_hospital_accepts says"] * 2


def test_an_accept_that_cannot_be_copied_stops_the_role():
    result = accepts(hospital("ip saddr @ops tcp dport 5432 accept"))
    assert result["kept"] == []
    assert result["blocked"] == [
        "table inet filter chain input accepts `ip saddr @ops tcp dport 5432 accept`, which fepkit's table would "
        "drop on the managed networks (port 5432) and cannot be copied into it: it names a set or map of its own "
        "table, which fepkit's table cannot see. Add the rule to fepkit's zone map (fep_firewall_zones, "
        "fep_firewall_admin_sources) or set fep_firewall_nft_override_hospital_accepts: true"]


def test_fepkit_s_own_table_is_not_the_hospital_s():
    fepkit = "table inet fepkit {\n\tchain input {\n\t\ttype filter hook input priority -10; policy accept;\n" \
             "\t\ttcp dport 22 accept\n\t}\n}\n"
    assert accepts(fepkit)["kept"] == []


def test_kept_rules_go_ahead_of_fepkit_s_drops():
    text = nftables.table(*desired(), ["tcp dport 22 accept"])
    lines = [line.strip() for line in text.splitlines()]
    kept = lines.index("tcp dport 22 accept")
    assert lines[kept - 1].startswith("# the hospital's own accepts of managed ports, kept")
    assert kept < min(i for i, line in enumerate(lines) if line.endswith(" drop"))


@pytest.mark.skipif(shutil.which("nft") is None or os.geteuid() != 0, reason="nft -c needs nft and root")
def test_a_table_with_copied_rules_is_valid_nft(tmp_path):
    result = accepts(hospital("tcp dport ssh counter packets 3 bytes 180 accept",
                              "ip saddr 10.232.12.7 tcp dport 5432 accept", family="ip"))
    path = tmp_path / "fepkit.nft"
    path.write_text("table inet fepkit\ndelete table inet fepkit\n"
                    + nftables.table(*desired(), result["kept"]))
    proc = subprocess.run(["nft", "-c", "-f", str(path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stdout
