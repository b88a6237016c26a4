# -*- coding: utf-8 -*-
"""Security posture: the host firewall, security agents, and the OS settings the
openGauss installer inspects (``host_firewall``, ``os_settings``), gathered as the
``security`` fact.

Everything is read from files (``proc/``, ``sys/``, ``etc/``) so that a
snapshot root audits like a live host; commands are used only to confirm an
nftables/iptables rule set on a live host run as root.
"""
import re

from .host_firewall import gather_firewall
from .os_settings import (
    gather_limits,
    gather_locale_timezone,
    gather_remove_ipc,
    gather_selinux,
    gather_sysctls,
    gather_thp,
    pam_limits_in_sshd,
)
from .ports import process_name

# Process (comm) or systemd unit names of host security agents, by category.
# Extend per region with the inventory variable ``fep_security_agents``.
DEFAULT_AGENTS = {
    "antivirus": [
        "clamd", "freshclam", "clamonacc",
        "qaxsafed", "qaxtray", "qaxagent", "tianqing",           # 奇安信天擎
        "360entclient", "360safe", "360sd", "360edr",            # 360 终端安全
        "hipsdaemon", "hipsmain", "hrsword",                     # 火绒
        "edr_agent", "eps_services", "sangforedr", "edr_monitor",  # 深信服 EDR
        "ds_agent", "ds_am",                                     # 亚信 / Trend Deep Security
        "rsagent", "ravdaemon",                                  # 瑞星
        "kesl", "wdavdaemon", "mdatp", "esets_daemon", "sav-protect",
        "savd", "falcon-sensor", "cbagentd", "ydservice", "yundun",
        "aliyundun", "hostguard", "kvsafe", "kysec_daemon",     # 麒麟 kysec
    ],
    "ips": [
        "suricata", "snort", "ossec-analysisd", "wazuh-agentd",
        "wazuh-analysisd", "fail2ban-server", "titanagent",      # 青藤云
        "safedog", "sdcc", "yunsuo_agent", "yunsuo",             # 安全狗 / 云锁
        "hids_agent", "aegis", "qaxhids",
    ],
    "url_filter": [
        "squid", "squidguard", "e2guardian", "dansguardian", "privoxy",
        "ufdbguardd",
    ],
}

TIME_SYNC_DAEMONS = ("chronyd", "ntpd", "systemd-timesyncd", "timemaster", "ptp4l")


_CONTAINER_CGROUP = re.compile(r"(libpod-|docker-|/docker/|/lxc/|/kubepods|crio-|containerd-)([0-9a-f]{12,})?")


def container_marker(cgroup_text):
    """The container a process belongs to, judged from its cgroup path (or None)."""
    match = _CONTAINER_CGROUP.search(cgroup_text or "")
    return match.group(0) if match else None


def foreign_to_host(reader, pid, host_ns, host_marker):
    """True for a process of a container seen from the host's /proc.

    Its firewalld or antivirus does not protect the host.  The PID namespace
    decides when readable (root); otherwise the cgroup path, compared with
    PID 1's so that an audit run *inside* a container still sees its own.
    """
    ns = reader.readlink("proc/%s/ns/pid" % pid)
    if ns and host_ns:
        return ns != host_ns
    marker = container_marker(reader.read_text("proc/%s/cgroup" % pid))
    return marker is not None and marker != host_marker


def processes(reader):
    """``[{pid, name}]`` of the host's running processes (``comm``, else argv[0])."""
    host_ns = reader.readlink("proc/1/ns/pid")
    host_marker = container_marker(reader.read_text("proc/1/cgroup"))
    found = []
    for entry in reader.listdir("proc"):
        if not entry.isdigit() or foreign_to_host(reader, entry, host_ns, host_marker):
            continue
        name = process_name(reader, entry)
        if name:
            found.append({"pid": int(entry), "name": name})
    return found


def enabled_units(reader):
    """Names of systemd units enabled through ``*.wants`` links under etc/systemd/system."""
    units = set()
    base = "etc/systemd/system"
    for entry in reader.listdir(base):
        if entry.endswith(".wants"):
            for unit in reader.listdir("%s/%s" % (base, entry)):
                units.add(unit)
    return units


def find_agents(process_names, units, catalogue):
    """Security agents found by process name or enabled unit, per category."""
    lowered = {n.lower() for n in process_names}
    unit_stems = {u.lower().rsplit(".", 1)[0] for u in units}
    found = []
    for category in sorted(catalogue):
        for name in catalogue[category]:
            key = name.lower()
            if key in lowered:
                found.append({"category": category, "name": name, "by": "process"})
            elif key in unit_stems:
                found.append({"category": category, "name": name, "by": "service"})
    return found


def gather_security(reader, extra_agents=None):
    """The ``security`` fact: firewall, agents and the OS settings above."""
    procs = processes(reader)
    names = [p["name"] for p in procs]
    units = enabled_units(reader)
    catalogue = {k: list(v) for k, v in DEFAULT_AGENTS.items()}
    for category, agent_names in (extra_agents or {}).items():
        catalogue.setdefault(category, [])
        catalogue[category].extend(agent_names)
    # every Linux system has PID 1: a process list without it is a partial copy, and what is
    # missing from a partial list (firewalld, an antivirus agent) proves nothing
    processes_known = bool(procs) and reader.exists("proc/1")
    if not procs:
        reader.mark_unknown("security.processes", "no process list under proc/")
    elif not processes_known:
        reader.mark_unknown("security.processes", "proc/1 missing: the process list is incomplete")
    time_daemons = [n for n in TIME_SYNC_DAEMONS if n in names or (n + ".service") in units]
    result = {
        "firewall": gather_firewall(reader, names, units, processes_known),
        "agents": find_agents(names, units, catalogue),
        "selinux": gather_selinux(reader),
        "time_sync": {"daemons": time_daemons,
                      "running": [n for n in TIME_SYNC_DAEMONS if n in names]},
        "thp": gather_thp(reader),
        "sysctl": gather_sysctls(reader),
        "limits": gather_limits(reader),
        "pam_limits_sshd": pam_limits_in_sshd(reader),
        "remove_ipc": gather_remove_ipc(reader),
        "process_count": len(procs),
    }
    result.update(gather_locale_timezone(reader))
    return result, names
