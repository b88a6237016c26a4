# -*- coding: utf-8 -*-
"""The verdict table: aligned for CJK text, detailed for a few hosts, one line each for a region."""
import json
import os

from fep.report.results import build_results
from fep.report.table import clip, render_verdict, width

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "results", "region.json")


def load():
    with open(FIXTURE, encoding="utf-8") as handle:
        return json.load(handle)


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
    assert lines[-1] == "共 6 台：已审计 5，不可达 1，失败 0"


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
    assert "1 host(s): 1 audited, 0 unreachable, 0 failed" in text
