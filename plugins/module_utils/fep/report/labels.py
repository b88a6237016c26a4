# -*- coding: utf-8 -*-
"""Wording and colours shared by the reports (survey form, roll-up, HTML, JUnit).

Plain data only, keyed by language (``zh`` default, ``en``).  Check titles
are not repeated here: they live in the registry
(``fep.checks.CHECKS[id].title_zh`` / ``title_en``); ``SHORT_TITLES`` are the
column headers of wide tables, where a full requirement does not fit.
"""

LANGS = ("zh", "en")

# Verdict of one check (fep.checks.registry.STATUSES), in the order reports list them.
STATUS_ORDER = ("pass", "fail", "warn", "unknown", "skip", "error")
STATUS_LABELS = {
    "zh": {"pass": "通过", "fail": "不满足", "warn": "警告", "unknown": "未知", "skip": "跳过", "error": "出错"},
    "en": {"pass": "Pass", "fail": "Fail", "warn": "Warn", "unknown": "Unknown", "skip": "Skip", "error": "Error"},
}

# Outcome of the audit of a host (results.json hosts.*.status).
HOST_STATUS_LABELS = {
    "zh": {"ok": "已审计", "unreachable": "不可达", "failed": "审计失败"},
    "en": {"ok": "Audited", "unreachable": "Unreachable", "failed": "Audit failed"},
}

LEVEL_LABELS = {
    "zh": {2: "二级", 3: "三级", None: "未设置"},
    "en": {2: "Level 2", 3: "Level 3", None: "Not set"},
}

# hospital.ownership is normalised to the Chinese word (report/hospital.py).
OWNERSHIP_LABELS = {
    "zh": {"公立": "公立", "民营": "民营"},
    "en": {"公立": "Public", "民营": "Private"},
}

# Fill and font colours (RGB hex, no '#'), the usual spreadsheet palette:
# green = good, red = bad, amber = caveat, greys = no verdict.
STATUS_COLOURS = {
    "pass": {"fill": "C6EFCE", "font": "006100"},
    "fail": {"fill": "FFC7CE", "font": "9C0006"},
    "warn": {"fill": "FFEB9C", "font": "9C5700"},
    "unknown": {"fill": "D9D9D9", "font": "3F3F3F"},
    "skip": {"fill": "F2F2F2", "font": "7F7F7F"},
    "error": {"fill": "E4DFEC", "font": "5B2C6F"},
}
NOT_AUDITED_COLOUR = {"fill": "BFBFBF", "font": "3F3F3F"}
# Cells the hospital has to fill in by hand.
TO_FILL_COLOUR = {"fill": "FFF2CC", "font": "000000"}

# Tick boxes as printed on the survey form.
BOX_TICKED = "☑"
BOX_EMPTY = "☐"

# The verdict column of the survey form, and the hand-filled notes.
TO_FILL = {"zh": "待医院填写", "en": "To be filled in by the hospital"}
DECLARED = {"zh": "（声明）", "en": " (declared)"}
NOT_AUDITED = {
    "zh": {"unreachable": "服务器不可达，未能自动审计", "failed": "审计失败，未能自动审计",
           "missing": "本次审计未包含此项"},
    "en": {"unreachable": "server unreachable, not audited", "failed": "audit failed, not audited",
           "missing": "not part of this audit"},
}

SHORT_TITLES = {
    "zh": {
        "server.dedicated": "专用服务器", "server.backup_storage": "备份存储",
        "cpu.domestic": "国产 CPU", "cpu.cores": "物理核数", "memory.size": "内存",
        "storage.size": "存储≥1T", "storage.ssd": "SSD", "nic.dual": "双网卡",
        "accelerator.gpu_npu": "GPU/NPU", "os.domestic": "国产操作系统", "db.opengauss": "openGauss",
        "db.opengauss.os": "支持的操作系统", "db.opengauss.arch": "CPU 架构", "db.opengauss.cpu_flags": "CPU 指令集",
        "db.opengauss.kernel": "内核一致", "db.opengauss.locale": "字符集 LANG", "db.opengauss.timezone": "时区一致",
        "db.opengauss.swap": "交换空间", "db.opengauss.sysctl": "内核参数", "db.opengauss.limits": "资源限制",
        "db.opengauss.io_scheduler": "IO 调度器", "db.opengauss.aio_max_nr": "异步 IO 上限",
        "db.opengauss.time_sync": "时间同步", "db.opengauss.firewalld": "firewalld", "db.opengauss.thp": "透明大页",
        "db.opengauss.remove_ipc": "RemoveIPC", "db.opengauss.selinux": "SELinux",
        "db.opengauss.pam_limits": "pam_limits", "db.opengauss.packages": "软件包",
        "db.opengauss.user_group": "omm/dbgrp", "db.opengauss.data_dir": "数据目录",
        "db.opengauss.port": "数据库端口段",
        "port.8881": "端口 8881", "port.5432": "端口 5432", "port.8882": "端口 8882",
        "port.8883": "端口 8883", "port.8884": "端口 8884", "net.egress_8888": "出站 8888",
        "net.gov_extranet": "政务外网", "net.health_private": "卫生专网", "net.bandwidth": "带宽≥10M",
        "security.antivirus": "防病毒", "security.firewall": "防火墙", "security.ips": "入侵防御",
        "security.url_filter": "URL 过滤", "security.ca_cert": "CA 证书",
    },
    "en": {
        "server.dedicated": "Dedicated", "server.backup_storage": "Backup storage",
        "cpu.domestic": "Domestic CPU", "cpu.cores": "Cores", "memory.size": "Memory",
        "storage.size": "Storage ≥1T", "storage.ssd": "SSD", "nic.dual": "Dual NIC",
        "accelerator.gpu_npu": "GPU/NPU", "os.domestic": "Domestic OS", "db.opengauss": "openGauss",
        "db.opengauss.os": "Supported OS", "db.opengauss.arch": "CPU arch", "db.opengauss.cpu_flags": "CPU flags",
        "db.opengauss.kernel": "Same kernel", "db.opengauss.locale": "LANG", "db.opengauss.timezone": "Same time zone",
        "db.opengauss.swap": "Swap", "db.opengauss.sysctl": "sysctl", "db.opengauss.limits": "Limits",
        "db.opengauss.io_scheduler": "IO scheduler", "db.opengauss.aio_max_nr": "aio-max-nr",
        "db.opengauss.time_sync": "Time sync", "db.opengauss.firewalld": "firewalld", "db.opengauss.thp": "THP",
        "db.opengauss.remove_ipc": "RemoveIPC", "db.opengauss.selinux": "SELinux",
        "db.opengauss.pam_limits": "pam_limits", "db.opengauss.packages": "Packages",
        "db.opengauss.user_group": "omm/dbgrp", "db.opengauss.data_dir": "Data dir", "db.opengauss.port": "DB ports",
        "port.8881": "Port 8881", "port.5432": "Port 5432", "port.8882": "Port 8882",
        "port.8883": "Port 8883", "port.8884": "Port 8884", "net.egress_8888": "Egress 8888",
        "net.gov_extranet": "Gov extranet", "net.health_private": "Health network",
        "net.bandwidth": "Bandwidth ≥10M", "security.antivirus": "Antivirus",
        "security.firewall": "Firewall", "security.ips": "IPS", "security.url_filter": "URL filter",
        "security.ca_cert": "CA certificate",
    },
}
