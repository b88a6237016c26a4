# -*- coding: utf-8 -*-
"""openGauss A5-A7 and A10: swap, kernel parameters, limits of omm, IO scheduler and AIO.

The tables (check_list.conf values, limits, schedulers) live in
``fep.opengauss_spec``, shared with the fep_opengauss_prereqs role.
"""
from .. import opengauss_spec as spec
from .opengauss_common import (
    ROLE_HINT_EN,
    ROLE_HINT_ZH,
    cut_list,
    from_snapshot,
    item_result,
    running_in_container,
    sysctl_values,
)
from .opengauss_summary import sub_check
from .registry import HOST_KERNEL, result, unknown_reason
from .util import gib, section

# --- A5 swap, A6 sysctl, A7 limits ------------------------------------------------------------

@sub_check("swap", "交换空间不大于物理内存（A5）", "Swap no larger than memory (A5)",
           "SwapTotal and MemTotal from /proc/meminfo", "/proc/meminfo unreadable", ("交换空间", "Swap"),
           scope=HOST_KERNEL)
def og_swap(facts, ctx):
    memory = section(facts, "memory") or {}
    swap, total = memory.get("swap_total_bytes"), memory.get("total_bytes")
    expected = "swap <= RAM"
    if swap is None or not total:
        return result("unknown", "", expected, "无法读取内存与交换空间",
                      "swap unknown: " + unknown_reason(facts, "memory"))
    observed = "swap %s, RAM %s" % (gib(swap), gib(total))
    zh = "交换空间 %s，内存 %s" % (gib(swap), gib(total))
    if swap <= total * spec.SWAP_MAX_RATIO:
        return result("pass", observed, expected, zh, observed)
    return result("warn", observed, expected, zh + "，交换空间大于内存", observed + ": swap larger than RAM",
                  "减小交换空间（swapoff 后缩小 swap 分区或文件）或增加内存。",
                  "Shrink the swap space (swapoff, then a smaller swap partition or file) or add memory.")


def _sysctl_remedy(items):
    lines = "; ".join("%s = %s" % (i["name"], i["expected"]) for i in items)
    return ("将以下内核参数写入 /etc/sysctl.d/90-opengauss.conf 后执行 sysctl --system：%s%s。" % (lines, ROLE_HINT_ZH),
            "Put these kernel parameters in /etc/sysctl.d/90-opengauss.conf, then run sysctl --system: %s%s."
            % (lines, ROLE_HINT_EN))


def _port_range_ok(real, expected):
    try:
        low, high = [int(x) for x in real.split()]
        want_low, want_high = [int(x) for x in expected.split()]
    except ValueError:
        return False
    return low >= want_low and high <= want_high


def judge_sysctls(values, mem_total_bytes, in_container):
    """``(fail items, warn items, hidden keys)`` of the installer's sysctl table (A6)."""
    failing, warning, hidden = [], [], []
    for key, expected in spec.SYSCTL_MANDATORY.items():
        real = values.get(key)
        if real is None:
            if key in spec.SYSCTL_IF_PRESENT:
                continue  # removed from the kernel (4.12+): nothing to set
            if in_container:
                hidden.append(key)  # not in the container's network namespace
            else:
                failing.append(item_result(key, "absent", expected, "fail"))
        elif real.split() != expected.split():
            failing.append(item_result(key, real, expected, "fail"))
    real = values.get("vm.min_free_kbytes")
    if real is not None and mem_total_bytes:
        target = mem_total_bytes / 1024.0 * spec.MIN_FREE_KBYTES_PERCENT / 100.0
        spread = target * spec.MIN_FREE_KBYTES_TOLERANCE_PERCENT / 100.0
        if not target - spread <= int(real) <= target + spread:
            warning.append(item_result("vm.min_free_kbytes", real, str(int(target)), "warn"))
    for key, expected in spec.SYSCTL_SUGGESTED.items():
        real = values.get(key)
        if real is None:
            continue
        if key == "net.ipv4.ip_local_port_range":
            good = _port_range_ok(real, expected)
        elif key == "vm.overcommit_ratio" and values.get("vm.overcommit_memory") == "0":
            good = True  # the ratio only matters with overcommit_memory=2
        else:
            good = real.split() == expected.split()
        if not good:
            warning.append(item_result(key, real, expected, "warn"))
    return failing, warning, hidden


@sub_check("sysctl", "内核参数符合 openGauss 要求（A6）", "Kernel parameters as openGauss requires (A6)",
           "/proc/sys against check_list.conf: mandatory values exact (net.ipv4.tcp_tw_recycle only where the kernel "
           "has it), vm.min_free_kbytes 5 % of RAM ±10 % and the suggested values warn only",
           "/proc/sys unreadable (a snapshot without it), or mandatory keys missing from a snapshot or, in a "
           "container, keys of the host kernel it cannot see",
           ("内核参数", "sysctl"), scope=HOST_KERNEL)
def og_sysctl(facts, ctx):
    values = sysctl_values(facts)
    expected = "check_list.conf values (%d mandatory)" % len(spec.SYSCTL_MANDATORY)
    if not values or all(v is None for v in values.values()):
        return result("unknown", "", expected, "无法读取内核参数（/proc/sys）",
                      "kernel parameters unreadable: " + unknown_reason(facts, "security.sysctl", "security"))
    memory = (section(facts, "memory") or {}).get("total_bytes")
    # a key missing from a container's /proc/sys or from a snapshot is not known to be missing
    # from the host kernel
    failing, warning, hidden = judge_sysctls(values, memory, running_in_container(facts) or from_snapshot(facts))
    items = failing + warning
    shown = failing or warning
    text_zh = cut_list("%s=%s（应为 %s）" % (i["name"], i["observed"], i["expected"]) for i in shown)
    text_en = cut_list(("%s=%s (expected %s)" % (i["name"], i["observed"], i["expected"]) for i in shown), sep=", ")
    observed = cut_list(("%s=%s" % (i["name"], i["observed"]) for i in items), sep=", ") or "as required"
    remedy = _sysctl_remedy(items) if items else ("", "")
    if failing:
        outcome = result("fail", observed, expected, "%d 项内核参数不符合：%s" % (len(failing), text_zh),
                         "%d kernel parameter(s) differ: %s" % (len(failing), text_en), *remedy)
        if warning:
            outcome["message_zh"] += "；另有 %d 项建议值不符" % len(warning)
            outcome["message_en"] += "; %d suggested value(s) differ too" % len(warning)
    elif hidden:
        where_zh, where_en = ("快照中没有", "not in the snapshot") if from_snapshot(facts) else (
            "容器内看不到宿主机内核参数", "host kernel parameters not visible in the container")
        outcome = result("unknown", "not visible: " + ", ".join(hidden), expected,
                         "%s：%s" % (where_zh, "、".join(hidden)), "%s: %s" % (where_en, ", ".join(hidden)), *remedy)
    elif warning:
        outcome = result("warn", observed, expected, "%d 项建议值不符：%s" % (len(warning), text_zh),
                         "%d suggested value(s) differ: %s" % (len(warning), text_en), *remedy)
    else:
        outcome = result("pass", "as required", expected, "内核参数均符合要求", "every kernel parameter as required")
    outcome["items"] = items
    if hidden and failing:
        outcome["message_zh"] += "；另有 %d 项在容器内不可见" % len(hidden)
        outcome["message_en"] += "; %d more not visible in the container" % len(hidden)
    return outcome


# Linux defaults when limits.conf says nothing (RLIMIT_STACK 8 MiB, RLIMIT_AS unlimited,
# nofile 1024/4096); nproc's default depends on RAM, never unlimited.
LIMIT_DEFAULTS = {"stack": ("8192", "unlimited"), "as": ("unlimited", "unlimited"),
                  "nofile": ("1024", "4096"), "nproc": (None, None)}
UNLIMITED = ("unlimited", "infinity", "-1")


def effective_limit(configured, item, kind):
    """``(value, domain)`` pam_limits gives the database user: user over @group over ``*``."""
    for domain in (spec.USER, "@" + spec.GROUP, "*"):
        value = (configured.get(domain) or {}).get("%s %s" % (kind, item))
        if value is not None:
            return value, domain
    default = LIMIT_DEFAULTS[item][0 if kind == "soft" else 1]
    return default, None


def limit_ok(value, wanted, mode):
    if value is None:
        return False
    if value.lower() in UNLIMITED:
        return True
    if mode == "unlimited":
        return False
    try:
        return int(value) >= wanted
    except ValueError:
        return False


@sub_check("limits", "数据库用户资源限制（A7）", "Resource limits of the database user (A7)",
           "/etc/security/limits.conf and limits.d/*.conf as pam_limits applies them to omm (omm over @dbgrp over *): "
           "nofile ≥ 1000000 (warn), stack ≥ 3072 KB (fail), nproc and as unlimited (warn)",
           "No limits.conf under the root (a snapshot without etc/security)", ("资源限制", "Limits"))
def og_limits(facts, ctx):
    limits = (section(facts, "security") or {}).get("limits")
    expected = "nofile >= 1000000, stack >= 3072, nproc unlimited, as unlimited (user omm)"
    if not limits or (not limits.get("configured") and not limits.get("readable", True)):
        return result("unknown", "", expected, "无法读取 /etc/security/limits.conf",
                      "limits unknown: " + unknown_reason(facts, "security"))
    configured = limits.get("configured") or {}
    items, lines = [], []
    for item, (wanted, mode, severity) in spec.LIMITS.items():
        for kind in ("soft", "hard"):
            value, domain = effective_limit(configured, item, kind)
            if not limit_ok(value, wanted, mode):
                shown = value if value is not None else "default"
                if domain is None:
                    shown += " (not configured)"
                items.append(item_result("%s %s" % (kind, item), shown, str(wanted), severity))
                lines.append("%s %s %s %s" % (spec.USER, kind, item, wanted))
    if not items:
        return result("pass", "as required", expected, "omm 的资源限制符合要求", "the limits of omm are as required")
    status = "fail" if any(i["status"] == "fail" for i in items) else "warn"
    text = cut_list(("%s=%s" % (i["name"], i["observed"]) for i in items), sep=", ")
    outcome = result(status, text, expected, "omm 的资源限制不符合：%s" % text,
                     "limits of omm below the requirement: %s" % text,
                     "在 /etc/security/limits.d/90-opengauss.conf 中写入：%s%s。" % ("; ".join(lines), ROLE_HINT_ZH),
                     "Put in /etc/security/limits.d/90-opengauss.conf: %s%s." % ("; ".join(lines), ROLE_HINT_EN))
    outcome["items"] = items
    return outcome


# --- A10 IO scheduler and asynchronous IO -------------------------------------------------------

def data_disks(facts):
    """``(disks, note_en)``: the disks under the data directory, else every counted disk."""
    disks = section(facts, "disks")
    if disks is None:
        return None, ""
    names = ((section(facts, "opengauss") or {}).get("data_dir") or {}).get("disks") or []
    under = [d for d in disks if d["name"] in names]
    if under:
        return under, "disks under the data directory"
    return [d for d in disks if d.get("counted", True)], "every disk (the data directory's disk is not known)"


@sub_check("io_scheduler", "数据盘 IO 调度器与队列深度（A10）", "IO scheduler and queue depth of the data disks (A10)",
           "queue/scheduler of the disks under the data directory (else of every disk) must be deadline or "
           "mq-deadline (NVMe defaults to none: fail); queue/nr_requests 32768 (warn)",
           "sys/block unreadable", ("IO 调度器", "IO scheduler"), scope=HOST_KERNEL)
def og_io_scheduler(facts, ctx):
    disks, which = data_disks(facts)
    expected = "scheduler deadline/mq-deadline, nr_requests %d" % spec.NR_REQUESTS
    if not disks:
        return result("unknown", "", expected, "无法读取磁盘 IO 调度器",
                      "IO schedulers unknown: " + unknown_reason(facts, "disks"))
    items, commands = [], []
    for disk in disks:
        scheduler = disk.get("scheduler")
        offered = disk.get("schedulers") or []
        want = "mq-deadline" if "mq-deadline" in offered or "deadline" not in offered else "deadline"
        if scheduler is None:
            items.append(item_result(disk["name"], "unreadable", want, "unknown"))
        elif scheduler not in spec.IO_SCHEDULERS:
            items.append(item_result(disk["name"], scheduler, want, "fail"))
            commands.append("echo %s > /sys/block/%s/queue/scheduler" % (want, disk["name"]))
        nr_requests = disk.get("nr_requests")
        if nr_requests is not None and nr_requests != spec.NR_REQUESTS:
            items.append(item_result(disk["name"] + " nr_requests", str(nr_requests), str(spec.NR_REQUESTS), "warn"))
            commands.append("echo %d > /sys/block/%s/queue/nr_requests" % (spec.NR_REQUESTS, disk["name"]))
    observed = ", ".join("%s [%s] nr_requests %s" % (d["name"], d.get("scheduler"), d.get("nr_requests"))
                         for d in disks)
    statuses = {i["status"] for i in items}
    status = next((s for s in ("fail", "unknown", "warn") if s in statuses), "pass")
    zh_which = "数据目录所在磁盘" if which.startswith("disks under") else "全部磁盘（未能确定数据目录所在磁盘）"
    if status == "pass":
        return result("pass", observed, expected, "%s：%s" % (zh_which, observed), "%s: %s" % (which, observed))
    bad = cut_list(("%s=%s（应为 %s）" % (i["name"], i["observed"], i["expected"]) for i in items))
    bad_en = cut_list(("%s=%s (expected %s)" % (i["name"], i["observed"], i["expected"]) for i in items), sep=", ")
    remedy = ("", "")
    if commands:
        remedy = ("执行 %s，并写入 udev 规则（/etc/udev/rules.d/60-opengauss-io.rules）使重启后仍生效%s。"
                  % ("; ".join(commands), ROLE_HINT_ZH),
                  "Run %s and add a udev rule (/etc/udev/rules.d/60-opengauss-io.rules) so it survives a "
                  "reboot%s." % ("; ".join(commands), ROLE_HINT_EN))
    outcome = result(status, observed, expected, "%s：%s" % (zh_which, bad), "%s: %s" % (which, bad_en), *remedy)
    outcome["items"] = items
    return outcome


@sub_check("aio_max_nr", "异步 IO 请求上限 fs.aio-max-nr（A10）", "Asynchronous IO limit fs.aio-max-nr (A10)",
           "/proc/sys/fs/aio-max-nr ≥ 104857600", "/proc/sys/fs/aio-max-nr unreadable", ("异步 IO 上限", "aio-max-nr"),
           scope=HOST_KERNEL)
def og_aio_max_nr(facts, ctx):
    value = sysctl_values(facts).get("fs.aio-max-nr")
    expected = ">= %d" % spec.AIO_MAX_NR_MIN
    if value is None or not value.strip().isdigit():
        return result("unknown", value or "", expected, "无法读取 fs.aio-max-nr",
                      "fs.aio-max-nr unknown: " + unknown_reason(facts, "security.sysctl", "security"))
    if int(value) >= spec.AIO_MAX_NR_MIN:
        return result("pass", value, expected, "fs.aio-max-nr = %s" % value, "fs.aio-max-nr = %s" % value)
    return result("fail", value, expected, "fs.aio-max-nr = %s，低于 %d" % (value, spec.AIO_MAX_NR_MIN),
                  "fs.aio-max-nr = %s, below %d" % (value, spec.AIO_MAX_NR_MIN),
                  "将 fs.aio-max-nr = %d 写入 /etc/sysctl.d/90-opengauss.conf 后执行 sysctl --system%s。"
                  % (spec.AIO_MAX_NR_MIN, ROLE_HINT_ZH),
                  "Put fs.aio-max-nr = %d in /etc/sysctl.d/90-opengauss.conf, then run sysctl --system%s."
                  % (spec.AIO_MAX_NR_MIN, ROLE_HINT_EN))
