# -*- coding: utf-8 -*-
"""JUnit XML: parses, counts match the results, unreachable hosts are failures."""
import os
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from fep.report.junit import HOST_CASE, render_junit
from tests.builders.region_fixture import load_region_results

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture()
def results():
    return load_region_results()


def suite_of(root, host):
    return next(s for s in root.findall("testsuite") if s.get("name") == host)


def parse(results, lang="zh"):
    text = render_junit(results, lang)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def expected_counts(results):
    """The documented mapping, computed straight from the results."""
    hosts = results["hosts"].values()
    checks = Counter(o["status"] for e in hosts if e["status"] == "ok" for o in e["checks"].values())
    not_audited = sum(1 for e in hosts if e["status"] != "ok")
    return {
        "tests": len(results["hosts"]) + sum(checks.values()),
        "failures": not_audited + checks["fail"],
        "errors": checks["error"],
        "skipped": checks["skip"] + checks["unknown"],
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
    # by hand: 6 hosts + 5 x 46 checks (25 requirements, 21 db.opengauss.* items);
    # 1 unreachable + 8 failed requirements + 17 failed items; 19 + 3 skip, 13 + 5 unknown
    assert expected == {"tests": 236, "failures": 26, "errors": 0, "skipped": 40}
    assert root.tag == "testsuites"
    assert attr_counts(root) == expected
    assert element_counts(root) == expected
    for suite in root.findall("testsuite"):
        assert attr_counts(suite) == element_counts(suite), suite.get("name")


def test_one_suite_per_host_one_case_per_check(results):
    root = parse(results)
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert sorted(suites) == sorted(results["hosts"])
    for host, entry in results["hosts"].items():
        cases = suites[host].findall("testcase")
        assert [c.get("name") for c in cases] == [HOST_CASE] + list(entry["checks"])
        assert {c.get("classname") for c in cases} == {host}
    props = {p.get("name"): p.get("value") for p in suites["kunpeng-kylin-l3"].iter("property")}
    assert props["hospital"] == "江城市第一人民医院" and props["level"] == "3"


def test_unreachable_host_is_a_failure(results):
    suite = suite_of(parse(results), "xs-unreachable")
    assert attr_counts(suite) == {"tests": 1, "failures": 1, "errors": 0, "skipped": 0}
    failure = suite.find("testcase/failure")
    assert failure.get("type") == "unreachable"
    assert "Connection refused" in failure.get("message")


def test_failed_host_is_a_failure_too(results):
    results["hosts"]["bad-host"] = dict(results["hosts"]["xs-unreachable"], status="failed",
                                        message="host bad-host: fep_root /x is not a directory")
    root = parse(results)
    suite = suite_of(root, "bad-host")
    assert suite.find("testcase/failure").get("type") == "failed"
    assert int(root.get("failures")) == expected_counts(results)["failures"] == 27


def test_each_status_maps_to_its_element(results):
    checks = results["hosts"]["hygon-uos-l2-short"]["checks"]
    checks["cpu.cores"] = dict(checks["cpu.cores"], status="error", message_zh="检查程序出错：KeyError")
    suite = suite_of(parse(results), "hygon-uos-l2-short")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    failure = cases["memory.size"].find("failure")
    outcome = checks["memory.size"]
    assert failure.get("message") == outcome["message_zh"]
    for key in ("observed", "expected", "remedy_zh"):
        assert outcome[key] in failure.text, key
    assert cases["cpu.cores"].find("error").get("message") == "检查程序出错：KeyError"
    assert cases["cpu.domestic"].find("failure") is None and cases["cpu.domestic"].find("skipped") is None
    statuses = {c: o["status"] for c, o in checks.items()}
    for check_id, status in statuses.items():
        skipped = cases[check_id].find("skipped")
        assert (skipped is not None) == (status in ("skip", "unknown")), check_id
        if status == "unknown":
            assert skipped.get("message").startswith("未知")
    warned = [c for c, s in statuses.items() if s == "warn"]
    assert warned and all(list(cases[c]) == [cases[c].find("system-out")] for c in warned)


def test_special_characters_are_escaped_and_xml_stays_valid(results):
    nasty = '<a href="x">&\'"]]> \x00\x1b\x7f 医院'
    entry = results["hosts"]["intel-centos"]
    entry["hospital"]["name"] = nasty
    entry["checks"]["cpu.domestic"]["message_zh"] = nasty
    entry["checks"]["cpu.domestic"]["observed"] = nasty
    results["hosts"]["xs-unreachable"]["message"] = nasty
    root = parse(results)  # would raise on bad escaping or control characters
    suite = suite_of(root, "intel-centos")
    failure = next(c for c in suite.findall("testcase") if c.get("name") == "cpu.domestic").find("failure")
    assert failure.get("message") == '<a href="x">&\'"]]> \ufffd\ufffd\x7f 医院'
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
    messages = [f.get("message") for f in root.iter("failure")]
    assert outcome["message_en"] in messages and outcome["message_zh"] not in messages
    assert attr_counts(root) == expected_counts(results)


def test_timestamp_and_time(results):
    root = parse(results)
    assert root.get("timestamp") == "2026-11-25T17:30:00"  # ISO 8601 without zone, as the schema wants
    assert float(root.get("time")) == pytest.approx(sum(
        e["facts"].get("collector", {}).get("duration_ms", 0) for e in results["hosts"].values()) / 1000.0)
