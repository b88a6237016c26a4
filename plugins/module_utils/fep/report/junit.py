# -*- coding: utf-8 -*-
"""JUnit XML from ``results.json``, for Jenkins, GitLab and AWX-driven pipelines.

Mapping (docs/reports.md):

* one ``<testsuite>`` per host (name = host) inside ``<testsuites>``;
* every host has a ``host.audit`` testcase: it passes when the host was
  audited and is a ``<failure>`` when it was unreachable or failed, so a
  host that could not be audited always counts as a failure;
* an audited host has one testcase per check: ``name`` = check id,
  ``classname`` = host;
  ``pass`` and ``warn`` pass (the message, marked 警告/WARN, is in system-out),
  ``fail`` is a ``<failure>``, ``error`` an ``<error>``, ``skip`` and
  ``unknown`` are ``<skipped>`` with the reason.  Unknown is not a failure,
  just as the playbook does not fail on it: the build is red exactly when
  ``ansible-playbook`` exits non-zero.

Counts: tests = hosts + checks of audited hosts; failures = hosts not
audited + failed checks; errors = crashed checks; skipped = skip + unknown.
"""
import re
import xml.etree.ElementTree as ET
from collections import OrderedDict

from ..checks.registry import CHECKS
from .html import known_mobiles, mobile_masker, redact
from .labels import STATUS_LABELS
from .xlsx import INVALID_XML  # the XML 1.0 characters both XML writers must not write

HOST_CASE = "host.audit"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")

WORDS = {
    "zh": {"observed": "实际情况", "expected": "判定标准", "message": "说明", "remedy": "整改建议",
           "source": "依据", "row": "调查表", "audited": "已审计",
           "unreachable": "主机不可达，未审计", "failed": "审计未能运行",
           "sources": {"detected": "检测", "declared": "声明", "waiver": "豁免"}},
    "en": {"observed": "observed", "expected": "expected", "message": "message", "remedy": "remedy",
           "source": "basis", "row": "survey row", "audited": "audited",
           "unreachable": "host unreachable, not audited", "failed": "the audit could not run",
           "sources": {"detected": "detected", "declared": "declared", "waiver": "waived"}},
}


class _Text(object):
    def __init__(self, results, lang):
        self.lang = lang if lang in WORDS else "zh"
        self.words = WORDS[self.lang]
        self.mask = mobile_masker(known_mobiles(results))

    def __call__(self, value):
        return INVALID_XML.sub("\ufffd", redact(value, self.mask))


def _counts():
    return OrderedDict((("tests", 0), ("failures", 0), ("errors", 0), ("skipped", 0)))


def _set_counts(element, counts, seconds):
    for key, number in counts.items():
        element.set(key, str(number))
    element.set("time", "%.3f" % seconds)


def _details(text, check_id, outcome):
    words = text.words
    meta = CHECKS.get(check_id)
    lines = []
    if meta is not None:
        lines.append("%s (%s %s)" % (meta.title_zh if text.lang == "zh" else meta.title_en,
                                     words["row"], meta.survey_row))
    for key, value in (("message", outcome.get("message_%s" % text.lang)),
                       ("observed", outcome.get("observed")),
                       ("expected", outcome.get("expected")),
                       ("remedy", outcome.get("remedy_%s" % text.lang)),
                       ("source", words["sources"].get(outcome.get("source"), outcome.get("source")))):
        if value:
            lines.append("%s: %s" % (words[key], value))
    return text("\n".join(lines))


def _host_suite(text, name, entry, timestamp):
    entry = entry or {}
    suite = ET.Element("testsuite", name=text(name))
    counts = _counts()
    hospital = entry.get("hospital") or {}
    division = hospital.get("division") or {}
    properties = ET.SubElement(suite, "properties")
    for key, value in (("hospital", hospital.get("name")), ("city", division.get("city")),
                       ("county", division.get("county")), ("level", entry.get("level")),
                       ("status", entry.get("status"))):
        if value not in (None, ""):
            ET.SubElement(properties, "property", name=key, value=text(value))

    status = entry.get("status")
    case = ET.SubElement(suite, "testcase", name=HOST_CASE, classname=text(name), time="0")
    counts["tests"] += 1
    if status != "ok":
        kind = status if status in ("unreachable", "failed") else "failed"
        message = entry.get("message") or text.words[kind]
        failure = ET.SubElement(case, "failure", message=text(message), type=kind)
        failure.text = text("%s: %s" % (text.words[kind], message))
        counts["failures"] += 1
    else:
        ET.SubElement(case, "system-out").text = text.words["audited"]

    for check_id, outcome in (entry.get("checks") or {}).items() if status == "ok" else ():
        outcome = outcome or {}
        verdict = outcome.get("status")
        case = ET.SubElement(suite, "testcase", name=text(check_id), classname=text(name), time="0")
        counts["tests"] += 1
        message = outcome.get("message_%s" % text.lang) or outcome.get("observed") or verdict or ""
        details = _details(text, check_id, outcome)
        if verdict == "fail":
            ET.SubElement(case, "failure", message=text(message), type="fail").text = details
            counts["failures"] += 1
        elif verdict == "error":
            ET.SubElement(case, "error", message=text(message), type="error").text = details
            counts["errors"] += 1
        elif verdict in ("skip", "unknown"):
            ET.SubElement(case, "skipped", message=text("%s: %s" % (STATUS_LABELS[text.lang][verdict], message)))
            ET.SubElement(case, "system-out").text = details
            counts["skipped"] += 1
        elif verdict == "warn":
            ET.SubElement(case, "system-out").text = "%s: %s" % (STATUS_LABELS[text.lang]["warn"], details)
        elif verdict == "pass":
            ET.SubElement(case, "system-out").text = details
        else:  # a status this renderer does not know: never let it pass silently
            ET.SubElement(case, "error", message=text("unknown status %r" % (verdict,)), type="error")
            counts["errors"] += 1

    duration = ((entry.get("facts") or {}).get("collector") or {}).get("duration_ms") or 0
    try:
        seconds = float(duration) / 1000.0
    except (TypeError, ValueError):
        seconds = 0.0
    _set_counts(suite, counts, seconds)
    if timestamp:
        suite.set("timestamp", timestamp)
    suite.set("hostname", text(name))
    return suite, counts, seconds


def render_junit(results, lang="zh"):
    """JUnit XML (a str) for the whole run; messages in ``lang``."""
    text = _Text(results, lang)
    generated = str(results.get("generated") or "")
    match = TIMESTAMP.match(generated)
    timestamp = match.group(0) if match else None
    root = ET.Element("testsuites", name="fepkit audit")
    totals = _counts()
    seconds = 0.0
    for index, (name, entry) in enumerate(sorted((results.get("hosts") or {}).items())):
        suite, counts, duration = _host_suite(text, name, entry, timestamp)
        suite.set("id", str(index))
        root.append(suite)
        for key, number in counts.items():
            totals[key] += number
        seconds += duration
    _set_counts(root, totals, seconds)
    if timestamp:
        root.set("timestamp", timestamp)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
