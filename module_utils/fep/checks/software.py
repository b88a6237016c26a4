# -*- coding: utf-8 -*-
"""OS and database: 附件2 二、rows 8 and 9."""
from .registry import check, result, unknown_reason
from .util import OS_NAMES_ZH, section

DOMESTIC_CATEGORIES = ("kylin", "openeuler", "uos", "other_domestic")
# openGauss publishes builds for these two architectures only.
OPENGAUSS_ARCHES = ("x86_64", "aarch64")
# gs_checkos A1: the OS families its installer accepts.
OPENGAUSS_OS_IDS = ("kylin", "openeuler", "uos", "euleros", "fusionos", "centos", "rhel", "redhat")


def _os_text(os_facts):
    return os_facts.get("pretty_name") or " ".join(
        x for x in (os_facts.get("name"), os_facts.get("version")) if x) or "unknown"


@check("os.domestic", "二-8", "使用麒麟、欧拉、统信等国产操作系统的服务器版",
       "Server edition of a domestic OS (Kylin, openEuler, UOS, …)", ("software", "os"),
       "/etc/os-release (NAME, ID, VERSION, PLATFORM_ID), not ansible_os_family",
       "/etc/os-release missing or unrecognised")
def os_domestic(facts, ctx):
    os_facts = section(facts, "os") or {}
    category = os_facts.get("category") or "unknown"
    observed = "%s [%s]" % (_os_text(os_facts), category)
    expected = "Kylin / openEuler / UOS / other domestic, server edition"
    zh_name = OS_NAMES_ZH.get(category, category)
    if category == "unknown":
        return result("unknown", observed, expected, "无法识别操作系统",
                      "OS not recognised: " + unknown_reason(facts, "os"))
    if category == "non_domestic":
        return result("fail", observed, expected, "%s：非国产系统" % _os_text(os_facts),
                      "%s is not a domestic OS" % _os_text(os_facts),
                      "安装麒麟高级服务器版、openEuler 或统信服务器版等国产操作系统。",
                      "Install a domestic server OS: Kylin Advanced Server, openEuler or UOS Server.")
    if os_facts.get("server_edition") is False:
        return result("fail", observed, expected, "%s（%s）不是服务器版" % (_os_text(os_facts), zh_name),
                      "%s is not a server edition" % _os_text(os_facts),
                      "改用该系统的服务器版（如银河麒麟高级服务器操作系统 V10）。",
                      "Use the server edition (e.g. Kylin Linux Advanced Server V10).")
    return result("pass", observed, expected, "%s（%s）" % (_os_text(os_facts), zh_name), observed)


@check("db.opengauss", "二-9", "支持运行 openGauss 或同等架构数据库",
       "Can run openGauss (or a same-architecture database)", ("software", "database"),
       "Architecture has an openGauss build (x86_64, aarch64), OS in the installer's list "
       "(gs_checkos A1), x86 CPU flags avx and rdtscp",
       "Architecture or OS unknown")
def db_opengauss(facts, ctx):
    cpu = section(facts, "cpu") or {}
    os_facts = section(facts, "os") or {}
    arch = cpu.get("arch")
    expected = "x86_64/aarch64, supported OS, x86: avx+rdtscp"
    if not arch:
        return result("unknown", "", expected, "无法确定 CPU 架构",
                      "architecture unknown: " + unknown_reason(facts, "cpu.arch", "cpu"))
    problems_zh, problems_en = [], []
    if arch not in OPENGAUSS_ARCHES:
        problems_zh.append("openGauss 无 %s 架构的官方版本" % arch)
        problems_en.append("no openGauss build for %s" % arch)
    if arch == "x86_64":
        flags = cpu.get("x86_flags") or {}
        missing = [f for f in ("avx", "rdtscp") if flags.get(f) is False]
        if missing:
            problems_zh.append("CPU 缺少指令集 %s" % "、".join(missing))
            problems_en.append("CPU lacks %s" % ", ".join(missing))
    os_id = (os_facts.get("id") or "").lower()
    os_ok = os_facts.get("category") in ("kylin", "openeuler", "uos") or os_id in OPENGAUSS_OS_IDS
    observed = "%s, %s" % (arch, _os_text(os_facts))
    if problems_en:
        return result("fail", observed, expected, "；".join(problems_zh), "; ".join(problems_en),
                      "选用 x86_64 或 aarch64 架构、满足指令集要求的服务器；或向厂商确认同等架构数据库的适配。",
                      "Use an x86_64 or aarch64 server with the required CPU features, or confirm "
                      "a same-architecture database with the software vendor.")
    if not os_ok:
        return result("warn", observed, expected,
                      "架构支持，但操作系统 %s 不在 openGauss 安装程序支持列表中" % _os_text(os_facts),
                      "architecture supported, but %s is not in the openGauss installer's OS list"
                      % _os_text(os_facts),
                      "使用麒麟、openEuler 或统信服务器版。",
                      "Use Kylin, openEuler or UOS server edition.")
    return result("pass", observed, expected, "支持（%s）" % observed, "supported (%s)" % observed)
