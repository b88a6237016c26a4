# -*- coding: utf-8 -*-
"""JUnit XML: one case per host, parses, counts match the results, unreachable hosts are failures."""
import os
import xml.etree.ElementTree as ET

import pytest

from fep.report.junit import render_junit
from fep.report.summary import host_summary
from tests.builders.region_fixture import load_region_results

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture()
def results():
    return load_region_results()


def case_of(root, host):
    return next(c for c in root.iter("testcase") if c.get("name") == host)


def parse(results, lang="zh"):
    text = render_junit(results, lang)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def expected_counts(results):
    """The documented mapping, computed straight from the results: a host is a test case."""
    verdicts = [host_summary(entry) for entry in results["hosts"].values()]
    # a host whose only findings are crashed checks is an error, not a failure
    errors = sum(1 for s in verdicts if s.verdict == "fail" and s.counts["fail"] == 0)
    return {
        "tests": len(results["hosts"]),
        "failures": sum(1 for s in verdicts if s.verdict in ("fail", "not_audited")) - errors,
        "errors": errors,
        "skipped": 0,
    }


def element_counts(node):
    cases = list(node.iter("testcase"))
    return {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }


def attr_counts(node):
    return {key: int(node.get(key)) for key in ("tests", "failures", "errors", "skipped")}


def test_counts_match_the_fixture(results):
    root = parse(results)
    expected = expected_counts(results)
    # by hand: 6 hosts; fail: hygon (memory, NIC, firewall), intel (CPU, OS), loongson (openGauss), phytium (port
    # 8884) and the unreachable one; kunpeng passes with warnings
    assert expected == {"tests": 6, "failures": 5, "errors": 0, "skipped": 0}
    assert root.tag == "testsuites"
    assert attr_counts(root) == expected
    assert element_counts(root) == expected
    for suite in root.findall("testsuite"):
        assert attr_counts(suite) == element_counts(suite), suite.get("name")


def test_one_suite_per_city_one_case_per_host(results):
    root = parse(results)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert sorted(suites) == ["示例省 · 江城市", "示例省 · 河阳市"]
    cases = [c for suite in root.findall("testsuite") for c in suite.findall("testcase")]
    assert sorted(c.get("name") for c in cases) == sorted(results["hosts"])
    kunpeng = case_of(root, "kunpeng-kylin-l3")
    assert kunpeng.get("classname") == "示例省.江城市.江城市第一人民医院"
    assert kunpeng.find("failure") is None and kunpeng.find("error") is None
    # warnings and unknowns are named, the case passes
    assert "警告 " in kunpeng.find("system-out").text
    for host, entry in results["hosts"].items():
        failing = host_summary(entry).verdict in ("fail", "not_audited")
        assert (case_of(root, host).find("failure") is not None) == failing, host


def test_unreachable_host_is_a_failure(results):
    case = case_of(parse(results), "xs-unreachable")
    failure = case.find("failure")
    assert failure.get("type") == "unreachable"
    assert "Connection refused" in failure.get("message")


def test_failed_host_is_a_failure_too(results):
    results["hosts"]["bad-host"] = dict(results["hosts"]["xs-unreachable"], status="failed",
                                        message="host bad-host: fep_root /x is not a directory")
    root = parse(results)
    assert case_of(root, "bad-host").find("failure").get("type") == "failed"
    assert int(root.get("failures")) == expected_counts(results)["failures"] == 6


def test_a_failing_host_names_every_failing_check_with_its_details(results):
    checks = results["hosts"]["hygon-uos-l2-short"]["checks"]
    case = case_of(parse(results), "hygon-uos-l2-short")
    failure = case.find("failure")
    failing = [c for c, o in checks.items() if o["status"] == "fail"]
    assert failing and failure.get("type") == "fail"
    assert failure.get("message").startswith("不满足 %d 项：" % len(failing))
    for check_id in failing:
        assert check_id in failure.get("message") and check_id in failure.text
    outcome = checks["memory.size"]
    for key in ("message_zh", "remedy_zh"):
        assert outcome[key] in failure.text, key
    # the checks' English shorthand stays out of the Chinese file (the message says it in Chinese), as in the HTML
    assert outcome["observed"] not in failure.text
    english = case_of(parse(results, "en"), "hygon-uos-l2-short").find("failure").text
    for key in ("message_en", "observed", "expected", "remedy_en"):
        assert outcome[key] in english, key
    # what passes is not repeated; what is unknown or a warning is in system-out
    passing = [c for c, o in checks.items() if o["status"] == "pass"]
    assert not any(check_id in failure.text or check_id in case.find("system-out").text for check_id in passing)
    unknown = [c for c, o in checks.items() if o["status"] == "unknown"]
    assert unknown and all(check_id in case.find("system-out").text for check_id in unknown)


def test_a_crashed_check_alone_is_an_error(results):
    checks = results["hosts"]["kunpeng-kylin-l3"]["checks"]
    checks["cpu.cores"] = dict(checks["cpu.cores"], status="error", message_zh="检查程序出错：KeyError")
    root = parse(results)
    error = case_of(root, "kunpeng-kylin-l3").find("error")
    assert error is not None and "cpu.cores" in error.get("message") and "KeyError" in error.text
    assert attr_counts(root)["errors"] == 1 and attr_counts(root) == element_counts(root)


def test_special_characters_are_escaped_and_xml_stays_valid(results):
    nasty = '<a href="x">&\'"]]> \x00\x1b\x7f 医院'
    entry = results["hosts"]["intel-centos"]
    entry["hospital"]["name"] = nasty
    entry["checks"]["cpu.domestic"]["message_zh"] = nasty
    entry["checks"]["cpu.domestic"]["observed"] = nasty
    results["hosts"]["xs-unreachable"]["message"] = nasty
    root = parse(results)  # would raise on bad escaping or control characters
    failure = case_of(root, "intel-centos").find("failure")
    assert '<a href="x">&\'"]]> \ufffd\ufffd\x7f 医院' in failure.text
    assert case_of(root, "intel-centos").get("classname").endswith('<a href="x">&\'"]]> \ufffd\ufffd\x7f 医院')
    assert case_of(root, "xs-unreachable").find("failure").get("message") == '<a href="x">&\'"]]> \ufffd\ufffd\x7f 医院'
    assert attr_counts(root) == expected_counts(results)


def test_no_mobile_numbers(results):
    mobiles = [e["hospital"]["contact"]["mobile"] for e in results["hosts"].values()
               if e["hospital"]["contact"]["mobile"]]
    results["hosts"]["kunpeng-kylin-l3"]["checks"]["security.ips"]["message_zh"] = "联系 %s" % mobiles[0]
    text = render_junit(results)
    assert mobiles and not any(mobile in text for mobile in mobiles)


def test_english_messages(results):
    root = parse(results, "en")
    outcome = results["hosts"]["hygon-uos-l2-short"]["checks"]["memory.size"]
    text = case_of(root, "hygon-uos-l2-short").find("failure").text
    assert outcome["message_en"] in text and outcome["message_zh"] not in text
    assert attr_counts(root) == expected_counts(results)


def test_timestamp_and_time(results):
    root = parse(results)
    assert root.get("timestamp") == "2026-11-25T17:30:00"  # ISO 8601 without zone, as the schema wants
    assert float(root.get("time")) == pytest.approx(sum(
        e["facts"].get("collector", {}).get("duration_ms", 0) for e in results["hosts"].values()) / 1000.0)
