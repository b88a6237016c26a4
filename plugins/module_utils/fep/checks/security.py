# -*- coding: utf-8 -*-
"""Security requirements: 附件1 三、 and 附件2 三、row 8."""
from .registry import check, result, unknown_reason
from .util import join, section

AGENT_CATEGORIES = {
    "antivirus": ("防病毒", "antivirus"),
    "ips": ("入侵防御", "intrusion prevention (IPS)"),
    "url_filter": ("URL 过滤", "URL filtering"),
}


def _declared(ctx, key):
    value = ctx.declared.get(key)
    if not value:
        return None
    return value if isinstance(value, str) else "yes"


def _agent_check(facts, ctx, category):
    name_zh, name_en = AGENT_CATEGORIES[category]
    expected = "%s on the server or declared appliance" % name_en
    declared = _declared(ctx, category)
    security = section(facts, "security")
    detected = [a["name"] for a in (security or {}).get("agents") or [] if a["category"] == category]
    if detected:
        text = join(detected)
        return result("pass", "detected: %s" % text, expected, "检测到%s：%s" % (name_zh, text),
                      "%s detected: %s" % (name_en, text))
    if declared:
        return result("pass", "declared: %s" % declared, expected, "已声明%s：%s" % (name_zh, declared),
                      "%s declared: %s" % (name_en, declared), source="declared")
    if security is None or "security.processes" in (facts.get("unknown") or {}):
        return result("unknown", "", expected, "无法读取进程信息",
                      "process list unknown: " + unknown_reason(facts, "security"))
    return result("warn", "not detected, not declared", expected,
                  "服务器上未检测到%s，清单中也未声明" % name_zh,
                  "no %s found on the server and none declared" % name_en,
                  "配备%s产品；若由网络侧设备提供，请在清单 fep_declared.%s 中声明。" % (name_zh, category),
                  "Provide %s; if a network appliance provides it, declare it as fep_declared.%s."
                  % (name_en, category))


@check("security.antivirus", "三-8", "配备防病毒产品", "Antivirus", ("security",),
       "Agent processes/services from an extensible list (fep_security_agents), or declared",
       "Process list unreadable",
       short=("防病毒", "Antivirus"))
def security_antivirus(facts, ctx):
    return _agent_check(facts, ctx, "antivirus")


@check("security.firewall", "三-8", "配备防火墙", "Firewall", ("security", "firewall"),
       "Host firewall (firewalld, nftables, iptables, ufw) running, or a declared appliance",
       "Firewall state unreadable (nftables rule set needs root)",
       short=("防火墙", "Firewall"))
def security_firewall(facts, ctx):
    expected = "host firewall running or declared appliance"
    security = section(facts, "security") or {}
    firewall = security.get("firewall") or {}
    declared = _declared(ctx, "firewall")
    backend, state = firewall.get("backend"), firewall.get("state")
    observed = "%s %s" % (backend, state) if backend and backend != "none" else "no host firewall"
    if backend and backend != "none" and state == "running":
        zh = "主机防火墙 %s 运行中" % backend
        if declared:
            zh += "；另声明：%s" % declared
        return result("pass", observed, expected, zh, "host firewall %s running" % backend)
    if declared:
        return result("pass", "%s; declared: %s" % (observed, declared), expected,
                      "已声明防火墙：%s" % declared, "firewall declared: %s" % declared, source="declared")
    if not firewall:
        return result("unknown", "", expected, "无法读取防火墙状态",
                      "firewall state unknown: " + unknown_reason(facts, "security"))
    if state == "unknown" and "security.processes" in (facts.get("unknown") or {}):
        return result("unknown", observed, expected, "无法读取完整的进程列表，无法判断防火墙是否运行",
                      "firewall state unknown: " + unknown_reason(facts, "security.processes"))
    if state == "unknown":
        return result("unknown", observed, expected, "防火墙 %s 状态无法读取（需 root）" % backend,
                      "%s state not readable: %s" % (backend, firewall.get("detail") or "needs root"),
                      "以 become/root 重新审计。", "Re-audit with become.")
    return result("fail", observed, expected, "未运行主机防火墙，也未声明网络防火墙",
                  "no host firewall running and no firewall appliance declared",
                  "启用 firewalld 并按区域开放前置软件端口（fep_firewall 角色），或声明边界防火墙。",
                  "Enable firewalld with the front-end ports per zone (role fep_firewall), or declare "
                  "the perimeter firewall as fep_declared.firewall.")


@check("security.ips", "三-8", "配备入侵防御（IPS）", "Intrusion prevention (IPS)", ("security",),
       "Agent processes/services from an extensible list, or declared", "Process list unreadable",
       short=("入侵防御", "IPS"))
def security_ips(facts, ctx):
    return _agent_check(facts, ctx, "ips")


@check("security.url_filter", "三-8", "配备 URL 过滤", "URL filtering", ("security",),
       "Filtering proxies on the server, or declared (usually a network appliance)",
       "Process list unreadable",
       short=("URL 过滤", "URL filter"))
def security_url_filter(facts, ctx):
    return _agent_check(facts, ctx, "url_filter")


@check("security.ca_cert", "附件1-三", "CA 证书与传染病网络直报系统兼容互认",
       "CA certificate compatible with the direct-reporting system's CA", ("security", "declared"),
       "Declared in the inventory (fep_declared.ca_cert); not observable on the server",
       "Not declared",
       short=("CA 证书", "CA certificate"))
def security_ca_cert(facts, ctx):
    expected = "CA compatible with the infectious-disease direct-reporting system"
    declared = _declared(ctx, "ca_cert")
    if declared:
        return result("pass", "declared: %s" % declared, expected, "已声明：%s" % declared,
                      "declared: %s" % declared, source="declared")
    return result("unknown", "not declared", expected,
                  "无法自动核验 CA 证书与直报系统的兼容互认",
                  "CA compatibility with the direct-reporting system cannot be verified automatically",
                  "确认所用 CA 证书与传染病网络直报系统兼容互认后，在清单中声明 fep_declared.ca_cert。",
                  "Confirm the CA is mutually recognised with the direct-reporting system, then "
                  "declare fep_declared.ca_cert in the inventory.")
