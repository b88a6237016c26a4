# -*- coding: utf-8 -*-
"""Small formatting helpers shared by the checks (units, names, lists)."""

GIB = 1024 ** 3

VENDOR_NAMES_ZH = {
    "kunpeng": "鲲鹏", "phytium": "飞腾", "hygon": "海光", "zhaoxin": "兆芯",
    "loongson": "龙芯", "sunway": "申威", "intel": "英特尔", "amd": "AMD",
    "other": "其他", "unknown": "未知",
}
VENDOR_NAMES_EN = {
    "kunpeng": "Kunpeng", "phytium": "Phytium", "hygon": "Hygon", "zhaoxin": "Zhaoxin",
    "loongson": "Loongson", "sunway": "Sunway", "intel": "Intel", "amd": "AMD",
    "other": "other", "unknown": "unknown",
}
OS_NAMES_ZH = {
    "kylin": "麒麟", "openeuler": "欧拉", "uos": "统信", "other_domestic": "其它国产系统",
    "non_domestic": "非国产系统", "unknown": "未知",
}


def gib(value):
    """Bytes as GiB with one decimal, e.g. ``125.6 GiB``."""
    return "%.1f GiB" % (value / float(GIB))


def tb(value):
    """Bytes as decimal TB, the unit disks are sold in."""
    return "%.2f TB" % (value / 1e12)


def join(items, sep=", "):
    return sep.join(str(i) for i in items)


def section(facts, name):
    """A fact section, or None when the collector could not produce it."""
    value = (facts or {}).get(name)
    return value if value not in ({},) else None
