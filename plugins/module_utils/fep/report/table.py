# -*- coding: utf-8 -*-
"""The verdict printed at the end of an audit: plain text, CJK-aware widths."""
import unicodedata

from ..checks.registry import CHECKS, is_sub_check
from .labels import HOST_STATUS_LABELS as _HOST_STATUS
from .labels import STATUS_LABELS as _CHECK_STATUS
from .summary import VERDICTS, host_summary, not_audited_reason, verdict_label
from .text import known_mobiles, mobile_masker

# The reports' wording; English in capitals so a verdict stands out in a terminal.
STATUS_LABELS = {
    "zh": dict(_CHECK_STATUS["zh"], **_HOST_STATUS["zh"]),
    "en": {k: v.upper() for k, v in dict(_CHECK_STATUS["en"], **_HOST_STATUS["en"]).items()},
}
HEADERS = {
    "zh": ("检查项", "要求", "结论", "实际情况"),
    "en": ("check", "requirement", "verdict", "observed"),
}
HOST_HEADERS = {
    "zh": ("主机", "等级", "状态", "结论", "通过", "不满足", "警告", "未知", "不满足的项"),
    "en": ("host", "level", "status", "verdict", "pass", "fail", "warn", "unknown", "failing checks"),
}
DETAIL_MAX_HOSTS = 3
# Beyond a region's size the console (a terminal, an AWX job's output and its one event) lists
# only the hosts that need action, at most this many: a national run's 15,000 rows would flood
# both; every host is in report.html, rollup.xlsx and results.json.
ROWS_MAX_HOSTS = 500
ROWS_LISTED_MAX = 200
NOT_LISTED = {
    "zh": "另有 %d 台合格、%d 台需处理的主机未逐台列出（共 %d 台；全部见 report.html、rollup.xlsx 与 results.json）",
    "en": "%d compliant and %d more host(s) needing action are not listed (%d in all; every host is in "
          "report.html, rollup.xlsx and results.json)",
}


def width(text):
    """Display width: CJK characters take two terminal columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def clip(text, limit):
    """Cut ``text`` to ``limit`` display columns, marking the cut."""
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        if used + width(ch) > limit - 1:
            break
        out += ch
        used += width(ch)
    return out + "…"


def pad(text, size):
    return text + " " * max(0, size - width(text))


def render_rows(headers, rows, limits):
    rows = [[clip(str(cell), limit) for cell, limit in zip(row, limits)] for row in rows]
    sizes = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]
    lines = ["  ".join(pad(h, s) for h, s in zip(headers, sizes)).rstrip(),
             "  ".join("-" * s for s in sizes)]
    lines.extend("  ".join(pad(c, s) for c, s in zip(row, sizes)).rstrip() for row in rows)
    return lines


def profile_note(python, lang):
    return (python.get("note_zh") if lang == "zh" else None) or python.get("note") or ""


def hosts_by_profile(results, profile):
    return [name for name, entry in results["hosts"].items()
            if (entry.get("python") or {}).get("profile") == profile]


def profile_lines(results, lang):
    """Which hosts the default profile cannot provision (the audit itself runs on all of them)."""
    lines = []
    legacy = hosts_by_profile(results, "legacy")
    if legacy:
        lines.append(("需使用 legacy 配置运行加固角色（Python 3.6/3.7，make setup PROFILE=legacy）的主机 %d 台：%s"
                      if lang == "zh" else
                      "%d host(s) need the legacy profile for the provisioning roles "
                      "(Python 3.6/3.7, make setup PROFILE=legacy): %s") % (len(legacy), ", ".join(legacy)))
    too_old = hosts_by_profile(results, "unsupported")
    if too_old:
        lines.append(("Python 过旧、无法运行加固角色的主机 %d 台：%s" if lang == "zh" else
                      "%d host(s) have a Python too old for any profile: %s") % (len(too_old), ", ".join(too_old)))
    return lines


def host_detail(name, entry, lang):
    labels = STATUS_LABELS[lang]
    title = "%s  [%s%s]" % (name, labels[entry["status"]],
                            ", level %s" % entry["level"] if entry.get("level") else "")
    lines = [title]
    if entry["status"] != "ok":
        lines.append("  " + not_audited_reason(entry, lang))
        return lines
    rows = []
    for check_id, outcome in entry["checks"].items():
        meta = CHECKS.get(check_id)
        if is_sub_check(check_id):
            # sub-checks that need attention, under their summary; the passing ones are in the reports
            if outcome["status"] in ("pass", "skip"):
                continue
            check_id = "  └ " + check_id.rsplit(".", 1)[1]
        rows.append((check_id, meta.title_zh if lang == "zh" else meta.title_en,
                     labels[outcome["status"]],
                     outcome["message_zh"] if lang == "zh" else outcome["message_en"]))
    lines.extend("  " + line for line in render_rows(HEADERS[lang], rows, (22, 34, 8, 90)))
    python = entry.get("python") or {}
    if python.get("profile") in ("legacy", "unsupported"):
        lines.append("  Python %s: %s" % (python.get("version"), profile_note(python, lang)))
    for item in entry.get("limited") or []:
        lines.append("  " + ("受权限限制：" if lang == "zh" else "limited without root: ") + item)
    return lines


def failing_checks(checks):
    """Failed or crashed top-level checks; a summary names its failing sub-checks: ``db.opengauss(sysctl,thp)``."""
    failing = []
    for check_id, outcome in checks.items():
        if is_sub_check(check_id) or outcome["status"] not in ("fail", "error"):
            continue
        parts = [c.rsplit(".", 1)[1] for c in (CHECKS[check_id].children if check_id in CHECKS else ())
                 if (checks.get(c) or {}).get("status") in ("fail", "error")]
        failing.append("%s(%s)" % (check_id, ",".join(parts)) if parts else check_id)
    return failing


def render_verdict(results, lang="zh"):
    """Per-check tables for a few hosts, one line per host for a region."""
    lang = lang if lang in STATUS_LABELS else "zh"
    labels = STATUS_LABELS[lang]
    hosts = results["hosts"]
    lines = []
    if len(hosts) <= DETAIL_MAX_HOSTS:
        for name, entry in hosts.items():
            lines.extend(host_detail(name, entry, lang))
            lines.append("")
    rows, verdicts = [], dict.fromkeys(VERDICTS, 0)
    every_row = len(hosts) <= ROWS_MAX_HOSTS
    for name, entry in hosts.items():
        summary = host_summary(entry)
        verdicts[summary.verdict] += 1
        if not every_row and (summary.verdict == "pass" or len(rows) >= ROWS_LISTED_MAX):
            continue
        counts = summary.counts
        failing = failing_checks(entry["checks"])
        rows.append((name, entry.get("level") or "-", labels[entry["status"]], verdict_label(summary.verdict, lang),
                     counts["pass"], counts["fail"] + counts["error"], counts["warn"], counts["unknown"],
                     ", ".join(failing) or ("-" if entry["status"] == "ok" else not_audited_reason(entry, lang))))
    lines.extend(render_rows(HOST_HEADERS[lang], rows, (30, 5, 12, 8, 5, 6, 5, 5, 100)))
    if not every_row:
        needing_action = len(hosts) - verdicts["pass"]
        lines.append(NOT_LISTED[lang] % (verdicts["pass"], needing_action - len(rows), len(hosts)))
    counts = results["summary"]["host_status"]
    by_verdict = [(verdict_label(v, lang), verdicts[v]) for v in VERDICTS]
    if lang == "zh":
        lines.append("共 %d 台：已审计 %d，不可达 %d，失败 %d；%s" % (
            results["summary"]["hosts"], counts["ok"], counts["unreachable"], counts["failed"],
            "，".join("%s %d" % item for item in by_verdict)))
    else:
        lines.append("%d host(s): %d audited, %d unreachable, %d failed; %s" % (
            results["summary"]["hosts"], counts["ok"], counts["unreachable"], counts["failed"],
            ", ".join("%s %d" % item for item in by_verdict)))
    lines.extend(profile_lines(results, lang))
    # a mobile typed into a declaration or a waiver reason is masked here as in the HTML and JUnit:
    # the console ends up in CI logs and AWX job output (same width: the columns stay aligned)
    return mobile_masker(known_mobiles(results))("\n".join(lines))
