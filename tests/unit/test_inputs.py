# -*- coding: utf-8 -*-
"""Inventory inputs: bad values give one clear message naming the variable."""
import json
import os
import subprocess
import sys

import pytest

from fep.checks.inputs import validate_inputs
from fep.report.hospital import validate_hospital

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_defaults_are_valid():
    inputs, errors = validate_inputs({})
    assert errors == []
    assert inputs["root"] == "/" and inputs["level"] is None and inputs["probes"] == {}


@pytest.mark.parametrize("args,needle", [
    ({"level": 4}, "fep_hospital_level: must be 2 or 3"),
    ({"level": "三级"}, "fep_hospital_level"),
    ({"ports": {"web": 70000}}, "fep_ports.web: port must be 1-65535"),
    ({"ports": {"webui": 8884}}, "fep_ports: unknown service 'webui'"),
    ({"thresholds": {"cpu_cores": -1}}, "fep_thresholds.cpu_cores"),
    ({"thresholds": {"cores": 8}}, "fep_thresholds: unknown threshold 'cores'"),
    ({"declared": {"firewall": 3}}, "fep_declared.firewall: wrong type int"),
    ({"declared": {"antivirus_product": "x"}}, "fep_declared: unknown item"),
    ({"skip": {"cpu.core": "typo"}}, "fep_check_skip: unknown check id 'cpu.core'"),
    ({"skip": {"cpu.cores": ""}}, "fep_check_skip.cpu.cores: a waiver needs a reason"),
    ({"skip": ["cpu.cores"]}, "fep_check_skip: must map a check id to the reason"),
    ({"select": ["hardwares"]}, "fep_checks: 'hardwares' is neither a check id nor a tag"),
    ({"national_platform": ["bad host name!"]}, "fep_national_platform"),
    ({"national_platform": ["203.0.113.8:99999"]}, "out of range"),
    ({"probe_targets": {"extranet": ["a:1"]}}, "fep_probe_targets: unknown network 'extranet'"),
    ({"bandwidth_probe_url": "ftp://x/y"}, "fep_bandwidth_probe_url"),
    ({"security_agents": {"edr": ["x"]}}, "fep_security_agents: unknown category 'edr'"),
    ({"root": "relative/path"}, "fep_root: must be an absolute path"),
    ({"opengauss_data_dir": "data/og"}, "fep_opengauss_data_dir: must be an absolute path"),
    ({"opengauss_data_dir": ["/data"]}, "fep_opengauss_data_dir: must be an absolute path"),
    ({"thresholds": {"opengauss_data_free_gib": "lots"}}, "fep_thresholds.opengauss_data_free_gib"),
    ({"publish_facts": "maybe"}, "fep_audit_facts: must be true or false, got 'maybe'"),
    ({"publish_facts": ["yes"]}, "fep_audit_facts: must be true or false, got ['yes']"),
    ({"publish_facts": {"on": 1}}, "fep_audit_facts: must be true or false, got {'on': 1}"),
])
def test_bad_values_name_the_variable(args, needle):
    _, errors = validate_inputs(args)
    assert any(needle in error for error in errors), errors


class TaggedList(list):
    """What ansible-core 2.19 hands over for a YAML list (_AnsibleTaggedList)."""


class TaggedDict(dict):
    """… and for a YAML mapping (_AnsibleTaggedDict)."""


@pytest.mark.parametrize("args,message", [
    # crashed with "'_AnsibleTaggedList' object has no attribute 'items'"
    ({"ports": TaggedList([8881])}, "fep_ports: must be a mapping (key: value), got list [8881]"),
    ({"thresholds": TaggedList(["cpu_cores"])}, "fep_thresholds: must be a mapping (key: value), got list"),
    ({"declared": TaggedList(["firewall"])}, "fep_declared: must be a mapping (key: value), got list"),
    ({"probe_targets": TaggedList(["a:1"])}, "fep_probe_targets: must be a mapping (key: value), got list"),
    ({"security_agents": "edr"}, "fep_security_agents: must be a mapping (key: value), got str 'edr'"),
    ({"national_platform": TaggedDict(host="x")}, "fep_national_platform: must be a list, got dict"),
    ({"probe_timeout": TaggedList([3])}, "fep_probe_timeout: must be a number, got list [3]"),
    # accepted before, then the checks crashed with "error"
    ({"thresholds": {"cpu_cores": float("nan")}}, "fep_thresholds.cpu_cores: must be a finite non-negative number"),
    ({"thresholds": {"memory_gib": float("inf")}}, "fep_thresholds.memory_gib: must be a finite non-negative number"),
    ({"declared": {"bandwidth_mbps": float("nan")}}, "fep_declared.bandwidth_mbps: must be a finite non-negative"),
    # accepted before
    ({"probe_timeout": -5}, "fep_probe_timeout: must be a number of seconds above 0, got -5.0"),
    ({"probe_timeout": float("inf")}, "fep_probe_timeout: must be a number of seconds above 0"),
    ({"audit_timeout": 0}, "fep_audit_timeout: must be a number of seconds above 0, got 0"),
    ({"audit_timeout": "soon"}, "fep_audit_timeout: must be a number, got str 'soon'"),
])
def test_wrong_types_and_ranges_are_messages_not_crashes(args, message):
    inputs, errors = validate_inputs(args)
    assert message in errors[0] and len(errors) == 1, errors
    assert inputs["ports"] == {} and inputs["thresholds"] == {}  # the defaults, never the bad value


def test_values_ansible_can_convert_are_accepted():
    inputs, errors = validate_inputs({"probe_timeout": "2.5", "audit_timeout": "600", "select": "cpu.cores",
                                      "ports": TaggedDict(web="8881")})
    assert errors == []
    assert (inputs["probes"], inputs["audit_timeout"], inputs["select"], inputs["ports"]) == (
        {}, 600.0, ["cpu.cores"], {"web": 8881})


def test_probe_configuration_is_normalised():
    inputs, errors = validate_inputs({
        "national_platform": "203.0.113.80", "probe_targets": {"gov_extranet": ["[2001:db8::1]:443"]},
        "bandwidth_probe_url": "https://203.0.113.9/10M.bin", "probe_timeout": "2"})
    assert errors == []
    assert inputs["probes"] == {"egress": ["203.0.113.80"], "gov_extranet": ["[2001:db8::1]:443"],
                                "bandwidth_url": "https://203.0.113.9/10M.bin", "timeout": 2.0}


def test_opengauss_data_dir_defaults_to_the_installer_s_and_follows_the_inventory():
    assert validate_inputs({})[0]["opengauss_data_dir"] == "/opt/openGauss/data"
    inputs, errors = validate_inputs({"opengauss_data_dir": "/data/opengauss", "thresholds": {
        "opengauss_data_free_gib": 500}})
    assert errors == []
    assert (inputs["opengauss_data_dir"], inputs["thresholds"]) == ("/data/opengauss", {"opengauss_data_free_gib": 500.0})


@pytest.mark.parametrize("value, expected", [
    (None, False), (True, True), ("yes", True), ("True", True), ("off", False), (0, False)])
def test_publishing_the_facts_is_a_boolean_off_by_default(value, expected):
    inputs, errors = validate_inputs({} if value is None else {"publish_facts": value})
    assert not errors and inputs["publish_facts"] is expected


def test_auto_interpreter_means_discovery():
    assert validate_inputs({"python": "auto_silent"})[0]["python"] is None
    assert validate_inputs({"python": "/usr/bin/python3.7"})[0]["python"] == "/usr/bin/python3.7"


def _inventory_hostvars(inventory):
    exe = os.path.join(os.path.dirname(sys.executable), "ansible-inventory")
    out = subprocess.run([exe, "-i", os.path.join(REPO, inventory), "--list"], capture_output=True,
                         text=True, check=True, cwd=REPO).stdout
    return json.loads(out)["_meta"]["hostvars"]


@pytest.mark.parametrize("inventory", ["inventories/example", "inventories/local/hosts.yml"])
def test_shipped_inventories_are_valid(inventory):
    hostvars = _inventory_hostvars(inventory)
    assert hostvars
    for host, variables in hostvars.items():
        args = {"level": variables.get("fep_hospital_level"), "ports": variables.get("fep_ports"),
                "thresholds": variables.get("fep_thresholds"), "declared": variables.get("fep_declared"),
                "skip": variables.get("fep_check_skip"), "national_platform": variables.get("fep_national_platform"),
                "probe_targets": variables.get("fep_probe_targets"),
                "bandwidth_probe_url": variables.get("fep_bandwidth_probe_url"),
                "security_agents": variables.get("fep_security_agents")}
        _, errors = validate_inputs(args)
        assert errors == [], (host, errors)
        _, errors = validate_hospital(variables.get("fep_hospital"), variables.get("fep_hospital_level"))
        assert errors == [], (host, errors)
