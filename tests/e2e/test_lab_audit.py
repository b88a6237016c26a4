# -*- coding: utf-8 -*-
"""playbooks/audit.yml over the lab region (inventories/lab/), through ansible-runner.

Every hospital server is a podman container that presents a profile of
tests/builders/profiles.py (hardware files bind-mounted, processes and
sockets real) and is reached over real SSH, as in production.  Needs the lab:
`make lab` (`make test` starts it and sets FEPKIT_LAB_REQUIRED, which turns a
missing lab into a failure instead of a skip).
"""
import os
import re
import time

import pytest

from tests.builders.profiles import HOST_KERNEL_ITEMS, LAB_EXPECT, PROFILES
from tests.lab import lab
from tests.support import REPO, load_results, run_playbook

INVENTORY = os.path.join(REPO, "inventories", "lab")
# the server switched off in the unreachable test: a level-2 private hospital
STOPPED_PROFILE = "loongson-kylin"


@pytest.fixture(scope="module")
def lab_hosts():
    """``{profile: LabHost}`` of the running lab (one host per profile)."""
    try:
        hosts = lab.inventory_hosts(INVENTORY)
        states = {h.name: lab.container_state(h.name) or {} for h in hosts}
        down = [h.name for h in hosts if not states[h.name].get("running")]
        # containers of another checkout (or of older profiles) mount other snapshot roots
        stale = [h.name for h in hosts if h.name not in down
                 and states[h.name]["labels"].get(lab.SPEC_LABEL) != h.spec_hash()]
        problem = ("not running: %s" % ", ".join(down) if down else
                   "not started from this checkout's current specs: %s" % ", ".join(stale) if stale else None)
    except (OSError, lab.LabError) as exc:  # no podman, no ansible-inventory, bad inventory
        problem = str(exc)
    if problem:
        if os.environ.get("FEPKIT_LAB_REQUIRED"):
            pytest.fail("the lab is not up (%s); run `make lab`" % problem)
        pytest.skip("the lab is not up (%s); run `make lab`" % problem)
    return {host.profile: host for host in hosts}


def audit(tmp_path, verbosity=0):
    extravars = {"fep_report_dir": str(tmp_path / "reports"), "fep_fail_on_findings": False,
                 # SSH masters of this run only: a master left by an earlier run
                 # can expire (ControlPersist) just as this run reuses it
                 "ansible_control_path_dir": str(tmp_path / "cp")}
    runner, stdout = run_playbook(tmp_path / "runner", "audit.yml", INVENTORY, verbosity=verbosity,
                                  extravars=extravars)
    return runner, stdout, load_results(tmp_path / "reports")


@pytest.fixture(scope="module")
def lab_audit(lab_hosts, tmp_path_factory):
    runner, stdout, results = audit(tmp_path_factory.mktemp("lab-audit"), verbosity=3)
    return {"runner": runner, "stdout": stdout, "results": results}


def test_every_profile_has_one_lab_host(lab_hosts):
    assert sorted(lab_hosts) == sorted(PROFILES)


def test_findings_do_not_fail_the_run_when_asked(lab_audit):
    assert lab_audit["runner"].status == "successful"
    assert "dropped during the audit" not in lab_audit["stdout"]  # no stall hidden by fep_audit's retry


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_host_is_audited_live_over_ssh(lab_audit, lab_hosts, profile):
    host = lab_hosts[profile]
    entry = lab_audit["results"]["hosts"][host.name]
    assert entry["status"] == "ok", entry["message"]
    collector = entry["facts"]["collector"]
    assert (collector["snapshot"], collector["privileged"]) == (False, True)
    # -vvv: ansible's ssh connection plugin, to the container's address
    assert re.search(r"^<%s> ESTABLISH SSH CONNECTION FOR USER: root$" % re.escape(str(host.address)),
                     lab_audit["stdout"], re.M)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_profile_gets_the_verdicts_its_hardware_deserves(lab_audit, lab_hosts, profile):
    entry = lab_audit["results"]["hosts"][lab_hosts[profile].name]
    # the lab image's own (stock) openGauss settings, and the profile's hardware, which decides
    # whether openGauss can run at all (Loongson: no build, db.opengauss fails whatever the settings)
    expected = dict(LAB_EXPECT, **PROFILES[profile]["expect"])
    observed = {check_id: entry["checks"][check_id]["status"] for check_id in expected}
    assert observed == expected


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_host_kernel_items_are_marked_unchangeable_in_the_container(lab_audit, lab_hosts, profile):
    checks = lab_audit["results"]["hosts"][lab_hosts[profile].name]["checks"]
    marked = sorted(c for c, o in checks.items() if o.get("container_unchangeable"))
    assert marked == sorted(HOST_KERNEL_ITEMS)
    for check_id in HOST_KERNEL_ITEMS:
        assert checks[check_id]["scope"] == "host-kernel"
        assert "只能在宿主机上修改" in checks[check_id]["message_zh"]


def test_the_live_container_s_opengauss_facts(lab_audit, lab_hosts):
    facts = lab_audit["results"]["hosts"][lab_hosts["kunpeng-kylin-l3"].name]["facts"]
    sysctl = facts["security"]["sysctl"]
    # the container's own network namespace starts from the kernel's defaults
    assert sysctl["net.ipv4.tcp_keepalive_time"] == "7200"
    data_dir = facts["opengauss"]["data_dir"]
    assert (data_dir["measured"], data_dir["fstype"], data_dir["disks"]) == ("/opt", "overlay", [])
    assert data_dir["free_bytes"] > 0  # statvfs on the live host


def test_facts_combine_the_profile_and_the_live_container(lab_audit, lab_hosts):
    facts = lab_audit["results"]["hosts"][lab_hosts["kunpeng-kylin-l3"].name]["facts"]
    assert (facts["cpu"]["vendor_family"], facts["cpu"]["arch"], facts["cpu"]["physical_cores"]) == \
        ("kunpeng", "aarch64", 192)
    assert facts["os"]["category"] == "kylin"
    assert [nic["name"] for nic in facts["nics"] if nic["physical"]] == ["enp125s0f0", "enp125s0f1"]
    assert facts["virtualization"]["container"] == "podman"
    # the container's own processes, not the snapshot's
    assert {"firewalld", "chronyd", "gaussdb", "qaxsafed", "sshd", "systemd"} <= set(facts["processes"])


def test_taken_port_names_the_real_process(lab_audit, lab_hosts):
    host = lab_hosts["phytium-openeuler-8884"]
    message = lab_audit["results"]["hosts"][host.name]["checks"]["port.8884"]["message_zh"]
    nginx_pid = lab.podman("exec", host.name, "pgrep", "-x", "nginx").split()
    assert message == "8884 被 nginx(pid %s) 占用" % nginx_pid[0]


def ssh_login(host):
    """One plain ssh login as root (the lab's key), closed at once."""
    lab.run(["ssh", "-i", str(lab.SSH_KEY), "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
             "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ControlMaster=no",
             "root@%s" % host.address, "true"], timeout=60)


def user_stop_delay(host):
    """logind's UserStopDelaySec in seconds: how long an idle user manager is kept."""
    out = lab.podman("exec", host.name, "busctl", "get-property", "org.freedesktop.login1",
                     "/org/freedesktop/login1", "org.freedesktop.login1.Manager", "UserStopDelayUSec")
    return int(out.split()[1]) / 1e6  # "t 10000000"


def test_no_login_waits_for_root_s_user_manager_to_stop(lab_hosts):
    # The hosts see the machine's cgroup v1 tree, where systemd in a container
    # never learns that a cgroup emptied: stopping root's user manager after
    # the last logout hung for its stop timeout (120 s), and every login in
    # between waited with it. The CI saw audits and testinfra stall on it.
    for host in lab_hosts.values():
        ssh_login(host)
    time.sleep(max(user_stop_delay(host) for host in lab_hosts.values()) + 1)
    states = {host.name: lab.podman("exec", host.name, "systemctl", "show", "--property=ActiveState",
                                    "--value", "user@0.service").strip() for host in lab_hosts.values()}
    assert states == {host.name: "active" for host in lab_hosts.values()}


@pytest.fixture()
def stopped_host(lab_hosts):
    """One lab server switched off for the test, switched back on afterwards."""
    host = lab_hosts[STOPPED_PROFILE]
    lab.stop(host.name)
    try:
        yield host
    finally:
        lab.start(host)


def test_stopped_server_is_unreachable_and_the_others_are_audited(stopped_host, lab_hosts, tmp_path):
    runner, stdout, results = audit(tmp_path)
    # one dead server does not fail the run of the region
    assert runner.status == "successful"
    entry = results["hosts"][stopped_host.name]
    assert entry["status"] == "unreachable"
    assert str(stopped_host.address) in entry["message"]
    assert {name: e["status"] for name, e in results["hosts"].items() if name != stopped_host.name} == \
        {h.name: "ok" for h in lab_hosts.values() if h is not stopped_host}
    assert results["summary"]["host_status"] == {"ok": len(lab_hosts) - 1, "unreachable": 1, "failed": 0}
    # fep_audit tries a dropped link once more; in the lab nothing may drop, or
    # the retry would hide a stall like the user-manager one above
    assert "dropped during the audit" not in stdout
