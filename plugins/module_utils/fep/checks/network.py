# -*- coding: utf-8 -*-
"""Network requirements: 附件2 三、网络配置要求, rows 1-7."""
from .port_access import port_access
from .registry import check, result, unknown_reason
from .util import join, section

# check id -> (service name in fep_ports, nominal port, survey row, zh use, en use)
PORT_CHECKS = (
    ("port.8881", "data_api", 8881, "三-1", "院内系统通过数据操作 API 同步 EMR 数据",
     "hospital systems sync EMR data through the data API"),
    ("port.5432", "database", 5432, "三-2", "院内系统通过数据库连接同步 EMR 数据",
     "hospital systems sync EMR data through a database connection"),
    ("port.8882", "config_update", 8882, "三-3", "国家平台下发前置软件配置",
     "national platform pushes configuration"),
    ("port.8883", "monitoring", 8883, "三-4", "国家平台监控前置软件",
     "national platform monitors the front-end"),
    ("port.8884", "web", 8884, "三-5", "防保科、临床医生使用系统（PC 端 web）",
     "doctors use the system (web UI)"),
)


def _owner(sock):
    if sock.get("process"):
        return "%s(pid %s)" % (sock["process"], sock.get("pid"))
    return None


def port_result(facts, ctx, service, nominal):
    """Free (or held by the front-end), and what the host firewall does with it (``access``)."""
    port = int(ctx.ports.get(service, nominal))
    outcome = port_free(facts, ctx, service, nominal, port)
    if outcome["status"] not in ("pass", "warn"):
        return outcome
    access = port_access(facts, (ctx.extra or {}).get("firewall_zones"), service, port)
    # the form words the two halves apart (report/survey.py)
    access["port_zh"], access["port_en"] = outcome["message_zh"], outcome["message_en"]
    outcome["access"] = access
    outcome["message_zh"] += "；" + access["message_zh"]
    outcome["message_en"] += "; " + access["message_en"]
    if access["status"] == "blocked":
        outcome["status"] = "warn"
        outcome["remedy_zh"] = ("在本机防火墙上放行 %d（运行 fep_firewall 角色：ansible-playbook "
                                "playbooks/firewall.yml）。" % port)
        outcome["remedy_en"] = ("Allow %d in the host firewall (run the fep_firewall role: "
                                "playbooks/firewall.yml)." % port)
    return outcome


def port_free(facts, ctx, service, nominal, port):
    alternative = port != nominal
    expected = "port %d free or held by the front-end software" % port
    note_zh = "（替代端口 %d，代替 %d）" % (port, nominal) if alternative else ""
    note_en = " (alternative port %d instead of %d)" % (port, nominal) if alternative else ""
    ports = section(facts, "ports") or {}
    listening = ports.get("listening")
    if listening is None:
        return result("unknown", "", expected, "无法读取监听端口",
                      "listening sockets unknown: " + unknown_reason(facts, "ports"))
    holders = [s for s in listening if s["port"] == port]
    if not holders:
        return result("pass", "%d free" % port, expected, "%d 空闲%s" % (port, note_zh),
                      "%d free%s" % (port, note_en))
    owners = sorted({_owner(s) for s in holders if _owner(s)})
    names = {s.get("process") for s in holders}
    if owners and names <= set(ctx.frontend_processes):
        return result("pass", "%d held by %s" % (port, join(owners)), expected,
                      "%d 由前置软件占用：%s%s" % (port, join(owners, "、"), note_zh),
                      "%d held by the front-end software: %s%s" % (port, join(owners), note_en))
    if not owners:
        return result("unknown", "%d in use by an unidentified process" % port, expected,
                      "%d 已被占用，但无权限识别占用进程（请以 become/root 运行）" % port,
                      "%d is in use; its owner is not readable without root (run with become)" % port,
                      "以 root 权限重新审计以识别占用进程。", "Re-audit with become to identify the owner.")
    others = sorted({_owner(s) for s in holders
                        if _owner(s) and s.get("process") not in ctx.frontend_processes})
    return result("fail", "%d held by %s" % (port, join(others)), expected,
                  "%d 被 %s 占用%s" % (port, join(others, "、"), note_zh),
                  "%d is taken by %s%s" % (port, join(others), note_en),
                  "请更换院内系统服务使用的端口号，空出国家要求的端口 %d；确需使用替代端口时，"
                  "在 fep_ports 中声明并在调查表中说明。" % nominal,
                  "Move the hospital's own service off port %d and keep the national port free; "
                  "if an alternative port must be used, declare it in fep_ports and state it in "
                  "the survey." % nominal)


def _make_port_check(check_id, service, nominal, row, use_zh, use_en):
    @check(check_id, row, "端口 %d：%s" % (nominal, use_zh), "Port %d: %s" % (nominal, use_en),
           ("network", "ports"),
           "Listening TCP sockets (v4+v6) from /proc/net/tcp*, owner from /proc/<pid>/fd; "
           "the port number comes from fep_ports.%s" % service,
           "Socket table unreadable, or the port is taken and its owner is unreadable without root",
           short=("端口 %d" % nominal, "Port %d" % nominal))
    def port_check(facts, ctx):
        return port_result(facts, ctx, service, nominal)
    return port_check


for _spec in PORT_CHECKS:
    _make_port_check(*_spec)


def _not_probed_zh(facts):
    """Why a probe did not run, in Chinese: a snapshot cannot reach any network."""
    if (section(facts, "collector") or {}).get("snapshot"):
        return "未探测：本次审计的是服务器文件快照，网络连通性须在服务器上在线审计"
    return "未执行探测"


def _probe_result(facts, ctx, probe, expected, what_zh, what_en, remedy_zh, remedy_en, declared_key):
    declared = ctx.declared.get(declared_key)
    if declared:
        text = declared if isinstance(declared, str) else "yes"
        return result("pass", "declared: %s" % text, expected, "已声明：%s" % text,
                      "declared: %s" % text, source="declared")
    if not ctx.probes.get(probe):
        return result("skip", "not configured", expected, "未配置探测目标（%s）" % what_zh,
                      "not configured: no %s probe target" % what_en,
                      "在清单中配置探测目标后重新审计。", "Configure the probe target in the inventory and re-audit.")
    outcomes = ((section(facts, "probes") or {}).get(probe))
    if outcomes is None:
        return result("unknown", "", expected, _not_probed_zh(facts),
                      "probe not run: " + unknown_reason(facts, "probes"))
    reached = [o for o in outcomes if o.get("ok")]
    text = join("%s %s" % (o["target"], "ok %sms" % o["ms"] if o.get("ok") else o.get("error"))
                for o in outcomes)
    if reached:
        return result("pass", text, expected, "%s 可达：%s" % (what_zh, text), "%s reachable: %s" % (what_en, text))
    return result("fail", text, expected, "%s 不可达：%s" % (what_zh, text),
                  "%s unreachable: %s" % (what_en, text), remedy_zh, remedy_en)


# check id -> (probe, survey row, titles, measured, expected, what, remedy, declared key, short titles)
PROBE_CHECKS = (
    ("net.egress_8888", "egress", "三-6", "前置服务器对外访问 HTTPS/8888（国家平台）",
     "Outbound HTTPS/8888 to the national platform",
     "TCP connection from the server to fep_national_platform (host:8888)",
     "TCP connect to the national platform :8888", "国家平台 8888", "national platform :8888",
     "在防火墙/出口策略中放通前置服务器到国家平台 HTTPS/8888 的访问。",
     "Allow outbound HTTPS/8888 from the server to the national platform.", "egress_8888",
     ("出站 8888", "Egress 8888")),
    ("net.gov_extranet", "gov_extranet", "三-7", "实现电子政务外网联通", "E-government extranet connected",
     "TCP connection to the configured extranet probe targets (fep_probe_targets.gov_extranet)",
     "extranet probe target reachable", "电子政务外网", "e-government extranet",
     "为前置服务器接入电子政务外网（或疾控 VPN）。",
     "Connect the server to the e-government extranet (or CDC VPN).", "gov_extranet",
     ("政务外网", "Gov extranet")),
    ("net.health_private", "health_private", "三-7", "实现卫生专网联通", "Health private network connected",
     "TCP connection to the configured health-network probe targets (fep_probe_targets.health_private)",
     "health-network probe target reachable", "卫生专网", "health private network",
     "为前置服务器接入卫生专网。", "Connect the server to the health private network.", "health_private",
     ("卫生专网", "Health network")),
)


def _make_probe_check(check_id, probe, row, title_zh, title_en, measured, expected,
                      what_zh, what_en, remedy_zh, remedy_en, declared_key, short):
    @check(check_id, row, title_zh, title_en, ("network", "probe"), measured,
           "Not configured (skip); a snapshot, unless tools/fep_snapshot.py probed the same targets", short=short)
    def probe_check(facts, ctx):
        return _probe_result(facts, ctx, probe, expected, what_zh, what_en, remedy_zh, remedy_en,
                             declared_key)
    return probe_check


for _spec in PROBE_CHECKS:
    _make_probe_check(*_spec)


@check("net.bandwidth", "三-7", "电子政务外网出口带宽 10M 及以上", "Extranet egress bandwidth ≥ 10 Mbit/s",
       ("network", "probe"),
       "Timed download from fep_bandwidth_probe_url on the server, or declared (fep_declared.bandwidth_mbps)",
       "Not configured (skip); a snapshot, unless tools/fep_snapshot.py --bandwidth-url downloaded from the same URL",
       short=("带宽≥10M", "Bandwidth ≥10M"))
def net_bandwidth(facts, ctx):
    need = float(ctx.threshold("bandwidth_mbps"))
    expected = ">= %g Mbit/s" % need
    declared = ctx.declared.get("bandwidth_mbps")
    if declared is not None:
        status = "pass" if float(declared) >= need else "fail"
        return result(status, "declared %s Mbit/s" % declared, expected,
                      "已声明出口带宽 %s Mbit/s" % declared, "declared %s Mbit/s" % declared,
                      "" if status == "pass" else "提升政务外网出口带宽至 10M 以上。",
                      "" if status == "pass" else "Raise the extranet egress bandwidth to 10 Mbit/s.",
                      source="declared")
    if not ctx.probes.get("bandwidth_url"):
        return result("skip", "not configured", expected, "未配置带宽测试地址",
                      "not configured: no bandwidth probe URL",
                      "配置 fep_bandwidth_probe_url 或声明 fep_declared.bandwidth_mbps。",
                      "Set fep_bandwidth_probe_url or declare fep_declared.bandwidth_mbps.")
    probe = (section(facts, "probes") or {}).get("bandwidth")
    if probe is None:
        if (section(facts, "collector") or {}).get("snapshot"):
            # a snapshot carries the download only when tools/fep_snapshot.py made it with this URL
            url = ctx.probes["bandwidth_url"]
            return result("unknown", "", expected, "未测速：快照中没有对 %s 的可用带宽测试结果" % url,
                          "bandwidth probe not run: " + unknown_reason(facts, "probes"),
                          "在服务器上以 --bandwidth-url %s 重新运行 fep_snapshot.py，"
                          "或声明 fep_declared.bandwidth_mbps。" % url,
                          "Re-run fep_snapshot.py on the server with --bandwidth-url %s, "
                          "or declare fep_declared.bandwidth_mbps." % url)
        return result("unknown", "", expected, _not_probed_zh(facts),
                      "bandwidth probe not run: " + unknown_reason(facts, "probes"))
    if probe.get("mbps") is None:
        return result("fail", "download failed: %s" % probe.get("error"), expected,
                      "带宽测试下载失败：%s" % probe.get("error"), "download failed: %s" % probe.get("error"),
                      "检查带宽测试地址与出口网络。", "Check the probe URL and the egress network.")
    observed = "%s Mbit/s measured" % probe["mbps"]
    if probe["mbps"] >= need:
        return result("pass", observed, expected, "实测 %s Mbit/s" % probe["mbps"], observed)
    return result("fail", observed, expected, "实测 %s Mbit/s，低于 10M" % probe["mbps"],
                  observed + ": below %g" % need,
                  "提升政务外网出口带宽至 10M 以上。", "Raise the extranet egress bandwidth to 10 Mbit/s.")
