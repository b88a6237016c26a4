# -*- coding: utf-8 -*-
"""JUnit XML from ``results.json``, for Jenkins, GitLab and AWX-driven pipelines.

Mapping (docs/reports.md, *JUnit mapping*): **a server is a test case**.

* one ``<testsuite>`` per province and city (name ``<province> · <city>``),
  inside one ``<testsuites>``;
* one ``<testcase>`` per host: ``name`` = host, ``classname`` =
  ``<province>.<city>.<hospital>`` (Jenkins shows province.city as the
  package and the hospital as the class);
* the case fails exactly when the host makes the audit fail
  (report/summary.py ``host_summary``: a requirement fails, or the host was
  not audited): ``<failure>`` whose message names the failing checks and
  whose text gives each one's message and remedy (English: observed and
  expected too), and its basis when declared or waived;
  a host whose only findings are crashed checks has an ``<error>``;
* every audited host names its unknowns (to confirm) and warnings in
  ``<system-out>`` (their details are in the HTML report).  Unknown is not a failure, just as the playbook does not
  fail on it: the build is red exactly when ``ansible-playbook`` exits
  non-zero.

One case per host and check made 690,000 cases (250-330 MB) for a national
run; one per host is 15,000 (≈ 45 MB), and every failing finding is still in the file.
"""
import re
from collections import OrderedDict
from xml.sax.saxutils import escape, quoteattr

from ..checks.registry import CHECKS
from .labels import STATUS_LABELS
from .summary import host_summary, ordered_hosts
from .text import INVALID_XML, known_mobiles, mobile_masker, redact

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

WORDS = {
    "zh": {"observed": "实际情况", "expected": "判定标准", "remedy": "整改建议",
           "source": "依据", "row": "调查表", "audited": "已审计", "failing": "不满足 {count} 项：",
           "crashed": "检查程序出错 {count} 项：", "sep": "、", "no_division": "（未填写）",
           "unreachable": "主机不可达，未审计", "failed": "审计未能运行",
           "sources": {"detected": "检测", "declared": "声明", "waiver": "豁免"}},
    "en": {"observed": "observed", "expected": "expected", "remedy": "remedy",
           "source": "basis", "row": "survey row", "audited": "audited", "failing": "{count} failing: ",
           "crashed": "{count} crashed: ", "sep": ", ", "no_division": "(not set)",
           "unreachable": "host unreachable, not audited", "failed": "the audit could not run",
           "sources": {"detected": "detected", "declared": "declared", "waiver": "waived"}},
}


class _Text(object):
    """Masked, XML-safe text (not yet escaped): the report language's words at hand."""

    def __init__(self, results, lang):
        self.lang = lang if lang in WORDS else "zh"
        self.words = WORDS[self.lang]
        self.labels = STATUS_LABELS[self.lang]
        self.mask = mobile_masker(known_mobiles(results))
        self.memo = {}  # a region repeats its texts (requirements, remedies) thousands of times

    def __call__(self, value):
        key = value if value.__class__ is str else None
        done = self.memo.get(key) if key is not None else None
        if done is None:
            done = INVALID_XML.sub("\ufffd", redact(value, self.mask))
            if key is not None and len(self.memo) < 100000:
                self.memo[key] = done
        return done

    def attr(self, value):
        return quoteattr(self(value), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})

    def body(self, value):
        return escape(self(value))


def finding(text, check_id, outcome):
    """One check's lines: ``[状态] title (调查表 row) id: message``, then what to do.

    Like the HTML report, the Chinese file leaves out observed/expected (the
    checks' English shorthand: the message says the same in Chinese); the
    basis is named when it is not a measurement (declared, waived).
    """
    words = text.words
    meta = CHECKS.get(check_id)
    head = "[%s] " % text.labels.get(outcome.get("status"), outcome.get("status"))
    if meta is not None:
        head += "%s (%s %s) " % (meta.title_zh if text.lang == "zh" else meta.title_en, words["row"], meta.survey_row)
    head += check_id
    message = outcome.get("message_%s" % text.lang)
    lines = [head + (": %s" % message if message else "")]
    fields = () if text.lang == "zh" else (("observed", outcome.get("observed")), ("expected", outcome.get("expected")))
    source = outcome.get("source")
    fields += (("remedy", outcome.get("remedy_%s" % text.lang)),
               ("source", words["sources"].get(source, source) if source not in (None, "detected") else None))
    lines.extend("    %s: %s" % (words[key], value) for key, value in fields if value)
    return lines


def host_case(text, name, entry, classname):
    """``(xml of the host's test case, kind, seconds)``: kind is pass, failure or error."""
    entry = entry or {}
    words = text.words
    summary = host_summary(entry)
    duration = ((entry.get("facts") or {}).get("collector") or {}).get("duration_ms") or 0
    try:
        seconds = float(duration) / 1000.0
    except (TypeError, ValueError):
        seconds = 0.0
    head = "<testcase name=%s classname=%s time=\"%.3f\">" % (text.attr(name), text.attr(classname), seconds)
    status = entry.get("status")
    if summary.verdict == "not_audited":
        kind = status if status in ("unreachable", "failed") else "failed"
        message = entry.get("message") or words[kind]
        return ("%s<failure type=\"%s\" message=%s>%s</failure></testcase>" % (
            head, kind, text.attr(message), text.body("%s: %s" % (words[kind], message))), "failure", seconds)
    checks = entry.get("checks") or {}
    failing = [(c, o) for c, o in checks.items() if (o or {}).get("status") == "fail"]
    crashed = [(c, o) for c, o in checks.items() if (o or {}).get("status") not in
               ("pass", "warn", "fail", "skip", "unknown")]  # error, or a status this writer does not know
    notes = [(c, o) for c, o in checks.items() if (o or {}).get("status") in ("warn", "unknown")]
    out = [head]
    kind = "pass"
    if failing or crashed:
        kind = "failure" if failing else "error"
        parts = []
        if failing:
            parts.append(words["failing"].format(count=len(failing)) + words["sep"].join(c for c, _ in failing))
        if crashed:
            parts.append(words["crashed"].format(count=len(crashed)) + words["sep"].join(c for c, _ in crashed))
        lines = []
        for check_id, outcome in failing + crashed:
            lines.extend(finding(text, check_id, outcome or {}))
        out.append("<%s type=\"%s\" message=%s>%s</%s>" % (
            kind, "fail" if failing else "error", text.attr("; ".join(parts)), text.body("\n".join(lines)), kind))
    # what to confirm and what meets the sheet with a caveat: named, the details are in the HTML report
    lines = [words["audited"]]
    for status in ("unknown", "warn"):
        named = [c for c, o in notes if o.get("status") == status]
        if named:
            lines.append("%s %d: %s" % (text.labels[status], len(named), words["sep"].join(named)))
    out.append("<system-out>%s</system-out></testcase>" % text.body("\n".join(lines)))
    return "".join(out), kind, seconds


def _counts():
    return OrderedDict((("tests", 0), ("failures", 0), ("errors", 0), ("skipped", 0)))


def _attributes(counts, seconds):
    return "".join(' %s="%d"' % item for item in counts.items()) + ' time="%.3f"' % seconds


def render_junit(results, lang="zh"):
    """JUnit XML (a str) for the whole run; messages in ``lang``."""
    text = _Text(results, lang)
    generated = str(results.get("generated") or "")
    match = TIMESTAMP.match(generated)
    stamp = ' timestamp="%s"' % match.group(0) if match else ""
    cities = OrderedDict()
    for name, entry in ordered_hosts(results):
        hospital = (entry or {}).get("hospital") or {}
        division = hospital.get("division") or {}
        key = (division.get("province") or "", division.get("city") or "")
        cities.setdefault(key, []).append((name, entry, hospital.get("name") or name))
    suites, totals, total_seconds = [], _counts(), 0.0
    for index, key in enumerate(sorted(cities, key=lambda k: tuple((not part, part) for part in k))):
        counts, seconds, cases = _counts(), 0.0, []
        place = [part or text.words["no_division"] for part in key]
        for name, entry, hospital in cities[key]:
            case, kind, duration = host_case(text, name, entry, ".".join(place + [hospital]))
            cases.append(case)
            counts["tests"] += 1
            if kind == "failure":
                counts["failures"] += 1
            elif kind == "error":
                counts["errors"] += 1
            seconds += duration
        suites.append('<testsuite name=%s id="%d"%s%s>\n%s\n</testsuite>' % (
            text.attr(" · ".join(place)), index, _attributes(counts, seconds), stamp, "\n".join(cases)))
        for key_, number in counts.items():
            totals[key_] += number
        total_seconds += seconds
    return '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="fepkit audit"%s%s>\n%s\n</testsuites>\n' % (
        _attributes(totals, total_seconds), stamp, "\n".join(suites))
