# -*- coding: utf-8 -*-
"""Regional roll-up (.xlsx): one row per hospital (明细) and the counts (汇总).

Circulated widely, so it carries no contact mobile (contact names would be
allowed, but are not needed).  Counts are plain numbers computed here rather
than formulas: they read back identically everywhere and are testable.
"""
import functools
from collections import OrderedDict

from ..checks.registry import CHECKS, is_sub_check
from .hospital import hospital_key
from .labels import (
    HOST_STATUS_LABELS,
    LANGS,
    LEVEL_LABELS,
    NOT_AUDITED_COLOUR,
    OWNERSHIP_LABELS,
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_ORDER,
    short_title,
)
from .private import write_private
from .summary import VERDICT_LABELS, VERDICTS, host_summary, not_audited_reason, ordered_hosts, worst
from .survey import line_count
from .xlsx import PageSetup, Sheet, Style, column_letter, workbook_bytes

TEXT = {
    "zh": {
        "details": "明细",
        "summary": "汇总",
        "columns": ("市", "县（区）", "医院名称", "主机", "等级", "机构性质", "审计状态", "结论", "不满足项数"),
        "remark": "备注",
        "failing": "不满足：",
        "to_fix": "openGauss 安装前需整改 {count} 项",
        "then": "；",
        "by_check": "按检查项汇总",
        "by_check_columns": ("编号", "检查项", "调查表行"),
        "not_audited": "未审计",
        "by_level": "按等级汇总",
        "by_city": "按地市汇总",
        "group_columns": ("医院数", "合格医院", "需确认医院", "不合格医院", "未审计医院",
                          "服务器数", "不可达服务器", "审计失败服务器"),
        "fail_counts": "以下为医院数（一家医院的多台服务器计为一家，按最差的一台判定）："
                       "合格 = 全部服务器已审计且无不满足、出错、未知项；需确认 = 无不满足项但有未知项；"
                       "不合格 = 有不满足或出错项；未审计 = 有服务器不可达或审计失败。各检查项列为“不满足”的医院数。",
        "level": "等级",
        "city": "市",
        "no_city": "（未填写）",
        "total": "合计",
        "generated": "生成时间：{generated}　数据来源：fepkit 自动审计",
        "survey_row": "调查表 {row}",
        "sep": "、",
    },
    "en": {
        "details": "Details",
        "summary": "Summary",
        "columns": ("City", "County", "Hospital", "Host", "Level", "Ownership", "Audit status", "Verdict",
                    "Failed checks"),
        "remark": "Remark",
        "failing": "failing: ",
        "to_fix": "openGauss: {count} item(s) to fix before installing",
        "then": "; ",
        "by_check": "By requirement",
        "by_check_columns": ("Check id", "Requirement", "Survey row"),
        "not_audited": "Not audited",
        "by_level": "By hospital level",
        "by_city": "By city",
        "group_columns": ("Hospitals", "Compliant", "To confirm", "Non-compliant", "Not audited",
                          "Servers", "Unreachable servers", "Failed audits"),
        "fail_counts": "Hospitals (the servers of one hospital count once, judged by the worst): compliant = every "
                       "server audited with no failed, crashed or unknown check; to confirm = nothing fails but "
                       "something is unknown; non-compliant = a check fails or crashed; not audited = a server "
                       "was unreachable or its audit failed. Per check: hospitals that fail it.",
        "level": "Level",
        "city": "City",
        "no_city": "(not set)",
        "total": "Total",
        "generated": "Generated: {generated}   Source: fepkit automatic audit",
        "survey_row": "survey row {row}",
        "sep": ", ",
    },
}

FONT_NAME = {"zh": "宋体", "en": "Arial"}
BORDER_COLOUR = "A6A6A6"
HEADER_FILL = "DDEBF7"
# A4 landscape, as wide as one page, as many pages tall as the region needs
PAGE = PageSetup(orientation="landscape", fit_width=1, fit_height=0)
FIXED_WIDTHS = (10, 10, 26, 22, 7, 9, 10, 9, 9)
AUDIT_STATUS_COLUMN = 7  # 审计状态, greyed out with the checks of a host that was not audited
VERDICT_COLOURS = {"pass": STATUS_COLOURS["pass"], "fail": STATUS_COLOURS["fail"],
                   "attention": STATUS_COLOURS["unknown"], "not_audited": NOT_AUDITED_COLOUR}
CHECK_WIDTH = 9
REMARK_WIDTH = 50
SUMMARY_WIDTH = 11
TITLE_WIDTH = 14  # 汇总 column B: the short titles of the requirements and their items, wrapped
LINE_HEIGHT = 13  # points per line at 10 pt


# --- what the roll-up says (pure functions over results.json) ---------------------

def check_ids(results, subs=False):
    """Check ids in catalogue order: those any host ran, or the whole catalogue when none did.

    Sub-checks (db.opengauss.*) only with ``subs``: the wide tables keep one
    column per requirement, the by-check table lists every item.
    """
    return [c for c in all_check_ids(results) if subs or not is_sub_check(c)]


def all_check_ids(results):
    """Every check id of the run (sub-checks included), in catalogue order."""
    present = []
    for entry in results["hosts"].values():
        for check_id in entry.get("checks") or {}:
            if check_id not in present:
                present.append(check_id)
    if not present:
        return list(CHECKS)
    ordered = [check_id for check_id in CHECKS if check_id in present]
    return ordered + [check_id for check_id in present if check_id not in CHECKS]


def _division(entry, key):
    return ((entry.get("hospital") or {}).get("division") or {}).get(key)



def counts_by_check(results, ids):
    """``{check_id: {status: n, ..., "not_audited": n}}`` over all hosts."""
    counts = OrderedDict((check_id, OrderedDict((s, 0) for s in STATUS_ORDER + ("not_audited",))) for check_id in ids)
    for entry in results["hosts"].values():
        checks = entry.get("checks") or {}
        for check_id in ids:
            status = checks[check_id]["status"] if check_id in checks else "not_audited"
            counts[check_id][status] += 1
    return counts


def hospitals(results, ordered=None):
    """``[(hospital key, [(host, entry), …])]``: the servers of each hospital, in roll-up order."""
    grouped = OrderedDict()
    for host, entry in ordered if ordered is not None else ordered_hosts(results):
        grouped.setdefault(hospital_key(entry, host), []).append((host, entry))
    return list(grouped.items())


GROUP_KEYS = ("hospitals",) + VERDICTS + ("servers", "unreachable", "failed")


def group_counts(results, ids, group_of, servers_by_hospital=None, summaries=None):
    """Per group (``group_of(entry)`` of a hospital's first server): hospitals by verdict
    (host_summary, the worst server), servers by audit status, hospitals failing each check.
    ``servers_by_hospital`` (hospitals()) and ``summaries`` ({host: host_summary}) when known."""
    groups = OrderedDict()
    summaries = summaries or {}
    for _, servers in servers_by_hospital or hospitals(results):
        group = groups.setdefault(group_of(servers[0][1]), OrderedDict(
            [(key, 0) for key in GROUP_KEYS] + [("fails", OrderedDict((check_id, 0) for check_id in ids))]))
        group["hospitals"] += 1
        group[worst((summaries.get(host) or host_summary(entry)).verdict for host, entry in servers)] += 1
        group["servers"] += len(servers)
        failing = set()
        for _, entry in servers:
            if entry["status"] in ("unreachable", "failed"):
                group[entry["status"]] += 1
            failing.update(check_id for check_id, outcome in (entry.get("checks") or {}).items()
                           if outcome["status"] == "fail")
        for check_id in failing & set(ids):
            group["fails"][check_id] += 1
    return groups


def total_of(groups, ids):
    total = OrderedDict((key, sum(g[key] for g in groups.values())) for key in GROUP_KEYS)
    total["fails"] = OrderedDict((check_id, sum(g["fails"][check_id] for g in groups.values())) for check_id in ids)
    return total


def full_title(check_id, lang):
    check = CHECKS.get(check_id)
    if check is None:
        return check_id
    return check.title_zh if lang == "zh" else check.title_en


def title_comment(check_id, lang):
    """The full requirement and its survey row, a note behind a short column title."""
    row = CHECKS[check_id].survey_row if check_id in CHECKS else ""
    return "%s\n%s" % (full_title(check_id, lang), TEXT[lang]["survey_row"].format(row=row))


def remark(entry, lang):
    """Why a hospital is not audited, which requirements it fails, what to fix before openGauss."""
    if entry["status"] != "ok":
        return not_audited_reason(entry, lang)
    checks = entry.get("checks") or {}
    failing = [check_id for check_id, outcome in checks.items()
               if outcome["status"] == "fail" and not is_sub_check(check_id)]
    to_fix = ((checks.get("db.opengauss") or {}).get("readiness") or {}).get("to_fix")
    notes = [TEXT[lang]["to_fix"].format(count=len(to_fix))] if to_fix and "db.opengauss" not in failing else []
    if not failing:
        return notes[0] if notes else None
    sep = TEXT[lang]["sep"]

    def named(check_id):
        # a summary that says what decided it (db.opengauss: its capability) names only those items
        decided_by = (checks[check_id].get("capability") or {}).get("checks")
        children = decided_by or (CHECKS[check_id].children if check_id in CHECKS else ())
        parts = [c for c in children if (checks.get(c) or {}).get("status") == "fail"]
        if not parts:
            return short_title(check_id, lang)
        items = sep.join(short_title(c, lang) for c in parts)
        return ("%s（%s）" if lang == "zh" else "%s (%s)") % (short_title(check_id, lang), items)
    return TEXT[lang]["then"].join([TEXT[lang]["failing"] + sep.join(named(c) for c in failing)] + notes)


# --- sheets ----------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def cell_style(font, size, bold, colour, fill, border, horizontal, wrap):
    """The roll-up's few distinct styles, made once (a national roll-up has 850,000 cells)."""
    return Style(font=font, size=size, bold=bold, colour=colour, fill=fill, border=border,
                 border_colour=BORDER_COLOUR, horizontal=horizontal, vertical="center", wrap=wrap)


class Writer(object):
    """Styled cell writes for one sheet."""

    def __init__(self, sheet, lang):
        self.sheet = sheet
        self.font_name = FONT_NAME[lang]

    def style(self, bold=False, colours=None, header=False, size=10, colour="000000", border=True, wrap=False,
              align=None):
        fill = colours["fill"] if colours else (HEADER_FILL if header else None)
        return cell_style(self.font_name, size, bold or header, colours["font"] if colours else colour, fill,
                          border, align or ("center" if header else None), wrap or header)

    def cell(self, row, column, value, bold=False, colours=None, header=False, size=10, colour="000000",
             border=True, wrap=False, align=None, note=None):
        self.sheet.put(row, column, value, self.style(bold, colours, header, size, colour, border, wrap, align))
        if note:
            self.sheet.comments[(row, column)] = note


def write_check_headers(out, row, first_column, ids, lang):
    """Check ids (small, for traceability) on ``row``, short titles under them with the full one as a comment."""
    for offset, check_id in enumerate(ids):
        column = first_column + offset
        out.cell(row, column, check_id, size=8, colour="7F7F7F", align="center", wrap=True)
        out.cell(row + 1, column, short_title(check_id, lang), header=True, note=title_comment(check_id, lang))
    # a spreadsheet measures text only when it opens the file: two lines each for the wrapped ids and titles
    out.sheet.heights[row] = 24
    out.sheet.heights[row + 1] = 30


def write_details(sheet, results, ids, lang, ordered=None, summaries=None):
    """明细: header rows 1 (check ids) and 2 (titles), one row per hospital from row 3."""
    text = TEXT[lang]
    out = Writer(sheet, lang)
    fixed = len(text["columns"])
    for column, title in enumerate(text["columns"], start=1):
        out.cell(2, column, title, header=True)
    write_check_headers(out, 1, fixed + 1, ids, lang)
    remark_column = fixed + len(ids) + 1
    out.cell(2, remark_column, text["remark"], header=True)

    statuses, levels, ownerships = HOST_STATUS_LABELS[lang], LEVEL_LABELS[lang], OWNERSHIP_LABELS[lang]
    # a check's cell: one (label, style) per verdict, made once (a national roll-up has 690,000 of them)
    status_cells = {status: (STATUS_LABELS[lang][status], out.style(colours=STATUS_COLOURS[status], align="center"))
                    for status in STATUS_COLOURS}
    blank_styles = {True: out.style(), False: out.style(colours=NOT_AUDITED_COLOUR)}
    row = 2
    summaries = summaries or {}
    for row, (host, entry) in enumerate(ordered if ordered is not None else ordered_hosts(results), start=3):
        hospital = entry.get("hospital") or {}
        audited = entry["status"] == "ok"
        summary = summaries.get(host) or host_summary(entry)
        values = (_division(entry, "city"), _division(entry, "county"), hospital.get("name"), host,
                  levels.get(entry.get("level"), entry.get("level")),
                  ownerships.get(hospital.get("ownership"), hospital.get("ownership")),
                  statuses[entry["status"]], VERDICT_LABELS[lang][summary.verdict],
                  summary.counts["fail"] if audited else None)
        for column, value in enumerate(values, start=1):
            colours = None
            if column == AUDIT_STATUS_COLUMN and not audited:
                colours = NOT_AUDITED_COLOUR
            elif column == AUDIT_STATUS_COLUMN + 1:
                colours = VERDICT_COLOURS[summary.verdict]
            out.cell(row, column, value, colours=colours)
        checks = entry.get("checks") or {}
        for offset, check_id in enumerate(ids):
            outcome = checks.get(check_id)
            if outcome is None:
                sheet.put(row, fixed + 1 + offset, None, blank_styles[audited])
                continue
            sheet.put(row, fixed + 1 + offset, *status_cells[outcome["status"]])
        # not wrapped: the last column may run on to the right, and rows stay one line high
        out.cell(row, remark_column, remark(entry, lang))

    for column, width in enumerate(FIXED_WIDTHS, start=1):
        sheet.widths[column_letter(column)] = width
    for offset in range(len(ids)):
        sheet.widths[column_letter(fixed + 1 + offset)] = CHECK_WIDTH
    sheet.widths[column_letter(remark_column)] = REMARK_WIDTH
    # the header rows and the columns that name the hospital stay in view while scrolling
    sheet.freeze = "D3"
    sheet.auto_filter = "A2:%s%d" % (column_letter(remark_column), max(row, 3))
    sheet.page = PAGE
    sheet.print_title_rows = "1:2"


def write_by_check(out, row, results, ids, lang):
    """Verdict counts per requirement, one row per check id; returns the next free row."""
    text = TEXT[lang]
    out.cell(row, 1, text["by_check"], bold=True, border=False)
    row += 1
    keys = STATUS_ORDER + ("not_audited",)
    headers = text["by_check_columns"] + tuple(STATUS_LABELS[lang][s] for s in STATUS_ORDER) + (text["not_audited"],)
    for column, title in enumerate(headers, start=1):
        out.cell(row, column, title, header=True)
    ids = check_ids(results, subs=True)
    counts = counts_by_check(results, ids)
    for check_id in ids:
        row += 1
        out.cell(row, 1, check_id)
        # a sub-check reads as an item of its requirement: indented under it
        title = ("  └ " if is_sub_check(check_id) else "") + short_title(check_id, lang)
        out.cell(row, 2, title, wrap=True, note=title_comment(check_id, lang))
        # a spreadsheet does not re-measure wrapped text on opening: size the row for its lines
        lines = line_count(title, TITLE_WIDTH)
        if lines > 1:
            out.sheet.heights[row] = lines * LINE_HEIGHT + 3
        out.cell(row, 3, CHECKS[check_id].survey_row if check_id in CHECKS else None, align="center")
        for column, key in enumerate(keys, start=4):
            number = counts[check_id][key]
            colours = STATUS_COLOURS[key] if number and key in ("pass", "fail", "warn") else None
            out.cell(row, column, number, colours=colours, align="center")
    row += 1
    out.cell(row, 1, text["total"], bold=True)
    out.cell(row, 2, None)
    out.cell(row, 3, None)
    for column, key in enumerate(keys, start=4):
        total = sum(number[key] for check_id, number in counts.items() if not is_sub_check(check_id))
        out.cell(row, column, total, bold=True, align="center")
    return row + 2


def write_groups(out, row, title, group_label, groups, ids, lang):
    """One group table (by level or by city): check ids row, header row, groups, total."""
    text = TEXT[lang]
    out.cell(row, 1, title, bold=True, border=False)
    row += 1
    first_check = 2 + len(text["group_columns"])
    write_check_headers(out, row, first_check, ids, lang)
    row += 1
    for column, header in enumerate((group_label,) + text["group_columns"], start=1):
        out.cell(row, column, header, header=True)
    rows = [(name, group, False) for name, group in groups.items()] + [(text["total"], total_of(groups, ids), True)]
    for name, group, bold in rows:
        row += 1
        values = (name,) + tuple(group[key] for key in GROUP_KEYS)
        for column, value in enumerate(values, start=1):
            out.cell(row, column, value, bold=bold, align=None if column == 1 else "center")
        for offset, check_id in enumerate(ids):
            number = group["fails"][check_id]
            out.cell(row, first_check + offset, number, bold=bold, align="center",
                     colours=STATUS_COLOURS["fail"] if number else None)
    return row + 2


def write_summary(sheet, results, ids, lang, ordered=None, summaries=None):
    text = TEXT[lang]
    by_hospital = hospitals(results, ordered)
    # a national roll-up: two cities of one name in two provinces are two rows
    provinces = {_division(servers[0][1], "province") for _, servers in by_hospital}

    def city_of(entry):
        city = _division(entry, "city") or text["no_city"]
        return "%s %s" % (_division(entry, "province") or text["no_city"], city) if len(provinces) > 1 else city

    out = Writer(sheet, lang)
    out.cell(1, 1, text["generated"].format(generated=results.get("generated") or ""), border=False, size=9,
             colour="595959")
    row = write_by_check(out, 3, results, ids, lang)
    out.cell(row, 1, text["fail_counts"], border=False, size=9, colour="595959")
    levels = LEVEL_LABELS[lang]
    row = write_groups(out, row + 1, text["by_level"], text["level"],
                       group_counts(results, ids, lambda e: levels.get(e.get("level"), e.get("level")), by_hospital,
                                    summaries), ids, lang)
    write_groups(out, row, text["by_city"], text["city"],
                 group_counts(results, ids, city_of, by_hospital, summaries), ids, lang)
    # the tables share columns: 1 names the row (check id or group), the rest hold numbers
    sheet.widths["A"] = 22
    sheet.widths["B"] = TITLE_WIDTH
    for column in range(3, max(3 + len(STATUS_ORDER) + 1, 1 + len(text["group_columns"]) + len(ids)) + 1):
        sheet.widths[column_letter(column)] = SUMMARY_WIDTH
    sheet.page = PAGE


def build_rollup(results, lang="zh"):
    """The roll-up's two sheets, 明细 and 汇总 (xlsx Sheets, not saved)."""
    if lang not in LANGS:
        raise ValueError("lang must be one of %s, got %r" % (", ".join(LANGS), lang))
    ids = check_ids(results)
    details, summary = Sheet(TEXT[lang]["details"]), Sheet(TEXT[lang]["summary"])
    ordered = ordered_hosts(results)
    summaries = {host: host_summary(entry) for host, entry in ordered}
    write_details(details, results, ids, lang, ordered, summaries)
    write_summary(summary, results, ids, lang, ordered, summaries)
    return [details, summary]


def write_rollup(results, path, lang="zh"):
    """Write the regional roll-up of ``results`` (results.json) to ``path``, mode 0600."""
    return write_private(path, workbook_bytes(build_rollup(results, lang), created=results.get("generated")))
