# -*- coding: utf-8 -*-
"""The audit's spreadsheets opened by a real consumer: headless LibreOffice Calc.

The unit tests read survey/<hospital>.xlsx and rollup.xlsx back with openpyxl,
a lenient reader.  Here LibreOffice Calc opens them as an ops person or a
hospital would, and converts them twice in one soffice start each:

* to PDF, which is what prints: pdfinfo gives the paper and the page count,
  pdftotext the printed text, pdftoppm the printed colours;
* to CSV (UTF-8, every sheet, cells as shown), which is what the cells hold.

Expected values come from the results document (tests/fixtures/results/region.json
and a 240-hospital region made from it), so a writer that drops a cell, loses its
print set-up or mislabels a verdict fails here.  The words of the forms (是/否,
通过, 已审计 …) are written out: they are the specification.

Debian's libreoffice-calc-nogui and poppler-utils are installed by
``make test`` (mk/report.mk adds them to APT_PACKAGES).
"""
import copy
import csv
import glob
import os
import re
import shutil
import subprocess
from collections import Counter

import pytest

from fep.checks.registry import is_sub_check
from fep.report.render import render_reports
from fep.report.survey_cells import plain, port_cells
from fep.report.survey_files import survey_workbooks
from tests.builders.region_fixture import load_region_results

TOOLS = ("soffice", "pdftotext", "pdfinfo", "pdftoppm")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]
# A developer without LibreOffice or poppler may skip; CI (CI=true) installs them and must run this.
pytestmark = pytest.mark.skipif(
    bool(MISSING) and not os.environ.get("CI"),
    reason="%s not installed (make test-deps installs libreoffice-calc-nogui and poppler-utils)"
           % ", ".join(MISSING))

# UTF-8, comma, double quotes; 9th token: numbers as shown (2,450,000 as printed);
# 12th token -1: every sheet, to <file>-<sheet>.csv (LibreOffice >= 7.2)
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
PASSING, FAILING, UNREACHABLE = "kunpeng-kylin-l3", "hygon-uos-l2-short", "xs-unreachable"
LANGS = ("zh", "en")
A4 = (595, 842)  # points
BIG_REGION_COPIES = 40  # 240 hospitals: the roll-up's 明细 needs more than one landscape page
YELLOW = (0xFF, 0xF2, 0xCC)  # cells the hospital fills in

FORM = {
    "zh": {"yes": "☑ 是  ☐ 否", "no": "☐ 是  ☑ 否", "neither": "☐ 是  ☐ 否", "to_fill": "待医院填写",
           "sections": (("编号", "配置要求", "是否满足（是/否）", "目前现有情况"),
                        ("编号", "端口要求", "是否满足", "目前现有情况"))},
    "en": {"yes": "☑ Yes  ☐ No", "no": "☐ Yes  ☑ No", "neither": "☐ Yes  ☐ No",
           "to_fill": "To be filled in by the hospital",
           "sections": (("No.", "Requirement", "Met (yes/no)", "Current situation"),
                        ("No.", "Port requirement", "Met", "Current situation"))},
}
ROLLUP = {
    "zh": {"sheets": ("明细", "汇总"), "header": ("医院名称", "主机", "审计状态", "不满足项数"),
           "status": {"pass": "通过", "fail": "不满足", "warn": "警告", "unknown": "未知", "skip": "跳过",
                      "error": "出错", "not_audited": "未审计"},
           "host": {"ok": "已审计", "unreachable": "不可达", "failed": "审计失败"},
           "by_check": "编号", "total": "合计"},
    "en": {"sheets": ("Details", "Summary"), "header": ("Hospital", "Host", "Audit status", "Failed checks"),
           "status": {"pass": "Pass", "fail": "Fail", "warn": "Warn", "unknown": "Unknown", "skip": "Skip",
                      "error": "Error", "not_audited": "Not audited"},
           "host": {"ok": "Audited", "unreachable": "Unreachable", "failed": "Audit failed"},
           "by_check": "Check id", "total": "Total"},
}
VERDICTS = ("pass", "warn", "fail")
# rows of the form whose verdict column is not 是/否 but the item's own boxes
OWN_BOXES = ("accelerator.gpu_npu", "os.domestic", "db.opengauss")
COLUMNS = "ABCDEF"
HOSTS = sorted(load_region_results()["hosts"])


# --- running the tools ------------------------------------------------------------

def soffice(profile, target, out_dir, files):
    """One headless LibreOffice start converting ``files``; returns the completed process."""
    command = ["soffice", "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               "-env:UserInstallation=%s" % profile.as_uri(), "--convert-to", target,
               "--outdir", str(out_dir)] + [str(f) for f in files]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def pdf_text(path, *options):
    proc = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True,
                          timeout=60, check=True)
    return proc.stdout


def pdf_info(path):
    """``(pages, (width, height) in points, paper name)`` from pdfinfo."""
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts(?: \((\w+)\))?", out, re.M)
    return pages, (round(float(size.group(1))), round(float(size.group(2)))), size.group(3)


def pixel_counts(pdf, out_prefix):
    """Colour counts of every printed page rendered at 20 dpi (PPM: no decoder needed)."""
    subprocess.run(["pdftoppm", "-r", "20", str(pdf), str(out_prefix)], check=True, timeout=60)
    counts = Counter()
    for page in sorted(glob.glob("%s-*.ppm" % out_prefix)):
        with open(page, "rb") as handle:
            data = handle.read()
        header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
        assert header, page
        pixels = data[header.end():]
        counts.update(pixels[i:i + 3] for i in range(0, len(pixels), 3))
    return counts


def squash(text):
    """Text without whitespace: pdftotext breaks and spaces lines where the cell wraps."""
    return re.sub(r"\s+", "", text or "")


def unhyphenated(text):
    """pdftotext joins a word wrapped after its hyphen ("front-" / "end") and drops the hyphen."""
    return squash(text).replace("-", "")


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# --- the reports, converted once ----------------------------------------------------

def big_region(results):
    """A region of 240 hospitals: the sample region's hosts, many times over."""
    big = copy.deepcopy(results)
    hosts = {}
    for copy_number in range(1, BIG_REGION_COPIES + 1):
        for host, entry in results["hosts"].items():
            entry = copy.deepcopy(entry)
            entry["hospital"]["name"] = "%s%02d" % (entry["hospital"]["name"], copy_number)
            hosts["%s-%02d" % (host, copy_number)] = entry
    big["hosts"] = hosts
    return big


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """Every report written by render_reports (zh, en, a big region), converted by LibreOffice."""
    assert not MISSING, "%s not installed: run make test-deps" % ", ".join(MISSING)
    base = tmp_path_factory.mktemp("office")
    results = load_region_results()
    big = big_region(results)
    stage = base / "xlsx"
    stage.mkdir()
    stems = {}  # (report, lang, host) -> file name stem in stage/, pdf/ and csv/
    for lang in LANGS:
        out = base / lang
        render_reports(results, str(out), lang)  # raises ReportError if any report failed
        stems[("rollup", lang, None)] = "%s-rollup" % lang
        shutil.copy(str(out / "rollup.xlsx"), str(stage / ("%s-rollup.xlsx" % lang)))
        for name, (host,) in survey_workbooks(results).items():  # one server per hospital in the fixture
            stem = "%s-survey-%s" % (lang, host)
            stems[("survey", lang, host)] = stem
            shutil.copy(str(out / "survey" / name), str(stage / (stem + ".xlsx")))
    render_reports(big, str(base / "big"), "zh")
    stems[("rollup", "big", None)] = "big-rollup"
    shutil.copy(str(base / "big" / "rollup.xlsx"), str(stage / "big-rollup.xlsx"))

    files = sorted(stage.glob("*.xlsx"))
    profile = base / "profile"
    runs = {"pdf": soffice(profile, "pdf", base / "pdf", files),
            "csv": soffice(profile, CSV_FILTER, base / "csv", files)}
    return {"base": base, "results": results, "big": big, "stems": stems, "runs": runs,
            "pdf": base / "pdf", "csv": base / "csv"}


def pdf_of(office, report, lang, host=None):
    return office["pdf"] / (office["stems"][(report, lang, host)] + ".pdf")


def csv_of(office, report, lang, host=None, sheet=None):
    """The CSV of one sheet; LibreOffice names it <file>-<sheet title>.csv."""
    stem = office["stems"][(report, lang, host)]
    if sheet is None:
        found = sorted(office["csv"].glob(glob.escape(stem) + "-*.csv"))
        assert len(found) == 1, found
        return found[0]
    return office["csv"] / ("%s-%s.csv" % (stem, sheet))


# --- every file opens ---------------------------------------------------------------

@pytest.mark.parametrize("target", ["pdf", "csv"])
def test_libreoffice_opens_and_converts_every_file(office, target):
    proc = office["runs"][target]
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not re.search(r"\berror\b", proc.stderr, re.I), proc.stderr[-2000:]
    for key, stem in office["stems"].items():
        if target == "pdf":
            path = office["pdf"] / (stem + ".pdf")
            assert path.is_file() and path.stat().st_size > 1000, "%s: no PDF\n%s" % (key, proc.stdout[-2000:])
        else:
            assert list(office["csv"].glob(glob.escape(stem) + "-*.csv")), "%s: no CSV" % (key,)


# --- survey forms: what the cells hold (CSV) ------------------------------------------

def form_rows(rows):
    """``{first check id: (A..F cells)}`` of the requirement rows: column F lists the ids behind a row."""
    found = {}
    for row in rows:
        cells = (row + [""] * len(COLUMNS))[:len(COLUMNS)]
        ids = [part.strip() for part in cells[5].split(",")]
        if "." in ids[0]:
            found[ids[0]] = dict(zip(COLUMNS, cells), ids=ids)
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("host", HOSTS)
def test_survey_sheet_is_named_after_the_hospital(office, lang, host):
    name = office["results"]["hosts"][host]["hospital"]["name"]
    path = csv_of(office, "survey", lang, host, sheet=name)
    assert path.is_file(), sorted(p.name for p in office["csv"].iterdir())
    rows = read_csv(path)
    assert rows[2][2] == name  # C3, 医院名称


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("host", HOSTS)
def test_survey_cells_match_the_results(office, lang, host):
    entry = office["results"]["hosts"][host]
    form = FORM[lang]
    rows = form_rows(read_csv(csv_of(office, "survey", lang, host)))
    checks = entry.get("checks") or {}
    judged = [check_id for row in rows.values() for check_id in row["ids"]]
    assert len(rows) == 21 and len(judged) == 25, sorted(rows)  # 附件2: 11 server rows, 10 network rows
    for check_id, row in rows.items():
        where = "%s %s row %s" % (host, lang, check_id)
        if entry["status"] != "ok":
            assert "☑" not in row["D"], where
            assert row["E"].startswith(form["to_fill"]), where
            continue
        outcome = checks[check_id]
        if check_id.startswith("port."):  # free, and what the host firewall admits (survey_cells.py)
            ticked, text, _ = port_cells(outcome, lang) if outcome["status"] in VERDICTS else (set(), None, True)
            if text is not None:
                assert row["E"].startswith(plain(text, lang)), where
                assert row["D"] == (form["yes"] if "yes" in ticked else form["no"] if "no" in ticked
                                    else form["neither"]), where
                continue
        for sub_id in row["ids"]:  # the security row lists one line per product
            assert plain(checks[sub_id]["message_%s" % lang], lang) in row["E"], where
        decided = outcome["status"] in VERDICTS
        assert row["E"].startswith(form["to_fill"]) == (not decided and len(row["ids"]) == 1), where
        if len(row["ids"]) == 1 and check_id not in OWN_BOXES:
            expected = form["neither"] if not decided else form["no"] if outcome["status"] == "fail" else form["yes"]
            assert row["D"] == expected, where
        elif check_id in ("os.domestic", "db.opengauss"):
            assert row["D"].count("☑") == (1 if decided else 0), where


def test_passing_hospital_ticks_its_npu_and_os(office):
    facts = office["results"]["hosts"][PASSING]["facts"]
    rows = form_rows(read_csv(csv_of(office, "survey", "zh", PASSING)))
    for card in facts["accelerators"]:
        assert "☑ %s" % card["kind"].upper() in rows["accelerator.gpu_npu"]["D"]
    assert facts["os"]["category"] == "kylin" and "☑ 麒麟" in rows["os.domestic"]["D"]


# --- survey forms: what prints (PDF) -------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("host", HOSTS)
def test_survey_prints_a4_portrait_one_page_wide(office, lang, host):
    pdf = pdf_of(office, "survey", lang, host)
    pages, size, paper = pdf_info(pdf)
    assert (size, paper) == (A4, "A4")
    # the Chinese form is one sheet of paper; the English one's longer wording takes at most two
    assert pages == 1 or (lang == "en" and pages == 2), pages
    # fit to width: the columns of each table print side by side, never on a page of their own
    page_texts = [squash(page) for page in pdf_text(pdf, "-layout").split("\f")]
    for headers in FORM[lang]["sections"]:
        assert any(all(squash(h) in page for h in headers) for page in page_texts), (headers, page_texts)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("host", HOSTS)
def test_survey_prints_columns_a_to_e_and_nothing_else(office, lang, host):
    """The printed characters are exactly those of columns A-E: no cell lost, the check ids (F) not printed."""
    rows = read_csv(csv_of(office, "survey", lang, host))
    printed = Counter(squash("".join(cell for row in rows for cell in row[:5])))
    text = pdf_text(pdf_of(office, "survey", lang, host), "-layout")
    on_paper = Counter(squash(text))
    assert (printed - on_paper, on_paper - printed) == (Counter(), Counter())
    ids = [row[5] for row in rows if len(row) > 5 and "." in row[5]]
    assert ids, "column F lost its check ids"
    for cell in ids:
        for check_id in cell.split(", "):
            assert check_id not in text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("host", [PASSING, FAILING])
def test_survey_prints_the_measured_values_and_verdicts(office, lang, host):
    entry = office["results"]["hosts"][host]
    text = unhyphenated(pdf_text(pdf_of(office, "survey", lang, host)))
    assert unhyphenated(entry["hospital"]["name"]) in text
    for check_id in ("cpu.cores", "memory.size", "nic.dual"):
        assert unhyphenated(plain(entry["checks"][check_id]["message_%s" % lang], lang)) in text, check_id
    # a verdict prints on the line of its measured value (both one line, centred in the row)
    lines = [squash(line) for line in pdf_text(pdf_of(office, "survey", lang, host), "-layout").splitlines()]
    rows = form_rows(read_csv(csv_of(office, "survey", lang, host)))
    paired = 0
    for check_id, row in rows.items():
        if "\n" in row["D"] or "\n" in row["E"] or len(row["E"]) > 24 or check_id in OWN_BOXES:
            continue
        assert any(squash(row["D"]) + squash(row["E"]) in line for line in lines), (check_id, row)
        paired += 1
    # rows with a second line (the threshold applied, the host firewall) are centred apart
    assert paired >= 2, paired
    if host == FAILING:
        memory = rows["memory.size"]
        assert entry["checks"]["memory.size"]["status"] == "fail" and memory["D"] == FORM[lang]["no"]
        assert squash(plain(entry["checks"]["memory.size"]["message_%s" % lang], lang)) in "".join(lines)


def yellow_pixels(office, lang, host):
    """Printed pixels of the to-fill colour on the form, rendered once per form."""
    cache = office.setdefault("yellow", {})
    if (lang, host) not in cache:
        counts = pixel_counts(pdf_of(office, "survey", lang, host), office["base"] / ("ppm-%s-%s" % (lang, host)))
        cache[(lang, host)] = counts[bytes(YELLOW)]
    return cache[(lang, host)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("host", [PASSING, FAILING, UNREACHABLE])
def test_survey_prints_what_the_hospital_must_fill_in_yellow(office, lang, host):
    entry = office["results"]["hosts"][host]
    rows = read_csv(csv_of(office, "survey", lang, host))
    checks = entry.get("checks") or {}
    # every one-check row without a verdict is for the hospital; unreachable: every row
    must_fill = [check_id for check_id, row in form_rows(rows).items() if entry["status"] != "ok"
                 or (len(row["ids"]) == 1 and checks[check_id]["status"] not in VERDICTS)]
    assert must_fill
    marker = squash(FORM[lang]["to_fill"])
    in_cells = squash("".join(cell for row in rows for cell in row[:5])).count(marker)
    assert in_cells >= len(must_fill)
    assert squash(pdf_text(pdf_of(office, "survey", lang, host), "-layout")).count(marker) == in_cells
    assert yellow_pixels(office, lang, host) > 200, "the to-fill cells are not printed yellow"


@pytest.mark.parametrize("lang", LANGS)
def test_unreachable_form_is_mostly_yellow(office, lang):
    assert yellow_pixels(office, lang, UNREACHABLE) > 2 * yellow_pixels(office, lang, PASSING) > 0


@pytest.mark.parametrize("lang", LANGS)
def test_unreachable_form_prints_the_reason(office, lang):
    entry = office["results"]["hosts"][UNREACHABLE]
    assert unhyphenated(entry["message"]) in unhyphenated(pdf_text(pdf_of(office, "survey", lang, UNREACHABLE)))


# --- roll-up -------------------------------------------------------------------------

def rollup_cases():
    return [("zh", "results"), ("en", "results"), ("big", "big")]


def rollup_lang(case):
    return "zh" if case == "big" else case


def detail_pages(office, case, region):
    """Printed pages of the roll-up that list hospitals (明细), as text."""
    hosts = office[region]["hosts"]
    pages = pdf_text(pdf_of(office, "rollup", case), "-layout").split("\f")
    return [page for page in pages if any(re.search(r"\s%s\s" % re.escape(h), page) for h in hosts)]


@pytest.mark.parametrize("case,region", rollup_cases())
def test_rollup_prints_a4_landscape_every_sheet(office, case, region):
    lang = rollup_lang(case)
    pages, size, paper = pdf_info(pdf_of(office, "rollup", case))
    assert (size, paper) == (A4[::-1], "A4")
    for sheet in ROLLUP[lang]["sheets"]:
        assert csv_of(office, "rollup", case, sheet=sheet).is_file(), sheet
    # every cell of both sheets prints, and nothing else but the details' two title rows on each further page
    cells = Counter()
    for sheet in ROLLUP[lang]["sheets"]:
        rows = read_csv(csv_of(office, "rollup", case, sheet=sheet))
        cells.update(squash("".join(c for row in rows for c in row)))
        if sheet == ROLLUP[lang]["sheets"][0]:
            titles = Counter(squash("".join(c for row in rows[:2] for c in row)))
            for _ in detail_pages(office, case, region)[1:]:
                cells.update(titles)
    on_paper = Counter(squash(pdf_text(pdf_of(office, "rollup", case), "-layout")))
    assert (cells - on_paper, on_paper - cells) == (Counter(), Counter())
    assert pages >= 2  # 明细 and 汇总 each start on their own page


@pytest.mark.parametrize("case,region", rollup_cases())
def test_rollup_details_hold_every_host_with_its_verdicts(office, case, region):
    lang = rollup_lang(case)
    text = ROLLUP[lang]
    results = office[region]
    rows = read_csv(csv_of(office, "rollup", case, sheet=text["sheets"][0]))
    ids_row, header = rows[0], rows[1]
    column = {title: index for index, title in enumerate(header)}
    check_columns = {check_id: index for index, check_id in enumerate(ids_row) if "." in check_id}
    assert check_columns, ids_row[:12]
    by_host = {row[column[text["header"][1]]]: row for row in rows[2:]}
    assert set(by_host) == set(results["hosts"])
    for host, entry in results["hosts"].items():
        row = by_host[host]
        checks = entry.get("checks") or {}
        assert row[column[text["header"][0]]] == entry["hospital"]["name"]
        assert row[column[text["header"][2]]] == text["host"][entry["status"]]
        fails = sum(1 for c, o in checks.items() if o["status"] == "fail" and not is_sub_check(c))
        assert row[column[text["header"][3]]] == (str(fails) if entry["status"] == "ok" else "")
        for check_id, index in check_columns.items():
            expected = text["status"][checks[check_id]["status"]] if check_id in checks else ""
            assert row[index] == expected, (host, check_id)


@pytest.mark.parametrize("lang", LANGS)
def test_rollup_summary_counts_every_verdict(office, lang):
    text = ROLLUP[lang]
    results = office["results"]
    rows = read_csv(csv_of(office, "rollup", lang, sheet=text["sheets"][1]))
    start = next(i for i, row in enumerate(rows) if row[0] == text["by_check"])
    labels = {label: status for status, label in text["status"].items()}
    columns = {labels[title]: index for index, title in enumerate(rows[start]) if title in labels}
    assert set(columns) == set(text["status"])
    counted = 0
    for row in rows[start + 1:]:
        if row[0] == text["total"]:
            break
        check_id = row[0]
        expected = Counter(
            (entry.get("checks") or {}).get(check_id, {"status": "not_audited"})["status"]
            for entry in results["hosts"].values())
        assert {s: row[i] for s, i in columns.items()} == {s: str(expected[s]) for s in columns}, check_id
        counted += 1
    ran = {c for entry in results["hosts"].values() for c in entry.get("checks") or {}}
    assert counted == len(ran)


@pytest.mark.parametrize("lang", LANGS)
def test_rollup_prints_one_line_per_host(office, lang):
    lines = pdf_text(pdf_of(office, "rollup", lang), "-layout").splitlines()
    for host, entry in office["results"]["hosts"].items():
        line = next((squash(line) for line in lines if re.search(r"\s%s\s" % re.escape(host), line)), None)
        assert line, host
        assert squash(entry["hospital"]["name"]) in line and squash(ROLLUP[lang]["host"][entry["status"]]) in line


@pytest.mark.parametrize("case,region", rollup_cases())
def test_rollup_details_header_repeats_on_every_page(office, case, region):
    """Print titles: a page of hospitals without the header row cannot be read."""
    lang = rollup_lang(case)
    pages = detail_pages(office, case, region)
    header = [squash(title) for title in ROLLUP[lang]["header"][:2]] + ["cpu.cores"]
    for number, page in enumerate(pages, 1):
        assert all(title in squash(page) for title in header), "details page %d has no header row" % number
    # the big region's hospitals take more than one page, so the repeat is really exercised
    assert len(pages) >= (2 if case == "big" else 1)
