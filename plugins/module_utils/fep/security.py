# -*- coding: utf-8 -*-
"""Security posture and the OS settings the openGauss installer inspects.

Everything is read from files (``proc/``, ``sys/``, ``etc/``) so that a
snapshot root audits like a live host; commands are used only to confirm an
nftables/iptables rule set on a live host run as root.
"""
import re
import xml.etree.ElementTree as ElementTree

from . import opengauss_spec
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

# sysctl keys the openGauss installer checks (gs_checkos A6/A10 and the
# reserved ports); read from proc/sys so a snapshot works.
OPENGAUSS_SYSCTLS = opengauss_spec.SYSCTL_KEYS

_BRACKETED = re.compile(r"\[([^\]]+)\]")


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


def bracketed(text):
    """The active choice in a sysfs list such as ``always madvise [never]``."""
    match = _BRACKETED.search(text or "")
    return match.group(1) if match else None


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


def parse_key_value_file(text):
    """``KEY=value`` lines (shell style, quotes stripped, comments ignored)."""
    values = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("\"'")
    return values


def parse_firewalld_zone(xml_text):
    """Ports, services, sources and interfaces of one firewalld zone file."""
    try:
        root = ElementTree.fromstring(xml_text)
    except ElementTree.ParseError:
        return None
    zone = {"target": root.get("target"), "ports": [], "services": [],
            "sources": [], "interfaces": [], "rich_rules": 0}
    for element in root:
        if element.tag == "port":
            zone["ports"].append("%s/%s" % (element.get("port"), element.get("protocol")))
        elif element.tag == "service":
            zone["services"].append(element.get("name"))
        elif element.tag == "source" and element.get("address"):
            zone["sources"].append(element.get("address"))
        elif element.tag == "interface":
            zone["interfaces"].append(element.get("name"))
        elif element.tag == "rule":
            zone["rich_rules"] += 1
    return zone


def firewalld_info(reader, running, units):
    """firewalld state plus its permanent configuration (default zone, zones)."""
    config = parse_key_value_file(reader.read_text("etc/firewalld/firewalld.conf"))
    zones = {}
    for entry in reader.listdir("etc/firewalld/zones"):
        if entry.endswith(".xml"):
            zone = parse_firewalld_zone(reader.read_text("etc/firewalld/zones/" + entry) or "")
            if zone is not None:
                zones[entry[:-4]] = zone
    return {"backend": "firewalld", "state": "running" if running else "stopped",
            "enabled": "firewalld.service" in units, "detail": "",
            "default_zone": config.get("DefaultZone"),
            "firewall_backend": config.get("FirewallBackend"), "zones": zones}


def nft_filters_input(ruleset):
    """True when an nftables rule set drops or rejects inbound traffic.

    Tables alone prove nothing: podman, docker and libvirt create NAT and
    forwarding tables on hosts that have no inbound filtering at all.
    """
    in_input_chain = False
    for line in (ruleset or "").splitlines():
        words = line.split()
        if words[:1] == ["chain"]:
            in_input_chain = False
        elif "hook" in words and "type" in words:
            in_input_chain = "input" in words and "filter" in words
            if in_input_chain and "policy drop;" in line:
                return True
        elif in_input_chain and ("drop" in words or "reject" in words):
            return True
    return False


def iptables_filters_input(rules):
    """Same question for ``iptables -S INPUT`` output."""
    for line in (rules or "").splitlines():
        words = line.split()
        if words[:3] == ["-P", "INPUT", "DROP"]:
            return True
        if "-j" in words[:-1] and words[words.index("-j") + 1] in ("DROP", "REJECT"):
            return True
    return False


def ruleset_state(reader, argv, judge):
    """'running' / 'stopped' from the live rule set, or from the one a snapshot recorded as root;
    'unknown' when unreadable (non-root, a snapshot without a record)."""
    if reader.live:
        if not reader.is_root_user():
            return "unknown"
        rc, out, _ = reader.run(argv)
    else:
        record = (reader.recorded("commands") or {}).get(" ".join(argv))
        if not isinstance(record, dict):
            return "unknown"
        rc, out = record.get("rc"), record.get("stdout")
    if rc != 0 or not isinstance(out, str):
        return "unknown"
    return "running" if judge(out) else "stopped"


def nftables_info(reader, units):
    """nftables as a host firewall: only when its input hook filters."""
    enabled = "nftables.service" in units
    state = ruleset_state(reader, ["nft", "list", "ruleset"], nft_filters_input)
    if state != "running" and not enabled:
        return None
    detail = {"unknown": "rule set not readable (needs root on a live host or in fep_snapshot.py)",
              "stopped": "no inbound filtering in the rule set"}.get(state, "")
    return {"backend": "nftables", "state": state, "enabled": enabled, "detail": detail}


def gather_firewall(reader, process_names, units, processes_known=True):
    """Which host firewall is in use and whether it is running.

    A running firewall wins over an installed-but-stopped one (firewalld is
    installed on every Kylin/openEuler/UOS server, even where nftables or
    iptables rules do the filtering).  Without a complete process list
    (``processes_known``) "firewalld is not among the processes" proves
    nothing: the state is unknown unless a rule set shows one running.
    """
    firewalld_running = "firewalld" in set(process_names)
    if firewalld_running:
        return firewalld_info(reader, True, units)
    candidates = []
    nft = nftables_info(reader, units)
    if nft:
        candidates.append(nft)
    if parse_key_value_file(reader.read_text("etc/ufw/ufw.conf")).get("ENABLED", "").lower() == "yes":
        candidates.append({"backend": "ufw", "state": "running", "enabled": True, "detail": ""})
    iptables = (reader.read_text("proc/net/ip_tables_names") or "").split()
    if iptables or "iptables.service" in units:
        state = ruleset_state(reader, ["iptables", "-S", "INPUT"], iptables_filters_input)
        candidates.append({"backend": "iptables", "state": state, "enabled": "iptables.service" in units,
                           "tables": iptables,
                           "detail": "rule set not readable (needs root on a live host or in fep_snapshot.py)"
                           if state == "unknown" else ""})
    for state in ("running", "unknown"):  # an unreadable rule set is not a stopped firewall
        for candidate in candidates:
            if candidate["state"] == state:
                return candidate
    if not processes_known:
        return {"backend": "firewalld" if reader.exists("etc/firewalld") else "none", "state": "unknown",
                "enabled": "firewalld.service" in units, "detail": "process list unreadable or incomplete"}
    if reader.exists("etc/firewalld") or reader.exists("usr/lib/firewalld"):
        return firewalld_info(reader, False, units)
    if candidates:
        return candidates[0]
    return {"backend": "none", "state": "stopped", "enabled": False, "detail": ""}


def _mounts_lack_selinuxfs(reader):
    """True when the snapshot was taken on the host by tools/fep_snapshot.py (it copies
    sys/fs/selinux/enforce whenever selinuxfs exists) and its proc/mounts mounts no selinuxfs:
    SELinux was off in that kernel, as a live audit would say. A hand-made copy may simply have
    left the SELinux files out."""
    if not reader.taken_on_host():
        return False
    mounts = reader.read_text("proc/mounts")
    return bool(mounts) and not any(len(line.split()) > 2 and line.split()[2] == "selinuxfs"
                                    for line in mounts.splitlines())


def gather_selinux(reader):
    enforce = reader.read_value("sys/fs/selinux/enforce")
    config = parse_key_value_file(reader.read_text("etc/selinux/config"))
    if enforce is None and not config and not reader.live and not _mounts_lack_selinuxfs(reader):
        # a live host without selinuxfs has no SELinux; a snapshot may simply not carry it, unless
        # its proc/mounts shows the host had no selinuxfs mounted (SELinux off in the kernel)
        reader.mark_unknown("security.selinux", "neither sys/fs/selinux/enforce nor etc/selinux/config "
                            "in the snapshot", warn=False)
        current = None
    elif enforce is None:
        current = "disabled"
    else:
        current = "enforcing" if enforce == "1" else "permissive"
    return {"current": current, "configured": config.get("SELINUX")}


def gather_thp(reader):
    base = "sys/kernel/mm/transparent_hugepage/"
    enabled = reader.read_value(base + "enabled")
    if enabled is None:
        # RHEL 6 era kernels used a vendor path
        enabled = reader.read_value("sys/kernel/mm/redhat_transparent_hugepage/enabled")
    if enabled is None:
        reader.mark_unknown("security.thp", "transparent_hugepage not present in sysfs", warn=False)
    return {"enabled": bracketed(enabled), "defrag": bracketed(reader.read_value(base + "defrag"))}


def gather_sysctls(reader, keys=OPENGAUSS_SYSCTLS):
    """Current values (whitespace-normalised); None when the key does not exist."""
    values = {}
    for key in keys:
        text = reader.read_text("proc/sys/" + key.replace(".", "/"))
        values[key] = " ".join(text.split()) if text is not None else None
    return values


def parse_limits(text):
    """Entries of a limits.conf file: ``[(domain, type, item, value)]``."""
    entries = []
    for line in (text or "").splitlines():
        line = line.split("#", 1)[0].strip()
        fields = line.split()
        if len(fields) == 4:
            entries.append(tuple(fields))
    return entries


def gather_limits(reader):
    entries = parse_limits(reader.read_text("etc/security/limits.conf"))
    for name in reader.listdir("etc/security/limits.d"):
        if name.endswith(".conf"):
            entries.extend(parse_limits(reader.read_text("etc/security/limits.d/" + name)))
    configured = {}
    # later files win, as pam_limits applies them in order; "-" sets soft and hard
    for domain, kind, item, value in entries:
        for one_kind in (("soft", "hard") if kind == "-" else (kind,)):
            configured.setdefault(domain, {})["%s %s" % (one_kind, item)] = value
    return {"configured": configured, "readable": reader.exists("etc/security/limits.conf")}


def pam_limits_in_sshd(reader):
    """True when sshd's PAM stack loads pam_limits (directly or one include deep)."""
    text = reader.read_text("etc/pam.d/sshd")
    if text is None:
        return None
    stack = [text]
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 2 and (fields[0] in ("@include", "include", "substack")
                                 or fields[1] in ("include", "substack")):
            target = fields[-1] if fields[0] not in ("@include",) else fields[1]
            stack.append(reader.read_text("etc/pam.d/" + target) or "")
    for chunk in stack:
        for line in chunk.splitlines():
            stripped = line.strip()
            if not stripped.startswith("#") and "pam_limits.so" in stripped and stripped.startswith("session"):
                return True
    return False


def gather_locale_timezone(reader):
    texts = [reader.read_text(rel) for rel in ("etc/locale.conf", "etc/default/locale")]
    lang = next((parse_key_value_file(text).get("LANG") for text in texts
                 if parse_key_value_file(text).get("LANG") is not None), None)
    # tools/fep_snapshot.py copies both files whenever they exist (world-readable): their absence
    # from its archive is the host's; a hand-made snapshot may have left them out
    if texts == [None, None] and not reader.live and not reader.taken_on_host():
        reader.mark_unknown("security.lang", "neither etc/locale.conf nor etc/default/locale in the snapshot",
                            warn=False)
    timezone = None
    link = reader.readlink("etc/localtime")
    if link and "zoneinfo/" in link:
        timezone = link.split("zoneinfo/", 1)[1]
    if timezone is None:
        timezone = reader.read_value("etc/timezone") or None
    return {"lang": lang, "timezone": timezone}


def logind_files(reader):
    """logind.conf and its drop-ins in systemd's order: drop-ins by file name, /etc over /run over /usr/lib."""
    main = "etc/systemd/logind.conf" if reader.exists("etc/systemd/logind.conf") else "usr/lib/systemd/logind.conf"
    dropins = {}
    for directory in ("usr/lib/systemd/logind.conf.d", "run/systemd/logind.conf.d", "etc/systemd/logind.conf.d"):
        for name in reader.listdir(directory):
            if name.endswith(".conf"):
                dropins[name] = "%s/%s" % (directory, name)
    return [main] + [dropins[name] for name in sorted(dropins)]


def gather_remove_ipc(reader):
    """The effective RemoveIPC= of systemd-logind (None: not set, systemd's default is yes)."""
    value = None
    for rel in logind_files(reader):
        for line in (reader.read_text(rel) or "").splitlines():
            line = line.strip()
            if line.startswith("RemoveIPC="):
                value = line.split("=", 1)[1].strip().lower()
    return value


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
