# -*- coding: utf-8 -*-
"""The lab's definitions agree with each other, before any container runs.

The lab inventory, the profiles, the podman commands tests/lab/lab.py builds
and the molecule scenario's platforms describe the same servers in four
places; these tests keep them in step (no podman needed).
"""
import ipaddress
import re
import shlex
from pathlib import Path

import pytest
import yaml

from fep.checks.network import PORT_CHECKS
from fep.checks.sheet import DEFAULT_FRONTEND_PROCESSES
from tests.builders.profiles import PROFILES
from tests.lab import lab
from tests.testinfra.listeners import parse_ss_listeners

MOLECULE = lab.REPO / "molecule" / "audit" / "molecule.yml"
NATIONAL_PORTS = {nominal for _check, _service, nominal, *_rest in PORT_CHECKS}


@pytest.fixture(scope="module")
def hostvars():
    return lab.inventory_hostvars(lab.DEFAULT_INVENTORY)


@pytest.fixture(scope="module")
def molecule():
    text = MOLECULE.read_text().replace("${MOLECULE_PROJECT_DIRECTORY}", str(lab.REPO))
    return yaml.safe_load(text)


# -- the lab inventory --------------------------------------------------------

def test_every_profile_is_one_lab_hospital(hostvars):
    assert sorted(hv["fep_lab_profile"] for hv in hostvars.values()) == sorted(PROFILES)


def test_hospital_level_is_the_profile_s(hostvars):
    assert {name: hv["fep_hospital_level"] for name, hv in hostvars.items()} == \
        {name: PROFILES[hv["fep_lab_profile"]]["level"] for name, hv in hostvars.items()}


def test_addresses_are_distinct_and_inside_the_lab_intranet(hostvars):
    addresses = [ipaddress.ip_address(hv["ansible_host"]) for hv in hostvars.values()]
    assert len(set(addresses)) == len(addresses)
    assert all(a in ipaddress.ip_network(lab.NETWORKS[0][1]) for a in addresses)


def hospital_problems(hospital):
    problems = []
    if hospital.get("ownership") not in ("公立", "民营"):
        problems.append("ownership")
    if set(hospital.get("division", {})) != {"province", "city", "county"}:
        problems.append("division")
    if not re.fullmatch(r"1380000\d{4}", hospital.get("contact", {}).get("mobile", "")):
        problems.append("contact.mobile is not an obviously fake 1380000xxxx")
    volumes = hospital.get("volumes", {})
    if not volumes.get("outpatient_2023", 0) > volumes.get("outpatient_peak_month_2023", 0) > 0:
        problems.append("volumes")
    return problems


def test_hospital_metadata_is_complete_and_fictitious(hostvars):
    assert {name: hospital_problems(hv["fep_hospital"]) for name, hv in hostvars.items()} == \
        {name: [] for name in hostvars}


def test_expected_firewalld_state_is_the_profile_s(hostvars):
    runs = {name: any(p == "firewalld" for p, _ in PROFILES[hv["fep_lab_profile"]]["processes"])
            for name, hv in hostvars.items()}
    assert {name: hv["fep_expected_state"]["firewalld"] for name, hv in hostvars.items()} == \
        {name: "running" if running else "stopped" for name, running in runs.items()}


def test_expected_port_owners_are_the_profile_s_non_frontend_holders(hostvars):
    def holders(profile):
        return {str(port): process for process, ports in PROFILES[profile]["processes"] for port in ports
                if port in NATIONAL_PORTS and process not in DEFAULT_FRONTEND_PROCESSES}
    assert {name: {str(k): v for k, v in hv["fep_expected_state"]["port_owners"].items()}
            for name, hv in hostvars.items()} == \
        {name: holders(hv["fep_lab_profile"]) for name, hv in hostvars.items()}


# -- what a container is given ------------------------------------------------

def test_profile_processes_become_units_on_the_init_command_line():
    host = lab.LabHost("qc-renmin-fep", "kunpeng-kylin-l3", "10.231.10.11")
    assert host.command() == ["/sbin/init", "systemd.wants=firewalld.service", "systemd.wants=chrony.service",
                              "systemd.wants=fepkit-standin@gaussdb:5432.service",
                              "systemd.wants=fepkit-standin@qaxsafed.service"]


def test_nics_become_named_interfaces_on_both_networks():
    host = lab.LabHost("qc-renmin-fep", "kunpeng-kylin-l3", "10.231.10.11")
    assert [(nic, net, str(addr), lab.lab_mac(addr)) for nic, net, addr in host.nics] == [
        ("enp125s0f0", "fepkit-lab-intranet", "10.231.10.11", "02:fb:0a:e7:0a:0b"),
        ("enp125s0f1", "fepkit-lab-extranet", "10.231.20.11", "02:fb:0a:e7:14:0b")]
    one_nic = lab.LabHost("lj-renmin-fep", "hygon-uos-l2-short", "10.231.10.13")
    assert [nic for nic, _, _ in one_nic.nics] == ["enp33s0f0"]


def test_hardware_is_mounted_read_only_and_the_backup_share_is_a_real_volume():
    host = lab.LabHost("qc-renmin-fep", "kunpeng-kylin-l3", "10.231.10.11")
    targets = {target: options for _source, target, options in host.volumes()}
    assert {t for t, o in targets.items() if o == "ro"} >= {
        "/proc/cpuinfo", "/proc/meminfo", "/etc/os-release", "/sys/devices", "/sys/block",
        "/sys/class/net", "/sys/bus/pci/devices", "/sys/firmware"}
    assert targets["/backup"] == "rw"


@pytest.mark.parametrize("address", ["10.231.20.11", "192.0.2.10"])
def test_a_host_outside_the_lab_intranet_is_refused(address):
    with pytest.raises(lab.LabError, match="outside the lab intranet"):
        lab.LabHost("stray", "intel-centos", address)


# -- molecule's platforms mirror the lab's containers -------------------------

@pytest.mark.parametrize("index", [0, 1])
def test_molecule_platform_is_a_lab_container(molecule, index):
    platform = molecule["platforms"][index]
    hv = molecule["provisioner"]["inventory"]["host_vars"][platform["name"]]
    host = lab.LabHost(platform["name"], hv["fep_lab_profile"], hv["ansible_host"], kind="molecule")
    args = host.run_args()
    networks = ["--network=" + args[i + 1] for i, arg in enumerate(args) if arg == "--network"]
    labels = ["--label=" + args[i + 1] for i, arg in enumerate(args) if arg == "--label"]
    assert platform["extra_opts"] == networks + labels
    assert platform["volumes"] == ["%s:%s:%s" % volume for volume in host.volumes()]
    assert shlex.split(platform["command"]) == host.command()
    assert (platform["systemd"], platform["capabilities"], platform["security_opts"], platform["image"]) == \
        ("always", ["NET_ADMIN"], ["unmask=/sys/firmware"], lab.LAB_IMAGE)
    assert hv["fep_hospital_level"] == PROFILES[hv["fep_lab_profile"]]["level"]


def test_molecule_converges_with_the_audit_playbook(molecule):
    scenario_dir = MOLECULE.parent
    assert (scenario_dir / molecule["ansible"]["playbooks"]["converge"]).resolve() == \
        lab.REPO / "playbooks" / "audit.yml"
    assert Path(molecule["ansible"]["env"]["ANSIBLE_CONFIG"]) == lab.REPO / "ansible.cfg"


# -- the testinfra suites' ss parser ------------------------------------------

def test_ss_listeners_name_owners_and_keep_hidden_ones():
    text = ('LISTEN 0      5            0.0.0.0:8884      0.0.0.0:*    users:(("nginx",pid=29,fd=3))\n'
            'LISTEN 0      128          0.0.0.0:22        0.0.0.0:*    users:(("sshd",pid=57,fd=3))\n'
            'LISTEN 0      128             [::]:22           [::]:*    users:(("sshd",pid=57,fd=4))\n'
            'LISTEN 0      244        127.0.0.1:5432      0.0.0.0:*\n')
    assert parse_ss_listeners(text) == {8884: {"nginx"}, 22: {"sshd"}, 5432: set()}
