# -*- coding: utf-8 -*-
"""The HTML report rendered from ``results.json``: an overview and one page per city.

* ``report.html``, the overview: totals, one row per province and city
  (hospitals by verdict, servers, links to the city's pages) and the counts
  per requirement;
* ``report/<province>_<city>.html``: the city's hospitals table and each
  server's drill-down, at most ``MAX_HOSTS_PER_PAGE`` servers a page (a big
  city continues in ``…~2.html``; a hospital's servers stay on one page).

A national run (15,000 servers) made one 450 MB page no browser opens; now
no page holds more than a few MB.  Pages link to each other by relative
links only: the folder works from a USB stick (file://), with no server and
nothing fetched.  Every value from inventories and hosts is escaped and
mobiles are masked (report/text.py); the report never shows the contact.
"""
import os
from collections import OrderedDict
from urllib.parse import quote

from .hospital import hospital_key
from .html_parts import (
    Page,
    Totals,
    add_check_counts,
    by_check_table,
    division,
    hospital_table,
    host_details,
    summary_cards,
)
from .html_words import CSS, SCRIPT
from .private import private_dir, write_private
from .summary import SEVERITY, VERDICTS, host_summary, ordered_hosts, worst
from .survey_files import file_stem
from .text import known_mobiles

OVERVIEW = "report.html"
PAGES_DIR = "report"
MAX_HOSTS_PER_PAGE = 200  # ≈ 30 KB of HTML a server: a page stays under ≈ 6 MB


def division_groups(results):
    """``[((province, city), [[(host, entry)], …])]``: each city's servers, hospital by hospital,
    cut into pages of at most MAX_HOSTS_PER_PAGE servers; cities by province, blanks last."""
    cities = OrderedDict()
    for name, entry in ordered_hosts(results):
        entry = entry or {}
        province, city = division(entry)[:2]
        hospitals = cities.setdefault((province, city), OrderedDict())
        hospitals.setdefault(hospital_key(entry, name), []).append((name, entry))
    groups = []
    for key in sorted(cities, key=lambda k: tuple((not part, part) for part in k)):
        pages, current = [], []
        for servers in cities[key].values():
            if current and len(current) + len(servers) > MAX_HOSTS_PER_PAGE:
                pages.append(current)
                current = []
            current.extend(servers)
        pages.append(current)
        groups.append((key, pages))
    return groups


def page_names(key, count):
    """The file names of a city's ``count`` pages (file names of survey_files: readable, never colliding)."""
    stem = file_stem(key)
    return [stem + ("" if part == 1 else "~%d" % part) + ".html" for part in range(1, count + 1)]


def _document(page, title, body):
    e, t = page.e, page.t
    head = ["<!DOCTYPE html>",
            '<html lang="%s"><head><meta charset="utf-8">' % t["html_lang"],
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
            "<title>%s</title>" % e(title),
            "<style>%s</style></head><body><main>" % CSS]
    tail = ["<footer><p>%s</p><p>%s</p></footer>" % (e(t["privacy"]), e(t["footer"])),
            "</main><script>%s</script></body></html>" % SCRIPT]
    return "\n".join(head + body + tail) + "\n"


def _header(page, results, heading):
    e, t = page.e, page.t
    run = results.get("run") or {}
    parts = (["fepkit %s" % run["fepkit"]] if run.get("fepkit") else []) + (
        ["ansible-core %s" % run["ansible_core"]] if run.get("ansible_core") else []) + (
        [t["check_mode"]] if run.get("check_mode") else [])
    return ["<header><h1>%s</h1>" % e(heading),
            '<p class="sub">%s</p>' % e(t["subtitle"]),
            '<p class="meta">%s%s<span id="generated">%s</span>%s</p></header>' % (
                e(t["generated"]), t["colon"], e(results.get("generated")), "".join(" · %s" % e(p) for p in parts))]


def _toolbar(page, placeholder, buttons):
    e, t = page.e, page.t
    html = '<div id="toolbar"><input id="q" type="search" placeholder="%s" aria-label="%s">' % (
        e(placeholder), e(placeholder))
    if buttons:
        html += '<button type="button" id="expand">%s</button><button type="button" id="collapse">%s</button>' % (
            e(t["expand"]), e(t["collapse"]))
    return html + "</div>"


def city_page(page, results, key, part, names, servers):
    """One page of a city: its hospitals table and the drill-down of each server; ``servers`` is
    ``[(host, entry, summary)]``."""
    e, t = page.e, page.t
    place = " · ".join(value or t["no_division"] for value in key)
    links = ['<a href="../%s">%s</a>' % (OVERVIEW, e(t["back"]))]
    if len(names) > 1:
        links.extend('<a href="%s"%s>%s</a>' % (quote(name), ' aria-current="page"' if number == part else "",
                                                 e(t["page"].format(part=number, parts=len(names))))
                     for number, name in enumerate(names, 1))
    totals = Totals()
    for _, entry, summary in servers:
        totals.add(entry, summary)
    indexed = [(index, name, entry, summary) for index, (name, entry, summary) in enumerate(servers, 1)]
    body = _header(page, results, "%s · %s" % (t["title"], place))
    body.append('<nav class="crumbs">%s</nav>' % "".join(links))
    body.extend(summary_cards(page, totals))
    body.append("<h2>%s</h2>" % e(t["hospitals"]))
    body.append(_toolbar(page, t["filter"], True))
    body.extend(hospital_table(page, indexed))
    body.append("<h2>%s</h2>" % e(t["details"]))
    body.append('<p class="note">%s</p>' % e(t["legend"]))
    for index, name, entry, summary in indexed:
        body.extend(host_details(page, index, name, entry, summary))
    return _document(page, "%s · %s" % (t["title"], place), body)


class CityRow(object):
    """One row of the overview: a city's hospitals by verdict and its servers."""

    def __init__(self, key, names):
        self.key, self.names = key, names
        self.hospitals = OrderedDict()  # hospital key -> worst verdict so far
        self.servers = 0
        self.not_audited = 0

    def add(self, name, entry, summary):
        self.servers += 1
        self.not_audited += summary.verdict == "not_audited"
        hospital = hospital_key(entry, name)
        self.hospitals[hospital] = worst((self.hospitals.get(hospital, summary.verdict), summary.verdict))

    def verdicts(self):
        counts = OrderedDict((verdict, 0) for verdict in SEVERITY)
        for verdict in self.hospitals.values():
            counts[verdict] += 1
        return counts


def overview_page(page, results, totals, rows, check_counts):
    e, t = page.e, page.t
    body = _header(page, results, t["title"])
    body.extend(summary_cards(page, totals))
    body.append("<h2>%s</h2>" % e(t["divisions"]))
    body.append('<p class="note">%s</p>' % e(t["divisions_note"]))
    body.append(_toolbar(page, t["filter_divisions"], False))
    body.append('<div class="scroll"><table class="reflow" id="divisions"><thead><tr>%s%s%s%s</tr></thead><tbody>' % (
        page.heads(("col_province", "col_city", "col_hospitals")),
        "".join("<th>%s</th>" % e(page.verdicts[v]) for v in VERDICTS),
        page.heads(("col_servers", "not_audited")), page.heads(("col_pages",))))
    for row in rows:
        counts = row.verdicts()
        verdict = worst(v for v, n in counts.items() if n)
        labels = [row.key[1] or t["no_division"]] if len(row.names) == 1 else [
            t["page"].format(part=i, parts=len(row.names)) for i in range(1, len(row.names) + 1)]
        links = " ".join('<a href="%s/%s">%s</a>' % (PAGES_DIR, quote(name), e(label))
                         for name, label in zip(row.names, labels))
        cells = [(page.cell("col_province", "nowrap"), e(row.key[0]) or "—"),
                 (page.cell("col_city", "nowrap"), e(row.key[1]) or "—"),
                 (page.cell("col_hospitals", "num"), str(len(row.hospitals)))]
        cells.extend(('<td data-label="%s" class="num s-%s"><div>' % (e(page.verdicts[v]), v),
                      "<b>%d</b>" % counts[v] if counts[v] else '<span class="zero">0</span>') for v in VERDICTS)
        cells.extend(((page.cell("col_servers", "num"), str(row.servers)),
                      (page.cell("not_audited", "num"), str(row.not_audited)),
                      (page.cell("col_pages"), links)))
        body.append('<tr class="row-%s">%s</tr>' % (verdict, "".join(
            "%s%s</div></td>" % cell for cell in cells)))
    body.append("</tbody></table></div>")
    body.extend(by_check_table(page, check_counts))
    return _document(page, t["title"], body)


def render_pages(results, lang="zh"):
    """``(relative path, html)`` of every page, the city pages first, the overview (report.html) last."""
    page = Page(lang, known_mobiles(results))
    totals, rows, check_counts = Totals(), [], OrderedDict()
    for key, pages in division_groups(results):
        names = page_names(key, len(pages))
        row = CityRow(key, names)
        rows.append(row)
        for part, servers in enumerate(pages, 1):
            summarised = []
            for name, entry in servers:
                summary = host_summary(entry)
                summarised.append((name, entry, summary))
                totals.add(entry, summary)
                row.add(name, entry, summary)
                add_check_counts(check_counts, entry)
            yield PAGES_DIR + "/" + names[part - 1], city_page(page, results, key, part, names, summarised)
    yield OVERVIEW, overview_page(page, results, totals, rows, check_counts)


def render_html(results, lang="zh"):
    """The text of every page joined, the overview last: what a reader can reach, for searching
    (tests, tools).  The report itself is written page by page (write_html)."""
    return "\n".join(html for _, html in render_pages(results, lang))


def write_html(results, out_dir, lang="zh"):
    """Write report.html and report/*.html into ``out_dir`` (mode 0600, folders 0700); the paths written.

    Pages of an earlier run that this one does not write (a city no longer
    audited) are removed: the folder is the report of this run.
    """
    folder = private_dir(os.path.join(out_dir, PAGES_DIR))
    written = []
    for relative, html in render_pages(results, lang):
        written.append(write_private(os.path.join(out_dir, relative), html))
    keep = {os.path.basename(path) for path in written}
    for name in os.listdir(folder):
        if name.endswith(".html") and name not in keep:
            os.unlink(os.path.join(folder, name))
    return written
