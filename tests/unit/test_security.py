# -*- coding: utf-8 -*-
"""Security posture and openGauss-relevant settings from real file shapes."""
import os

import pytest

from fep.security import (
    bracketed,
    find_agents,
    gather_security,
    pam_limits_in_sshd,
    parse_firewalld_zone,
    parse_limits,
)
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
    assert security["selinux"]["current"] == "disabled"
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


def test_running_iptables_wins_over_installed_but_stopped_firewalld(kylin_root):
    os.remove(os.path.join(kylin_root, "proc/812/comm"))
    write(kylin_root, "proc/net/ip_tables_names", "filter\nnat\n")
    security, _ = gather_security(SysReader(kylin_root))
    assert (security["firewall"]["backend"], security["firewall"]["state"]) == ("iptables", "running")
    assert security["firewall"]["tables"] == ["filter", "nat"]
