# -*- coding: utf-8 -*-
"""The HTML report at province size: an overview plus city pages, linked relatively, each page bounded.

The input is a generated province (tests/bench/national.py: the sample
region's real host entries spread over cities and hospitals, with contacts),
the same generator the report benchmark uses at national size.
"""
import html
import os
import re
from collections import Counter
from urllib.parse import unquote

import pytest

from fep.report import html as report_html
from fep.report.html import MAX_HOSTS_PER_PAGE, render_pages, write_html
from fep.report.summary import host_summary
from tests.bench.national import national_results

PAGE_LIMIT = 20 * 1000 * 1000  # the bound for any HTML file
CITY_PAGE_LIMIT = 8 * 1000 * 1000  # what MAX_HOSTS_PER_PAGE servers of ≈ 30 KB each stay under


@pytest.fixture(scope="module")
def province():
    """600 servers of one province; one city holds 450 of them (a city bigger than a page)."""
    results = national_results(600, seed=7, provinces=("河北省",))
    cities = sorted({e["hospital"]["division"]["city"] for e in results["hosts"].values()})
    big = cities[0]
    for entry in list(results["hosts"].values())[:450]:
        division = dict(entry["hospital"]["division"], city=big)
        entry["hospital"] = dict(entry["hospital"], division=division)
    return results


@pytest.fixture(scope="module")
def texts(province):
    return dict(render_pages(province))


@pytest.fixture(scope="module")
def written(province, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    paths = write_html(province, str(out))
    return out, paths


def drill_down_hosts(text):
    return [html.unescape(host) for host in re.findall(r'<details class="host [^"]*" id="[^"]+" data-host="([^"]*)"', text)]


def test_pages_are_split_and_bounded(texts, written):
    out, paths = written
    relative = sorted(os.path.relpath(p, str(out)) for p in paths)
    assert "report.html" in relative
    pages = [p for p in relative if p != "report.html"]
    assert pages and all(p.startswith("report/") and p.endswith(".html") for p in pages)
    for path in paths:
        size = os.path.getsize(path)
        assert size < PAGE_LIMIT, path
        if path.endswith("report.html"):
            assert size < 1000 * 1000  # the overview lists cities, not servers
        else:
            assert size < CITY_PAGE_LIMIT, path
    # the big city continues on further pages, each at most MAX_HOSTS_PER_PAGE servers
    counts = {name: len(drill_down_hosts(text)) for name, text in texts.items()}
    assert max(counts.values()) <= MAX_HOSTS_PER_PAGE
    continued = [name for name in counts if re.search(r"~\d+\.html$", name)]
    assert len(continued) >= 2, counts


def test_every_host_appears_exactly_once_across_the_drill_down_pages(province, texts):
    hosts = Counter(host for text in texts.values() for host in drill_down_hosts(text))
    assert sorted(hosts) == sorted(province["hosts"])
    assert set(hosts.values()) == {1}
    assert not drill_down_hosts(texts["report.html"])
    # the servers of one hospital stay on one page
    page_of = {host: name for name, text in texts.items() for host in drill_down_hosts(text)}
    hospitals = {}
    for host, entry in province["hosts"].items():
        division = entry["hospital"]["division"]
        key = (division["province"], division["city"], division["county"], entry["hospital"]["name"])
        hospitals.setdefault(key, set()).add(page_of[host])
    assert all(len(pages) == 1 for pages in hospitals.values())


def test_links_are_relative_and_resolve_to_written_pages(written):
    out, paths = written
    for path in paths:
        text = open(path, encoding="utf-8").read()
        for href in re.findall(r'href="([^"#][^"]*)"', text):
            assert not re.match(r"^[a-z]+:", href, re.I) and not href.startswith("/"), href
            target = os.path.normpath(os.path.join(os.path.dirname(path), unquote(html.unescape(href))))
            assert os.path.isfile(target), (path, href)
            assert target.startswith(str(out) + os.sep)
    overview = (out / "report.html").read_text(encoding="utf-8")
    linked = {os.path.normpath(os.path.join(str(out), unquote(html.unescape(h))))
              for h in re.findall(r'href="(report/[^"]+)"', overview)}
    assert linked == {p for p in paths if not p.endswith(os.sep + "report.html")}


def test_overview_counts_equal_the_results_summary(province, texts):
    overview = texts["report.html"]
    summary = province["summary"]

    def card(key):
        return int(re.search(r'data-total="%s"><b>(\d+)</b>' % key, overview).group(1))
    assert card("hosts") == summary["hosts"] == 600
    for status, number in summary["host_status"].items():
        assert card(status) == number, status
    for status, number in summary["check_status"].items():
        assert card(status) == number, status
    table = overview.split('id="divisions"')[1].split("</table>")[0]
    rows = re.findall(r"<tr class=\"row-[a-z_]+\">(.*?)</tr>", table)
    servers = [int(re.search(r'data-label="服务器" class="num"><div>(\d+)<', row).group(1)) for row in rows]
    assert sum(servers) == summary["hosts"]
    # hospitals by verdict: a hospital counts once, as its worst server
    not_audited = sum(int(re.search(r'data-label="未审计" class="num"><div>(\d+)<', row).group(1)) for row in rows)
    assert not_audited == sum(1 for e in province["hosts"].values() if host_summary(e).verdict == "not_audited")


def test_hostile_division_names_stay_escaped_and_inside_the_folder(tmp_path):
    results = national_results(12, seed=3, provinces=("河北省",))
    entries = list(results["hosts"].values())
    for index, entry in enumerate(entries):
        name = '../../<script>alert(%d)</script>"' % (index % 2) if index < 6 else "a/b\x00\u202e市"
        entry["hospital"] = dict(entry["hospital"], division=dict(entry["hospital"]["division"], city=name))
    paths = write_html(results, str(tmp_path))
    for path in paths:
        assert os.path.realpath(path).startswith(str(tmp_path) + os.sep)
        text = open(path, encoding="utf-8").read()
        assert "<script>alert" not in text and "\u202e" not in text and "\x00" not in text
        assert text.count("<script") == 1
    assert sorted(os.listdir(str(tmp_path))) == ["report", "report.html"]
    test_links_are_relative_and_resolve_to_written_pages((tmp_path, paths))


def test_pages_of_an_earlier_run_are_removed(tmp_path):
    results = national_results(20, seed=5, provinces=("河北省",))
    (tmp_path / "report").mkdir()
    stale = tmp_path / "report" / "旧省_旧市.html"
    stale.write_text("old", encoding="utf-8")
    kept = tmp_path / "report" / "notes.txt"
    kept.write_text("mine", encoding="utf-8")
    write_html(results, str(tmp_path))
    assert not stale.exists() and kept.exists()


def test_a_page_holds_at_most_the_bound_whatever_the_hospital_sizes(monkeypatch, province):
    monkeypatch.setattr(report_html, "MAX_HOSTS_PER_PAGE", 5)
    groups = report_html.division_groups(province)
    for _, pages in groups:
        for servers in pages:
            # a hospital of more servers than the bound gets a page of its own, never split
            assert len(servers) <= 5 or len({(e["hospital"]["division"]["county"], e["hospital"]["name"])
                                             for _, e in servers}) == 1
