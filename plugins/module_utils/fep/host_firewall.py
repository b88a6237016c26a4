# -*- coding: utf-8 -*-
"""Which host firewall is in use and whether it filters inbound traffic.

firewalld (with its permanent zones), nftables, ufw and iptables, judged from
files; the nftables/iptables rule set is read only on a live host run as root,
or from what tools/fep_snapshot.py recorded as root.  Standard library only,
Python 3.6+.
"""
import xml.etree.ElementTree as ElementTree

from .os_settings import parse_key_value_file


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
