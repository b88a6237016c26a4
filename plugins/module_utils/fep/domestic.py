# -*- coding: utf-8 -*-
"""What counts as domestic (国产): the CPU makers and the OS distributions, in one place.

The requirement sheet asks for a domestic CPU (附件2 二-3) and a domestic
server OS (二-8).  The target classifies (``cpu_origin.judge_domestic``,
``osinfo.classify_os``), the controller judges and prints (the checks
cpu.domestic and os.domestic, the survey form's OS boxes): both read the lists
and names here, so adding a maker or a distribution is one edit.

Plain data and one predicate; standard library only, Python 3.6+ (shipped to
targets with the collector).
"""

# CPU makers (``cpu.vendor_family`` of the facts) whose CPUs are domestic, in the
# order the reports list them.
DOMESTIC_CPU_FAMILIES = ("kunpeng", "phytium", "hygon", "zhaoxin", "loongson", "sunway")

# Every ``cpu.vendor_family`` value, named in each report language.
CPU_FAMILY_NAMES = {
    "zh": {
        "kunpeng": "鲲鹏", "phytium": "飞腾", "hygon": "海光", "zhaoxin": "兆芯",
        "loongson": "龙芯", "sunway": "申威", "intel": "英特尔", "amd": "AMD",
        "other": "其他", "unknown": "未知",
    },
    "en": {
        "kunpeng": "Kunpeng", "phytium": "Phytium", "hygon": "Hygon", "zhaoxin": "Zhaoxin",
        "loongson": "Loongson", "sunway": "Sunway", "intel": "Intel", "amd": "AMD",
        "other": "other", "unknown": "unknown",
    },
}

# ``os.category`` values: the survey form's boxes (二-8), in its order.  The
# three the sheet names have their own box; ``unknown`` has none.
DOMESTIC_OS_CATEGORIES = ("kylin", "openeuler", "uos", "other_domestic")
OS_CATEGORIES = DOMESTIC_OS_CATEGORIES + ("non_domestic",)

OS_CATEGORY_NAMES = {
    "zh": {
        "kylin": "麒麟", "openeuler": "欧拉", "uos": "统信", "other_domestic": "其它国产系统",
        "non_domestic": "非国产系统", "unknown": "未知",
    },
    "en": {
        "kylin": "Kylin", "openeuler": "openEuler", "uos": "UOS", "other_domestic": "Other domestic OS",
        "non_domestic": "Non-domestic OS", "unknown": "unknown",
    },
}

# os-release IDs (lower case) of the named categories.
OS_CATEGORY_IDS = {"kylin": "kylin", "openeuler": "openeuler", "uos": "uos"}

# Other domestic distributions (box 其它国产系统), by lower-case os-release ID:
# True for server distributions, False for desktop ones.
OTHER_DOMESTIC_OS = {
    "anolis": True, "opencloudos": True, "tencentos": True, "bclinux": True,
    "ctyunos": True, "nfschina": True, "euleros": True, "hce": True,
    "fusionos": True, "kylinsec": True, "alinux": True, "neokylin": True,
    "isoft": True, "linx": True, "deepin": False, "openkylin": False,
}

# Distributions known not to be domestic (any ``opensuse*`` ID as well).
NON_DOMESTIC_OS = frozenset([
    "centos", "rhel", "rocky", "almalinux", "ol", "fedora", "amzn",
    "ubuntu", "debian", "linuxmint", "sles", "sled", "opensuse",
    "opensuse-leap", "opensuse-tumbleweed", "arch", "alpine", "gentoo",
])


def os_category(os_id):
    """The ``os.category`` of an os-release ID: one of ``OS_CATEGORIES`` or ``unknown``."""
    lower_id = (os_id or "").strip().lower()
    if lower_id in OS_CATEGORY_IDS:
        return OS_CATEGORY_IDS[lower_id]
    if lower_id in OTHER_DOMESTIC_OS:
        return "other_domestic"
    if lower_id in NON_DOMESTIC_OS or lower_id.startswith("opensuse"):
        return "non_domestic"
    return "unknown"
