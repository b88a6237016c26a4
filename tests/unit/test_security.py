# -*- coding: utf-8 -*-
"""Security posture and openGauss-relevant settings from real file shapes."""
import os

import pytest

from fep.host_firewall import iptables_filters_input, nft_filters_input, parse_firewalld_zone
from fep.os_settings import bracketed, gather_locale_timezone, gather_selinux, pam_limits_in_sshd, parse_limits
from fep.security import find_agents, gather_security
from fep.sysread import SysReader

# firewalld permanent zone as firewall-cmd writes it on Kylin V10
ZONE_XML = """<?xml version="1.0" encoding="utf-8"?>
<zone target="default">
  <short>Public</short>
  <description>For use in public areas.</description>
  <interface name="enp125s0f1"/>
  <source address="10.10.0.0/16"/>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <port port="8882" protocol="tcp"/>
  <port port="8883" protocol="tcp"/>
  <rule family="ipv4">
    <source address="10.20.0.5"/>
    <port port="9100" protocol="tcp"/>
    <accept/>
  </rule>
</zone>
"""

LIMITS_CONF = """# /etc/security/limits.conf
#<domain>      <type>  <item>         <value>
*               soft    core            0
omm             soft    nofile          1000000
omm             hard    nofile          1000000
omm             soft    stack           3072   # openGauss minimum
"""

PAM_SSHD_KYLIN = """#%PAM-1.0
auth       substack     password-auth
auth       include      postlogin
account    required     pam_nologin.so
account    include      password-auth
password   include      password-auth
session    required     pam_selinux.so close
session    required     pam_loginuid.so
session    include      password-auth
"""
PASSWORD_AUTH = """auth        required      pam_env.so
session     optional      pam_keyinit.so revoke
session     required      pam_limits.so
"""


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def process(root, pid, comm):
    write(root, "proc/%d/comm" % pid, comm + "\n")


def test_parse_firewalld_zone():
    zone = parse_firewalld_zone(ZONE_XML)
    assert zone == {"target": "default", "ports": ["8882/tcp", "8883/tcp"], "services": ["ssh", "dhcpv6-client"],
                    "sources": ["10.10.0.0/16"], "interfaces": ["enp125s0f1"], "rich_rules": 1}
    assert parse_firewalld_zone("<zone><broken") is None


def test_parse_limits_ignores_comments():
    assert parse_limits(LIMITS_CONF) == [
        ("*", "soft", "core", "0"), ("omm", "soft", "nofile", "1000000"),
        ("omm", "hard", "nofile", "1000000"), ("omm", "soft", "stack", "3072")]


@pytest.mark.parametrize("text,value", [
    ("always madvise [never]", "never"), ("[always] madvise never", "always"), ("", None), (None, None),
])
def test_bracketed(text, value):
    assert bracketed(text) == value


def test_agents_by_process_and_unit_with_regional_extension():
    found = find_agents(["systemd", "qaxsafed", "sshd"], {"suricata.service", "sshd.service"},
                        {"antivirus": ["qaxsafed"], "ips": ["suricata"], "url_filter": ["squid", "acme-url"]})
    assert found == [{"category": "antivirus", "name": "qaxsafed", "by": "process"},
                     {"category": "ips", "name": "suricata", "by": "service"}]


def test_pam_limits_found_through_substack(tmp_path):
    root = str(tmp_path)
    write(root, "etc/pam.d/sshd", PAM_SSHD_KYLIN)
    write(root, "etc/pam.d/password-auth", PASSWORD_AUTH)
    assert pam_limits_in_sshd(SysReader(root)) is True
    write(root, "etc/pam.d/password-auth", "session optional pam_keyinit.so revoke\n")
    assert pam_limits_in_sshd(SysReader(root)) is False
    assert pam_limits_in_sshd(SysReader(str(tmp_path / "empty"))) is None


@pytest.fixture
def kylin_root(tmp_path):
    root = str(tmp_path)
    for pid, comm in ((1, "systemd"), (812, "firewalld"), (840, "chronyd"), (2201, "qaxsafed")):
        process(root, pid, comm)
    write(root, "etc/firewalld/firewalld.conf", "# firewalld config\nDefaultZone=public\nFirewallBackend=nftables\n")
    write(root, "etc/firewalld/zones/public.xml", ZONE_XML)
    os.makedirs(os.path.join(root, "etc/systemd/system/multi-user.target.wants"))
    os.symlink("/usr/lib/systemd/system/firewalld.service",
               os.path.join(root, "etc/systemd/system/multi-user.target.wants/firewalld.service"))
    write(root, "sys/fs/selinux/enforce", "0")
    write(root, "etc/selinux/config", "SELINUX=permissive\nSELINUXTYPE=targeted\n")
    write(root, "sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]\n")
    write(root, "sys/kernel/mm/transparent_hugepage/defrag", "[always] defer defer+madvise madvise never\n")
    write(root, "proc/sys/net/ipv4/tcp_max_tw_buckets", "10000\n")
    write(root, "proc/sys/kernel/sem", "250\t6400000\t1000\t25600\n")
    write(root, "etc/security/limits.conf", LIMITS_CONF)
    write(root, "etc/security/limits.d/90-omm.conf", "omm soft nproc unlimited\n")
    write(root, "etc/systemd/logind.conf", "[Login]\n#RemoveIPC=yes\nRemoveIPC=no\n")
    write(root, "etc/locale.conf", 'LANG="en_US.UTF-8"\n')
    os.symlink("../usr/share/zoneinfo/Asia/Shanghai", os.path.join(root, "etc/localtime"))
    return root


def test_gather_security_on_a_kylin_snapshot(kylin_root):
    reader = SysReader(kylin_root)
    security, names = gather_security(reader)
    assert sorted(names) == ["chronyd", "firewalld", "qaxsafed", "systemd"]
    firewall = security["firewall"]
    assert (firewall["backend"], firewall["state"], firewall["enabled"]) == ("firewalld", "running", True)
    assert firewall["default_zone"] == "public" and firewall["zones"]["public"]["ports"] == ["8882/tcp", "8883/tcp"]
    assert security["agents"] == [{"category": "antivirus", "name": "qaxsafed", "by": "process"}]
    assert security["selinux"] == {"current": "permissive", "configured": "permissive"}
    assert security["thp"] == {"enabled": "never", "defrag": "always"}
    assert security["sysctl"]["kernel.sem"] == "250 6400000 1000 25600"
    assert security["sysctl"]["net.ipv4.tcp_tw_recycle"] is None  # absent on kernels >= 4.12
    assert security["limits"]["configured"]["omm"] == {
        "soft nofile": "1000000", "hard nofile": "1000000", "soft stack": "3072", "soft nproc": "unlimited"}
    assert security["remove_ipc"] == "no"
    assert (security["lang"], security["timezone"]) == ("en_US.UTF-8", "Asia/Shanghai")
    assert security["time_sync"]["running"] == ["chronyd"]


def test_firewalld_installed_but_stopped(kylin_root):
    os.remove(os.path.join(kylin_root, "proc/812/comm"))
    os.rmdir(os.path.join(kylin_root, "proc/812"))
    security, _ = gather_security(SysReader(kylin_root))
    assert (security["firewall"]["backend"], security["firewall"]["state"]) == ("firewalld", "stopped")


def test_no_firewall_at_all(tmp_path):
    process(str(tmp_path), 1, "systemd")
    security, _ = gather_security(SysReader(str(tmp_path)))
    assert security["firewall"]["backend"] == "none"
    assert security["selinux"]["current"] is None  # a snapshot without selinuxfs may just not carry it
    assert security["thp"]["enabled"] is None


def test_debian_locale_and_timezone_files(tmp_path):
    root = str(tmp_path)
    process(root, 1, "systemd")
    write(root, "etc/default/locale", "LANG=zh_CN.UTF-8\n")
    write(root, "etc/timezone", "Asia/Urumqi\n")
    security, _ = gather_security(SysReader(root))
    assert (security["lang"], security["timezone"]) == ("zh_CN.UTF-8", "Asia/Urumqi")


def test_ufw_enabled(tmp_path):
    write(str(tmp_path), "etc/ufw/ufw.conf", "# /etc/ufw/ufw.conf\nENABLED=yes\nLOGLEVEL=low\n")
    security, _ = gather_security(SysReader(str(tmp_path)))
    assert (security["firewall"]["backend"], security["firewall"]["state"]) == ("ufw", "running")


def test_iptables_rules_of_a_snapshot_are_unknown_not_a_stopped_firewalld(kylin_root):
    # firewalld is installed but stopped; iptables tables are loaded, but a
    # snapshot cannot show whether they filter: say unknown, not "no firewall"
    os.remove(os.path.join(kylin_root, "proc/812/comm"))
    write(kylin_root, "proc/net/ip_tables_names", "filter\nnat\n")
    security, _ = gather_security(SysReader(kylin_root))
    firewall = security["firewall"]
    assert (firewall["backend"], firewall["state"]) == ("iptables", "unknown")
    assert firewall["tables"] == ["filter", "nat"] and "needs root" in firewall["detail"]


CGROUP_HOST = "12:pids:/system.slice/sshd.service\n0::/system.slice/sshd.service\n"
CGROUP_CONTAINER = ("12:pids:/libpod_parent/libpod-fa01265bd54285980ef53bf5e8a96703eefccfaaae180126946738885dc225a9\n"
                    "1:name=systemd:/libpod_parent/libpod-fa01265bd54285980ef53bf5e8a96703eefccfaaae180126946738885dc225a9"
                    "/system.slice/firewalld.service\n")


def test_container_processes_do_not_count_for_the_host(tmp_path):
    # a host running podman containers: their firewalld protects the container, not the host
    root = str(tmp_path)
    process(root, 1, "systemd")
    write(root, "proc/1/cgroup", "0::/init.scope\n")
    process(root, 900, "sshd")
    write(root, "proc/900/cgroup", CGROUP_HOST)
    process(root, 25654, "firewalld")
    write(root, "proc/25654/cgroup", CGROUP_CONTAINER)
    security, names = gather_security(SysReader(root))
    assert sorted(names) == ["sshd", "systemd"]
    assert security["firewall"]["backend"] == "none"


def test_inside_a_container_its_own_processes_count(tmp_path):
    # the audit running inside that container sees the same marker on PID 1
    root = str(tmp_path)
    process(root, 1, "systemd")
    write(root, "proc/1/cgroup", CGROUP_CONTAINER)
    process(root, 57, "firewalld")
    write(root, "proc/57/cgroup", CGROUP_CONTAINER)
    security, _ = gather_security(SysReader(root))
    assert (security["firewall"]["backend"], security["firewall"]["state"]) == ("firewalld", "running")


def test_pid_namespace_decides_when_readable(tmp_path):
    root = str(tmp_path)
    for pid, ns in ((1, "pid:[4026531836]"), (812, "pid:[4026531836]"), (25654, "pid:[4026532855]")):
        process(root, pid, {1: "systemd", 812: "chronyd", 25654: "qaxsafed"}[pid])
        os.makedirs(os.path.join(root, "proc/%d/ns" % pid))
        os.symlink(ns, os.path.join(root, "proc/%d/ns/pid" % pid))
    security, names = gather_security(SysReader(root))
    assert sorted(names) == ["chronyd", "systemd"]
    assert security["agents"] == []


# `nft list ruleset` excerpts: podman's NAT tables only, and firewalld's own table.
NFT_PODMAN_ONLY = """table ip nat {
\tchain POSTROUTING {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\tcounter packets 2981 bytes 181132 jump NETAVARK-HOSTPORT-MASQ
\t}
\tchain NETAVARK-63F0DF3AC40D6 {
\t\tip daddr 10.231.10.0/24 counter packets 114 bytes 6840 accept
\t\tip daddr != 224.0.0.0/4 counter packets 0 bytes 0 masquerade
\t}
}
table ip filter {
\tchain FORWARD {
\t\ttype filter hook forward priority filter; policy accept;
\t\tct state invalid drop
\t}
}
"""
NFT_FIREWALLD = """table inet firewalld {
\tchain filter_INPUT {
\t\ttype filter hook input priority filter + 10; policy accept;
\t\tct state { established, related } accept
\t\tiifname "lo" accept
\t\tjump filter_INPUT_ZONES
\t\treject with icmpx admin-prohibited
\t}
}
"""
NFT_POLICY_DROP = """table inet filter {
\tchain input {
\t\ttype filter hook input priority 0; policy drop;
\t\ttcp dport 22 accept
\t}
}
"""


@pytest.mark.parametrize("ruleset,filters", [
    (NFT_PODMAN_ONLY, False), (NFT_FIREWALLD, True), (NFT_POLICY_DROP, True), ("", False),
])
def test_nft_filters_input(ruleset, filters):
    assert nft_filters_input(ruleset) is filters


@pytest.mark.parametrize("rules,filters", [
    ("-P INPUT ACCEPT\n", False),
    ("-P INPUT DROP\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n", True),
    ("-P INPUT ACCEPT\n-A INPUT -s 10.0.0.0/8 -p tcp -m tcp --dport 8881 -j ACCEPT\n-A INPUT -j REJECT "
     "--reject-with icmp-host-prohibited\n", True),
])
def test_iptables_filters_input(rules, filters):
    assert iptables_filters_input(rules) is filters


@pytest.mark.parametrize("recorded_machine, mounts, expected", [
    # taken by tools/fep_snapshot.py on the host, no selinuxfs mounted: SELinux off, as live says
    ("aarch64", "sysfs /sys sysfs rw 0 0\n", "disabled"),
    # the same host with selinuxfs mounted but the enforce file missing: no evidence
    ("aarch64", "sysfs /sys sysfs rw 0 0\nselinuxfs /sys/fs/selinux selinuxfs rw 0 0\n", None),
    # a hand-made copy (no live record) may just have left the SELinux files out
    (None, "sysfs /sys sysfs rw 0 0\n", None),
])
def test_selinux_absent_from_a_snapshot_is_off_only_with_the_collector_s_evidence(
        tmp_path, recorded_machine, mounts, expected):
    (tmp_path / "proc").mkdir()
    (tmp_path / "proc" / "mounts").write_text(mounts)
    if recorded_machine:
        (tmp_path / "fepkit").mkdir()
        (tmp_path / "fepkit" / "live.json").write_text('{"format": 1, "uname": {"machine": "%s"}}'
                                                       % recorded_machine)
    reader = SysReader(str(tmp_path))
    assert gather_selinux(reader)["current"] == expected


@pytest.mark.parametrize("taken_on_host", [True, False])
def test_no_locale_file_in_a_snapshot_is_unknown_unless_the_collector_took_it_on_the_host(
        tmp_path, taken_on_host):
    (tmp_path / "etc").mkdir()
    if taken_on_host:
        (tmp_path / "fepkit").mkdir()
        (tmp_path / "fepkit" / "live.json").write_text('{"format": 1, "uname": {"machine": "x86_64"}}')
    reader = SysReader(str(tmp_path))
    assert gather_locale_timezone(reader)["lang"] is None
    assert ("security.lang" in reader.unknown) is not taken_on_host
