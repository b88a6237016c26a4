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

from .labels import LANGS, NOT_AUDITED, TO_FILL_COLOUR
from .private import write_private
from .survey_cells import boxes, contact_text, division_text, generated_text, row_cells
from .survey_form import FORM, NETWORK_ROWS, SERVER_ROWS
from .xlsx import INVALID_TITLE, PageSetup, Sheet, Style, cell_position, column_letter, workbook_bytes

# Column widths (character units).  A-E are the printed form; F carries the
# check ids behind each row for traceability and stays outside the print area.
COLUMN_WIDTHS = {"A": 6, "B": 12, "C": 32, "D": 24, "E": 46, "F": 22}
PRINTED_COLUMNS = 5
BASE_FONT_SIZE = 10.5  # 五号, the usual size of Chinese official forms
LINE_HEIGHT = 14  # points per line at BASE_FONT_SIZE
PAGE = PageSetup(orientation="portrait", fit_width=1, fit_height=0, centred=True, margins=(0.5, 0.5, 0.6, 0.6))


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


@functools.lru_cache(maxsize=4096)  # every form puts values into the same few hundred ranges
def cell_range(first, last):
    """``(top-left (row, column), the range's other cells, width)`` of ``first:last``; ``width``, the
    printed columns' total width, is None unless the range is one row of the printed form."""
    top, left = cell_position(first)
    bottom, right = cell_position(last)
    others = tuple((row, column) for row in range(top, bottom + 1) for column in range(left, right + 1)
                   if (row, column) != (top, left))
    width = None
    if top == bottom and right <= PRINTED_COLUMNS:
        width = sum(COLUMN_WIDTHS[column_letter(c)] for c in range(left, right + 1))
    return (top, left), others, width


class FormSheet(object):
    """Writes cells the way the form needs them: merged, bordered, wrapped."""

    def __init__(self, sheet, lang):
        self.sheet = sheet
        self.font = FORM[lang]["font"]
        self.heights = {}

    def put(self, first, last, value, bold=False, align="left", to_fill=False, border=True, size=BASE_FONT_SIZE,
            colour="000000", number_format="General"):
        """Write ``value`` into the range ``first:last`` (cell names), merging it when it spans cells."""
        top_left, others, width = cell_range(first, last)
        if others:
            self.sheet.merge(first, last)
        # every cell of a merged range carries the border and fill, or the printed grid has gaps
        style = form_style(self.font, size, bold, colour, to_fill, border, align, number_format)
        cells = self.sheet.cells
        cells[top_left] = (value, style)
        if others:
            blank = (None, style)
            for position in others:
                cells[position] = blank
        if width is not None:
            # a spreadsheet measures text only when it opens the file: estimate the wrapped
            # height so the printed form is not clipped
            scale = size / BASE_FONT_SIZE
            height = line_count(value, width / scale) * LINE_HEIGHT * scale
            top = top_left[0]
            if height > self.heights.get(top, 0):
                self.heights[top] = height

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
