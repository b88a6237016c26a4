# -*- coding: utf-8 -*-
"""Small helpers the openGauss sub-checks share (opengauss_platform, _kernel, _services, _install)."""
from collections import OrderedDict

from .util import section

ROLE_HINT_ZH = "（或运行 fep_opengauss_prereqs 角色一次完成）"
ROLE_HINT_EN = " (or run the fep_opengauss_prereqs role, which does it all)"


def running_in_container(facts):
    return bool((section(facts, "virtualization") or {}).get("container"))


def from_snapshot(facts):
    return bool((section(facts, "collector") or {}).get("snapshot"))


def sysctl_values(facts):
    return (section(facts, "security") or {}).get("sysctl") or {}


def cut_list(items, limit=6, sep="、"):
    """At most ``limit`` items, then "等 N 项" / "and N more"."""
    items = list(items)
    text = sep.join(items[:limit])
    if len(items) > limit:
        text += ("等 %d 项" if sep == "、" else " and %d more") % len(items)
    return text


def item_result(name, observed, expected, status):
    """One row of a sub-check's ``items``: what was found against what the installer wants."""
    return OrderedDict((("name", name), ("observed", observed), ("expected", expected), ("status", status)))
