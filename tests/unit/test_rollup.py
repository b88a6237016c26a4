# -*- coding: utf-8 -*-
"""Regional roll-up: the details and the counts, recomputed here from the fixture."""
import copy
import os
import re
import stat
import zipfile
from collections import Counter

import openpyxl
import pytest

from fep.checks import CHECKS
from fep.report.hospital import mask_mobile
from fep.report.rollup import write_rollup
from fep.report.summary import host_summary
from fep.report.survey import line_count
from tests.builders.region_fixture import load_region_results

# The wording the roll-up must use (labels of the brief), written out to catch a changed label.
STATUS_ZH = {"pass": "通过", "fail": "不满足", "warn": "警告", "unknown": "未知", "skip": "跳过", "error": "出错"}
LEVEL_ZH = {2: "二级", 3: "三级"}
FIXED_COLUMNS = ["市", "县（区）", "医院名称", "主机", "等级", "机构性质", "审计状态", "结论", "不满足项数"]
VERDICT_ZH = {"pass": "合格", "attention": "需确认", "fail": "不合格", "not_audited": "未审计"}
GREEN, RED = "C6EFCE", "FFC7CE"


@pytest.fixture(scope="module")
def results():
    return load_region_results()


@pytest.fixture(scope="module")
def rollup_path(results, tmp_path_factory):
    return write_rollup(results, str(tmp_path_factory.mktemp("rollup") / "rollup.xlsx"))


@pytest.fixture(scope="module")
def workbook(rollup_path):
    return openpyxl.load_workbook(rollup_path)


@pytest.fixture(scope="module")
def details(workbook):
    return workbook["明细"]


@pytest.fixture(scope="module")
def summary(workbook):
    return workbook["汇总"]


def audited_items(results):
    """Check ids in catalogue order that at least one host ran, db.opengauss.* items included."""
    ran = {c for entry in results["hosts"].values() for c in entry["checks"]}
    return [c for c in CHECKS if c in ran]


def audited_ids(results):
    """The requirements (top-level checks) among them: one column each in the wide tables."""
    return [c for c in audited_items(results) if CHECKS[c].parent is None]


def requirements(entry):
    return {c: o for c, o in entry["checks"].items() if CHECKS[c].parent is None}


def detail_rows(sheet):
    """``{host: {header or check id: cell}}`` from the details sheet (ids in row 1, titles in row 2)."""
    keys = [sheet.cell(1, c).value or sheet.cell(2, c).value for c in range(1, sheet.max_column + 1)]
    return {sheet.cell(r, 4).value: dict(zip(keys, sheet[r]))
            for r in range(3, sheet.max_row + 1) if sheet.cell(r, 4).value}


def summary_table(sheet, title, ids_row):
    """Rows of the summary table under ``title``, keyed by their first cell; columns by header (or check id)."""
    start = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == title)
    header = start + (2 if ids_row else 1)
    keys = []
    for column in range(1, sheet.max_column + 1):
        check_id = sheet.cell(header - 1, column).value if ids_row else None
        keys.append(check_id or sheet.cell(header, column).value)
    table, row = {}, header + 1
    while sheet.cell(row, 1).value is not None:
        table[sheet.cell(row, 1).value] = {k: sheet.cell(row, c + 1).value for c, k in enumerate(keys) if k}
        row += 1
    return table


# --- details -----------------------------------------------------------------------------

def test_details_header(details, results):
    assert [details.cell(2, c).value for c in range(1, 10)] == FIXED_COLUMNS
    ids = audited_ids(results)
    assert [details.cell(1, 9 + i).value for i in range(1, len(ids) + 1)] == ids
    assert details.cell(2, 10).value == "专用服务器"
    assert "配备至少 1 台专用服务器" in details.cell(2, 10).comment.text


def test_one_row_per_hospital_sorted_by_city_county_name(details, results):
    expected = sorted(results["hosts"], key=lambda h: (
        results["hosts"][h]["hospital"]["division"]["city"], results["hosts"][h]["hospital"]["division"]["county"],
        results["hosts"][h]["hospital"]["name"]))
    assert [details.cell(r, 4).value for r in range(3, details.max_row + 1)] == expected


def test_hospital_columns(details, results):
    rows = detail_rows(details)
    for host, entry in results["hosts"].items():
        hospital = entry["hospital"]
        row = rows[host]
        assert row["市"].value == hospital["division"]["city"]
        assert row["县（区）"].value == hospital["division"]["county"]
        assert row["医院名称"].value == hospital["name"]
        assert row["等级"].value == LEVEL_ZH[entry["level"]]
        assert row["机构性质"].value == hospital["ownership"]


def test_check_cells_carry_the_verdict_and_its_colour(details, results):
    rows = detail_rows(details)
    for host, entry in results["hosts"].items():
        for check_id, outcome in requirements(entry).items():
            cell = rows[host][check_id]
            assert cell.value == STATUS_ZH[outcome["status"]], (host, check_id)
        assert not any(key.startswith("db.opengauss.") for key in rows[host] if key)
    hygon = rows["hygon-uos-l2-short"]
    assert hygon["memory.size"].fill.fgColor.rgb.endswith(RED)
    assert hygon["cpu.cores"].fill.fgColor.rgb.endswith(GREEN)
    fills = {STATUS_ZH[s]: rows[h][c].fill.fgColor.rgb for h, e in results["hosts"].items()
             for c, o in requirements(e).items() for s in [o["status"]]}
    assert len(set(fills.values())) == len(fills)  # one colour per status


def test_fail_counts_and_status(details, results):
    rows = detail_rows(details)
    for host, entry in results["hosts"].items():
        fails = sum(o["status"] == "fail" for o in requirements(entry).values())
        row = rows[host]
        assert row["结论"].value == VERDICT_ZH[host_summary(entry).verdict]
        if entry["status"] == "ok":
            assert row["审计状态"].value == "已审计"
            assert row["不满足项数"].value == fails
        else:
            assert row["不满足项数"].value is None


def test_unreachable_hospital_row(details, results):
    row = detail_rows(details)["xs-unreachable"]
    assert row["审计状态"].value == "不可达"
    assert row["医院名称"].value == results["hosts"]["xs-unreachable"]["hospital"]["name"]
    for check_id in audited_ids(results):
        assert row[check_id].value is None
        assert row[check_id].fill.fill_type == "solid"  # greyed out, not left blank-white
    # in Chinese, with ssh's own words kept for the ops team
    assert row["备注"].value.startswith("服务器不可达：SSH 端口拒绝连接")
    assert "Connection refused" in row["备注"].value
    assert row["结论"].value == "未审计"


def test_remark_names_the_failing_requirements(details):
    # db.opengauss names the installer's items that fail
    assert detail_rows(details)["hygon-uos-l2-short"]["备注"].value == (
        "不满足：内存、双网卡、防火墙；openGauss 安装前需整改 9 项")
    # 不支持 openGauss only where it cannot run
    assert detail_rows(details)["loongson-kylin"]["备注"].value == "不满足：openGauss（CPU 架构）"


def test_frozen_header_and_autofilter(details):
    assert details.freeze_panes == "D3"
    first, last = details.auto_filter.ref.split(":")
    assert first == "A2"
    column, row = re.match(r"([A-Z]+)(\d+)", last).groups()
    assert int(row) == details.max_row
    assert openpyxl.utils.column_index_from_string(column) == details.max_column


# --- summary -------------------------------------------------------------------------------

def test_counts_per_requirement(summary, results):
    table = summary_table(summary, "按检查项汇总", ids_row=False)
    for check_id in audited_items(results):
        expected = Counter()
        for entry in results["hosts"].values():
            outcome = entry["checks"].get(check_id)
            expected[STATUS_ZH[outcome["status"]] if outcome else "未审计"] += 1
        row = table[check_id]
        assert row["调查表行"] == CHECKS[check_id].survey_row
        assert {k: row[k] for k in list(STATUS_ZH.values()) + ["未审计"]} == \
            {k: expected[k] for k in list(STATUS_ZH.values()) + ["未审计"]}, check_id
    total = table["合计"]  # of the requirements: the items are counted through db.opengauss
    for status, label in STATUS_ZH.items():
        assert total[label] == results["summary"]["check_status"][status]
    assert [k for k in table if k.startswith("db.opengauss")] == [c for c in CHECKS if c.startswith("db.opengauss")]


def test_requirement_titles_get_the_lines_they_need(summary):
    """Spreadsheets do not re-measure wrapped text when they open a file: the rows are sized here."""
    width = summary.column_dimensions["B"].width
    checked = 0
    for row in range(1, summary.max_row + 1):
        ident, title = summary.cell(row, 1).value, summary.cell(row, 2).value
        if not (isinstance(ident, str) and ident in CHECKS and isinstance(title, str)):
            continue
        lines = line_count(title, width)
        height = summary.row_dimensions[row].height
        assert (height or 15) >= lines * 12, (ident, title, height)
        checked += lines > 1
    assert checked  # some titles need two lines, or this test proves nothing


def hospital_verdict(entry):
    """By hand: what the roll-up must call a hospital of one server."""
    statuses = [o["status"] for o in requirements(entry).values()]
    if entry["status"] != "ok":
        return "未审计医院"
    if "fail" in statuses or "error" in statuses:
        return "不合格医院"
    return "需确认医院" if "unknown" in statuses else "合格医院"


def expected_groups(results, group_of):
    """The fixture has one server per hospital: hospitals and servers count alike."""
    groups = {}
    for entry in results["hosts"].values():
        group = groups.setdefault(group_of(entry), Counter())
        group["医院数"] += 1
        group["服务器数"] += 1
        group[{"ok": "-", "unreachable": "不可达服务器", "failed": "审计失败服务器"}[entry["status"]]] += 1
        group[hospital_verdict(entry)] += 1
        for check_id, outcome in requirements(entry).items():
            group[check_id] += outcome["status"] == "fail"
    return groups


def assert_group_table(table, groups, ids):
    assert set(table) == set(groups) | {"合计"}
    keys = ["医院数", "合格医院", "需确认医院", "不合格医院", "未审计医院", "服务器数", "不可达服务器",
            "审计失败服务器"] + ids
    for name, counts in groups.items():
        assert {k: table[name][k] for k in keys} == {k: counts[k] for k in keys}, name
    assert {k: table["合计"][k] for k in keys} == {k: sum(g[k] for g in groups.values()) for k in keys}


def test_counts_by_level(summary, results):
    groups = expected_groups(results, lambda e: LEVEL_ZH[e["level"]])
    assert_group_table(summary_table(summary, "按等级汇总", ids_row=True), groups, audited_ids(results))


def test_counts_by_city(summary, results):
    groups = expected_groups(results, lambda e: e["hospital"]["division"]["city"])
    table = summary_table(summary, "按地市汇总", ids_row=True)
    assert_group_table(table, groups, audited_ids(results))
    # the fixture's shape, so that the assertions above are not vacuous
    assert table["河阳市"]["不可达服务器"] == 1 and table["江城市"]["合格医院"] == 1


# --- privacy, files, languages -----------------------------------------------------------------

def test_no_mobile_number_anywhere_in_the_file(rollup_path, results):
    mobiles = [e["hospital"]["contact"]["mobile"] for e in results["hosts"].values()
               if e["hospital"]["contact"]["mobile"]]
    assert mobiles
    with zipfile.ZipFile(rollup_path) as archive:
        content = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    for mobile in mobiles:
        assert mobile not in content
        assert mask_mobile(mobile) not in content


def test_file_is_readable_by_the_owner_only(rollup_path):
    assert stat.S_IMODE(os.stat(rollup_path).st_mode) == 0o600


def test_english_rollup(results, tmp_path):
    book = openpyxl.load_workbook(write_rollup(results, str(tmp_path / "en.xlsx"), lang="en"))
    assert book.sheetnames == ["Details", "Summary"]
    rows = detail_rows(book["Details"])
    assert rows["hygon-uos-l2-short"]["memory.size"].value == "Fail"
    assert rows["xs-unreachable"]["Audit status"].value == "Unreachable"
    assert rows["kunpeng-kylin-l3"]["Level"].value == "Level 3"


def test_region_where_no_host_was_audited(results, tmp_path):
    only = copy.deepcopy(results)
    only["hosts"] = {"xs-unreachable": results["hosts"]["xs-unreachable"]}
    book = openpyxl.load_workbook(write_rollup(only, str(tmp_path / "none.xlsx")))
    sheet = book["明细"]
    # one column per requirement: the db.opengauss.* sub-checks are in the summary sheet only
    top = [c for c, meta in CHECKS.items() if meta.parent is None]
    assert [sheet.cell(1, 10 + i).value for i in range(len(top) + 1)] == top + [None]
    table = summary_table(book["汇总"], "按地市汇总", ids_row=True)
    assert table["河阳市"]["不可达服务器"] == 1 and table["河阳市"]["未审计医院"] == 1
    assert table["河阳市"]["合格医院"] == 0


def test_unknown_language_is_refused(results, tmp_path):
    with pytest.raises(ValueError, match="lang"):
        write_rollup(results, str(tmp_path / "x.xlsx"), lang="fr")


def test_a_hospital_counts_once_and_as_its_worst_server(results, tmp_path):
    """Two servers of one hospital: one compliant, one with an unknown item. The hospital is one
    hospital, 需确认, not a compliant one (the roll-up counted hosts, and unknowns as compliant)."""
    region = copy.deepcopy(results)
    good = region["hosts"]["kunpeng-kylin-l3"]
    for outcome in good["checks"].values():
        outcome["status"] = "pass" if outcome["status"] in ("warn", "unknown") else outcome["status"]
    second = copy.deepcopy(good)
    second["checks"]["storage.ssd"]["status"] = "unknown"
    region["hosts"] = {"kunpeng-kylin-l3": good, "kunpeng-kylin-l3-b": second}
    book = openpyxl.load_workbook(write_rollup(region, str(tmp_path / "two.xlsx")))
    city = good["hospital"]["division"]["city"]
    row = summary_table(book["汇总"], "按地市汇总", ids_row=True)[city]
    assert (row["医院数"], row["服务器数"], row["合格医院"], row["需确认医院"]) == (1, 2, 0, 1)
    rows = detail_rows(book["明细"])
    assert rows["kunpeng-kylin-l3"]["结论"].value == "合格"
    assert rows["kunpeng-kylin-l3-b"]["结论"].value == "需确认"
