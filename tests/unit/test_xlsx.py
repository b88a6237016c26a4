# -*- coding: utf-8 -*-
"""The small xlsx writer (report/xlsx.py), read back with openpyxl as an independent reader."""
import io
import zipfile

import openpyxl
import pytest

from fep.report.xlsx import PageSetup, Sheet, Style, cell_position, column_letter, workbook_bytes


def read_back(sheets, **kwargs):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(sheets, **kwargs)))


@pytest.mark.parametrize("index, letters", [(1, "A"), (5, "E"), (26, "Z"), (27, "AA"), (52, "AZ"), (703, "AAA")])
def test_column_letters_round_trip(index, letters):
    assert column_letter(index) == letters
    assert cell_position("%s7" % letters) == (7, index)


def test_cell_position_refuses_a_range():
    with pytest.raises(ValueError):
        cell_position("A1:B2")


def test_values_keep_their_types():
    sheet = Sheet("值")
    sheet.put(1, 1, "医院 & <名称> \"x\"", Style())
    sheet.put(1, 2, 1234567, Style())
    sheet.put(1, 3, 2.5, Style())
    sheet.put(2, 1, True, Style())
    sheet.put(2, 2, None, Style(border=True))
    sheet.put(2, 3, "two\nlines  kept ", Style())
    cells = read_back([sheet]).active
    assert cells["A1"].value == "医院 & <名称> \"x\""
    assert cells["B1"].value == 1234567 and cells["C1"].value == 2.5
    assert cells["A2"].value is True
    assert cells["B2"].value is None and cells["B2"].border.left.style == "thin"
    assert cells["C2"].value == "two\nlines  kept "


def test_characters_xml_cannot_carry_are_dropped_not_fatal():
    sheet = Sheet("x")
    sheet.put(1, 1, "bad\x00\x07\x1bchars\ttab", Style())
    assert read_back([sheet]).active["A1"].value == "badchars\ttab"


def test_a_lone_surrogate_is_dropped_not_fatal():
    # json.load gives one for a "\\ud800" escape; UTF-8 cannot encode it, XML 1.0 cannot carry it
    sheet = Sheet("x")
    sheet.put(1, 1, "医\ud800院\ufffe", Style())
    sheet.comments[(1, 1)] = "note\udfff"
    assert read_back([sheet]).active["A1"].value == "医院"


def test_styles_are_written_and_shared():
    sheet = Sheet("styles")
    yellow = Style(font="宋体", size=10.5, bold=True, colour="808080", fill="FFF2CC", border=True,
                   horizontal="center", vertical="center", wrap=True, number_format="#,##0")
    for column in range(1, 4):
        sheet.put(1, column, column * 1000, yellow)
    sheet.put(2, 1, "plain", Style())
    data = workbook_bytes([sheet])
    styles = zipfile.ZipFile(io.BytesIO(data)).read("xl/styles.xml").decode("utf-8")
    assert styles.count("<xf ") == 1 + 2  # the cell-style xf, the default and the one shared style
    cell = openpyxl.load_workbook(io.BytesIO(data)).active["B1"]
    assert cell.font.name == "宋体" and cell.font.sz == 10.5 and cell.font.b
    assert cell.font.color.rgb.endswith("808080")
    assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith("FFF2CC")
    assert cell.border.top.style == "thin" and cell.border.bottom.style == "thin"
    assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
    assert cell.number_format == "#,##0"


def test_layout_merges_sizes_and_print_setup():
    sheet = Sheet("Form of it's x")
    sheet.put(1, 1, "title", Style())
    sheet.merge("A1", "E1")
    sheet.put(3, 2, "x", Style())
    sheet.widths.update({"A": 6, "C": 32.5, "AA": 3})
    sheet.heights[3] = 40
    sheet.print_area = "A1:E3"
    sheet.page = PageSetup(orientation="landscape", fit_width=1, fit_height=0, centred=True,
                           margins=(0.5, 0.5, 0.6, 0.6))
    form = read_back([sheet]).active
    assert form.title == "Form of it's x"
    assert {str(r) for r in form.merged_cells.ranges} == {"A1:E1"}
    assert form.column_dimensions["A"].width == 6 and form.column_dimensions["C"].width == 32.5
    assert form.column_dimensions["AA"].width == 3
    assert form.row_dimensions[3].height == 40
    assert form.print_area.replace("$", "") == "'Form of it''s x'!A1:E3"
    assert form.page_setup.orientation == "landscape" and int(form.page_setup.paperSize) == 9
    assert int(form.page_setup.fitToWidth) == 1 and int(form.page_setup.fitToHeight) == 0
    assert form.sheet_properties.pageSetUpPr.fitToPage
    assert form.print_options.horizontalCentered
    assert form.page_margins.left == 0.5 and form.page_margins.top == 0.6


@pytest.mark.parametrize("title", ["", "a:b", "[x]", "q?", "x" * 32, "'quoted'"])
def test_titles_excel_refuses_are_refused(title):
    with pytest.raises(ValueError, match="invalid worksheet title"):
        Sheet(title)


def test_several_sheets_in_order():
    first, second = Sheet("一"), Sheet("二")
    first.put(1, 1, 1, Style())
    second.put(1, 1, 2, Style(bold=True))
    book = read_back([first, second])
    assert book.sheetnames == ["一", "二"]
    assert book["二"]["A1"].value == 2 and book["二"]["A1"].font.b


def test_same_content_same_bytes_and_creation_date_kept():
    def make():
        sheet = Sheet("s")
        sheet.put(1, 1, "x", Style())
        return workbook_bytes([sheet], created="2026-11-25T10:00:00+08:00")
    assert make() == make()
    properties = openpyxl.load_workbook(io.BytesIO(make())).properties
    assert properties.creator == "fepkit" and properties.created.year == 2026


def test_comments_frozen_panes_filter_and_print_titles():
    sheet = Sheet("明细")
    for row in range(1, 6):
        for column in range(1, 5):
            sheet.put(row, column, "%d/%d" % (row, column), Style())
    sheet.comments[(2, 3)] = "配备至少 1 台专用服务器\n调查表 二-1 & more"
    sheet.comments[(2, 4)] = "second"
    sheet.freeze = "D3"
    sheet.auto_filter = "A2:D5"
    sheet.print_title_rows = "1:2"
    other = Sheet("汇总")
    other.put(1, 1, "x", Style())
    other.comments[(1, 1)] = "on the second sheet"
    other.freeze = "A2"
    book = read_back([sheet, other])
    details = book["明细"]
    assert details["C2"].comment.text == "配备至少 1 台专用服务器\n调查表 二-1 & more"
    assert details["C2"].comment.author == "fepkit"
    assert details["D2"].comment.text == "second" and details["C3"].comment is None
    assert details.freeze_panes == "D3"
    assert details.auto_filter.ref == "A2:D5"
    assert details.print_title_rows == "$1:$2"
    assert book["汇总"]["A1"].comment.text == "on the second sheet"
    assert book["汇总"].freeze_panes == "A2"


def test_border_colours_are_kept_apart():
    sheet = Sheet("b")
    sheet.put(1, 1, 1, Style(border=True))
    sheet.put(1, 2, 2, Style(border=True, border_colour="A6A6A6"))
    cells = read_back([sheet]).active
    assert cells["A1"].border.left.style == "thin" and cells["A1"].border.left.color.auto
    assert cells["B1"].border.left.color.rgb.endswith("A6A6A6")


def test_zip_container_is_what_zipfile_writes():
    """zip_bytes() frames the members itself (reusing the shared parts); the archive must be the one
    zipfile writes for the same members, stored and deflated alike, and read back intact."""
    from fep.report.xlsx import DEFLATE_LEVEL, STORED_BELOW, ZIP_DATE, zip_bytes
    members = [("[Content_Types].xml", "<Types/>"), ("xl/worksheets/sheet1.xml", "<c>医院</c>" * 1000),
               ("xl/styles.xml", "<styleSheet>%s</styleSheet>" % ("<xf/>" * 600))]
    expected = io.BytesIO()
    with zipfile.ZipFile(expected, "w") as archive:
        for name, text in members:
            data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if len(data) > STORED_BELOW else zipfile.ZIP_STORED
            archive.writestr(info, data, compresslevel=DEFLATE_LEVEL)
    for _ in range(2):  # the second time the shared parts come from the cache
        written = zip_bytes(members)
        assert written == expected.getvalue()
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert [(info.filename, info.compress_type) for info in archive.infolist()] == [
            ("[Content_Types].xml", zipfile.ZIP_STORED), ("xl/worksheets/sheet1.xml", zipfile.ZIP_DEFLATED),
            ("xl/styles.xml", zipfile.ZIP_DEFLATED)]
        assert archive.read("xl/worksheets/sheet1.xml").decode("utf-8") == members[1][1]
