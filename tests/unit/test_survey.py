# -*- coding: utf-8 -*-
"""附件2 survey form: ticks, current situation and layout, read back with openpyxl."""
import copy
import os
import re
import stat

import openpyxl
import pytest

from fep.checks import CHECKS, Context, run_checks
from fep.report.survey import sheet_title, write_survey
from fep.report.survey_form import NETWORK_ROWS, SERVER_ROWS
from tests.builders.region_fixture import load_region_results

PASSING_L3 = "kunpeng-kylin-l3"
FAILING_L2 = "hygon-uos-l2-short"
UNREACHABLE = "xs-unreachable"
YES = "☑ 是  ☐ 否"
NO = "☐ 是  ☑ 否"
NEITHER = "☐ 是  ☐ 否"
YELLOW = "FFF2CC"
# 是/否 rows of section 二 (server): the hardware the passing hospital has
SERVER_YES_NO = ["server.dedicated", "server.backup_storage", "cpu.domestic", "cpu.cores", "memory.size",
                 "storage.size", "storage.ssd", "nic.dual"]


@pytest.fixture(scope="module")
def results():
    return load_region_results()


@pytest.fixture(scope="module")
def forms(results, tmp_path_factory):
    """Every host's form, written once and opened: ``{host: (path, worksheet)}``."""
    directory = tmp_path_factory.mktemp("surveys")
    forms = {}
    for host, entry in results["hosts"].items():
        path = write_survey(host, entry, str(directory / ("%s.xlsx" % host)), generated=results["generated"])
        forms[host] = (path, openpyxl.load_workbook(path).active)
    return forms


def sheet_of(forms, host):
    return forms[host][1]


def row_of(sheet, check_id):
    """The form row judged by ``check_id`` (column F lists the ids behind each row)."""
    for row in range(1, sheet.max_row + 1):
        ids = sheet["F%d" % row].value
        if ids and check_id in ids.split(", "):
            return row
    raise AssertionError("no form row for %s" % check_id)


def verdict(sheet, check_id):
    return sheet["D%d" % row_of(sheet, check_id)].value


def current(sheet, check_id):
    return sheet["E%d" % row_of(sheet, check_id)].value


def is_yellow(cell):
    return cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(YELLOW)


def build(tmp_path, host, entry, lang="zh", generated="2026-11-25T17:30:00+08:00"):
    path = str(tmp_path / ("%s-%s.xlsx" % (host, lang)))
    write_survey(host, entry, path, lang, generated)
    return openpyxl.load_workbook(path).active


# --- the passing level-3 hospital ----------------------------------------------------

@pytest.mark.parametrize("check_id", SERVER_YES_NO)
def test_passing_hospital_meets_every_hardware_row(forms, check_id):
    sheet = sheet_of(forms, PASSING_L3)
    assert verdict(sheet, check_id) == YES
    assert not is_yellow(sheet["D%d" % row_of(sheet, check_id)])


def test_passing_hospital_cpu_cell_names_kunpeng_and_its_cores(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert "鲲鹏" in current(sheet, "cpu.domestic")
    assert "鲲鹏" in current(sheet, "cpu.cores") and "192" in current(sheet, "cpu.cores")


def test_passing_hospital_memory_and_ssd_are_measured_values(forms, results):
    sheet = sheet_of(forms, PASSING_L3)
    facts = results["hosts"][PASSING_L3]["facts"]
    # GB as the sheet writes it (DIMMs are sold in binary GB), never "GiB" on the official form
    assert "%.1f GB" % (facts["memory"]["installed_bytes"] / 1024 ** 3) in current(sheet, "memory.size")
    assert "%.2f TB" % (facts["storage"]["ssd_bytes"] / 1e12) in current(sheet, "storage.ssd")


def test_passing_hospital_ticks_kylin_npu_and_opengauss(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert verdict(sheet, "os.domestic") == "☑ 麒麟  ☐ 欧拉  ☐ 统信\n☐ 其它国产系统  ☐ 非国产系统"
    assert verdict(sheet, "accelerator.gpu_npu") == "☐ GPU  ☑ NPU"
    assert "Ascend 910B" in current(sheet, "accelerator.gpu_npu")


def test_database_row_ticks_from_the_opengauss_summary(forms, results, tmp_path):
    # prepared for openGauss; a snapshot cannot show the free space fepkit advises (ours, not the
    # installer's): supported, and the advice is labelled as ours
    sheet = sheet_of(forms, PASSING_L3)
    assert verdict(sheet, "db.opengauss") == "☑ 支持  ☐ 不支持"
    text = current(sheet, "db.opengauss")
    assert text.startswith("支持运行 openGauss（CPU 架构、指令集与操作系统满足安装程序要求）")
    assert "fepkit 建议（非安装程序要求，不影响是否支持）：数据目录" in text
    assert not is_yellow(sheet["E%d" % row_of(sheet, "db.opengauss")])
    # the stock UOS server on Hygon can run openGauss once the installer's tuning is done:
    # 支持, never 不支持, with what is to be done before installing and who can do it
    sheet = sheet_of(forms, FAILING_L2)
    assert verdict(sheet, "db.opengauss") == "☑ 支持  ☐ 不支持"
    text = current(sheet, "db.opengauss")
    assert "安装前需整改 9 项：内核参数、异步 IO 上限、透明大页、RemoveIPC、" in text
    assert "（可由 fep_opengauss_prereqs 自动完成）" in text
    # 不支持 only where openGauss cannot run: no build for LoongArch
    sheet = sheet_of(forms, "loongson-kylin")
    assert verdict(sheet, "db.opengauss") == "☐ 支持  ☑ 不支持"
    assert current(sheet, "db.opengauss") == "不支持运行 openGauss：CPU 架构不满足"
    # measured live: every item passes
    entry = copy.deepcopy(results["hosts"][PASSING_L3])
    entry["checks"]["db.opengauss"] = dict(entry["checks"]["db.opengauss"], status="pass",
                                           message_zh="满足 openGauss 安装程序的各项检查（20 项通过）")
    sheet = build(tmp_path, PASSING_L3, entry)
    assert verdict(sheet, "db.opengauss") == "☑ 支持  ☐ 不支持"


def test_declared_items_say_so(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert "声明" in current(sheet, "server.dedicated")
    assert "声明" in current(sheet, "security.ips")


def test_security_row_ticks_what_passes_and_leaves_the_rest_to_the_hospital(forms):
    sheet = sheet_of(forms, PASSING_L3)
    boxes = verdict(sheet, "security.antivirus")
    # antivirus detected, firewall running, IPS declared; no URL filter found
    for ticked in ("☑ 防病毒", "☑ 防火墙", "☑ 入侵防御", "☐ URL 过滤", "其它____"):
        assert ticked in boxes
    text = current(sheet, "security.antivirus")
    assert "qaxsafed" in text and "CA 证书：已声明" in text and "待医院填写" in text
    assert is_yellow(sheet["E%d" % row_of(sheet, "security.antivirus")])


def test_unconfigured_probes_are_left_for_the_hospital(forms):
    sheet = sheet_of(forms, PASSING_L3)
    for check_id in ("net.egress_8888", "net.gov_extranet", "net.health_private", "net.bandwidth"):
        row = row_of(sheet, check_id)
        assert sheet["D%d" % row].value == NEITHER
        assert sheet["E%d" % row].value.startswith("待医院填写：未配置")
        assert is_yellow(sheet["D%d" % row]) and is_yellow(sheet["E%d" % row])


def test_port_held_by_the_front_end_is_met(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert verdict(sheet, "port.5432") == YES
    assert "gaussdb" in current(sheet, "port.5432")


# --- the failing level-2 hospital ----------------------------------------------------

def test_failing_hospital_memory_row_says_no_with_the_measured_memory(forms, results):
    sheet = sheet_of(forms, FAILING_L2)
    installed = results["hosts"][FAILING_L2]["facts"]["memory"]["installed_bytes"]
    assert verdict(sheet, "memory.size") == NO
    assert "%.1f GB" % (installed / 1024 ** 3) in current(sheet, "memory.size")


def test_failing_hospital_nic_row_says_no_and_os_box_is_uos(forms):
    sheet = sheet_of(forms, FAILING_L2)
    assert verdict(sheet, "nic.dual") == NO
    assert "1 块" in current(sheet, "nic.dual")
    assert verdict(sheet, "os.domestic") == "☐ 麒麟  ☐ 欧拉  ☑ 统信\n☐ 其它国产系统  ☐ 非国产系统"
    assert verdict(sheet, "accelerator.gpu_npu") == "☐ GPU  ☐ NPU"


def test_undecidable_row_is_yellow_and_says_why(forms, results):
    sheet = sheet_of(forms, FAILING_L2)
    row = row_of(sheet, "server.dedicated")
    reason = results["hosts"][FAILING_L2]["checks"]["server.dedicated"]["message_zh"]
    assert sheet["D%d" % row].value == NEITHER
    assert sheet["E%d" % row].value == "待医院填写：" + reason
    assert is_yellow(sheet["E%d" % row])


def test_port_taken_by_another_service_says_no(forms):
    sheet = sheet_of(forms, "phytium-openeuler-8884")
    assert verdict(sheet, "port.8884") == NO
    assert current(sheet, "port.8884") == "8884 被 nginx(pid 1111) 占用"


def test_non_domestic_hospital(forms):
    sheet = sheet_of(forms, "intel-centos")
    assert verdict(sheet, "cpu.domestic") == NO
    assert "☑ 非国产系统" in verdict(sheet, "os.domestic")
    assert verdict(sheet, "accelerator.gpu_npu") == "☑ GPU  ☐ NPU"


# --- statuses that need special wording ----------------------------------------------

def test_warn_is_met_with_its_caveat(results, tmp_path):
    entry = copy.deepcopy(results["hosts"][PASSING_L3])
    entry["checks"]["nic.dual"].update(status="warn", message_zh="物理网卡 2 块，但连线的不足两块")
    sheet = build(tmp_path, PASSING_L3, entry)
    assert verdict(sheet, "nic.dual") == YES
    assert current(sheet, "nic.dual") == "物理网卡 2 块，但连线的不足两块"


def test_waived_check_says_why_and_ticks_nothing(results, tmp_path):
    entry = copy.deepcopy(results["hosts"][PASSING_L3])
    entry["checks"]["storage.ssd"].update(status="skip", source="waiver", message_zh="已豁免：RAID 卡后为 SSD，已核实")
    sheet = build(tmp_path, PASSING_L3, entry)
    # a clear mark beside the empty boxes, the reason in the next cell
    assert verdict(sheet, "storage.ssd") == NEITHER + "\n（已豁免）"
    assert current(sheet, "storage.ssd") == "已豁免：RAID 卡后为 SSD，已核实"
    assert not is_yellow(sheet["E%d" % row_of(sheet, "storage.ssd")])


@pytest.mark.parametrize("status", ["unknown", "skip", "error"])
def test_no_verdict_ticks_nothing_even_for_box_rows(results, tmp_path, status):
    entry = copy.deepcopy(results["hosts"][PASSING_L3])
    for check_id in ("os.domestic", "accelerator.gpu_npu", "db.opengauss"):
        entry["checks"][check_id].update(status=status, message_zh="原因 %s" % check_id)
    sheet = build(tmp_path, PASSING_L3, entry)
    assert "☑" not in verdict(sheet, "os.domestic")
    assert "☑" not in verdict(sheet, "accelerator.gpu_npu")
    assert verdict(sheet, "db.opengauss") == "☐ 支持  ☐ 不支持"
    assert current(sheet, "os.domestic") == "待医院填写：原因 os.domestic"


def test_check_missing_from_the_audit_is_left_for_the_hospital(results, tmp_path):
    entry = copy.deepcopy(results["hosts"][PASSING_L3])
    del entry["checks"]["memory.size"]
    sheet = build(tmp_path, PASSING_L3, entry)
    assert verdict(sheet, "memory.size") == NEITHER
    assert current(sheet, "memory.size").startswith("待医院填写")


# --- the unreachable hospital ----------------------------------------------------------

def test_unreachable_hospital_still_gets_its_form(forms, results):
    path, sheet = forms[UNREACHABLE]
    assert os.path.exists(path)
    hospital = results["hosts"][UNREACHABLE]["hospital"]
    assert sheet["C3"].value == hospital["name"]
    assert sheet["C4"].value == "示例省 河阳市 东山县"
    assert sheet["E3"].value == "☑ 公立  ☐ 民营"


def test_unreachable_hospital_every_row_is_for_the_hospital(forms):
    sheet = sheet_of(forms, UNREACHABLE)
    rows = [row_of(sheet, form_row.checks[0]) for form_row in SERVER_ROWS + NETWORK_ROWS]
    assert len(set(rows)) == 21  # 11 server lines, 10 network lines
    for row in rows:
        assert sheet["E%d" % row].value == "待医院填写：服务器不可达，未能自动审计"
        assert "☑" not in sheet["D%d" % row].value
        assert is_yellow(sheet["D%d" % row])


def test_unreachable_hospital_footer_gives_the_reason(forms, results):
    sheet = sheet_of(forms, UNREACHABLE)
    texts = [sheet["A%d" % row].value or "" for row in range(1, sheet.max_row + 1)]
    message = results["hosts"][UNREACHABLE]["message"]
    assert any(t.startswith("审计说明：服务器不可达") and message in t for t in texts)


def test_failed_hospital_says_audit_failed(results, tmp_path):
    entry = copy.deepcopy(results["hosts"][UNREACHABLE])
    entry.update(status="failed", message="fep_hospital_level: must be 2 or 3")
    sheet = build(tmp_path, "bad-host", entry)
    assert current(sheet, "cpu.cores") == "待医院填写：审计失败，未能自动审计"


# --- header block and section 一 --------------------------------------------------------

@pytest.mark.parametrize("host,expected", [
    (PASSING_L3, "☑ 公立  ☐ 民营"),
    ("intel-centos", "☐ 公立  ☑ 民营"),
])
def test_ownership_box(forms, host, expected):
    assert sheet_of(forms, host)["E3"].value == expected


def test_unknown_ownership_ticks_nothing_and_is_yellow(results, tmp_path):
    entry = copy.deepcopy(results["hosts"][PASSING_L3])
    entry["hospital"]["ownership"] = None
    sheet = build(tmp_path, PASSING_L3, entry)
    assert sheet["E3"].value == "☐ 公立  ☐ 民营"
    assert is_yellow(sheet["E3"])


VOLUME_CELLS = [("outpatient_2023", "C6"), ("outpatient_peak_month_2023", "E6"),
                ("report_cards_yearly", "C7"), ("reporting_staff", "E7")]


@pytest.mark.parametrize("host", [PASSING_L3, FAILING_L2, "phytium-openeuler-8884", UNREACHABLE])
@pytest.mark.parametrize("key,cell", VOLUME_CELLS)
def test_volumes_are_filled_or_blank(forms, results, host, key, cell):
    value = results["hosts"][host]["hospital"]["volumes"][key]
    sheet = sheet_of(forms, host)
    assert sheet[cell].value == value
    assert is_yellow(sheet[cell]) == (value is None)


def test_volume_labels_follow_the_form(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert sheet["A6"].value == "2023 年门诊量（单位：人次）"
    assert sheet["D6"].value == "2023 年单月最高门诊量（单位：人次）"
    assert sheet["A7"].value == "传染病年均报卡量（单位：条）"
    assert sheet["D7"].value == "传染病报卡专职人员数（单位：人）"


def test_header_holds_name_division_and_contact(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert sheet["A2"].value == "国家传染病智能监测预警前置软件服务器软硬件环境配置调查表"
    assert (sheet["A3"].value, sheet["C3"].value, sheet["D3"].value) == ("医院名称", "江城市第一人民医院", "机构性质")
    assert (sheet["A4"].value, sheet["C4"].value) == ("行政区划", "示例省 江城市 东兴区")
    assert sheet["D4"].value == "医院负责前置软件相关工作的人员信息"
    assert sheet["E4"].value == "姓名：李明　手机号码：13800000011"
    assert sheet.title == "江城市第一人民医院"


def test_mobile_appears_only_in_the_contact_cell(forms):
    sheet = sheet_of(forms, PASSING_L3)
    cells = [c.coordinate for row in sheet.iter_rows() for c in row if "13800000011" in str(c.value or "")]
    assert cells == ["E4"]


def test_missing_contact_is_yellow(forms):
    sheet = sheet_of(forms, "intel-centos")
    assert sheet["E4"].value == "姓名：　手机号码："
    assert is_yellow(sheet["E4"])


# --- layout --------------------------------------------------------------------------------

def merged(sheet):
    return {str(r) for r in sheet.merged_cells.ranges}


@pytest.mark.parametrize("first,last,number", [
    ("cpu.domestic", "cpu.cores", "3"),
    ("storage.size", "storage.ssd", "5"),
    ("net.gov_extranet", "net.bandwidth", "7"),
])
def test_two_row_items_merge_their_number(forms, first, last, number):
    sheet = sheet_of(forms, PASSING_L3)
    top, bottom = row_of(sheet, first), row_of(sheet, last)
    assert bottom > top
    assert "A%d:A%d" % (top, bottom) in merged(sheet)
    assert sheet["A%d" % top].value == number


def test_split_requirement_cells(forms):
    sheet = sheet_of(forms, PASSING_L3)
    top, bottom = row_of(sheet, "net.gov_extranet"), row_of(sheet, "net.bandwidth")
    assert "B%d:B%d" % (top, bottom) in merged(sheet)
    assert sheet["B%d" % top].value == "电子政务外网"
    assert [sheet["C%d" % r].value for r in range(top, bottom + 1)] == [
        "实现电子政务外网联通", "实现卫生专网联通", "出口带宽 10M 及以上"]
    memory = row_of(sheet, "memory.size")
    assert (sheet["B%d" % memory].value, sheet["C%d" % memory].value) == ("内存", "二级医院≥128GB\n三级医院≥256GB")
    dedicated = row_of(sheet, "server.dedicated")
    assert "B%d:C%d" % (dedicated, dedicated) in merged(sheet)


def test_section_headings_and_columns(forms):
    sheet = sheet_of(forms, PASSING_L3)
    texts = [sheet["A%d" % r].value for r in range(1, sheet.max_row + 1)]
    server = texts.index("二、服务器配置要求") + 1
    network = texts.index("三、网络配置要求") + 1
    assert sheet["A%d" % server].font.b
    assert [sheet["%s%d" % (c, server + 1)].value for c in "ABDE"] == ["编号", "配置要求", "是否满足（是/否）", "目前现有情况"]
    assert [sheet["%s%d" % (c, network + 1)].value for c in "ABDE"] == ["编号", "端口要求", "是否满足", "目前现有情况"]
    assert "A%d:E%d" % (server, server) in merged(sheet)
    assert any((t or "").startswith("说明：指定开放端口号如已被占用") for t in texts)
    # a date as an official writes it, not an ISO timestamp
    assert any((t or "").startswith("生成时间：2026年11月25日 17:30　") for t in texts)


def test_print_setup(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert sheet.page_setup.orientation == "portrait"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_area.replace("$", "").endswith("!A1:E%d" % sheet.max_row)
    assert sheet.freeze_panes is None
    assert sheet.column_dimensions["E"].width > sheet.column_dimensions["A"].width


def test_form_rows_match_the_registry():
    """Each check sits on the survey row the registry names; each check has a row."""
    placed = {}
    for section, rows in (("二", SERVER_ROWS), ("三", NETWORK_ROWS)):
        for form_row in rows:
            for check_id in form_row.checks:
                placed[check_id] = "%s-%s" % (section, form_row.number)
    # sub-checks (db.opengauss.*) fill their parent's row through its summary
    assert set(placed) == {c for c, meta in CHECKS.items() if meta.parent is None}
    for check_id, row in placed.items():
        expected = CHECKS[check_id].survey_row
        assert expected == row or (check_id == "security.ca_cert" and expected == "附件1-三"), check_id
    for check_id, meta in CHECKS.items():
        if meta.parent is not None:
            assert meta.survey_row == placed[meta.parent], check_id


# --- files, names, languages ------------------------------------------------------------------

@pytest.mark.parametrize("host", [PASSING_L3, UNREACHABLE])
def test_file_is_readable_by_the_owner_only(forms, host):
    assert stat.S_IMODE(os.stat(forms[host][0]).st_mode) == 0o600


def test_existing_file_is_replaced_private_whatever_the_umask(results, tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("old")
    os.chmod(str(path), 0o644)
    old = os.umask(0)
    try:
        write_survey(PASSING_L3, results["hosts"][PASSING_L3], str(path))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert openpyxl.load_workbook(str(path)).active["C3"].value == "江城市第一人民医院"
    assert [p.name for p in tmp_path.iterdir()] == ["form.xlsx"]


@pytest.mark.parametrize("name,host,expected", [
    ("江城市第一人民医院", "h", "江城市第一人民医院"),
    ("A/B医院[分院]:*?", "h", "AB医院分院"),
    ("一" * 40, "h", "一" * 31),
    (None, "jc-renmin", "jc-renmin"),
    ("x" * 30 + "'s", "h", "x" * 30),  # an apostrophe left at the end by the cut is refused by Excel
    ("'?'", "'host'", "host"),
    ("", "[]", "survey"),
])
def test_sheet_title(name, host, expected):
    assert sheet_title(name, host) == expected


def test_english_form(results, tmp_path):
    entry = results["hosts"][PASSING_L3]
    sheet = build(tmp_path, PASSING_L3, entry, lang="en")
    assert verdict(sheet, "memory.size") == "☑ Yes  ☐ No"
    assert current(sheet, "memory.size") == (entry["checks"]["memory.size"]["message_en"].replace("GiB", "GB")
                                             + "\nThreshold: level-3 hospital ≥256 GB")
    assert "☑ Kylin" in verdict(sheet, "os.domestic")
    assert current(sheet, "net.bandwidth").startswith("To be filled in by the hospital: ")
    assert sheet["E3"].value == "☑ Public  ☐ Private"


def test_unknown_language_is_refused(results, tmp_path):
    with pytest.raises(ValueError, match="lang"):
        write_survey(PASSING_L3, results["hosts"][PASSING_L3], str(tmp_path / "x.xlsx"), lang="fr")


def test_width_estimate_follows_the_fonts():
    from fep.report.survey import display_width, line_count
    assert display_width("内存") == 4 and display_width("1024") == 4
    assert display_width("memory size") < len("memory size")  # Arial's lower case is narrower than a digit
    # a long English cell needs fewer lines than the same number of CJK characters
    assert line_count("x" * 60, 30) < line_count("内" * 60, 30)


# --- what every tick means ----------------------------------------------------------------

def test_level_and_applied_threshold_are_stated(forms):
    sheet = sheet_of(forms, PASSING_L3)
    assert current(sheet, "cpu.cores").endswith("\n判定标准：三级医院 ≥64 核")
    assert current(sheet, "memory.size").endswith("\n判定标准：三级医院 ≥256GB")


def test_an_adjusted_threshold_says_so_with_its_reason(forms, results):
    """fep_thresholds: {cpu_cores: 24} for the county hospital: the form must not print ≥32 and tick 是."""
    sheet = sheet_of(forms, FAILING_L2)
    assert results["hosts"][FAILING_L2]["inventory"]["thresholds"]["overridden"] == ["cpu_cores"]
    assert verdict(sheet, "cpu.cores") == YES
    assert current(sheet, "cpu.cores").endswith(
        "\n判定标准：本院按 ≥24 核判定（经调整，附件1二级医院为 ≥32 核；原因：县级二级医院，门诊量小，经市卫健委同意按 24 核配置）")
    # an unadjusted row of the same form keeps the sheet's level threshold
    assert current(sheet, "memory.size").endswith("\n判定标准：二级医院 ≥128GB")


def test_an_override_without_a_reason_says_it_is_missing(results, tmp_path):
    entry = copy.deepcopy(results["hosts"][FAILING_L2])
    entry["inventory"]["thresholds"]["reason"] = None
    sheet = build(tmp_path, FAILING_L2, entry)
    assert current(sheet, "cpu.cores").endswith("原因：清单未注明）")


def test_port_rows_say_free_and_what_the_firewall_admits(forms):
    # Kunpeng: the inventory names the intranet and extranet NICs; firewalld's default zone takes both
    sheet = sheet_of(forms, PASSING_L3)
    assert verdict(sheet, "port.5432") == YES
    assert current(sheet, "port.5432") == "5432 由前置软件占用：gaussdb(pid 1148)；院内网（区域 public）已放行"
    assert verdict(sheet, "port.8884") == YES  # from both networks, as the sheet says
    assert verdict(sheet, "port.8881") == NO  # free, but the firewall does not let the intranet in
    assert current(sheet, "port.8881") == "8881 空闲；院内网（区域 public）未放行（可运行 fep_firewall 角色放行）"
    # no host firewall at all: nothing filters
    sheet = sheet_of(forms, FAILING_L2)
    assert verdict(sheet, "port.8881") == YES
    assert current(sheet, "port.8881") == "8881 空闲；本机防火墙未启用，不拦截"


def test_port_row_without_the_networks_is_left_for_the_hospital_with_what_is_missing(forms):
    sheet = sheet_of(forms, "intel-centos")  # firewalld runs; the inventory does not name the networks
    assert verdict(sheet, "port.8882") == NEITHER
    assert current(sheet, "port.8882") == ("8882 空闲；待医院填写：是否已在本机防火墙放行"
                                           "（清单未说明政务外网/疾控 VPN的网卡或网段（fep_firewall_zones.extranet））")
    assert is_yellow(sheet["E%d" % row_of(sheet, "port.8882")])


def test_alternative_port_is_shown_as_such(results, tmp_path):
    """fep_ports.web: 18884 (8884 is taken): the row names 8884, the text gives the replacement."""
    entry = copy.deepcopy(results["hosts"]["hygon-uos-l2-short"])
    entry["checks"].update(run_checks(entry["facts"], Context(level=2, ports={"web": 18884}), select=["port.8884"]))
    sheet = build(tmp_path, "hygon-uos-l2-short", entry)
    assert verdict(sheet, "port.8884") == YES
    assert current(sheet, "port.8884") == "18884 空闲（替代端口 18884，代替 8884）；本机防火墙未启用，不拦截"
    assert "8884" in sheet["B%d" % row_of(sheet, "port.8884")].value


def test_declaration_only_items_are_declared_or_left_for_the_hospital(forms):
    sheet = sheet_of(forms, PASSING_L3)
    security = current(sheet, "security.antivirus")
    assert "数字证书和配套密码产品：国密 SSL VPN 网关（SM2/SM4）（声明）" in security
    assert "日常运维与安全工作制度：待医院填写" in security
    assert "前置服务器对外 IP：59.255.10.21（政务外网）（声明）" in current(sheet, "net.gov_extranet")
    sheet = sheet_of(forms, FAILING_L2)
    assert "前置服务器对外 IP：待医院填写" in current(sheet, "net.gov_extranet")
    assert is_yellow(sheet["E%d" % row_of(sheet, "net.gov_extranet")])


def test_snapshot_probe_rows_say_why_in_chinese(forms):
    sheet = sheet_of(forms, FAILING_L2)  # the national platform is configured, the audit read a snapshot
    assert current(sheet, "net.egress_8888") == (
        "待医院填写：未探测：本次审计的是服务器文件快照，网络连通性须在服务器上在线审计")


PRINTED = "ABCDE"
JARGON = re.compile(r"GiB|TiB|sysfs|\d{4}-\d\d-\d\dT\d\d:\d\d|\b(?:%s)\b" % "|".join(
    re.escape(c) for c in CHECKS))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_jargon_in_printed_cells(results, tmp_path, lang):
    for host, entry in results["hosts"].items():
        sheet = build(tmp_path, host, entry, lang=lang)
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=len(PRINTED)):
            for cell in row:
                assert not JARGON.search(str(cell.value or "")), (host, cell.coordinate, cell.value)


def test_english_form_tells_the_same_truths(results, tmp_path):
    sheet = build(tmp_path, FAILING_L2, results["hosts"][FAILING_L2], lang="en")
    assert verdict(sheet, "db.opengauss") == "☑ Supported  ☐ Not supported"
    assert "9 item(s) to fix before installing" in current(sheet, "db.opengauss")
    assert "Threshold: ≥24 cores for this hospital (adjusted; the sheet says ≥32 cores for a level-2 hospital" in (
        current(sheet, "cpu.cores"))
    assert "External IP of the server: To be filled in by the hospital" in current(sheet, "net.gov_extranet")
    sheet = build(tmp_path, PASSING_L3, results["hosts"][PASSING_L3], lang="en")
    assert verdict(sheet, "port.8881") == "☐ Yes  ☑ No"
    assert "not allowed from the intranet" in current(sheet, "port.8881")
