# -*- coding: utf-8 -*-
"""Kernel, LANG and time zone compared across the servers of one hospital (gs_checkos A2-A4).

Judged by the hospital stage (checks/hospital.py judge_hospitals) once every
host of the run is known, before build_results assembles results.json, so
every report and the verdict table carry the comparison.
"""
import copy

import pytest

from fep.checks.hospital import judge_hospitals
from fep.report.html import render_html
from fep.report.results import build_results as assemble
from fep.report.summary import failing_hosts
from fep.report.table import render_verdict
from tests.builders.region_fixture import load_region_results

HOSPITAL = "江城市第一人民医院"


@pytest.fixture(scope="module")
def region():
    return load_region_results()


def server(region, kernel=None, lang=None, offset=None, status="ok"):
    """A server of HOSPITAL: the fixture's prepared Kunpeng with some facts changed."""
    entry = copy.deepcopy(region["hosts"]["kunpeng-kylin-l3"])
    entry["status"] = status
    facts = entry["facts"]
    if kernel:
        facts["os"]["kernel"] = kernel
    if lang:
        facts["security"]["lang"] = lang
    if offset:
        facts["opengauss"]["timezone_offset"] = offset
    return entry


def build_results(hosts, generated=None):
    """What fep_results does: the hospital stage, then the document."""
    return assemble(judge_hospitals(hosts), generated=generated)


def hospital(region, **servers):
    hosts = {name: server(region, **changes) for name, changes in servers.items()}
    return build_results(hosts, generated="2026-11-25T17:30:00+08:00")


def test_one_server_hospital_passes_with_a_note(region):
    checks = hospital(region, a={})["hosts"]["a"]["checks"]
    for item in ("kernel", "locale", "timezone"):
        outcome = checks["db.opengauss." + item]
        assert outcome["status"] == "pass"
        assert outcome["message_zh"].endswith("（本院仅此一台服务器，无需比对）")
        assert outcome["compared_with"] == []


def test_same_values_pass_and_name_the_peers(region):
    results = hospital(region, a={}, b={}, c={})
    outcome = results["hosts"]["b"]["checks"]["db.opengauss.locale"]
    assert outcome["status"] == "pass"
    assert outcome["message_zh"] == "LANG=en_US.UTF-8（与本院其他 2 台服务器一致）"
    assert outcome["compared_with"] == ["a", "b", "c"]


def test_different_kernels_warn_on_every_server_of_the_hospital(region):
    results = hospital(region, a={}, b={"kernel": "4.19.90-89.11.v2401.ky10.aarch64"})
    for name in ("a", "b"):
        outcome = results["hosts"][name]["checks"]["db.opengauss.kernel"]
        assert outcome["status"] == "warn"  # A2 is a Warning for the installer
        assert outcome["observed"] == ("4.19.90-52.22.v2207.ky10.aarch64: a; "
                                       "4.19.90-89.11.v2401.ky10.aarch64: b")
        assert "本院服务器之间不一致" in outcome["message_zh"]
        assert outcome["remedy_zh"] == "将本院各服务器升级到相同的内核版本。"


def test_different_lang_or_offset_fails_and_the_summary_follows(region):
    results = hospital(region, a={}, b={"lang": "zh_CN.UTF-8", "offset": "+0000"})
    for name in ("a", "b"):
        checks = results["hosts"][name]["checks"]
        assert checks["db.opengauss.locale"]["status"] == "fail"
        assert checks["db.opengauss.timezone"]["status"] == "fail"
        # the installer would stop, but the servers can run openGauss once LANG and the time zone
        # agree (the role sets both): 二-9 is supported, with the items to fix first
        assert checks["db.opengauss"]["status"] == "warn"
        assert checks["db.opengauss"]["parts"]["fail"] == ["db.opengauss.locale", "db.opengauss.timezone"]
        assert checks["db.opengauss"]["readiness"]["to_fix"] == ["db.opengauss.locale", "db.opengauss.timezone"]
        assert "安装前需整改 2 项：字符集 LANG、时区" in checks["db.opengauss"]["message_zh"]
        assert results["hosts"][name]["summary"]["fail"] == 0
    assert results["summary"]["check_status"]["fail"] == 0
    assert failing_hosts(results) == []


def test_servers_of_other_hospitals_are_not_compared(region):
    hosts = {"a": server(region), "b": server(region, lang="zh_CN.UTF-8")}
    hosts["b"]["hospital"] = dict(hosts["b"]["hospital"], name="江城市中医医院")
    results = build_results(hosts)
    assert results["hosts"]["a"]["checks"]["db.opengauss.locale"]["status"] == "pass"
    assert results["hosts"]["b"]["checks"]["db.opengauss.locale"]["compared_with"] == []


def test_same_name_in_another_county_is_another_hospital(region):
    """县人民医院 exists in every county: a merged provincial run must not compare them."""
    hosts = {"a": server(region), "b": server(region, lang="zh_CN.UTF-8"), "c": server(region)}
    hosts["b"]["hospital"] = dict(hosts["b"]["hospital"], division=dict(
        hosts["b"]["hospital"]["division"], county="西山县"))
    results = build_results(hosts)
    assert results["hosts"]["b"]["checks"]["db.opengauss.locale"]["compared_with"] == []
    assert results["hosts"]["a"]["checks"]["db.opengauss.locale"]["compared_with"] == ["a", "c"]
    assert results["hosts"]["a"]["checks"]["db.opengauss.locale"]["status"] == "pass"


def test_hosts_without_a_hospital_name_stand_alone(region):
    hosts = {"a": server(region), "b": server(region, kernel="5.10.0")}
    for entry in hosts.values():
        entry["hospital"] = dict(entry["hospital"], name=None)
    results = build_results(hosts)
    assert {results["hosts"][h]["checks"]["db.opengauss.kernel"]["status"] for h in "ab"} == {"pass"}


def test_unreachable_and_unknown_servers_are_left_out(region):
    hosts = {"a": server(region), "b": server(region, lang="zh_CN.UTF-8"),
             "c": copy.deepcopy(region["hosts"]["xs-unreachable"])}
    hosts["c"]["hospital"] = dict(hosts["c"]["hospital"], name=HOSPITAL)
    hosts["b"]["facts"]["security"]["lang"] = None  # LANG not set: its own warning, nothing to compare
    results = build_results(hosts)
    assert results["hosts"]["a"]["checks"]["db.opengauss.locale"]["status"] == "pass"
    assert results["hosts"]["a"]["checks"]["db.opengauss.locale"]["compared_with"] == ["a", "b"]
    assert results["hosts"]["b"]["checks"]["db.opengauss.locale"]["status"] == "warn"
    assert results["hosts"]["c"]["checks"] == {}


def test_waived_items_stay_waived(region):
    hosts = {"a": server(region), "b": server(region, kernel="5.10.0")}
    for entry in hosts.values():
        entry["checks"]["db.opengauss.kernel"] = {
            "status": "skip", "observed": "", "expected": "", "message_zh": "已豁免：双机热备不同型号",
            "message_en": "waived", "remedy_zh": "", "remedy_en": "", "source": "waiver"}
    results = build_results(hosts)
    assert results["hosts"]["b"]["checks"]["db.opengauss.kernel"]["message_zh"] == "已豁免：双机热备不同型号"


def test_comparing_twice_changes_nothing(region):
    results = hospital(region, a={}, b={"kernel": "5.10.0"})
    again = copy.deepcopy(results["hosts"])
    judge_hospitals(again)
    assert again == results["hosts"]


def test_reports_show_the_comparison(region):
    results = hospital(region, a={}, b={"lang": "zh_CN.UTF-8"})
    verdict = render_verdict(results, "zh")
    assert "└ locale" in verdict
    page = render_html(results, "zh")
    assert "本院服务器之间不一致：en_US.UTF-8: a; zh_CN.UTF-8: b" in page


def test_build_results_only_assembles(region):
    """The judging is a stage of its own: build_results leaves what it is given as it is."""
    hosts = {"a": server(region), "b": server(region, lang="zh_CN.UTF-8")}
    given = copy.deepcopy(hosts)
    results = assemble(hosts, generated="2026-11-25T17:30:00+08:00")
    assert results["hosts"] == given
    judged = judge_hospitals(copy.deepcopy(given))
    assert judged["a"]["checks"]["db.opengauss.locale"]["status"] == "fail"
    assert assemble(judged)["hosts"]["a"]["checks"]["db.opengauss.locale"]["compared_with"] == ["a", "b"]
