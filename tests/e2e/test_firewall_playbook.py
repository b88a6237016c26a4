# -*- coding: utf-8 -*-
"""playbooks/firewall.yml refuses bad inputs with messages, before touching any host.

Runs the real playbook (argument_specs, then the role's own checks) under each
installed profile's ansible-core. Every host's inputs are invalid, so nothing
past validation runs: the hosts use the local connection and are never changed.
"""
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PROFILES = [venv for venv in (".venv", ".venv-legacy") if (REPO / venv / "bin" / "ansible-playbook").exists()]

HOSTS = {
    "hospital-dmz": {"fep_firewall_zones": {"dmz": {"interfaces": ["eth0"]}},
                     "fep_firewall_admin_sources": ["10.0.0.1/32"]},
    "hospital-typos": {"fep_firewall_zones": {"intranet": {"sources": ["10.0.0.300/24"]},
                                              "extranet": {"sources": ["59.255.0.5/16"]}},
                       "fep_firewall_admin_sources": [], "fep_ports": {"web": 70000}},
    "hospital-backend": {"fep_firewall_zones": {"intranet": {"interfaces": ["eth0"]}},
                         "fep_firewall_admin_sources": ["10.0.0.1/32"], "fep_firewall_backend": "iptables"},
}


@pytest.fixture(scope="module", params=PROFILES)
def run(request, tmp_path_factory):
    inventory = tmp_path_factory.mktemp("fw-inputs") / "hosts.yml"
    hosts = {name: dict(values, ansible_connection="local") for name, values in HOSTS.items()}
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    proc = subprocess.run(
        [str(REPO / request.param / "bin" / "ansible-playbook"), "-i", str(inventory), "playbooks/firewall.yml"],
        cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300,
        check=False)
    return proc


def test_every_host_fails_and_none_is_touched(run):
    assert run.returncode == 2, run.stdout
    recap = run.stdout.split("PLAY RECAP", 1)[1]
    for name in HOSTS:
        line = next(row for row in recap.splitlines() if row.startswith(name))
        assert "failed=1" in line and "changed=0" in line, line
    # nothing ran past the checks: no facts gathered, no probe of the firewall
    assert "Read the distribution" not in run.stdout


def test_unknown_zone_is_refused_by_the_argument_spec(run):
    assert "fatal: [hospital-dmz]" in run.stdout
    assert "fep_firewall_zones.dmz. Supported parameters include: extranet, intranet." in run.stdout


def test_unknown_backend_is_refused_by_the_argument_spec(run):
    assert "fatal: [hospital-backend]" in run.stdout
    assert "fep_firewall_backend" in run.stdout and "iptables" in run.stdout


def test_each_bad_value_is_named_with_host_and_field(run):
    # the YAML callback folds long messages and doubles quotes in single-quoted scalars
    text = " ".join(run.stdout.split()).replace("''", "'")
    assert "host hospital-typos: invalid fep_firewall input(s), nothing was changed:" in text
    for message in (
            "fep_ports.web: port must be 1-65535, got 70000",
            "fep_firewall_zones.intranet.sources[0]: '10.0.0.300/24': not an IPv4/IPv6 address or CIDR",
            "fep_firewall_zones.extranet.sources[0]: '59.255.0.5/16': host bits set: write 59.255.0.0/16 for "
            "the network or 59.255.0.5/32 for the host",
            "fep_firewall_admin_sources: required"):
        assert message in text, message


def test_no_traceback(run):
    assert "Traceback" not in run.stdout


# -- the nftables layout each OS gets, from the role's own layered vars (tasks/os_vars.yml) -------------

# A module beside the playbook that reports the distribution facts of another OS (what
# ansible-core's setup reports there), so that the role's task runs for it on this machine.
FAKE_FACTS = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule

module = AnsibleModule(argument_spec={"facts": {"type": "dict", "required": True}})
module.exit_json(changed=False, ansible_facts=module.params["facts"])
'''

LAYOUT_PLAY = """
- name: Load fep_firewall's OS data for hosts that only pretend to run another OS
  hosts: all
  gather_facts: false
  tasks:
    - name: Report the distribution facts of the pretended OS
      fake_distribution_facts:
        facts: "{{ pretend }}"
    - name: Run the role's layered OS data
      ansible.builtin.include_role:
        name: fep_firewall
        tasks_from: os_vars.yml
        public: true
    - name: Show the paths
      ansible.builtin.debug:
        msg: "{{ [__fep_firewall_nft_main_config, __fep_firewall_nft_file] | join(' ') }}"
"""

SYSCONFIG = "/etc/sysconfig/nftables.conf /etc/nftables/fepkit.nft"
UPSTREAM = "/etc/nftables.conf /etc/nftables.d/fepkit.nft"
# host: (distribution, os_family, distribution_major_version as ansible-core reports them; paths)
LAYOUTS = {
    "kylin-v10": ("Kylin Linux Advanced Server", "RedHat", "V10", SYSCONFIG),
    "openeuler-22": ("openEuler", "RedHat", "22", SYSCONFIG),
    "uos-20-old-core": ("Uos", "Debian", "20", SYSCONFIG),
    "uos-20-new-core": ("Uos", "RedHat", "20", SYSCONFIG),
    "centos-7": ("CentOS", "RedHat", "7", SYSCONFIG),
    "debian-12": ("Debian", "Debian", "12", UPSTREAM),
    "suse-15": ("openSUSE Leap", "Suse", "15", UPSTREAM),
}


@pytest.fixture(scope="module", params=PROFILES)
def layouts(request, tmp_path_factory):
    base = tmp_path_factory.mktemp("fw-layouts")
    (base / "library").mkdir()
    (base / "library" / "fake_distribution_facts.py").write_text(FAKE_FACTS)
    (base / "layouts.yml").write_text(LAYOUT_PLAY)
    hosts = {name: {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3",
                    "pretend": dict(zip(("distribution", "os_family", "distribution_major_version"), row[:3]))}
             for name, row in LAYOUTS.items()}
    (base / "hosts.yml").write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    proc = subprocess.run(
        [str(REPO / request.param / "bin" / "ansible-playbook"), "-i", str(base / "hosts.yml"),
         str(base / "layouts.yml")],
        cwd=str(REPO), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300,
        check=False)
    assert proc.returncode == 0, proc.stdout[-3000:]
    return proc.stdout


@pytest.mark.parametrize("host", sorted(LAYOUTS))
def test_each_os_gets_its_nftables_paths_from_the_layers(layouts, host):
    shown = " ".join(layouts.split("TASK [Show the paths]", 1)[1].split())
    assert "ok: [%s] => msg: %s " % (host, LAYOUTS[host][3]) in shown, shown
