# -*- coding: utf-8 -*-
"""One classification of a host (合格 / 不合格 / 需确认 / 未审计), read by every report."""
import copy

import pytest

from fep.report.summary import failing_hosts, host_summary, not_audited_reason, ordered_hosts, worst
from tests.builders.region_fixture import load_region_results


@pytest.fixture()
def entry():
    """An audited host whose requirements all pass (the compliant level-3 server, made clean)."""
    entry = copy.deepcopy(load_region_results()["hosts"]["kunpeng-kylin-l3"])
    for outcome in entry["checks"].values():
        if outcome["status"] in ("warn", "unknown"):
            outcome["status"] = "pass"
    return entry


def test_every_requirement_passing_is_compliant(entry):
    summary = host_summary(entry)
    assert summary.verdict == "pass" and summary.failing == () and summary.unsure == ()


def test_a_warning_meets_the_sheet(entry):
    entry["checks"]["db.opengauss"]["status"] = "warn"
    assert host_summary(entry).verdict == "pass"
    assert host_summary(entry).counts["warn"] == 1


def test_an_unknown_requirement_needs_confirming(entry):
    entry["checks"]["storage.ssd"]["status"] = "unknown"
    summary = host_summary(entry)
    assert summary.verdict == "attention" and summary.unsure == ("storage.ssd",)
    assert failing_hosts({"hosts": {"h": entry}}) == []


@pytest.mark.parametrize("status", ["fail", "error"])
def test_a_failed_or_crashed_requirement_is_non_compliant(entry, status):
    entry["checks"]["storage.ssd"]["status"] = "unknown"
    entry["checks"]["memory.size"]["status"] = status
    summary = host_summary(entry)
    assert summary.verdict == "fail" and summary.failing == ("memory.size",)
    assert failing_hosts({"hosts": {"h": entry}}) == ["h"]


def test_sub_checks_count_through_their_summary(entry):
    entry["checks"]["db.opengauss.sysctl"]["status"] = "fail"
    summary = host_summary(entry)
    assert summary.verdict == "pass"  # db.opengauss itself passes: the row of the sheet
    assert sum(summary.counts.values()) == sum(1 for c in entry["checks"] if c.count(".") == 1)


def test_a_stale_stored_summary_is_not_trusted(entry):
    entry["summary"] = {"pass": 0, "fail": 9}
    assert host_summary(entry).verdict == "pass"


@pytest.mark.parametrize("status", ["unreachable", "failed"])
def test_a_host_not_audited(entry, status):
    entry["status"] = status
    assert host_summary(entry).verdict == "not_audited"
    assert failing_hosts({"hosts": {"h": entry}}) == ["h"]


def test_a_hospital_is_its_worst_server():
    assert worst(["pass", "attention"]) == "attention"
    assert worst(["pass", "not_audited", "attention"]) == "not_audited"
    assert worst(["not_audited", "fail"]) == "fail"
    assert worst(["pass", "pass"]) == "pass"


@pytest.mark.parametrize("message, cause", [
    ("Failed to connect to the host via ssh: ssh: connect to host 10.0.0.9 port 22: Connection refused",
     "SSH 端口拒绝连接"),
    ("Failed to connect to the host via ssh: ssh: connect to host x port 22: Connection timed out", "连接超时"),
    ("Failed to connect to the host via ssh: root@x: Permission denied (publickey).", "SSH 登录被拒绝"),
    ("Failed to connect to the host via ssh: ssh: Could not resolve hostname x: Name or service not known",
     "主机名无法解析"),
])
def test_unreachable_reason_is_chinese_with_the_original_kept(message, cause):
    text = not_audited_reason({"status": "unreachable", "message": message}, "zh")
    assert text.startswith("服务器不可达：" + cause)
    assert text.endswith("（技术信息：%s）" % message)
    assert not_audited_reason({"status": "unreachable", "message": message}, "en") == message


def test_failed_audit_reason_names_the_variable():
    message = "host h: invalid inventory value(s): fep_ports.web: port must be 1-65535, got 0"
    assert not_audited_reason({"status": "failed", "message": message}, "zh") == (
        "审计失败：清单变量取值有误（技术信息：%s）" % message)
    assert not_audited_reason({"status": "failed", "message": "something new"}, "zh") == (
        "审计失败（技术信息：something new）")


def test_a_host_ended_by_fep_audit_timeout_is_not_called_a_connection_timeout():
    # the message report/results.py failure_message writes for a task ended by the timeout
    message = ("no result within fep_audit_timeout (30 s), the audit of this host was ended: the host or its "
               "connection hung before the collector could report (Timed out after 30 second(s))")
    text = not_audited_reason({"status": "failed", "message": message}, "zh")
    assert text.startswith("审计失败：在 fep_audit_timeout 规定时间内未返回结果")
    assert "连接超时" not in text


def test_every_report_orders_hosts_by_city_county_hospital_then_host():
    def entry(city, county, name):
        return {"hospital": {"name": name, "division": {"city": city, "county": county}}}
    results = {"hosts": {"z": entry("乙市", "A县", "医院"), "y": entry(None, None, None), "x": entry("乙市", "A县", "医院"),
                         "w": entry("甲市", "", "医院"), "v": entry("甲市", "B县", None)}}
    assert [host for host, _ in ordered_hosts(results)] == ["x", "z", "v", "w", "y"]
