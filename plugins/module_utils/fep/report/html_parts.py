# -*- coding: utf-8 -*-
"""The pieces of the HTML report's pages: cards, tables and one host's drill-down.

Every value from inventories and hosts goes through ``Page.e`` (report/text.py:
mobiles masked, unsafe characters replaced, HTML-escaped).  What repeats on
every host (labels, requirement titles, badges) is escaped once per page
set: a national report has 15,000 hosts of 46 checks each.
"""
from collections import OrderedDict

from ..checks.registry import CHECKS, STATUSES, is_sub_check
from .html_words import TEXT
from .labels import HOST_STATUS_LABELS, LEVEL_LABELS, SHORT_TITLES, STATUS_LABELS
from .summary import VERDICT_LABELS, not_audited_reason
from .text import HtmlText

HOST_STATUSES = ("ok", "unreachable", "failed")
CARD_STATUSES = ("pass", "fail", "warn", "unknown", "skip", "error")
COUNT_STATUSES = ("pass", "fail", "warn", "unknown", "skip")


def division(entry):
    """``(province, city, county, hospital name)`` of a host entry, blanks as ''."""
    hospital = (entry or {}).get("hospital") or {}
    where = hospital.get("division") or {}
    return (where.get("province") or "", where.get("city") or "", where.get("county") or "",
            hospital.get("name") or "")


class Totals(object):
    """Host status and check status counts over a set of hosts (one page, or the run)."""

    def __init__(self):
        self.hosts = OrderedDict((status, 0) for status in HOST_STATUSES)
        self.checks = OrderedDict((status, 0) for status in STATUSES)

    def add(self, entry, summary):
        status = entry.get("status")
        self.hosts[status if status in self.hosts else "failed"] += 1
        for key, number in summary.counts.items():
            self.checks[key] += number


class Page(object):
    """Language, escaping and the fragments every page repeats."""

    def __init__(self, lang, mobiles=()):
        self.lang = lang if lang in TEXT else "zh"
        self.t = TEXT[self.lang]
        self.e = HtmlText(mobiles)
        # the spreadsheets' wording, so all reports say the same
        self.labels = dict(STATUS_LABELS[self.lang], **HOST_STATUS_LABELS[self.lang])
        self.levels = LEVEL_LABELS[self.lang]
        self.short_titles = SHORT_TITLES[self.lang]
        self.verdicts = VERDICT_LABELS[self.lang]
        self._badges = {}
        self._check_cells = {}
        self._cells = {}

    def badge(self, status, label=None):
        key = (status, label)
        html = self._badges.get(key)
        if html is None:
            html = self._badges[key] = '<span class="badge b-%s">%s</span>' % (
                self.e(status), self.e(label if label is not None else self.labels.get(status, status)))
        return html

    def verdict_badge(self, verdict):
        return self.badge(verdict, self.verdicts[verdict])

    def level(self, level):
        try:
            level = int(level)
        except (TypeError, ValueError):
            return self.t["no_level"]
        return self.levels.get(level) or str(level)

    def short_title(self, check_id):
        return self.short_titles.get(check_id) or check_id

    def title(self, check_id):
        meta = CHECKS.get(check_id)
        if meta is None:
            return check_id
        return meta.title_zh if self.lang == "zh" else meta.title_en

    def cell(self, label_key, cls=""):
        """The opening of a reflowing table cell labelled ``t[label_key]`` (phones show the label)."""
        key = (label_key, cls)
        html = self._cells.get(key)
        if html is None:
            html = self._cells[key] = '<td data-label="%s"%s><div>' % (
                self.e(self.t[label_key]), ' class="%s"' % cls if cls else "")
        return html

    def check_cell(self, check_id):
        """The requirement's title, id and survey row (the first cell of a check's row)."""
        html = self._check_cells.get(check_id)
        if html is None:
            meta = CHECKS.get(check_id)
            html = '%s<span class="check-title"><span class="id">%s</span> · %s</span>' % (
                self.e(self.title(check_id)), self.e(check_id), self.e(meta.survey_row if meta else ""))
            self._check_cells[check_id] = html
        return html

    def heads(self, keys):
        return "".join("<th>%s</th>" % self.e(self.t[key]) for key in keys)


def summary_cards(page, totals):
    hosts, checks, t = totals.hosts, totals.checks, page.t
    host_cards = (("hosts", "", sum(hosts.values()), t["hosts_total"]),
                  ("ok", "pass", hosts["ok"], t["hosts_ok"]),
                  ("unreachable", "fail" if hosts["unreachable"] else "skip", hosts["unreachable"],
                   t["hosts_unreachable"]),
                  ("failed", "fail" if hosts["failed"] else "skip", hosts["failed"], t["hosts_failed"]))
    cards = ['<div class="cards" id="host-totals">']
    cards.extend('<div class="card %s" data-total="%s"><b>%d</b><span>%s</span></div>' % (
        colour, key, number, page.e(label)) for key, colour, number, label in host_cards)
    cards.extend(["</div>", "<h2>%s</h2>" % page.e(t["checks_total"]), '<div class="cards" id="check-totals">'])
    cards.extend('<div class="card %s" data-total="%s"><b>%d</b><span>%s</span></div>' % (
        status, status, checks[status], page.e(page.labels[status])) for status in CARD_STATUSES)
    cards.append("</div>")
    return cards


def counts_cell(summary):
    counts = summary.counts
    spans = []
    for status in COUNT_STATUSES:
        number = counts[status] + (counts["error"] if status == "fail" else 0)
        spans.append('<span class="c-%s%s">%d</span>' % (status, "" if number else " zero", number))
    return '<span class="counts">%s</span>' % "".join(spans)


def anchor(index):
    return "host-%d" % index


def hospital_table(page, hosts):
    """The page's hospitals table; ``hosts`` is ``[(index, name, entry, summary)]``."""
    e = page.e
    out = ['<div class="scroll"><table class="reflow" id="hospitals"><thead><tr>',
           page.heads(("col_city", "col_county", "col_hospital", "col_host", "col_level", "col_status",
                       "col_counts", "col_failing")),
           "</tr></thead><tbody>"]
    for index, name, entry, summary in hosts:
        _, city, county, hospital = division(entry)
        audited = entry.get("status") == "ok"
        if audited:
            failing_html = " ".join(
                '<a class="chip" href="#%s-%s" title="%s: %s">%s</a>' % (
                    anchor(index), e(check_id), e(check_id), e(page.title(check_id)), e(page.short_title(check_id)))
                for check_id, outcome in (entry.get("checks") or {}).items()
                if (outcome or {}).get("status") in ("fail", "error") and not is_sub_check(check_id)) or "—"
        else:
            failing_html = '<span class="msg">%s</span>' % e(not_audited_reason(entry, page.lang))
        out.append("".join((
            '<tr class="row-%s" data-host="%s">' % (summary.verdict, e(name)),
            page.cell("col_city", "nowrap"), e(city) or "—", "</div></td>",
            page.cell("col_county", "nowrap"), e(county) or "—", "</div></td>",
            page.cell("col_hospital", "hospital"), '<a href="#%s">%s</a>' % (anchor(index), e(hospital or name)),
            "</div></td>",
            page.cell("col_host", "nowrap"), '<span class="id">%s</span>' % e(name), "</div></td>",
            page.cell("col_level", "nowrap"), e(page.level(entry.get("level"))), "</div></td>",
            page.cell("col_status", "nowrap"), page.verdict_badge(summary.verdict), "</div></td>",
            page.cell("col_counts", "num"), counts_cell(summary) if audited else "—", "</div></td>",
            page.cell("col_failing"), failing_html, "</div></td></tr>")))
    out.append("</tbody></table></div>")
    return out


def by_check_table(page, counts):
    """Per check: how many audited hosts got each verdict; ``counts`` is ``{check_id: {status: n}}``."""
    if not counts:
        return []
    order = [c for c in CHECKS if c in counts] + [c for c in counts if c not in CHECKS]
    e, t = page.e, page.t
    out = ["<h2>%s</h2>" % e(t["by_check"]),
           '<div class="scroll"><table class="reflow" id="by-check"><thead><tr>',
           "<th>%s</th><th>%s</th>" % (e(t["col_row"]), e(t["col_check"]))]
    out.extend("<th>%s</th>" % e(page.labels[s]) for s in CARD_STATUSES)
    out.append("</tr></thead><tbody>")
    for check_id in order:
        row = counts[check_id]
        meta = CHECKS.get(check_id)
        cls = "fail" if row["fail"] or row["error"] else ("attention" if row["warn"] or row["unknown"] else "pass")
        out.append('<tr class="row-%s%s"><td data-label="%s" class="nowrap"><div>%s</div></td>'
                   '<td data-label="%s"><div>%s<span class="check-title id">%s</span></div></td>' % (
                       cls, " sub" if is_sub_check(check_id) else "", e(t["col_row"]),
                       e(meta.survey_row if meta else ""), e(t["col_check"]), e(page.title(check_id)), e(check_id)))
        out.extend('<td class="num s-%s" data-label="%s"><div>%s</div></td>' % (
            s, e(page.labels[s]), "<b>%d</b>" % row[s] if row[s] else '<span class="zero">0</span>')
            for s in CARD_STATUSES)
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return out


def add_check_counts(counts, entry):
    """Count ``entry``'s check verdicts into ``counts`` (``{check_id: {status: n}}``)."""
    for check_id, outcome in ((entry or {}).get("checks") or {}).items():
        row = counts.get(check_id)
        if row is None:
            row = counts[check_id] = OrderedDict((s, 0) for s in STATUSES)
        status = (outcome or {}).get("status")
        if status in row:
            row[status] += 1


def host_details(page, index, name, entry, summary):
    """One host's drill-down: facts, then every check with message, remedy and basis."""
    e, t = page.e, page.t
    _, city, county, hospital = division(entry)
    verdict = summary.verdict
    audited = entry.get("status") == "ok"
    out = ['<details class="host o-%s" id="%s" data-host="%s">' % (verdict, anchor(index), e(name)),
           '<summary><span class="name">%s</span> <span class="id">%s</span> %s %s</summary>' % (
               e(hospital or name), e(name), page.verdict_badge(verdict), counts_cell(summary) if audited else ""),
           '<div class="body"><dl class="facts">']
    facts = [(t["col_host"], '<span class="id">%s</span>' % e(name)),
             (t["col_city"] + " / " + t["col_county"], "%s / %s" % (e(city) or "—", e(county) or "—")),
             (t["col_level"], e(page.level(entry.get("level"))))]
    python = entry.get("python") or {}
    if python.get("version"):
        facts.append((t["python"], "%s (%s)" % (e(python.get("version")), e(python.get("profile")))))
    if not audited:
        facts.append((t["col_status"], '%s <span class="msg">%s</span>' % (
            page.badge(entry.get("status") or "failed"), e(not_audited_reason(entry, page.lang)))))
    out.extend("<dt>%s</dt><dd>%s</dd>" % (e(label), value) for label, value in facts)
    out.append("</dl>")
    if entry.get("limited"):
        out.append('<p class="note">%s</p><ul class="note">' % e(t["limited"]))
        out.extend("<li>%s</li>" % e(item) for item in entry["limited"])
        out.append("</ul>")
    checks = entry.get("checks") or {}
    if checks:
        out.extend(_check_rows(page, anchor(index), checks))
    out.append("</div></details>")
    return out


def _check_rows(page, host_anchor, checks):
    e, t, lang = page.e, page.t, page.lang
    # observed/expected are the checks' English shorthand: the Chinese report says the same in
    # its message, in Chinese
    brief = lang == "zh"
    message_key, remedy_key = "message_" + lang, "remedy_" + lang
    keys = ("col_check", "col_status", "col_message") + (() if brief else ("col_observed", "col_expected")) + (
        "col_remedy", "col_source")
    out = ['<div class="scroll"><table class="reflow checks%s"><thead><tr>' % (" brief" if brief else ""),
           page.heads(keys), "</tr></thead><tbody>"]
    close = "</div></td>"
    check_cell, status_cell, message_cell = page.cell("col_check"), page.cell("col_status"), page.cell("col_message")
    # the Chinese words have no observed/expected columns
    observed_cell, expected_cell = (None, None) if brief else (page.cell("col_observed"), page.cell("col_expected"))
    remedy_cell, source_cell = page.cell("col_remedy"), page.cell("col_source")
    sources = t["source"]
    for check_id, outcome in checks.items():
        outcome = outcome or {}
        status = outcome.get("status") or "unknown"
        source = outcome.get("source") or "detected"
        remedy = outcome.get(remedy_key)
        row_class = "pass" if status == "pass" else ("fail" if status in ("fail", "error") else "attention")
        checked = e(check_id)
        row = ['<tr class="check row-%s%s" id="%s-%s" data-check="%s">' % (
                   row_class, " sub" if is_sub_check(check_id) else "", host_anchor, checked, checked),
               check_cell, page.check_cell(check_id), close,
               status_cell, page.badge(status), close,
               message_cell, e(outcome.get(message_key)) or "—", close]
        if not brief:
            row.extend((observed_cell, e(outcome.get("observed")) or "—", close,
                        expected_cell, e(outcome.get("expected")) or "—", close))
        row.extend((remedy_cell, '<span class="remedy">%s</span>' % e(remedy) if remedy else "—", close,
                    source_cell, e(sources.get(source, source)), close, "</tr>"))
        out.append("".join(row))
    out.append("</tbody></table></div>")
    return out
