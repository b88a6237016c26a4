# -*- coding: utf-8 -*-
"""The HTML report: overview and city pages, totals, hospitals, drill-down, escaping, privacy, language."""
import copy
import html
import os
import re
from collections import Counter

import pytest

from fep.report.html import render_html, render_pages
from fep.report.summary import host_summary
from tests.builders.region_fixture import load_region_results

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture()
def results():
    return load_region_results()


def overview(results, lang="zh"):
    return dict(render_pages(results, lang))["report.html"]


def card(page, key):
    match = re.search(r'data-total="%s"><b>(\d+)</b>' % key, page)
    assert match, key
    return int(match.group(1))


def host_sections(page):
    """``{host: html of its drill-down <details>}``."""
    sections = {}
    for chunk in page.split("<details ")[1:]:
        host = html.unescape(re.search(r'data-host="([^"]*)"', chunk).group(1))
        sections[host] = chunk.split("</details>")[0]
    return sections


def test_totals_match_the_results(results):
    page = overview(results)
    host_status = Counter(entry["status"] for entry in results["hosts"].values())
    # the requirements of the sheet: db.opengauss.* count through db.opengauss
    check_status = Counter(outcome["status"] for entry in results["hosts"].values()
                           for check_id, outcome in entry["checks"].items() if check_id.count(".") == 1)
    assert card(page, "hosts") == len(results["hosts"]) == 6
    assert card(page, "ok") == host_status["ok"] == 5
    assert card(page, "unreachable") == host_status["unreachable"] == 1
    assert card(page, "failed") == host_status["failed"]
    for status in ("pass", "fail", "warn", "unknown", "skip", "error"):
        assert card(page, status) == check_status[status], status
    assert card(page, "fail") == 8  # the fixture's findings, by hand (db.opengauss fails on Loongson only)
    assert check_status == Counter(results["summary"]["check_status"])


def test_every_hospital_has_a_row_with_its_status(results):
    page = render_html(results)
    table = "".join(part.split("</table>")[0] for part in page.split('id="hospitals"')[1:])
    rows = re.findall(r'<tr class="row-([a-z_]+)" data-host="([^"]+)"', table)
    assert sorted(host for _, host in rows) == sorted(results["hosts"])
    status = {host: overall for overall, host in rows}
    # one classification (report/summary.py), the roll-up's and the console's
    assert status == {host: host_summary(entry).verdict for host, entry in results["hosts"].items()}
    assert status["xs-unreachable"] == "not_audited"
    assert status["intel-centos"] == "fail"
    assert status["kunpeng-kylin-l3"] == "pass"  # warnings only
    assert ">合格<" in table.split('data-host="kunpeng-kylin-l3"')[1].split("</tr>")[0]
    for entry in results["hosts"].values():
        assert entry["hospital"]["name"] in table
        assert entry["hospital"]["division"]["city"] in table
    # failing checks are listed for the hospital that fails them
    intel_row = table.split('data-host="intel-centos"')[1].split("</tr>")[0]
    for check_id in ("cpu.domestic", "cpu.cores", "os.domestic"):
        assert "#host-" in intel_row and check_id in intel_row
    # the unreachable hospital says why, in Chinese, ssh's words kept as the technical detail
    unreachable = table.split('data-host="xs-unreachable"')[1].split("</tr>")[0]
    assert "服务器不可达：SSH 端口拒绝连接" in unreachable and "Connection refused" in unreachable


def test_drill_down_has_every_check_of_every_hospital(results):
    sections = host_sections(render_html(results))
    assert sorted(sections) == sorted(results["hosts"])
    for host, entry in results["hosts"].items():
        rows = re.findall(r'<tr class="check row-[a-z]+( sub)?" id="[^"]+" data-check="([^"]+)"', sections[host])
        assert [check_id for _, check_id in rows] == list(entry["checks"]), host
        # the sub-checks sit right under db.opengauss, marked as its items
        assert {check_id for sub, check_id in rows if sub} == {c for c in entry["checks"] if c.startswith("db.opengauss.")}
    memory = sections["hygon-uos-l2-short"].split('data-check="memory.size"')[1].split("</tr>")[0]
    outcome = results["hosts"]["hygon-uos-l2-short"]["checks"]["memory.size"]
    for key in ("message_zh", "remedy_zh"):
        assert html.escape(outcome[key]) in memory, key
    assert "不满足" in memory
    # the checks' English shorthand (observed, expected) stays out of the Chinese report ...
    assert html.escape(outcome["observed"]) not in memory and "实际情况" not in sections["hygon-uos-l2-short"]
    # ... and is in the English one
    english = host_sections(render_html(results, "en"))["hygon-uos-l2-short"]
    english = english.split('data-check="memory.size"')[1].split("</tr>")[0]
    for key in ("observed", "expected", "message_en", "remedy_en"):
        assert html.escape(outcome[key]) in english, key


def test_declared_and_detected_are_told_apart(results):
    section = host_sections(render_html(results))["kunpeng-kylin-l3"]
    ips = section.split('data-check="security.ips"')[1].split("</tr>")[0]
    cpu = section.split('data-check="cpu.domestic"')[1].split("</tr>")[0]
    assert ">声明<" in ips and ">检测<" in cpu


def test_inventory_and_host_text_is_escaped(results):
    hostile = '<script>alert("x")</script> & 医院'
    entry = results["hosts"]["intel-centos"]
    entry["hospital"]["name"] = hostile
    entry["hospital"]["division"]["city"] = "<b>城</b>"
    entry["checks"]["cpu.domestic"]["message_zh"] = "<img src=x onerror=alert(1)>"
    entry["checks"]["cpu.domestic"]["observed"] = "a < b & c > d"
    results["hosts"]["xs-unreachable"]["message"] = "ssh: <iframe>"
    results["hosts"]['we"ird<host>'] = copy.deepcopy(results["hosts"]["xs-unreachable"])
    for lang in ("zh", "en"):
        page = render_html(results, lang)
        for raw in ("<script>alert", "<b>城", "<img src=x", "<iframe>", 'we"ird<host>', "a < b"):
            assert raw not in page, raw
        assert html.escape(hostile) in page
    page = render_html(results)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # observed values are shown in the English report only
    assert "a &lt; b &amp; c &gt; d" in render_html(results, "en")
    # only the report's own script element, one per page
    for _, text in render_pages(results):
        assert text.count("<script") == 1


@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x07", "\x7f", "\x9b", "\u202e", "\u202d", "\u2066",
                                       "\u2069", "\u200f", "\u061c", "\ud800"])
def test_control_and_bidi_characters_never_reach_the_page(results, character):
    """NUL, ESC (terminal escapes), C1 controls and bidi overrides reorder or hide what a reader
    sees ("\u202e" turns "fail" into "liaf"); a snapshot or an inventory can carry any of them."""
    entry = results["hosts"]["intel-centos"]
    entry["hospital"]["name"] = "医院%s名" % character
    entry["checks"]["cpu.domestic"]["message_zh"] = "fail%s ssap" % character  # the zh page shows message_zh
    results["hosts"]["xs-unreachable"]["message"] = "ssh:%s refused" % character
    page = render_html(results)
    assert character not in page
    assert "医院\ufffd名" in page and "fail\ufffd ssap" in page and "ssh:\ufffd refused" in page


def test_every_hospital_name_is_escaped_in_every_place(results):
    for index, entry in enumerate(results["hosts"].values()):
        entry["hospital"]["name"] = "医院 %d <&>" % index
    page = render_html(results)
    for index in range(len(results["hosts"])):
        assert "医院 %d <&>" % index not in page
        # once in the table, once in the drill-down
        assert page.count("医院 %d &lt;&amp;&gt;" % index) == 2


def test_no_mobile_number_in_the_report(results):
    mobiles = [entry["hospital"]["contact"]["mobile"] for entry in results["hosts"].values()
               if entry["hospital"]["contact"]["mobile"]]
    assert len(mobiles) >= 4
    # a mobile that slipped into a declaration or a message is masked too
    results["hosts"]["kunpeng-kylin-l3"]["checks"]["security.ips"]["message_zh"] = "联系人 %s 确认" % mobiles[0]
    results["hosts"]["kunpeng-kylin-l3"]["checks"]["security.ips"]["observed"] = "call 13912345678"
    for lang in ("zh", "en"):
        page = render_html(results, lang)
        for mobile in mobiles + ["13912345678"]:
            assert mobile not in page
        assert not re.search(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])", page)
    assert "139****5678" in render_html(results, "en")


def test_no_external_resources(results):
    page = render_html(results)
    assert not re.search(r"https?://", page, re.I)
    assert not re.search(r"<(link|img|iframe|object|embed)\b", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert not re.search(r"<script[^>]*\bsrc=", page, re.I)
    # links: anchors on the page, or relative links to another page of the report (file:// works)
    for href in re.findall(r'href="([^"]*)"', page):
        assert href.startswith("#") or re.match(r"^(\.\./)?[^/:?]+(/[^/:?]+)?\.html$", href), href
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "@media (max-width:" in page  # phone layout


def test_english_with_lang_en(results):
    zh, en = render_html(results), render_html(results, "en")
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' not in zh and '<html lang="en">' in en
    for label in ("各医院结论", "检查项结论", "整改建议", "不可达"):
        assert label in zh and label not in en, label
    for label in ("Hospitals", "Check verdicts", "Remedy", "unreachable"):
        assert label in en, label
    remedy = results["hosts"]["hygon-uos-l2-short"]["checks"]["memory.size"]["remedy_en"]
    assert html.escape(remedy) in en and html.escape(remedy) not in zh
    # unknown languages fall back to Chinese
    assert render_html(results, "fr") == zh


def test_empty_and_sparse_results_render():
    page = overview({"schema": 1, "hosts": {}})
    assert 'data-total="hosts"><b>0</b>' in page
    sparse = {"schema": 1, "hosts": {"h1": {"status": "ok", "checks": {"cpu.cores": {"status": "fail"}}}}}
    page = render_html(sparse)
    assert 'data-check="cpu.cores"' in page and 'data-total="fail"><b>1</b>' in page


def test_recorded_mobiles_are_masked_even_when_not_shaped_like_one():
    from fep.report.text import mobile_masker, redact
    mask = mobile_masker(["12345678901", "13800000001"])
    text = "a 12345678901 b 0571-88881234 c 13800000001 d 13912345678 e 2013800000001x f 2013912345678"
    # a recorded number is masked wherever it is, even inside a longer run of digits; a number
    # merely shaped like a mobile only when it stands alone
    assert redact(text, mask) == ("a 123****8901 b 0571-88881234 c 138****0001 d 139****5678 "
                                  "e 20138****0001x f 2013912345678")
    # without the region's numbers only the shape of a mobile is recognised
    assert redact("12345678901 13912345678", None) == "12345678901 139****5678"
    assert redact(None, mask) == ""
