# -*- coding: utf-8 -*-
"""附件2 配置调查表 as printed: its wording in both languages and its rows, in the original's order.

Each row names the checks whose verdicts fill it (``FormRow.checks``);
``report/survey.py`` lays the form out, ``report/survey_cells.py`` words its cells.
"""
from typing import NamedTuple, Optional, Tuple

from ..domestic import OS_CATEGORIES, OS_CATEGORY_NAMES

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
