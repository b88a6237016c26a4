# -*- coding: utf-8 -*-
"""Wording and colours shared by the reports (survey form, roll-up, HTML, JUnit).

Plain data only, keyed by language (``zh`` default, ``en``).  Check titles
are not repeated here: they live in the registry
(``fep.checks.CHECKS[id].title_zh`` / ``title_en``, ``short_zh`` / ``short_en``);
``short_title`` and ``SHORT_TITLES`` read the column headers of wide tables
from there.
"""
from collections.abc import Mapping

from ..checks.registry import CHECKS

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


def short_title(check_id, lang):
    """Column header of ``check_id`` in wide tables (its ``@check(short=…)``), else the id."""
    meta = CHECKS.get(check_id)
    return meta.short(lang) if meta is not None else check_id


class _ShortTitlesOf(Mapping):
    """``{check id: short title}`` in one language: a live view of the registry (checks
    registered later, e.g. by a test, are included), one dictionary lookup per title."""

    def __init__(self, lang):
        self.lang = lang

    def __getitem__(self, check_id):
        return CHECKS[check_id].short(self.lang)

    def __iter__(self):
        return iter(CHECKS)

    def __len__(self):
        return len(CHECKS)


# SHORT_TITLES[lang][check id], as report/html_parts.py and report/rollup.py read them
SHORT_TITLES = {lang: _ShortTitlesOf(lang) for lang in LANGS}
