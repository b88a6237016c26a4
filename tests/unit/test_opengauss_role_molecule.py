# -*- coding: utf-8 -*-
"""The role's two molecule scenarios agree with each other and with the lab (no podman needed).

molecule/opengauss (default profile) and molecule/opengauss-legacy (ansible-core
2.16) must run the same playbooks on lab-built containers that present a
profile's hardware, on their own network, never the lab's.
"""
import importlib.util
import ipaddress
import os
import re

import pytest
import yaml

from tests.lab import lab

# molecule/ is not a package (and "molecule" is the tool's own name): load the file
_SPEC = importlib.util.spec_from_file_location("og_lab", str(lab.REPO / "molecule" / "opengauss" / "og_lab.py"))
og_lab = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(og_lab)

SCENARIOS = ("opengauss", "opengauss-legacy")


def scenario(name):
    path = lab.REPO / "molecule" / name / "molecule.yml"
    return yaml.safe_load(path.read_text().replace("${MOLECULE_PROJECT_DIRECTORY}", str(lab.REPO)))


@pytest.fixture(scope="module", params=SCENARIOS)
def molecule(request):
    return request.param, scenario(request.param)


def test_scenarios_differ_only_in_their_server(molecule):
    name, config = molecule
    default = scenario("opengauss")
    assert config["scenario"] == default["scenario"]
    assert config["verifier"] == default["verifier"]
    assert config["ansible"]["env"] == default["ansible"]["env"]
    base = lab.REPO / "molecule" / name
    assert {step: (base / path).resolve() for step, path in config["ansible"]["playbooks"].items()} == {
        "prepare": lab.REPO / "molecule" / "opengauss" / "prepare.yml",
        "converge": lab.REPO / "playbooks" / "opengauss_prereqs.yml",
        "side_effect": lab.REPO / "molecule" / "opengauss" / "side_effect.yml"}


def test_sequence_audits_before_checks_converges_twice_and_verifies(molecule):
    _, config = molecule
    assert config["scenario"]["test_sequence"] == [
        "dependency", "destroy", "syntax", "create", "prepare", "converge", "idempotence",
        "side_effect", "verify", "destroy"]


def test_platform_is_a_lab_container_on_the_scenarios_own_network(molecule):
    _, config = molecule
    (platform,) = config["platforms"]
    hostvars = config["provisioner"]["inventory"]["host_vars"][platform["name"]]
    profile = hostvars["fep_lab_profile"]
    assert platform["name"].startswith(og_lab.NAME_PREFIX)
    assert platform["groups"] == ["opengauss"]
    address = ipaddress.ip_address(hostvars["ansible_host"])
    assert address in ipaddress.ip_network(og_lab.NETWORK[1])
    (network,) = [o for o in platform["extra_opts"] if o.startswith("--network=")]
    nic = lab.PROFILES[profile]["nics"][0][0]
    assert network == "--network=%s:ip=%s,mac=%s,interface_name=%s" % (og_lab.NETWORK[0], address,
                                                                     lab.lab_mac(address), nic)
    assert "--label=%s=molecule" % og_lab.LABEL in platform["extra_opts"]
    # the lab's hardware view, without the profile's os-release (the container is Debian and
    # says so: the role's Debian path installs for real) and without its services
    lab_host = lab.LabHost("x", profile, "10.231.10.200")
    wanted = ["%s:%s:%s" % v for v in lab_host.volumes()
              if v[1] not in ("/etc/os-release",) and v[2] == "ro"]
    assert platform["volumes"] == wanted
    assert platform["command"] == "/sbin/init"
    assert (platform["systemd"], platform["capabilities"], platform["security_opts"], platform["image"]) == \
        ("always", ["NET_ADMIN"], ["unmask=/sys/firmware"], lab.LAB_IMAGE)
    assert "--profile %s" % profile in config["dependency"]["command"]


def test_scenarios_use_distinct_servers_and_x86_and_arm_profiles():
    platforms = [scenario(name)["platforms"][0] for name in SCENARIOS]
    hostvars = [scenario(name)["provisioner"]["inventory"]["host_vars"][p["name"]]
                for name, p in zip(SCENARIOS, platforms)]
    assert len({p["name"] for p in platforms}) == len({h["ansible_host"] for h in hostvars}) == 2
    arches = {lab.PROFILES[h["fep_lab_profile"]]["cpu"].split("_")[0] for h in hostvars}
    assert arches == {"kunpeng920", "hygon"}


def test_make_runs_one_scenario_per_profile():
    with open(os.path.join(str(lab.REPO), "mk", "opengauss.mk"), encoding="utf-8") as handle:
        text = handle.read()
    assert re.search(r"^\t.*\$\(BIN\)/molecule test -s opengauss$", text, re.M)
    assert re.search(r"^\t.*PATH=\$\(CURDIR\)/\$\(LEGACY_BIN\):\$\$PATH \$\(LEGACY_BIN\)/molecule test "
                     r"-s opengauss-legacy$", text, re.M)
    assert "EXTRA_TESTS += opengauss-test" in text


@pytest.mark.parametrize("name,address", [("og-x", "10.231.10.11"), ("lab-host", "10.233.10.11")])
def test_og_lab_refuses_names_and_addresses_that_are_not_its_own(name, address):
    with pytest.raises(lab.LabError, match=r"start with og-|outside fepkit-og-intranet"):
        og_lab.Host(name, "kunpeng-kylin-l3", address)
