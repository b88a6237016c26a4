# -*- coding: utf-8 -*-
"""A small writer of .xlsx workbooks for forms whose layout we fully control.

The survey form (附件2) is written once per hospital: hundreds of files per
regional run.  openpyxl builds a Python object per cell and per style and
then serialises them (≈ 16 ms a form); the form needs only styled values,
merged ranges, row heights, column widths and print settings, which this
module writes directly as SpreadsheetML (ECMA-376) text in ≈ 1 ms.  The
regional roll-up (several sheets, notes, a filter) is written here too.
openpyxl remains a test dependency: the independent reader the unit tests
check these files with (LibreOffice is the other, in the e2e tests).

Only what the reports use is supported: inline strings, numbers, one font,
fill, border and alignment per cell, merged ranges, comments, frozen panes,
an auto-filter, a print area and repeated title rows.
"""
import functools
import re
import struct
import zipfile
import zlib
from typing import NamedTuple, Optional

from .text import INVALID_XML  # dropped here, as a form field would drop them; junit.py shows U+FFFD

# Built-in number formats (ECMA-376 Part 1, 18.8.30): no custom format part needed.
BUILTIN_NUMBER_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9}
PAPER_A4 = 9
# Fixed member dates make the same form byte-identical run after run.
ZIP_DATE = (2024, 1, 1, 0, 0, 0)
STORED_BELOW = 2048  # bytes: smaller members are stored, not deflated
# zlib's fastest level: half the CPU of the default (6) on a form's sheet for ≈ 10 % more bytes
# (a form's sheet: 20 KB of XML, 5.0 KB deflated instead of 4.5 KB)
DEFLATE_LEVEL = 1

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_DOCUMENT = NS_REL + "/officeDocument"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_STYLES = NS_REL + "/styles"
REL_COMMENTS = NS_REL + "/comments"
REL_VML = NS_REL + "/vmlDrawing"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


class Style(NamedTuple):
    """Everything a cell's look depends on; equal styles share one entry of styles.xml."""
    font: str = "Calibri"
    size: float = 11
    bold: bool = False
    colour: str = "000000"
    fill: Optional[str] = None  # RGB of a solid fill
    border: bool = False  # thin on all four sides
    border_colour: Optional[str] = None  # RGB; None: automatic (black)
    horizontal: Optional[str] = None
    vertical: Optional[str] = None
    wrap: bool = False
    number_format: str = "General"


class PageSetup(NamedTuple):
    orientation: str = "portrait"
    paper: int = PAPER_A4
    fit_width: Optional[int] = None  # pages wide; None: print at 100 %
    fit_height: int = 0  # 0: as many pages tall as needed
    centred: bool = False
    margins: tuple = (0.7, 0.7, 0.75, 0.75)  # left, right, top, bottom (inches)


@functools.lru_cache(maxsize=None)
def column_letter(index):
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@functools.lru_cache(maxsize=1 << 16)
def cell_ref(row, column):
    """(3, 2) -> "B3"; remembered: every form names the same cells."""
    return "%s%d" % (column_letter(column), row)


INVALID_TITLE = re.compile(r"[\[\]:*?/\\]")
CELL_NAME = re.compile(r"^([A-Z]+)(\d+)$")


@functools.lru_cache(maxsize=4096)
def cell_position(name):
    """``"B12"`` -> ``(12, 2)``."""
    match = CELL_NAME.match(name)
    if not match:
        raise ValueError("not a cell name: %r" % name)
    column = 0
    for letter in match.group(1):
        column = column * 26 + ord(letter) - 64
    return int(match.group(2)), column


@functools.lru_cache(maxsize=1 << 16)
def escape(text):
    """``text`` as XML character data or attribute value; remembered: forms repeat their labels thousands of times."""
    text = INVALID_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def number_text(value):
    return repr(float(value)) if isinstance(value, float) else str(int(value))


class Sheet(object):
    """Cells, merged ranges and print settings of one worksheet."""

    def __init__(self, title):
        if not title or len(title) > 31 or INVALID_TITLE.search(title) or title[0] == "'" or title[-1] == "'":
            # what Excel refuses: it would not open the file
            raise ValueError("invalid worksheet title %r: 1-31 characters, none of []:*?/\\, "
                             "no leading or trailing apostrophe" % title)
        self.title = title
        self.cells = {}  # (row, column) -> (value, Style)
        self.merged = []
        self.widths = {}  # column letter -> width in characters
        self.heights = {}  # row -> height in points
        self.print_area = None  # "A1:E40"
        self.print_title_rows = None  # "1:2": repeated at the top of every printed page
        self.freeze = None  # "D3": rows above and columns left of it stay in view
        self.auto_filter = None  # "A2:K40"
        self.comments = {}  # (row, column) -> text (notes shown on hover)
        self.page = PageSetup()

    def put(self, row, column, value, style):
        self.cells[(row, column)] = (value, style)

    def merge(self, first, last):
        self.merged.append("%s:%s" % (first, last))

    @property
    def max_row(self):
        return max((row for row, _ in self.cells), default=0)

    @property
    def max_column(self):
        return max((column for _, column in self.cells), default=0)

    def xml(self, style_index):
        """The worksheet part; ``style_index(style)`` gives a style's position in cellXfs."""
        page = self.page
        parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 '<worksheet xmlns="%s" xmlns:r="%s">' % (NS_MAIN, NS_REL)]
        if page.fit_width is not None:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        if self.cells:
            parts.append('<dimension ref="A1:%s%d"/>' % (column_letter(self.max_column), self.max_row))
        parts.append('<sheetViews><sheetView workbookViewId="0">%s</sheetView></sheetViews>'
                     '<sheetFormatPr defaultRowHeight="15"/>' % frozen_pane(self.freeze))
        if self.widths:
            parts.append("<cols>")
            for letter, width in sorted(self.widths.items(), key=lambda item: cell_position(item[0] + "1")):
                index = cell_position(letter + "1")[1]
                parts.append('<col min="%d" max="%d" width="%s" customWidth="1"/>' % (index, index, width))
            parts.append("</cols>")
        parts.append("<sheetData>")
        rows = {}
        for (row, column), content in self.cells.items():
            rows.setdefault(row, []).append((column, content))
        styles = {}  # id(style) -> index: the few styles of a sheet, each hashed once
        append = parts.append
        for row in sorted(set(rows) | set(self.heights)):
            height = self.heights.get(row)
            parts.append('<row r="%d"%s>' % (row, ' ht="%s" customHeight="1"' % height if height else ""))
            cells = rows.get(row, ())
            cells.sort(key=_first)
            for column, (value, style) in cells:
                index = styles.get(id(style))
                if index is None:
                    index = styles[id(style)] = style_index(style)
                try:
                    text = placed_cell_xml(row, column, value, index)
                except TypeError:  # a value that cannot be a cache key (unhashable)
                    text = cell_xml(cell_ref(row, column), value, index)
                append(text)
            parts.append("</row>")
        parts.append("</sheetData>")
        if self.auto_filter:
            parts.append('<autoFilter ref="%s"/>' % self.auto_filter)
        if self.merged:
            parts.append('<mergeCells count="%d">' % len(self.merged))
            parts.extend('<mergeCell ref="%s"/>' % ref for ref in self.merged)
            parts.append("</mergeCells>")
        if page.centred:
            parts.append('<printOptions horizontalCentered="1"/>')
        left, right, top, bottom = page.margins
        parts.append('<pageMargins left="%s" right="%s" top="%s" bottom="%s" header="0.3" footer="0.3"/>'
                     % (left, right, top, bottom))
        fit = ""
        if page.fit_width is not None:
            fit = ' fitToWidth="%d" fitToHeight="%d"' % (page.fit_width, page.fit_height)
        parts.append('<pageSetup paperSize="%d" orientation="%s"%s/>' % (page.paper, page.orientation, fit))
        if self.comments:
            parts.append('<legacyDrawing r:id="rId2"/>')  # sheet_relationships(): rId1 comments, rId2 shapes
        parts.append("</worksheet>")
        return "".join(parts)


def _first(item):
    return item[0]


def frozen_pane(cell):
    """The <pane> that keeps the rows above and the columns left of ``cell`` in view."""
    if not cell:
        return ""
    row, column = cell_position(cell)
    split = ""
    if column > 1:
        split += ' xSplit="%d"' % (column - 1)
    if row > 1:
        split += ' ySplit="%d"' % (row - 1)
    pane = {(True, True): "bottomRight", (True, False): "topRight", (False, True): "bottomLeft"}.get(
        (column > 1, row > 1))
    if pane is None:
        return ""
    return '<pane%s topLeftCell="%s" activePane="%s" state="frozen"/><selection pane="%s"/>' % (
        split, cell, pane, pane)


def comments_xml(comments, author):
    notes = "".join('<comment ref="%s%d" authorId="0"><text><t xml:space="preserve">%s</t></text></comment>' % (
        column_letter(column), row, escape(text)) for (row, column), text in sorted(comments.items()))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<comments xmlns="%s"><authors><author>%s</author></authors><commentList>%s</commentList></comments>'
            % (NS_MAIN, escape(author), notes))


def comment_shapes_vml(comments):
    """The legacy VML drawing Excel needs to show notes: one hidden box per comment."""
    shapes = "".join(
        '<v:shape id="_x0000_s%04d" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;'
        'margin-top:1.5pt;width:144px;height:79px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
        'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" obscured="t"/>'
        '<v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/>'
        '</v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
        '<x:AutoFill>False</x:AutoFill><x:Row>%d</x:Row><x:Column>%d</x:Column></x:ClientData></v:shape>'
        % (number, row - 1, column - 1) for number, (row, column) in enumerate(sorted(comments), 1026))
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" '
            'o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>%s</xml>' % shapes)


@functools.lru_cache(maxsize=4096, typed=True)  # typed: True, 1 and 1.0 are written differently
def placed_cell_xml(row, column, value, style):
    """cell_xml() of the cell at (row, column); remembered: most cells of a form are the same on every form
    (labels, empty cells of merged ranges, the same verdicts)."""
    return cell_xml(cell_ref(row, column), value, style)


def cell_xml(ref, value, style):
    if value is None:
        return '<c r="%s" s="%d"/>' % (ref, style)
    if value.__class__ is str:
        return '<c r="%s" s="%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (
            ref, style, escape(value))
    if isinstance(value, bool):
        return '<c r="%s" s="%d" t="b"><v>%d</v></c>' % (ref, style, value)
    if isinstance(value, (int, float)):
        return '<c r="%s" s="%d"><v>%s</v></c>' % (ref, style, number_text(value))
    return '<c r="%s" s="%d" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (
        ref, style, escape(str(value)))


class Styles(object):
    """styles.xml: fonts, fills, borders and the cell formats combining them, numbered on first use."""

    def __init__(self):
        self.fonts = [("Calibri", 11, False, "000000")]
        self.fills = [None, "gray125"]  # the two fills every workbook starts with
        self.borders = [(False, None)]
        self.formats = [Style()]
        self._index = {Style(): 0}

    def index(self, style):
        found = self._index.get(style)
        if found is None:
            found = self._index[style] = len(self.formats)
            self.formats.append(style)
        return found

    @staticmethod
    def _position(items, item):
        if item not in items:
            items.append(item)
        return items.index(item)

    def xml(self):
        xfs = []
        for style in self.formats:
            font = self._position(self.fonts, (style.font, style.size, style.bold, style.colour))
            fill = self._position(self.fills, style.fill)
            border = self._position(self.borders, (style.border, style.border_colour if style.border else None))
            number = BUILTIN_NUMBER_FORMATS[style.number_format]
            alignment = ""
            if style.horizontal or style.vertical or style.wrap:
                alignment = "<alignment%s%s%s/>" % (
                    ' horizontal="%s"' % style.horizontal if style.horizontal else "",
                    ' vertical="%s"' % style.vertical if style.vertical else "",
                    ' wrapText="1"' if style.wrap else "")
            xfs.append('<xf numFmtId="%d" fontId="%d" fillId="%d" borderId="%d" xfId="0"%s%s%s%s>%s</xf>' % (
                number, font, fill, border,
                ' applyNumberFormat="1"' if number else "", ' applyFill="1"' if fill else "",
                ' applyBorder="1"' if border else "", ' applyAlignment="1"' if alignment else "", alignment))
        fonts = "".join('<font>%s<sz val="%s"/><color rgb="FF%s"/><name val="%s"/></font>' % (
            "<b/>" if bold else "", size, colour, escape(name)) for name, size, bold, colour in self.fonts)
        fills = "".join(
            '<fill><patternFill patternType="%s"/></fill>' % ("none" if fill is None else fill)
            if fill in (None, "gray125") else
            '<fill><patternFill patternType="solid"><fgColor rgb="FF%s"/><bgColor rgb="FF%s"/></patternFill></fill>'
            % (fill, fill) for fill in self.fills)
        borders = "".join("<border>%s<diagonal/></border>" % (thin_sides(colour) if border else
                                                               "<left/><right/><top/><bottom/>")
                          for border, colour in self.borders)
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<styleSheet xmlns="%s">'
                '<fonts count="%d">%s</fonts><fills count="%d">%s</fills><borders count="%d">%s</borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                '<cellXfs count="%d">%s</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                '</styleSheet>' % (NS_MAIN, len(self.fonts), fonts, len(self.fills), fills,
                                   len(self.borders), borders, len(xfs), "".join(xfs)))


def thin_sides(colour):
    colour_xml = '<color rgb="FF%s"/>' % colour if colour else '<color auto="1"/>'
    return "".join('<%s style="thin">%s</%s>' % (side, colour_xml, side) for side in ("left", "right", "top", "bottom"))


def quoted_title(title):
    return "'%s'" % title.replace("'", "''")


def absolute_range(area):
    first, last = area.split(":")
    (row1, col1), (row2, col2) = cell_position(first), cell_position(last)
    return "$%s$%d:$%s$%d" % (column_letter(col1), row1, column_letter(col2), row2)


def workbook_xml(sheets):
    entries = "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (escape(sheet.title), number, number)
                      for number, sheet in enumerate(sheets, 1))
    names = []
    for index, sheet in enumerate(sheets):
        title = escape(quoted_title(sheet.title))
        if sheet.auto_filter:
            names.append('<definedName name="_xlnm._FilterDatabase" localSheetId="%d" hidden="1">%s!%s</definedName>'
                         % (index, title, absolute_range(sheet.auto_filter)))
        if sheet.print_area:
            names.append('<definedName name="_xlnm.Print_Area" localSheetId="%d">%s!%s</definedName>'
                         % (index, title, absolute_range(sheet.print_area)))
        if sheet.print_title_rows:
            first, last = sheet.print_title_rows.split(":")
            names.append('<definedName name="_xlnm.Print_Titles" localSheetId="%d">%s!$%s:$%s</definedName>'
                         % (index, title, first, last))
    names = "".join(names)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="%s" xmlns:r="%s"><bookViews><workbookView/></bookViews>'
            '<sheets>%s</sheets>%s</workbook>'
            % (NS_MAIN, NS_REL, entries, "<definedNames>%s</definedNames>" % names if names else ""))


def relationships(targets):
    """A .rels part: ``targets`` is a list of (relationship type, target), numbered rId1, rId2 …"""
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="%s">%s</Relationships>'
            % (NS_PKG_REL, "".join('<Relationship Id="rId%d" Type="%s" Target="%s"/>' % (number, kind, target)
                                   for number, (kind, target) in enumerate(targets, 1))))


def content_types(sheet_count, commented):
    """[Content_Types].xml; ``commented`` lists the numbers of the sheets that carry comments."""
    sheets = "".join('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % number
                     for number in range(1, sheet_count + 1))
    sheets += "".join('<Override PartName="/xl/comments%d.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/>' % number
                      for number in commented)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '%s'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '</Types>' % sheets)


def core_properties(creator, created):
    """docProps/core.xml; ``created`` is an ISO 8601 timestamp or None."""
    stamp = ('<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>' % escape(created)
             if created else "")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:creator>%s</dc:creator>%s</cp:coreProperties>' % (escape(creator), stamp))


def workbook_bytes(sheets, creator="fepkit", created=None):
    """The .xlsx file of ``sheets`` (a list of Sheet) as bytes."""
    styles = Styles()
    members = [("xl/worksheets/sheet%d.xml" % number, sheet.xml(styles.index))
               for number, sheet in enumerate(sheets, 1)]
    commented = [number for number, sheet in enumerate(sheets, 1) if sheet.comments]
    for number in commented:
        comments = sheets[number - 1].comments
        members += [
            ("xl/comments%d.xml" % number, comments_xml(comments, creator)),
            ("xl/drawings/vmlDrawing%d.vml" % number, comment_shapes_vml(comments)),
            ("xl/worksheets/_rels/sheet%d.xml.rels" % number, relationships([
                (REL_COMMENTS, "../comments%d.xml" % number),
                (REL_VML, "../drawings/vmlDrawing%d.vml" % number)])),
        ]
    members += [
        ("[Content_Types].xml", content_types(len(sheets), commented)),
        ("_rels/.rels", relationships([(REL_DOCUMENT, "xl/workbook.xml"), (REL_CORE, "docProps/core.xml")])),
        ("docProps/core.xml", core_properties(creator, created)),
        ("xl/workbook.xml", workbook_xml(sheets)),
        ("xl/_rels/workbook.xml.rels", relationships(
            [(REL_WORKSHEET, "worksheets/sheet%d.xml" % number) for number in range(1, len(sheets) + 1)]
            + [(REL_STYLES, "styles.xml")])),
        ("xl/styles.xml", styles.xml()),
    ]
    return zip_bytes(sorted(members, key=lambda member: member[0] != "[Content_Types].xml"))


# --- the zip container ----------------------------------------------------------------
# Written here rather than with zipfile: the parts other than the worksheets (styles, relationships,
# content types, workbook) are the same on most forms of a region, so each is deflated and framed once
# and reused byte for byte.  The bytes are those zipfile writes (tests/unit/test_xlsx.py compares).
ZIP_VERSION = 20  # 2.0: deflate
ZIP_SYSTEM = 3  # made on Unix, as zipfile says off Windows
ZIP_ATTRIBUTES = 0o600 << 16  # rw------- (Unix mode in the high half), as zipfile gives a written member
_DOS_DATE = (ZIP_DATE[0] - 1980) << 9 | ZIP_DATE[1] << 5 | ZIP_DATE[2]
_DOS_TIME = ZIP_DATE[3] << 11 | ZIP_DATE[4] << 5 | ZIP_DATE[5] // 2
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def zip_member(name, text):
    """``(local header and data, the central directory entry without its offset)`` of one member."""
    data = text.encode("utf-8")
    crc = zlib.crc32(data)
    if len(data) > STORED_BELOW:
        # a deflate stream costs ≈ 0.1 ms to set up: the small fixed parts are stored as they are
        method = zipfile.ZIP_DEFLATED
        compressor = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
        packed = compressor.compress(data) + compressor.flush()
    else:
        method, packed = zipfile.ZIP_STORED, data
    encoded = name.encode("ascii")
    local = _LOCAL.pack(b"PK\x03\x04", ZIP_VERSION, 0, 0, method, _DOS_TIME, _DOS_DATE, crc, len(packed), len(data),
                        len(encoded), 0) + encoded + packed
    central = (method, crc, len(packed), len(data), encoded)
    return local, central


shared_member = functools.lru_cache(maxsize=256)(zip_member)  # the parts most forms share


def zip_bytes(members):
    """The zip archive of ``members`` [(name, text)], in that order."""
    chunks, directory, offset = [], [], 0
    for name, text in members:
        local, (method, crc, packed_size, size, encoded) = (
            zip_member(name, text) if name.startswith("xl/worksheets/sheet") else shared_member(name, text))
        chunks.append(local)
        directory.append(_CENTRAL.pack(b"PK\x01\x02", ZIP_VERSION, ZIP_SYSTEM, ZIP_VERSION, 0, 0, method,
                                       _DOS_TIME, _DOS_DATE, crc, packed_size, size, len(encoded), 0, 0, 0, 0,
                                       ZIP_ATTRIBUTES, offset) + encoded)
        offset += len(local)
    central = b"".join(directory)
    chunks.append(central)
    chunks.append(_END.pack(b"PK\x05\x06", 0, 0, len(members), len(members), len(central), offset, 0))
    return b"".join(chunks)
