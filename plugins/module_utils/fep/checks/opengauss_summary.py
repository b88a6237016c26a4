# -*- coding: utf-8 -*-
"""``db.opengauss`` (附件2 二-9) from its sub-checks: can the server run openGauss, and is it ready?

The sheet asks whether the server *supports* openGauss.  An official reads
不支持 as "cannot run it", so the summary keeps two questions apart:

* **capability**: an openGauss build exists for the CPU architecture, an
  x86 CPU has the instruction set it needs, the OS is in the installer's
  list.  Only these decide 支持 / 不支持 (``fail`` only when the server
  cannot run it).
* **readiness**: the installer's tuning items (kernel parameters, limits,
  transparent huge pages, RemoveIPC, packages …).  Items to fix before
  installation day, most of which ``fep_opengauss_prereqs`` does: a
  capable server with items to fix is ``warn`` (supported, with the list).

``db.opengauss.data_dir`` is fepkit's own advice, not an installer item: its
free-space figure (``opengauss_data_free_gib``, default 100 GiB) is a
documented default, so it is reported beside the two, never as 不支持.

Memory and disk size have no installer threshold of their own: they are the
sheet's rows 二-4 and 二-5.

``db.opengauss`` registers here, and ``sub_check`` registers each sub-check
under it: importing this module first (every sub-check module does) puts the
summary before its parts in the catalogue.
"""
from collections import OrderedDict

from .registry import CHECKS, check, result

PARENT = "db.opengauss"
ROW = "二-9"
TAGS = ("software", "database", "opengauss")
CAPABILITY = tuple(PARENT + "." + name for name in ("arch", "cpu_flags", "os"))
ADVISORY = (PARENT + ".data_dir",)
# Items the fep_opengauss_prereqs role sets (roles/fep_opengauss_prereqs/tasks/); the others
# (the kernel release, the swap size, firewalld) are the hospital's to change.
FIXED_BY_ROLE = frozenset(PARENT + "." + name for name in (
    "locale", "timezone", "sysctl", "limits", "io_scheduler", "aio_max_nr", "time_sync", "thp",
    "remove_ipc", "selinux", "pam_limits", "packages", "user_group", "port"))
ROLE = "fep_opengauss_prereqs"
# how the parts are listed in results.json (``parts``), worst first
PART_ORDER = ("fail", "error", "unknown", "warn")


def _names_zh(ids):
    return "、".join(CHECKS[c].item_zh if c in CHECKS else c for c in ids)


def _names_en(ids):
    return ", ".join(c.rsplit(".", 1)[1] for c in ids)


def split_parts(parts):
    """``OrderedDict`` of the three groups: capability, readiness and advisory, each ``{status: [ids]}``."""
    groups = OrderedDict((name, OrderedDict()) for name in ("capability", "readiness", "advisory"))
    for check_id, outcome in parts.items():
        group = "capability" if check_id in CAPABILITY else "advisory" if check_id in ADVISORY else "readiness"
        groups[group].setdefault(outcome["status"], []).append(check_id)
    return groups


def _readiness_text(to_fix, unsure):
    """``(zh, en)``: what must be done before the installer runs."""
    zh, en = [], []
    if to_fix:
        by_role = [c for c in to_fix if c in FIXED_BY_ROLE]
        if len(by_role) == len(to_fix):
            how_zh, how_en = "（可由 %s 自动完成）" % ROLE, " (%s does them all)" % ROLE
        elif by_role:
            how_zh = "（其中 %d 项可由 %s 自动完成）" % (len(by_role), ROLE)
            how_en = " (%s does %d of them)" % (ROLE, len(by_role))
        else:
            how_zh = how_en = ""
        zh.append("安装前需整改 %d 项：%s%s" % (len(to_fix), _names_zh(to_fix), how_zh))
        en.append("%d item(s) to fix before installing: %s%s" % (len(to_fix), _names_en(to_fix), how_en))
    if unsure:
        zh.append("%d 项无法确认：%s" % (len(unsure), _names_zh(unsure)))
        en.append("%d item(s) could not be determined: %s" % (len(unsure), _names_en(unsure)))
    return zh, en


def _advisory_text(parts):
    """``(zh, en)``: fepkit's own advice that is not met or not known, in the sub-check's words."""
    zh, en = [], []
    for check_id in ADVISORY:
        outcome = parts.get(check_id)
        if not outcome or outcome["status"] not in ("warn", "unknown"):
            continue
        zh.append("fepkit 建议（非安装程序要求，不影响是否支持）：%s" % outcome["message_zh"])
        en.append("fepkit's advice (not an installer item, no bearing on support): %s" % outcome["message_en"])
    return zh, en


def summary_result(parts):
    """db.opengauss from its sub-checks' results (``{id: result}``): capability decides, readiness is listed."""
    expected = "an openGauss build for the CPU and OS (capability); the installer's items (readiness)"
    judged = OrderedDict((c, o) for c, o in parts.items() if o["status"] != "skip")
    if not judged:
        return result("skip", "no sub-check ran", expected, "未执行 openGauss 子项检查", "no openGauss sub-check ran")
    groups = split_parts(judged)
    capability, readiness = groups["capability"], groups["readiness"]
    errors = [c for c, o in judged.items() if o["status"] == "error"]
    to_fix = readiness.get("fail", []) + readiness.get("warn", [])
    unsure = readiness.get("unknown", [])
    ready_zh, ready_en = _readiness_text(to_fix, unsure)
    advice_zh, advice_en = _advisory_text(judged)
    if capability.get("fail"):
        failing = capability["fail"]
        outcome = result("fail", "cannot run: " + _names_en(failing), expected,
                         "不支持运行 openGauss：%s不满足" % _names_zh(failing),
                         "cannot run openGauss: %s" % _names_en(failing),
                         "CPU 架构或指令集不受 openGauss 支持：选用 x86_64（需 avx、rdtscp）或 aarch64 服务器，"
                         "或向软件厂商确认同等架构数据库的适配。",
                         "The CPU architecture or instruction set is not supported: use an x86_64 (with avx and "
                         "rdtscp) or aarch64 server, or confirm a same-architecture database with the vendor.")
    elif errors:
        outcome = result("error", "check crashed: " + _names_en(errors), expected,
                         "检查程序出错：%s" % _names_zh(errors), "check crashed: %s" % _names_en(errors),
                         "请将此错误报告给 fepkit 维护者。", "Report this error to the fepkit maintainers.")
    elif capability.get("unknown"):
        unknown = capability["unknown"]
        outcome = result("unknown", "capability unknown: " + _names_en(unknown), expected,
                         "无法确定能否运行 openGauss：%s无法确认" % _names_zh(unknown),
                         "cannot tell whether openGauss runs here: %s unknown" % _names_en(unknown))
    else:
        caveats = capability.get("warn", [])
        status = "warn" if caveats or to_fix or unsure or advice_zh else "pass"
        head_zh = "支持运行 openGauss（CPU 架构、指令集与操作系统满足安装程序要求）"
        head_en = "can run openGauss (CPU architecture, instruction set and OS as the installer requires)"
        if caveats:
            head_zh = "支持运行 openGauss，但%s不在安装程序列表中（安装时需人工确认继续）" % _names_zh(caveats)
            head_en = "can run openGauss, but the %s is outside the installer's list (it asks before going on)" % (
                _names_en(caveats))
        zh = [head_zh] + ready_zh + advice_zh
        en = [head_en] + ready_en + advice_en
        if not (to_fix or unsure):
            zh.append("安装程序的各项检查均已满足")
            en.append("every installer item is met")
        observed = "capable; %d to fix, %d unknown" % (len(to_fix), len(unsure))
        remedy = ("", "")
        if to_fix:
            remedy = ("运行 %s 角色（ansible-playbook playbooks/opengauss_prereqs.yml -b），"
                      "或按各子项（db.opengauss.*）的整改建议处理。" % ROLE,
                      "Run the %s role (ansible-playbook playbooks/opengauss_prereqs.yml -b), or follow the "
                      "remedy of each db.opengauss.* item." % ROLE)
        outcome = result(status, observed, expected, "；".join(zh), "; ".join(en), *remedy)
    outcome["parts"] = OrderedDict((s, [c for c, o in judged.items() if o["status"] == s])
                                   for s in PART_ORDER if any(o["status"] == s for o in judged.values()))
    outcome["capability"] = OrderedDict((
        ("status", "fail" if capability.get("fail") else "unknown" if capability.get("unknown") else "pass"),
        ("checks", [c for c in CAPABILITY if c in parts])))
    outcome["readiness"] = OrderedDict((("to_fix", to_fix), ("unknown", unsure),
                                        ("by_role", [c for c in to_fix if c in FIXED_BY_ROLE])))
    outcome["advisory"] = groups["advisory"].get("warn", []) + groups["advisory"].get("unknown", [])
    return outcome


def sub_check(name, title_zh, title_en, measured, unknown, short, scope=None, item_zh=None):
    """Register ``db.opengauss.<name>`` as a sub-check of db.opengauss."""
    return check("%s.%s" % (PARENT, name), ROW, title_zh, title_en, TAGS, measured, unknown, parent=PARENT,
                 scope=scope, short=short, item_zh=item_zh)


@check(PARENT, ROW, "支持运行 openGauss 或同等架构数据库",
       "Can run openGauss (or a same-architecture database)", TAGS,
       "Capability decides: fail only when no openGauss build exists for the CPU (arch, x86 flags); the "
       "installer's tuning items (gs_preinstall / gs_checkos A1-A14) and fepkit's data-directory advice make "
       "it warn, listed as items to fix before installing (plugins/module_utils/fep/checks/opengauss_summary.py)",
       "The architecture, CPU flags or OS cannot be read (and none fails)", short=("openGauss", "openGauss"))
def db_opengauss(facts, ctx, parts):
    return summary_result(parts)
