# -*- coding: utf-8 -*-
"""Lab hosts present their hardware/OS profile (``fep_lab_profile``) and run its processes.

The hardware files are bind-mounted from the profile's snapshot tree
(tests/lab/lab.py); processes, ports and interfaces are the container's own,
so these tests show that both halves agree with tests/builders/profiles.py.
"""
import pytest

from tests.builders.cpu_tree import load_meta
from tests.builders.profiles import FIXTURES, GIB_KIB, PROFILES

pytestmark = pytest.mark.group("lab")


@pytest.fixture(scope="module")
def profile(hostvars):
    return PROFILES[hostvars["fep_lab_profile"]]


def test_os_release_is_the_profile_s(host, profile):
    wanted = (FIXTURES / "os-release" / profile["os"]).read_text()
    assert host.file("/etc/os-release").content_string == wanted


def test_cpuinfo_is_the_profile_s(host, profile):
    wanted = (FIXTURES / "cpu" / profile["cpu"] / "cpuinfo").read_text()
    assert host.file("/proc/cpuinfo").content_string == wanted


def test_kernel_arch_is_the_profile_s(host, profile):
    assert host.file("/proc/sys/kernel/arch").content_string.strip() == load_meta(profile["cpu"])["arch"]


def test_cpu_topology_has_the_profile_s_logical_cpus(host, profile):
    meta = load_meta(profile["cpu"])
    logical = meta["sockets"] * meta["cores_per_socket"] * meta["threads_per_core"]
    assert host.file("/sys/devices/system/cpu/online").content_string.strip() == "0-%d" % (logical - 1)


def test_memory_total_is_the_profile_s(host, profile):
    line = host.check_output("grep ^MemTotal: /proc/meminfo")
    assert int(line.split()[1]) == int(profile["memory_gib"] * GIB_KIB * 0.978)


def test_block_devices_are_the_profile_s(host, profile):
    # whole disks; an LVM root adds its volume (dm-0), as on the real server
    shown = {name for name in host.check_output("ls /sys/block").split() if not name.startswith("dm-")}
    assert shown == {disk[0] for disk in profile["disks"]}


def test_sysfs_shows_the_profile_s_nics(host, profile):
    shown = set(host.check_output("ls /sys/class/net").split()) - {"lo"}
    assert shown == {nic[0] for nic in profile["nics"]}


def test_real_interfaces_carry_the_profile_s_nic_names(host, profile):
    # `ip` asks the kernel over netlink, not sysfs: these are the container's
    # real interfaces (one per podman network), named like the profile's NICs
    links = host.check_output("ip -o link show").splitlines()
    real = {line.split(":")[1].strip().split("@")[0] for line in links} - {"lo"}
    assert real == {nic[0] for nic in profile["nics"]}


def test_the_profile_s_processes_run(processes, profile):
    assert {name for name, _ports in profile["processes"]} - processes == set()


def test_the_profile_s_ports_are_held_by_its_processes(listeners, profile):
    wanted = {port: {name} for name, ports in profile["processes"] for port in ports}
    assert {port: listeners.get(port) for port in wanted} == wanted
