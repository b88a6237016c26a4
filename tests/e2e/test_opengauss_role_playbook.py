# -*- coding: utf-8 -*-
"""The fep_opengauss_prereqs role through ansible-runner, on this machine, changing nothing.

- bad inputs stop a host before anything is read or changed, with a message
  naming the host and the field (argument_specs, then the role's own checks);
- the OS data of the RPM family is chosen by the role's real tasks
  (tasks/platform.yml: filter, the layered vars files, include_vars) from real
  os-release files, in check mode, without installing anything: no
  openEuler repository is reachable here.  The Debian path installs for real
  in the molecule scenarios.
"""
import os
import sys

import pytest
import yaml

from fep.osinfo import parse_os_release
from tests.support import REPO, run_playbook

PLAYBOOK = os.path.join(REPO, "playbooks", "opengauss_prereqs.yml")
FIXTURES = os.path.join(REPO, "tests", "fixtures", "os-release")
LOCAL = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}


def failures(runner):
    """``{host: message}`` of the failed tasks."""
    found = {}
    for event in runner.events:
        if event.get("event") == "runner_on_failed":
            data = event["event_data"]
            found[data["host"]] = data["res"].get("msg", "")
    return found


# host: (its bad input, words the failure must contain)
BAD_INPUTS = {
    "bad-selinux": ({"fep_opengauss_prereqs_selinux": "enforcing"},
                    ["fep_opengauss_prereqs_selinux", "permissive, disabled", "enforcing"]),
    "bad-scheduler": ({"fep_opengauss_prereqs_io_scheduler": "cfq"},
                      ["fep_opengauss_prereqs_io_scheduler", "mq-deadline, deadline", "cfq"]),
    "bad-uid": ({"fep_opengauss_prereqs_uid": "omm"}, ["fep_opengauss_prereqs_uid", "int"]),
    "bad-data-dir": ({"fep_opengauss_prereqs_data_dirs": ["opengauss/data"]},
                     ["bad-data-dir:", "fep_opengauss_prereqs_data_dirs[0]='opengauss/data'", "absolute path"]),
    "bad-user": ({"fep_opengauss_prereqs_user": "Omm!"}, ["bad-user:", "fep_opengauss_prereqs_user='Omm!'"]),
    "bad-sysctl": ({"fep_opengauss_prereqs_sysctl_overrides": {"net.core.somaxconn": "1\nvm.swappiness = 0"}},
                   ["bad-sysctl:", "fep_opengauss_prereqs_sysctl_overrides.net.core.somaxconn", "one-line"]),
    "bad-port": ({"fep_ports": {"database": 65530}}, ["bad-port:", "fep_opengauss_prereqs_port=65530 must be a TCP port"]),
    # each becomes a line of limits.d / chrony.conf: a newline would have added a line of its own
    "bad-limits": ({"fep_opengauss_prereqs_limits_domains": ["omm\n* hard nofile 0"]},
                   ["bad-limits:", "fep_opengauss_prereqs_limits_domains[0]", "not a limits.conf domain"]),
    "bad-ntp": ({"fep_opengauss_prereqs_ntp_servers": ["10.20.0.1\npool evil.example"]},
                ["bad-ntp:", "fep_opengauss_prereqs_ntp_servers[0]", "not a host name"]),
}


def run_hosts(base, table):
    """The role's playbook in --check on one local host per entry of ``table`` (its variables)."""
    hosts = {name: dict(LOCAL, **variables) for name, (variables, _) in table.items()}
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    # --check as a second safety: a host that got past the checks would still change nothing
    return run_playbook(base / "runner", PLAYBOOK, inventory, cmdline="--check")


def assert_stopped(run, table, host):
    runner, stdout = run
    message = failures(runner).get(host)
    assert message is not None, "%s was not stopped:\n%s" % (host, stdout[-3000:])
    for words in table[host][1]:
        assert words in message, message
    assert "Traceback" not in stdout


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    return run_hosts(tmp_path_factory.mktemp("og-inputs"), BAD_INPUTS)


@pytest.mark.parametrize("host", sorted(BAD_INPUTS))
def test_bad_input_stops_the_host_with_a_message_naming_the_field(bad_run, host):
    assert_stopped(bad_run, BAD_INPUTS, host)


def test_no_host_with_bad_input_reached_the_server(bad_run):
    runner, _ = bad_run
    reached = [e["event_data"]["host"] for e in runner.events
               if e.get("event") in ("runner_on_ok", "runner_on_failed")
               and "fep_opengauss_host" in str(e["event_data"].get("task_action", ""))]
    assert reached == []


# -- what only the host can tell, still before any change ------------------------------------------------------

# host: (its input, words the failure must contain). /etc exists, belongs to root and holds files;
# no kernel takes a nofile of 2**31 (fs.nr_open is at most 2**30 - 64 on 64-bit Linux).
HOST_BOUND = {
    "taken-dir": ({"fep_opengauss_prereqs_backup_dirs": ["/etc"]},
                  ["taken-dir: nothing was changed:", "fep_opengauss_prereqs_backup_dirs[0]=/etc already exists and "
                   "belongs to root:root and holds", "fep_opengauss_prereqs_take_over_dirs: true"]),
    "huge-nofile": ({"fep_opengauss_prereqs_limits": {"nofile": 2147483648}},
                    ["huge-nofile: nothing was changed:", "nofile=2147483648 is above this host's fs.nr_open="]),
}


@pytest.fixture(scope="module")
def host_bound_run(tmp_path_factory):
    return run_hosts(tmp_path_factory.mktemp("og-host-bound"), HOST_BOUND)


@pytest.mark.parametrize("host", sorted(HOST_BOUND))
def test_what_the_host_cannot_take_stops_it_before_any_change(host_bound_run, host):
    assert_stopped(host_bound_run, HOST_BOUND, host)
    runner, _ = host_bound_run
    # the read-only probe ran; nothing after it did
    changing = [e["event_data"].get("task_action") for e in runner.events
                if e.get("event") in ("runner_on_ok", "runner_on_failed") and e["event_data"]["host"] == host]
    assert "ansible.builtin.group" not in changing and "ansible.builtin.file" not in changing, changing


# -- the RPM family's choices, made by the role's own tasks --------------------------------------------------

PLATFORMS = {
    # fixture: (vars files loaded, least specific first; package manager; the names of libaio and
    # unixODBC there; the documented packages by architecture; the locale packages)
    "kylin_v10_sp3_lance": (["rpm.yml"], "dnf", "libaio", "unixODBC", {}, []),
    "openeuler_20.03_lts": (["rpm.yml", "openeuler.yml"], "dnf", "libaio", "unixODBC", {"x86_64": ["libnsl"]}, []),
    "openeuler_22.03_lts_sp3": (["rpm.yml", "openeuler.yml"], "dnf", "libaio", "unixODBC",
                                {"x86_64": ["libnsl"]}, []),
    "uos_server_20_1050a": (["rpm.yml", "uos-20a.yml"], "dnf", "libaio", "unixODBC", {}, ["glibc-langpack-en"]),
    "uos_server_20_1060e": (["rpm.yml", "uos-20e.yml"], "dnf", "libaio", "unixODBC", {"x86_64": ["libnsl"]}, []),
    "debian_12": (["deb.yml"], "apt", "libaio1", "unixodbc", {}, ["locales"]),
}

PLATFORM_PLAY = """
- name: Choose the OS data the way the role does, for hosts that only pretend
  hosts: all
  gather_facts: false
  tasks:
    - name: Run the role's platform tasks
      ansible.builtin.include_role:
        name: fep_opengauss_prereqs
        tasks_from: platform.yml
    - name: Show the choice
      ansible.builtin.debug:
        msg:
          vars_files: "{{ __fep_opengauss_prereqs_vars_files | map('basename') | list }}"
          pkg_mgr: "{{ __fep_opengauss_prereqs_platform.pkg_mgr }}"
          packages: "{{ __fep_opengauss_prereqs_packages }}"
          documented: "{{ __fep_opengauss_prereqs_documented_packages }}"
          chrony: "{{ __fep_opengauss_prereqs_chrony_service }}"
          documented_arch: "{{ __fep_opengauss_prereqs_documented_packages_arch }}"
          locale_packages: "{{ __fep_opengauss_prereqs_locale_packages }}"
"""


@pytest.fixture(scope="module")
def choices(tmp_path_factory):
    base = tmp_path_factory.mktemp("og-platform")
    hosts = {}
    for fixture in PLATFORMS:
        with open(os.path.join(FIXTURES, fixture), encoding="utf-8") as handle:
            os_release = parse_os_release(handle.read())
        # what fep_opengauss_host would have read on such a server
        hosts[fixture.replace(".", "_")] = dict(LOCAL, __fep_opengauss_prereqs_host={
            "os_release": os_release, "machine": "x86_64"})
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    playbook = base / "platform.yml"
    playbook.write_text(PLATFORM_PLAY)
    runner, stdout = run_playbook(base / "runner", str(playbook), inventory, cmdline="--check")
    assert runner.rc == 0, stdout[-3000:]
    return {e["event_data"]["host"]: e["event_data"]["res"]["msg"] for e in runner.events
            if e.get("event") == "runner_on_ok" and e["event_data"].get("task") == "Show the choice"}


@pytest.mark.parametrize("fixture", sorted(PLATFORMS))
def test_role_tasks_layer_the_vars_files_and_choose_package_names(choices, fixture):
    vars_files, pkg_mgr, libaio, unixodbc, documented_arch, locale_packages = PLATFORMS[fixture]
    choice = choices[fixture.replace(".", "_")]
    assert (choice["vars_files"], choice["pkg_mgr"]) == (vars_files, pkg_mgr)
    # each override changes only its key: the rest comes from the family's base
    assert (choice["documented_arch"], choice["locale_packages"]) == (documented_arch, locale_packages)
    assert (choice["packages"]["libaio"], choice["packages"]["unixODBC"]) == (libaio, unixodbc)
    assert choice["chrony"] == ("chrony" if pkg_mgr == "apt" else "chronyd")
    assert ("redhat-lsb-core" in choice["documented"]) == (pkg_mgr != "apt")
