# -*- coding: utf-8 -*-
"""Operating system: 附件2 二、row 8 (row 9, the database, is checks/opengauss.py)."""
from ..domestic import OS_CATEGORY_NAMES
from .registry import check, result, unknown_reason
from .util import section


def os_text(os_facts):
    return os_facts.get("pretty_name") or " ".join(
        x for x in (os_facts.get("name"), os_facts.get("version")) if x) or "unknown"


@check("os.domestic", "二-8", "使用麒麟、欧拉、统信等国产操作系统的服务器版",
       "Server edition of a domestic OS (Kylin, openEuler, UOS, …)", ("software", "os"),
       "/etc/os-release (NAME, ID, VERSION, PLATFORM_ID), not ansible_os_family",
       "/etc/os-release missing or unrecognised",
       short=("国产操作系统", "Domestic OS"))
def os_domestic(facts, ctx):
    os_facts = section(facts, "os") or {}
    category = os_facts.get("category") or "unknown"
    observed = "%s [%s]" % (os_text(os_facts), category)
    expected = "Kylin / openEuler / UOS / other domestic, server edition"
    zh_name = OS_CATEGORY_NAMES["zh"].get(category, category)
    if category == "unknown":
        return result("unknown", observed, expected, "无法识别操作系统",
                      "OS not recognised: " + unknown_reason(facts, "os"))
    if category == "non_domestic":
        return result("fail", observed, expected, "%s：非国产系统" % os_text(os_facts),
                      "%s is not a domestic OS" % os_text(os_facts),
                      "安装麒麟高级服务器版、openEuler 或统信服务器版等国产操作系统。",
                      "Install a domestic server OS: Kylin Advanced Server, openEuler or UOS Server.")
    if os_facts.get("server_edition") is False:
        return result("fail", observed, expected, "%s（%s）不是服务器版" % (os_text(os_facts), zh_name),
                      "%s is not a server edition" % os_text(os_facts),
                      "改用该系统的服务器版（如银河麒麟高级服务器操作系统 V10）。",
                      "Use the server edition (e.g. Kylin Linux Advanced Server V10).")
    return result("pass", observed, expected, "%s（%s）" % (os_text(os_facts), zh_name), observed)
