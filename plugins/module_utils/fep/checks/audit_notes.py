# -*- coding: utf-8 -*-
"""What results.json says about a host's audit besides the verdicts.

``python_profile``: which fepkit install profile can provision the host;
``limited_by_privilege``: the facts an audit without root could not read.
"""


def python_profile(version):
    """Which fepkit install profile can provision a host with this Python.

    ansible-core 2.19 (the default profile) runs modules only on Python 3.8+;
    2.16 (the legacy profile, ``make setup PROFILE=legacy``) accepts 3.6.
    The audit itself works everywhere from 3.6: its collector is piped.
    """
    try:
        major, minor = [int(x) for x in str(version).split(".")[:2]]
    except ValueError:
        return {"version": version, "profile": "unknown",
                "note": "Python version not reported",
                "note_zh": "未获取到 Python 版本"}
    if (major, minor) >= (3, 8):
        return {"version": version, "profile": "default",
                "note": "roles run with the default profile (ansible-core 2.19)",
                "note_zh": "加固角色使用默认配置（ansible-core 2.19）"}
    if (major, minor) >= (3, 6):
        return {"version": version, "profile": "legacy",
                "note": "Python %d.%d: provisioning roles need the legacy profile "
                        "(ansible-core 2.16: make setup PROFILE=legacy)" % (major, minor),
                "note_zh": "Python %d.%d：加固角色需使用 legacy 配置"
                           "（ansible-core 2.16：make setup PROFILE=legacy）" % (major, minor)}
    return {"version": version, "profile": "unsupported",
            "note": "Python %d.%d is too old for any fepkit profile" % (major, minor),
            "note_zh": "Python %d.%d 过旧，fepkit 的任何配置都无法运行加固角色" % (major, minor)}


def limited_by_privilege(facts):
    """Facts that stayed unknown or partial because the audit ran without root."""
    limited = []
    collector = (facts or {}).get("collector") or {}
    if collector.get("snapshot") or collector.get("privileged"):
        return limited
    for key, reason in sorted(((facts or {}).get("unknown") or {}).items()):
        if "root" in reason or "become" in reason:
            limited.append("%s: %s" % (key, reason))
    ports = (facts or {}).get("ports") or {}
    if ports.get("note"):
        limited.append("ports: %s" % ports["note"])
    firewall = ((facts or {}).get("security") or {}).get("firewall") or {}
    if firewall.get("detail"):
        limited.append("security.firewall: %s" % firewall["detail"])
    return limited
