# -*- coding: utf-8 -*-
"""The verdict table: aligned for CJK text, detailed for a few hosts, one line each for a region."""

from fep.report.results import build_results
from fep.report.table import clip, render_verdict, width
from tests.builders.region_fixture import load_region_results


def load():
    return load_region_results()


def test_cjk_characters_take_two_columns():
    assert width("通过") == 4 and width("PASS") == 4 and width("鲲鹏 920") == 8


def test_clip_respects_display_width():
    assert clip("不满足的项目很多很多", 8) == "不满足…"
    assert width(clip("不满足的项目很多很多", 8)) <= 8
    assert clip("short", 8) == "short"


def test_region_gets_one_line_per_host_with_failing_checks():
    results = load()
    text = render_verdict(results, "zh")
    lines = text.splitlines()
    assert "localhost" not in text
    for host in results["hosts"]:
        assert sum(1 for line in lines if line.startswith(host + " ")) == 1, host
    phytium = next(line for line in lines if line.startswith("phytium-openeuler-8884 "))
    assert "port.8884" in phytium
    assert "不可达" in next(line for line in lines if line.startswith("xs-unreachable "))
    assert lines[-1] == "共 6 台：已审计 5，不可达 1，失败 0；合格 1，需确认 0，不合格 4，未审计 1"
    # the verdict column is report/summary.py's, as in the HTML and the roll-up
    kunpeng = next(line for line in lines if line.startswith("kunpeng-kylin-l3 "))
    assert "合格" in kunpeng and "不合格" not in kunpeng
    unreachable = next(line for line in lines if line.startswith("xs-unreachable "))
    assert "未审计" in unreachable and "SSH 端口拒绝连接" in unreachable


def test_columns_line_up_in_display_width():
    results = load()
    lines = render_verdict(results, "zh").splitlines()
    header = lines[0]
    status_column = width(header[:header.index("状态")])
    for line in lines[2:-1]:
        # every row's status label starts in the same display column
        prefix = line.split("  ")[0]
        assert width(prefix) <= status_column


def test_a_few_hosts_get_a_per_check_table_in_english():
    results = build_results({"kunpeng-kylin-l3": load()["hosts"]["kunpeng-kylin-l3"]})
    text = render_verdict(results, "en")
    assert "cpu.cores" in text and "PASS" in text
    assert "1 host(s): 1 audited, 0 unreachable, 0 failed; Compliant 1, To confirm 0" in text


def test_region_verdict_names_the_hosts_that_need_the_legacy_profile():
    from fep.checks.audit_notes import python_profile
    results = load()
    # Kylin V10 ships Python 3.7, UOS 1050a 3.6: the audit ran, the roles need ansible-core 2.16
    results["hosts"]["kunpeng-kylin-l3"]["python"] = python_profile("3.7.9")
    results["hosts"]["hygon-uos-l2-short"]["python"] = python_profile("3.6.8")
    zh = render_verdict(results, "zh").splitlines()
    assert zh[-1] == ("需使用 legacy 配置运行加固角色（Python 3.6/3.7，make setup PROFILE=legacy）的主机 2 台："
                      "hygon-uos-l2-short, kunpeng-kylin-l3")
    en = render_verdict(results, "en").splitlines()
    assert en[-1].startswith("2 host(s) need the legacy profile") and "kunpeng-kylin-l3" in en[-1]


def test_region_verdict_has_no_profile_line_when_every_host_runs_the_default_profile():
    lines = render_verdict(load(), "zh").splitlines()
    assert lines[-1].startswith("共 6 台") and not any("legacy" in line for line in lines)


def test_host_detail_explains_the_profile_in_the_report_language():
    from fep.checks.audit_notes import python_profile
    entry = load()["hosts"]["kunpeng-kylin-l3"]
    entry["python"] = python_profile("3.7.9")
    results = build_results({"kunpeng-kylin-l3": entry})
    assert "Python 3.7.9: Python 3.7：加固角色需使用 legacy 配置" in render_verdict(results, "zh")
    assert "provisioning roles need the legacy profile" in render_verdict(results, "en")


def test_mobiles_in_declarations_and_waivers_are_masked_on_the_console():
    entry = load()["hosts"]["kunpeng-kylin-l3"]
    entry["hospital"]["contact"] = {"name": "王工", "mobile": "13912345678"}
    firewall = entry["checks"]["security.firewall"]
    firewall.update(status="pass", message_zh="已声明防火墙：机房防火墙，联系 13800138000",
                    message_en="firewall declared: perimeter firewall, call 13800138000")
    entry["checks"]["security.ips"].update(status="skip", message_zh="豁免：见 0731-13912345678 工单",
                                           message_en="waived: ticket 0731-13912345678")
    results = build_results({"kunpeng-kylin-l3": entry})
    for lang in ("zh", "en"):
        text = render_verdict(results, lang)
        assert "13800138000" not in text and "138****8000" in text
        assert "13912345678" not in text and "139****5678" in text


def test_a_large_run_lists_only_hosts_needing_action_and_says_how_many_are_not_listed(monkeypatch):
    # a national run prints this into the terminal and AWX's job output: bounded, totals exact
    import fep.report.table as table
    monkeypatch.setattr(table, "ROWS_MAX_HOSTS", 3)
    monkeypatch.setattr(table, "ROWS_LISTED_MAX", 2)
    results = load()  # 6 hosts: 1 compliant, 5 needing action
    lines = render_verdict(results, "zh").splitlines()
    listed = [host for host in results["hosts"] if any(line.startswith(host + " ") for line in lines)]
    assert len(listed) == 2 and "kunpeng-kylin-l3" not in listed  # the compliant host is not listed
    assert "另有 1 台合格、3 台需处理的主机未逐台列出（共 6 台" in "\n".join(lines)
    assert lines[-1] == "共 6 台：已审计 5，不可达 1，失败 0；合格 1，需确认 0，不合格 4，未审计 1"
    english = render_verdict(results, "en")
    assert "1 compliant and 3 more host(s) needing action are not listed (6 in all" in english
