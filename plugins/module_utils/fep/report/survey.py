# -*- coding: utf-8 -*-
"""附件2 配置调查表: the survey form each hospital returns, one .xlsx per hospital.

The layout follows the original table (附件2) row for row; the audit fills
the tick boxes and the 目前现有情况 (current situation) column from the
check verdicts of results.json.  What the audit cannot know is left for the
hospital: the box stays empty and the cell, filled light yellow, says
"待医院填写：<why>".

The form carries the contact's mobile number (it is what the form is for),
so the file is created readable by its owner only.
"""
import functools
import math
import unicodedata
from typing import NamedTuple, Optional, Tuple

from ..domestic import OS_CATEGORIES, OS_CATEGORY_NAMES
from .labels import BOX_EMPTY, BOX_TICKED, DECLARED, LANGS, NOT_AUDITED, TO_FILL, TO_FILL_COLOUR
from .private import write_private
from .survey_cells import declaration_lines, generated_text, plain, port_cells, threshold_note
from .xlsx import INVALID_TITLE, PageSetup, Sheet, Style, cell_position, column_letter, workbook_bytes

FORM = {
    "zh": {
        "font": "宋体",
        "sep": "：",
        "attachment": "附件 2",
        "title": "国家传染病智能监测预警前置软件服务器软硬件环境配置调查表",
        "name": "医院名称",
        "ownership": "机构性质",
        "ownership_options": (("公立", "公立"), ("民营", "民营")),
        "division": "行政区划",
        "contact": "医院负责前置软件相关工作的人员信息",
        "contact_value": "姓名：{name}　手机号码：{mobile}",
        "section1": "一、医院门诊及传染病报卡情况",
        "volumes": (
            ("outpatient_2023", "2023 年门诊量（单位：人次）"),
            ("outpatient_peak_month_2023", "2023 年单月最高门诊量（单位：人次）"),
            ("report_cards_yearly", "传染病年均报卡量（单位：条）"),
            ("reporting_staff", "传染病报卡专职人员数（单位：人）"),
        ),
        "section2": "二、服务器配置要求",
        "section2_headers": ("编号", "配置要求", "是否满足（是/否）", "目前现有情况"),
        "section3": "三、网络配置要求",
        "section3_headers": ("编号", "端口要求", "是否满足", "目前现有情况"),
        "yes_no": (("yes", "是"), ("no", "否")),
        "waived": "（已豁免）",
        "support": (("yes", "支持"), ("no", "不支持")),
        "accelerator": (("gpu", "GPU"), ("npu", "NPU")),
        "os": tuple((category, OS_CATEGORY_NAMES["zh"][category]) for category in OS_CATEGORIES),
        "security": (("security.antivirus", "防病毒"), ("security.firewall", "防火墙"),
                     ("security.ips", "入侵防御"), ("security.url_filter", "URL 过滤")),
        "other": "其它____",
        "ca": "CA 证书",
        "security_to_fill": "未勾选的安全产品如由网络侧设备提供，请勾选并注明",
        "footnote": "说明：指定开放端口号如已被占用，请更换院内系统服务使用的端口号，空出国家要求的端口号。",
        "generated": "生成时间：{generated}　数据来源：fepkit 自动审计（主机 {host}）",
        "legend": "标黄单元格为自动审计无法确认的内容，请医院核实填写；“（声明）”表示依据清单中的声明，"
                  "未在服务器上检测。",
        "not_audited": "审计说明：{what}（{message}）",
        "servers": "本院共 {count} 台服务器，每台一页：{hosts}",
        "ids": "检查项",
    },
    "en": {
        "font": "Arial",
        "sep": ": ",
        "attachment": "Attachment 2",
        "title": "Survey of the server hardware and software environment for the front-end software "
                 "of the national infectious-disease intelligent surveillance and early-warning platform",
        "name": "Hospital",
        "ownership": "Ownership",
        "ownership_options": (("公立", "Public"), ("民营", "Private")),
        "division": "Administrative division",
        "contact": "Staff in charge of the front-end software",
        "contact_value": "Name: {name}   Mobile: {mobile}",
        "section1": "1. Outpatient visits and infectious-disease case reports",
        "volumes": (
            ("outpatient_2023", "Outpatient visits in 2023"),
            ("outpatient_peak_month_2023", "Highest monthly outpatient visits in 2023"),
            ("report_cards_yearly", "Infectious-disease report cards per year"),
            ("reporting_staff", "Full-time case-reporting staff"),
        ),
        "section2": "2. Server requirements",
        "section2_headers": ("No.", "Requirement", "Met (yes/no)", "Current situation"),
        "section3": "3. Network requirements",
        "section3_headers": ("No.", "Port requirement", "Met", "Current situation"),
        "yes_no": (("yes", "Yes"), ("no", "No")),
        "waived": "(waived)",
        "support": (("yes", "Supported"), ("no", "Not supported")),
        "accelerator": (("gpu", "GPU"), ("npu", "NPU")),
        "os": tuple((category, OS_CATEGORY_NAMES["en"][category]) for category in OS_CATEGORIES),
        "security": (("security.antivirus", "Antivirus"), ("security.firewall", "Firewall"),
                     ("security.ips", "Intrusion prevention"), ("security.url_filter", "URL filtering")),
        "other": "Other ____",
        "ca": "CA certificate",
        "security_to_fill": "tick any product a network appliance provides and name it",
        "footnote": "Note: if a designated port is already in use, move the hospital's own service to another "
                    "port and keep the nationally designated port free.",
        "generated": "Generated: {generated}   Source: fepkit automatic audit (host {host})",
        "legend": "Yellow cells: the audit could not confirm them, the hospital checks and fills them in; "
                  "\"(declared)\": taken from the inventory declaration, not detected on the server.",
        "not_audited": "Audit note: {what} ({message})",
        "servers": "The hospital's {count} servers, one sheet each: {hosts}",
        "ids": "Checks",
    },
}


class FormRow(NamedTuple):
    """One line of the form's tables.

    Rows sharing ``number`` are the sub-rows of one item (merged 编号);
    ``category`` is the left half of a split 配置要求 cell (内存, 网卡, …),
    None when the requirement spans the whole cell.  ``kind`` says what the
    verdict column holds: 是/否 or the item's own boxes.
    """
    number: str
    category: Optional[Tuple[str, str]]
    text: Tuple[str, str]
    checks: Tuple[str, ...]
    kind: str = "yes_no"


SERVER_ROWS = (
    FormRow("1", None, ("配备至少 1 台专用服务器", "At least one dedicated server"), ("server.dedicated",)),
    FormRow("2", None, ("提供单独数据备份存储空间", "Separate data-backup storage space"),
            ("server.backup_storage",)),
    FormRow("3", None, ("国产自研", "Domestic self-developed CPU"), ("cpu.domestic",)),
    FormRow("3", None, ("二级医院物理核数≥32 核\n三级医院物理核数≥64 核",
                        "Level-2 hospital: ≥32 physical cores\nLevel-3 hospital: ≥64 physical cores"),
            ("cpu.cores",)),
    FormRow("4", ("内存", "Memory"), ("二级医院≥128GB\n三级医院≥256GB",
                                      "Level-2 hospital ≥128 GB\nLevel-3 hospital ≥256 GB"), ("memory.size",)),
    FormRow("5", None, ("存储空间≥1T", "Storage ≥ 1 TB"), ("storage.size",)),
    FormRow("5", None, ("存储介质类型：SSD", "Storage medium: SSD"), ("storage.ssd",)),
    FormRow("6", ("网卡", "NIC"), ("配置双网卡", "Dual NIC"), ("nic.dual",)),
    FormRow("7", None, ("选配 GPU 卡或 NPU 卡", "Optional GPU or NPU card"), ("accelerator.gpu_npu",),
            "accelerator"),
    FormRow("8", ("操作系统", "Operating system"),
            ("使用麒麟、欧拉、统信等国产操作系统", "A domestic OS such as Kylin, openEuler or UOS"),
            ("os.domestic",), "os"),
    FormRow("9", ("数据库支持", "Database"),
            ("前置软件统一配备 OpenGauss 或同等架构的数据库，现有服务器是否支持",
             "The front-end software ships openGauss or a database of the same architecture: "
             "can the server run it?"), ("db.opengauss",), "support"),
)

NETWORK_ROWS = (
    FormRow("1", None, ("院内系统通过数据操作 API 接口方式同步 EMR 数据使用，端口号 8881",
                        "Hospital systems sync EMR data through the data API, port 8881"), ("port.8881",), "port"),
    FormRow("2", None, ("院内系统通过数据库连接方式同步 EMR 数据使用，端口号 5432",
                        "Hospital systems sync EMR data through a database connection, port 5432"),
            ("port.5432",), "port"),
    FormRow("3", None, ("国家平台前置软件配置更新，端口号 8882",
                        "National platform updates the front-end configuration, port 8882"), ("port.8882",), "port"),
    FormRow("4", None, ("国家平台进行前置软件监控，端口号 8883",
                        "National platform monitors the front-end software, port 8883"), ("port.8883",), "port"),
    FormRow("5", None, ("防保科医生、临床医生使用系统，端口号 8884",
                        "Prevention-department and clinical doctors use the system, port 8884"),
            ("port.8884",), "port"),
    FormRow("6", None, ("前置服务器对外访问端口 HTTPS/8888", "Outbound access from the server, HTTPS/8888"),
            ("net.egress_8888",)),
    FormRow("7", ("电子政务外网", "E-government extranet"), ("实现电子政务外网联通", "Extranet connected"),
            ("net.gov_extranet",)),
    FormRow("7", ("电子政务外网", "E-government extranet"), ("实现卫生专网联通", "Health private network connected"),
            ("net.health_private",)),
    FormRow("7", ("电子政务外网", "E-government extranet"), ("出口带宽 10M 及以上", "Egress bandwidth ≥ 10M"),
            ("net.bandwidth",)),
    FormRow("8", ("安全要求", "Security"),
            ("配备防病毒、防火墙、入侵防御、URL 过滤等安全产品",
             "Antivirus, firewall, intrusion prevention, URL filtering and other security products"),
            ("security.antivirus", "security.firewall", "security.ips", "security.url_filter",
             "security.ca_cert"), "security"),
)

# Column widths (character units).  A-E are the printed form; F carries the
# check ids behind each row for traceability and stays outside the print area.
COLUMN_WIDTHS = {"A": 6, "B": 12, "C": 32, "D": 24, "E": 46, "F": 22}
PRINTED_COLUMNS = 5
BASE_FONT_SIZE = 10.5  # 五号, the usual size of Chinese official forms
LINE_HEIGHT = 14  # points per line at BASE_FONT_SIZE
VERDICTS = ("pass", "warn", "fail")
BOXES_PER_LINE = {"os": 3, "security": 2}
PAGE = PageSetup(orientation="portrait", fit_width=1, fit_height=0, centred=True, margins=(0.5, 0.5, 0.6, 0.6))


# --- what goes into the cells (pure functions) ------------------------------------

def boxes(options, ticked, per_line=None):
    """``☑ 是  ☐ 否``: every option with its box, ticked when its key is in ``ticked``.

    Long lists break after ``per_line`` options: a wrap chosen by the
    spreadsheet could separate a box from its label.
    """
    items = ["%s %s" % (BOX_TICKED if key in ticked else BOX_EMPTY, label) for key, label in options]
    per_line = per_line or len(items)
    return "\n".join("  ".join(items[i:i + per_line]) for i in range(0, len(items), per_line))


def has_verdict(outcome):
    """A check that decided (pass, warn or fail), as opposed to one the hospital must answer."""
    return bool(outcome) and outcome["status"] in VERDICTS


def situation(outcome, lang):
    """目前现有情况 for one check: ``(text, hospital_must_fill)``."""
    if not outcome:
        return to_fill(NOT_AUDITED[lang]["missing"], lang), True
    message = outcome["message_%s" % lang]
    if outcome.get("source") == "waiver":
        return message, False
    if outcome["status"] in VERDICTS:
        if outcome.get("source") == "declared" and ("声明" if lang == "zh" else "declared") not in message:
            message += DECLARED[lang]
        return message, False
    return to_fill(message, lang), True


def to_fill(reason, lang):
    return TO_FILL[lang] + FORM[lang]["sep"] + reason


def division_text(division):
    """``示例省 江城市 东兴区``: the form asks for XX 市 XX 县（市、区）, a province may precede."""
    return " ".join(division.get(key) for key in ("province", "city", "county") if division.get(key)) or None


def contact_text(contact, lang):
    text = FORM[lang]["contact_value"].format(name=contact.get("name") or "", mobile=contact.get("mobile") or "")
    return text, not (contact.get("name") and contact.get("mobile"))


def security_cells(outcomes, lang):
    """Row 三-8: ``(ticked product ids, one line per product plus the CA (附件1 三), must_fill)``."""
    form = FORM[lang]
    sep = form["sep"]
    ticked = {check_id for check_id, _ in form["security"]
              if has_verdict(outcomes.get(check_id)) and outcomes[check_id]["status"] == "pass"}
    lines, unticked = [], False
    for check_id, label in form["security"]:
        text, _ = situation(outcomes.get(check_id), lang)
        lines.append(text if label in text else label + sep + text)
        waived = (outcomes.get(check_id) or {}).get("source") == "waiver"
        # "not detected" on the server is no proof: a network appliance may provide it
        unticked = unticked or (check_id not in ticked and not waived)
    ca_text, ca_must_fill = situation(outcomes.get("security.ca_cert"), lang)
    lines.append(form["ca"] + sep + ca_text)
    if unticked:
        lines.append(to_fill(form["security_to_fill"], lang))
    return ticked, "\n".join(lines), unticked or ca_must_fill


def ticked_boxes(kind, outcome, facts):
    """Box keys to tick for one check: 是/否 from the verdict, the other lists from the facts."""
    if not has_verdict(outcome):
        return set()
    if kind == "accelerator":
        return {card.get("kind") for card in facts.get("accelerators") or []}
    if kind == "os":
        return {(facts.get("os") or {}).get("category")}
    # yes_no and support; warn meets the sheet with a caveat
    return {"no"} if outcome["status"] == "fail" else {"yes"}


def verdict_text(kind, ticked, lang, waived=False):
    form = FORM[lang]
    options = form["yes_no" if kind == "port" else kind]
    text = boxes(options, ticked, BOXES_PER_LINE.get(kind))
    if waived:  # a clear mark beside the empty boxes: nothing to tick, and why is in the next cell
        text += "\n" + form["waived"]
    return text + "\n" + form["other"] if kind == "security" else text


def row_cells(row, entry, lang):
    """``(verdict column, 目前现有情况, hospital_must_fill)`` of one form row."""
    if entry["status"] != "ok":
        return verdict_text(row.kind, set(), lang), to_fill(NOT_AUDITED[lang][entry["status"]], lang), True
    outcomes = entry.get("checks") or {}
    outcome = outcomes.get(row.checks[0])
    if row.kind == "security":
        ticked, text, must_fill = security_cells(outcomes, lang)
    elif row.kind == "port" and has_verdict(outcome):
        ticked, text, must_fill = port_cells(outcome, lang)
    else:
        text, must_fill = situation(outcome, lang)
        ticked = ticked_boxes(row.kind, outcome, entry.get("facts") or {})
    lines = [text] + [note for note in [threshold_note(row.checks[0], entry, lang)] if note]
    declared, declared_missing = declaration_lines(row.checks[0], entry, lang)
    waived = row.kind != "security" and (outcome or {}).get("source") == "waiver"
    return (verdict_text(row.kind, ticked, lang, waived), plain("\n".join(lines + declared), lang),
            must_fill or declared_missing)


def sheet_title(name, host):
    """A valid worksheet title: ≤ 31 characters, none of []:*?/\\, no apostrophe at either end."""
    for candidate in (name, host):
        title = INVALID_TITLE.sub("", candidate or "").strip("' ")[:31].strip("' ")
        if title:
            return title
    return "survey"


NARROW = frozenset("abcdefghijklmnopqrstuvwxyz ,.;:'()-/|!")


def display_width(text):
    """Width in spreadsheet character units (the width of a digit): CJK characters take two,
    lower-case Latin letters, spaces and punctuation about 0.8 in the form's Arial."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0.8 if ch in NARROW else 1 for ch in text)


@functools.lru_cache(maxsize=8192)  # the form's labels are the same on every form of a region
def line_count(text, width):
    """Lines a wrapped cell needs; slightly pessimistic, a clipped print is worse than a tall row."""
    if text is None:
        return 1
    usable = max(1.0, width * 0.95)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))


# --- layout -------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def form_style(font, size, bold, colour, to_fill, border, align, number_format):
    """The few distinct styles of the form, made once."""
    return Style(font=font, size=size, bold=bold, colour=colour, fill=TO_FILL_COLOUR["fill"] if to_fill else None,
                 border=border, horizontal=align, vertical="center", wrap=True, number_format=number_format)


class FormSheet(object):
    """Writes cells the way the form needs them: merged, bordered, wrapped."""

    def __init__(self, sheet, lang):
        self.sheet = sheet
        self.font = FORM[lang]["font"]
        self.heights = {}

    def put(self, first, last, value, bold=False, align="left", to_fill=False, border=True, size=BASE_FONT_SIZE,
            colour="000000", number_format="General"):
        """Write ``value`` into the range ``first:last`` (cell names), merging it when it spans cells."""
        top, left = cell_position(first)
        bottom, right = cell_position(last)
        if first != last:
            self.sheet.merge(first, last)
        # every cell of a merged range carries the border and fill, or the printed grid has gaps
        style = form_style(self.font, size, bold, colour, to_fill, border, align, number_format)
        for row in range(top, bottom + 1):
            for column in range(left, right + 1):
                self.sheet.put(row, column, value if (row, column) == (top, left) else None, style)
        if top == bottom and right <= PRINTED_COLUMNS:
            # a spreadsheet measures text only when it opens the file: estimate the wrapped
            # height so the printed form is not clipped
            scale = size / BASE_FONT_SIZE
            width = sum(COLUMN_WIDTHS[column_letter(c)] for c in range(left, right + 1))
            height = line_count(value, width / scale) * LINE_HEIGHT * scale
            self.heights[top] = max(self.heights.get(top, 0), height)

    def finish_heights(self):
        for row, height in self.heights.items():
            self.sheet.heights[row] = max(LINE_HEIGHT, height) + 4


def write_header(form_sheet, entry, lang):
    """Title, header block and section 一 (rows 1-7)."""
    form = FORM[lang]
    put = form_sheet.put
    hospital = entry.get("hospital") or {}
    put("A1", "B1", form["attachment"], border=False, size=10)
    put("A2", "E2", form["title"], bold=True, align="center", border=False, size=16)
    put("A3", "B3", form["name"], align="center")
    put("C3", "C3", hospital.get("name"), to_fill=not hospital.get("name"))
    put("D3", "D3", form["ownership"], align="center")
    ownership = hospital.get("ownership")
    put("E3", "E3", boxes(form["ownership_options"], {ownership}), to_fill=not ownership)
    put("A4", "B4", form["division"], align="center")
    division = division_text(hospital.get("division") or {})
    put("C4", "C4", division, to_fill=not division)
    put("D4", "D4", form["contact"], align="center")
    contact, contact_missing = contact_text(hospital.get("contact") or {}, lang)
    put("E4", "E4", contact, to_fill=contact_missing)
    put("A5", "E5", form["section1"], bold=True)
    volumes = hospital.get("volumes") or {}
    # two volumes per line: label A:B, value C | label D, value E
    positions = (("A", "B", "C"), ("D", "D", "E"))
    for index, (key, label) in enumerate(form["volumes"]):
        row = 6 + index // 2
        label_first, label_last, value_column = positions[index % 2]
        put("%s%d" % (label_first, row), "%s%d" % (label_last, row), label, align="center")
        value_cell = "%s%d" % (value_column, row)
        value = volumes.get(key)
        put(value_cell, value_cell, value, align="center", to_fill=value is None, number_format="#,##0")


def write_section(form_sheet, start, heading, headers, rows, entry, lang):
    """One of the two requirement tables; returns the next free row."""
    put = form_sheet.put
    put("A%d" % start, "E%d" % start, heading, bold=True)
    put("F%d" % start, "F%d" % start, FORM[lang]["ids"], border=False, size=8, colour="808080")
    row = start + 1
    number, requirement, verdict, current = headers
    put("A%d" % row, "A%d" % row, number, bold=True, align="center")
    put("B%d" % row, "C%d" % row, requirement, bold=True, align="center")
    put("D%d" % row, "D%d" % row, verdict, bold=True, align="center")
    put("E%d" % row, "E%d" % row, current, bold=True, align="center")
    first_row = row + 1
    index = 0 if lang == "zh" else 1
    for offset, form_row in enumerate(rows):
        row = first_row + offset
        verdict_text, current_text, must_fill = row_cells(form_row, entry, lang)
        if form_row.category is None:
            put("B%d" % row, "C%d" % row, form_row.text[index])
        else:
            put("C%d" % row, "C%d" % row, form_row.text[index])
        put("D%d" % row, "D%d" % row, verdict_text, to_fill=must_fill)
        put("E%d" % row, "E%d" % row, current_text, to_fill=must_fill)
        put("F%d" % row, "F%d" % row, ", ".join(form_row.checks), border=False, size=8, colour="808080")
    # 编号 spans the sub-rows of one item, and so does a split 配置要求's category
    for first, last in spans(rows, lambda r: r.number):
        put("A%d" % (first_row + first), "A%d" % (first_row + last), rows[first].number, align="center")
    for first, last in spans(rows, lambda r: (r.number, r.category)):
        if rows[first].category:
            put("B%d" % (first_row + first), "B%d" % (first_row + last), rows[first].category[index],
                align="center")
    return first_row + len(rows)


def spans(rows, key):
    """``(first, last)`` index ranges of consecutive rows with the same ``key(row)``."""
    result, start = [], 0
    for index in range(1, len(rows) + 1):
        if index == len(rows) or key(rows[index]) != key(rows[start]):
            result.append((start, index - 1))
            start = index
    return result


def write_footer(form_sheet, row, host, entry, lang, generated, servers=()):
    form = FORM[lang]
    put = form_sheet.put
    put("A%d" % row, "E%d" % row, form["footnote"], border=False)
    notes = [form["generated"].format(generated=generated_text(generated, lang), host=host), form["legend"]]
    if len(servers) > 1:
        notes.append(form["servers"].format(count=len(servers), hosts=("、" if lang == "zh" else ", ").join(servers)))
    if entry["status"] != "ok":
        notes.append(form["not_audited"].format(what=NOT_AUDITED[lang][entry["status"]],
                                                message=entry.get("message") or entry["status"]))
    row += 2
    for note in notes:
        put("A%d" % row, "E%d" % row, note, border=False, size=9, colour="595959")
        row += 1
    return row - 1


def setup_print(sheet, last_row):
    """A4 portrait, fit to one page wide; the check-id column is not printed."""
    sheet.widths.update(COLUMN_WIDTHS)
    sheet.print_area = "A1:%s%d" % (column_letter(PRINTED_COLUMNS), last_row)
    sheet.page = PAGE


def build_survey(host, entry, lang="zh", generated=None, title=None, servers=()):
    """The filled form as an xlsx Sheet (not saved); ``servers`` lists the hospital's hosts."""
    if lang not in LANGS:
        raise ValueError("lang must be one of %s, got %r" % (", ".join(LANGS), lang))
    sheet = Sheet(title or sheet_title((entry.get("hospital") or {}).get("name"), host))
    form_sheet = FormSheet(sheet, lang)
    form = FORM[lang]
    write_header(form_sheet, entry, lang)
    row = write_section(form_sheet, 8, form["section2"], form["section2_headers"], SERVER_ROWS, entry, lang)
    row = write_section(form_sheet, row, form["section3"], form["section3_headers"], NETWORK_ROWS, entry, lang)
    last_row = write_footer(form_sheet, row, host, entry, lang, generated, servers)
    form_sheet.finish_heights()
    setup_print(sheet, last_row)
    return sheet


def sheet_titles(hosts):
    """Distinct worksheet titles for the servers of one hospital (host names, cut to 31 characters)."""
    titles = []
    for host in hosts:
        title = sheet_title(host, "survey")
        number = 2
        while title.lower() in (t.lower() for t in titles):  # spreadsheets compare titles caselessly
            suffix = "(%d)" % number
            title = sheet_title(host, "survey")[:31 - len(suffix)] + suffix
            number += 1
        titles.append(title)
    return titles


def write_survey(host, entry, path, lang="zh", generated=None):
    """Write the survey form of one host (``results["hosts"][host]``) to ``path``.

    ``generated`` is the results' timestamp, printed in the footer and kept
    as the file's creation date.
    """
    return write_hospital_survey([(host, entry)], path, lang, generated)


def write_hospital_survey(servers, path, lang="zh", generated=None):
    """Write one hospital's workbook: the form of each server ``[(host, entry)]``, one sheet each.

    A hospital with one server gets a sheet titled with its name; with
    several, each sheet is titled with its host and every form lists them all.
    """
    hosts = [host for host, _ in servers]
    titles = sheet_titles(hosts) if len(servers) > 1 else [None]
    sheets = [build_survey(host, entry, lang, generated, title, hosts)
              for (host, entry), title in zip(servers, titles)]
    return write_private(path, workbook_bytes(sheets, created=generated))
