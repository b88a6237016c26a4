# -*- coding: utf-8 -*-
"""openGauss prerequisites: 附件2 二、row 9, checked the way its installer does.

``db.opengauss`` summarises a family of sub-checks that mirror the items of
``gs_preinstall`` / ``gs_checkos`` (A1-A14) and the settings the installer
makes itself (RemoveIPC, SELinux, pam_limits, omm/dbgrp, packages, port
reservation), so a region learns before installation day what the installer
would reject.  Severity follows the installer: "Abnormal" is ``fail``,
"Warning" is ``warn``.  The values live in ``fep.opengauss_spec``.

Three items compare the servers of one hospital (A2 kernel, A3 LANG, A4 time
zone): each host's own check says what it has, and the hospital stage
(checks/hospital.py ``judge_hospitals``, run by fep_results and by the merge
over all hosts) compares the servers of each hospital.
"""
from collections import OrderedDict

from .. import opengauss_spec as spec
from .opengauss_summary import SHORT_ZH, summary_result
from .port_access import zone_admits
from .registry import HOST_KERNEL, check, result, unknown_reason
from .software import os_text
from .util import GIB, gib, join, section

PARENT = "db.opengauss"
ROW = "二-9"
TAGS = ("software", "database", "opengauss")
ROLE_HINT_ZH = "（或运行 fep_opengauss_prereqs 角色一次完成）"
ROLE_HINT_EN = " (or run the fep_opengauss_prereqs role, which does it all)"


def _sub(name, title_zh, title_en, measured, unknown, short_zh, scope=None):
    """Register ``db.opengauss.<name>`` as a sub-check of db.opengauss."""
    check_id = "%s.%s" % (PARENT, name)
    SHORT_ZH[check_id] = short_zh
    return check(check_id, ROW, title_zh, title_en, TAGS, measured, unknown, parent=PARENT, scope=scope)


def _in_container(facts):
    return bool((section(facts, "virtualization") or {}).get("container"))


def _is_snapshot(facts):
    return bool((section(facts, "collector") or {}).get("snapshot"))


def _sysctls(facts):
    return (section(facts, "security") or {}).get("sysctl") or {}


def _cut(items, limit=6, sep="、"):
    """At most ``limit`` items, then "等 N 项" / "and N more"."""
    items = list(items)
    text = sep.join(items[:limit])
    if len(items) > limit:
        text += ("等 %d 项" if sep == "、" else " and %d more") % len(items)
    return text


def _item(name, observed, expected, status):
    return OrderedDict((("name", name), ("observed", observed), ("expected", expected), ("status", status)))


# --- the summary ----------------------------------------------------------------------

@check(PARENT, ROW, "支持运行 openGauss 或同等架构数据库",
       "Can run openGauss (or a same-architecture database)", TAGS,
       "Capability decides: fail only when no openGauss build exists for the CPU (arch, x86 flags); the "
       "installer's tuning items (gs_preinstall / gs_checkos A1-A14) and fepkit's data-directory advice make "
       "it warn, listed as items to fix before installing (plugins/module_utils/fep/checks/opengauss_summary.py)",
       "The architecture, CPU flags or OS cannot be read (and none fails)")
def db_opengauss(facts, ctx, parts):
    return summary_result(parts)


# --- A1 OS, architecture, CPU ------------------------------------------------------------

def _rhel_version_ok(version_id):
    numbers = []
    for part in (version_id or "").split(".")[:2]:
        if not part.isdigit():
            break
        numbers.append(int(part))
    if not numbers:
        return None
    major, minor = numbers[0], numbers[1] if len(numbers) > 1 else 0
    return spec.OS_RHEL_MIN <= (major, minor) and major <= spec.OS_RHEL_MAX_MAJOR


@_sub("os", "操作系统在 openGauss 安装程序支持之列（A1）", "OS in the openGauss installer's list (A1)",
      "/etc/os-release ID against gs_checkos A1: openEuler, Kylin, UOS, EulerOS, FusionOS, BC-Linux … "
      "or RHEL/CentOS 6.4-8.x", "/etc/os-release missing", "操作系统")
def og_os(facts, ctx):
    os_facts = section(facts, "os") or {}
    os_id = (os_facts.get("id") or "").lower()
    text = os_text(os_facts)
    expected = "openEuler/Kylin/UOS/EulerOS/FusionOS/… or RHEL/CentOS 6.4-8.x"
    if not os_id:
        return result("unknown", "", expected, "无法识别操作系统",
                      "OS not recognised: " + unknown_reason(facts, "os"))
    supported = os_id in spec.OS_IDS
    if supported and os_id in spec.OS_RHEL_LIKE:
        supported = _rhel_version_ok(os_facts.get("version_id"))
    if supported:
        return result("pass", text, expected, "%s 在 openGauss 支持之列" % text,
                      "%s is supported by the openGauss installer" % text)
    return result("warn", text, expected,
                  "%s 不在 openGauss 安装程序的操作系统列表中（安装时需人工确认继续）" % text,
                  "%s is not in the openGauss installer's OS list (it asks before going on)" % text,
                  "使用麒麟、openEuler、统信等服务器版操作系统（麒麟、统信使用 openEuler 版的 openGauss）。",
                  "Use a server OS the installer supports: Kylin, openEuler, UOS (Kylin and UOS take "
                  "the openEuler build).")


@_sub("arch", "CPU 架构有 openGauss 官方版本", "An openGauss build exists for the architecture",
      "uname -m (proc/sys/kernel/arch, else inferred from /proc/cpuinfo): only x86_64 and aarch64 builds exist",
      "Architecture unknown", "CPU 架构")
def og_arch(facts, ctx):
    arch = (section(facts, "cpu") or {}).get("arch")
    expected = "x86_64 or aarch64"
    if not arch:
        return result("unknown", "", expected, "无法确定 CPU 架构",
                      "architecture unknown: " + unknown_reason(facts, "cpu.arch", "cpu"))
    if arch in spec.ARCHES:
        return result("pass", arch, expected, "%s：有 openGauss 官方版本" % arch, "%s: openGauss build exists" % arch)
    return result("fail", arch, expected, "openGauss 无 %s 架构的官方版本" % arch, "no openGauss build for %s" % arch,
                  "选用 x86_64 或 aarch64 架构的服务器（鲲鹏、飞腾、海光、兆芯），"
                  "或向软件厂商确认同等架构数据库的适配。",
                  "Use an x86_64 or aarch64 server (Kunpeng, Phytium, Hygon, Zhaoxin), or confirm a "
                  "same-architecture database with the software vendor.")


@_sub("cpu_flags", "x86 CPU 支持 avx 与 rdtscp 指令", "x86 CPU has the avx and rdtscp flags",
      "flags line of /proc/cpuinfo (x86_64 only; skipped on other architectures)",
      "x86_64 without a flags line in /proc/cpuinfo", "CPU 指令集")
def og_cpu_flags(facts, ctx):
    cpu = section(facts, "cpu") or {}
    arch = cpu.get("arch")
    expected = "x86_64: " + " ".join(spec.X86_CPU_FLAGS)
    if arch != "x86_64":
        return result("skip", "not x86_64", expected, "不适用（%s）" % (arch or "架构未知"),
                      "not applicable (%s)" % (arch or "architecture unknown"))
    flags = cpu.get("x86_flags")
    if flags is None:
        return result("unknown", "", expected, "/proc/cpuinfo 无 flags 行",
                      "no CPU flags: " + unknown_reason(facts, "cpu.x86_flags", "cpu"))
    missing = [f for f in spec.X86_CPU_FLAGS if not flags.get(f)]
    if not missing:
        return result("pass", "avx rdtscp", expected, "CPU 支持 avx、rdtscp", "CPU has avx and rdtscp")
    return result("fail", "missing: " + " ".join(missing), expected, "CPU 缺少指令集 %s" % "、".join(missing),
                  "CPU lacks %s" % ", ".join(missing),
                  "选用支持 avx 与 rdtscp 指令的 CPU（较早的兆芯型号不支持）；虚拟机需向宿主机透传这些 CPU 特性。",
                  "Use a CPU with avx and rdtscp (older Zhaoxin models lack them); a VM must pass the host's "
                  "CPU features through.")


# --- A2-A4 the same on every server of the hospital --------------------------------------

@_sub("kernel", "本院各服务器内核版本一致（A2）", "Same kernel on the hospital's servers (A2)",
      "proc/sys/kernel/osrelease, compared across the servers of one hospital "
      "(same fep_hospital name and division) in the results",
      "Kernel release unreadable", "内核版本")
def og_kernel(facts, ctx):
    kernel = (section(facts, "os") or {}).get("kernel")
    if not kernel:
        return result("unknown", "", "same kernel on every server of the hospital", "无法读取内核版本",
                      "kernel release unknown: " + unknown_reason(facts, "os.kernel"))
    return result("pass", kernel, "same kernel on every server of the hospital", "内核 %s" % kernel,
                  "kernel %s" % kernel)


@_sub("locale", "已设置 LANG 且本院各服务器一致（A3）", "LANG set, the same on the hospital's servers (A3)",
      "LANG in /etc/locale.conf (or /etc/default/locale), compared across the servers of one hospital",
      "Locale files unreadable", "字符集 LANG")
def og_locale(facts, ctx):
    security = section(facts, "security")
    expected = "LANG set (e.g. en_US.UTF-8), the same on every server of the hospital"
    if security is None:
        return result("unknown", "", expected, "无法读取 LANG", "LANG unknown: " + unknown_reason(facts, "security"))
    lang = security.get("lang")
    if not lang and "security.lang" in (facts.get("unknown") or {}):
        return result("unknown", "", expected, "快照中没有字符集配置文件",
                      "LANG unknown: " + unknown_reason(facts, "security.lang"))
    if not lang:
        return result("warn", "LANG not set", expected, "未设置系统字符集 LANG",
                      "no system LANG is set (/etc/locale.conf)",
                      "设置系统字符集：localectl set-locale LANG=en_US.UTF-8（本院各服务器取相同值）。",
                      "Set the system locale: localectl set-locale LANG=en_US.UTF-8 (the same on every server "
                      "of the hospital).")
    return result("pass", "LANG=%s" % lang, expected, "LANG=%s" % lang, "LANG=%s" % lang)


@_sub("timezone", "本院各服务器时区一致（A4）", "Same time-zone offset on the hospital's servers (A4)",
      "UTC offset of /etc/localtime (TZif footer, as date -R prints it), compared across the servers of "
      "one hospital", "/etc/localtime unreadable", "时区")
def og_timezone(facts, ctx):
    offset = (section(facts, "opengauss") or {}).get("timezone_offset")
    zone = (section(facts, "security") or {}).get("timezone")
    expected = "the same UTC offset on every server of the hospital"
    if not offset:
        return result("unknown", zone or "", expected, "无法确定时区偏移",
                      "time-zone offset unknown: " + unknown_reason(facts, "opengauss.timezone_offset", "opengauss"))
    text = "%s (UTC%s)" % (zone, offset) if zone else "UTC%s" % offset
    return result("pass", text, expected, "时区 %s" % text, "time zone %s" % text)


# --- A5 swap, A6 sysctl, A7 limits ------------------------------------------------------------

@_sub("swap", "交换空间不大于物理内存（A5）", "Swap no larger than memory (A5)",
      "SwapTotal and MemTotal from /proc/meminfo", "/proc/meminfo unreadable", "交换空间", scope=HOST_KERNEL)
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
                failing.append(_item(key, "absent", expected, "fail"))
        elif real.split() != expected.split():
            failing.append(_item(key, real, expected, "fail"))
    real = values.get("vm.min_free_kbytes")
    if real is not None and mem_total_bytes:
        target = mem_total_bytes / 1024.0 * spec.MIN_FREE_KBYTES_PERCENT / 100.0
        spread = target * spec.MIN_FREE_KBYTES_TOLERANCE_PERCENT / 100.0
        if not target - spread <= int(real) <= target + spread:
            warning.append(_item("vm.min_free_kbytes", real, str(int(target)), "warn"))
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
            warning.append(_item(key, real, expected, "warn"))
    return failing, warning, hidden


@_sub("sysctl", "内核参数符合 openGauss 要求（A6）", "Kernel parameters as openGauss requires (A6)",
      "/proc/sys against check_list.conf: mandatory values exact (net.ipv4.tcp_tw_recycle only where the kernel "
      "has it), vm.min_free_kbytes 5 % of RAM ±10 % and the suggested values warn only",
      "/proc/sys unreadable (a snapshot without it), or mandatory keys missing from a snapshot or, in a "
      "container, keys of the host kernel it cannot see",
      "内核参数", scope=HOST_KERNEL)
def og_sysctl(facts, ctx):
    values = _sysctls(facts)
    expected = "check_list.conf values (%d mandatory)" % len(spec.SYSCTL_MANDATORY)
    if not values or all(v is None for v in values.values()):
        return result("unknown", "", expected, "无法读取内核参数（/proc/sys）",
                      "kernel parameters unreadable: " + unknown_reason(facts, "security.sysctl", "security"))
    memory = (section(facts, "memory") or {}).get("total_bytes")
    # a key missing from a container's /proc/sys or from a snapshot is not known to be missing
    # from the host kernel
    failing, warning, hidden = judge_sysctls(values, memory, _in_container(facts) or _is_snapshot(facts))
    items = failing + warning
    shown = failing or warning
    text_zh = _cut("%s=%s（应为 %s）" % (i["name"], i["observed"], i["expected"]) for i in shown)
    text_en = _cut(("%s=%s (expected %s)" % (i["name"], i["observed"], i["expected"]) for i in shown), sep=", ")
    observed = _cut(("%s=%s" % (i["name"], i["observed"]) for i in items), sep=", ") or "as required"
    remedy = _sysctl_remedy(items) if items else ("", "")
    if failing:
        outcome = result("fail", observed, expected, "%d 项内核参数不符合：%s" % (len(failing), text_zh),
                         "%d kernel parameter(s) differ: %s" % (len(failing), text_en), *remedy)
        if warning:
            outcome["message_zh"] += "；另有 %d 项建议值不符" % len(warning)
            outcome["message_en"] += "; %d suggested value(s) differ too" % len(warning)
    elif hidden:
        where_zh, where_en = ("快照中没有", "not in the snapshot") if _is_snapshot(facts) else (
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


@_sub("limits", "数据库用户资源限制（A7）", "Resource limits of the database user (A7)",
      "/etc/security/limits.conf and limits.d/*.conf as pam_limits applies them to omm (omm over @dbgrp over *): "
      "nofile ≥ 1000000 (warn), stack ≥ 3072 KB (fail), nproc and as unlimited (warn)",
      "No limits.conf under the root (a snapshot without etc/security)", "资源限制")
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
                items.append(_item("%s %s" % (kind, item), shown, str(wanted), severity))
                lines.append("%s %s %s %s" % (spec.USER, kind, item, wanted))
    if not items:
        return result("pass", "as required", expected, "omm 的资源限制符合要求", "the limits of omm are as required")
    status = "fail" if any(i["status"] == "fail" for i in items) else "warn"
    text = _cut(("%s=%s" % (i["name"], i["observed"]) for i in items), sep=", ")
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


@_sub("io_scheduler", "数据盘 IO 调度器与队列深度（A10）", "IO scheduler and queue depth of the data disks (A10)",
      "queue/scheduler of the disks under the data directory (else of every disk) must be deadline or "
      "mq-deadline (NVMe defaults to none: fail); queue/nr_requests 32768 (warn)",
      "sys/block unreadable", "IO 调度器", scope=HOST_KERNEL)
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
            items.append(_item(disk["name"], "unreadable", want, "unknown"))
        elif scheduler not in spec.IO_SCHEDULERS:
            items.append(_item(disk["name"], scheduler, want, "fail"))
            commands.append("echo %s > /sys/block/%s/queue/scheduler" % (want, disk["name"]))
        nr_requests = disk.get("nr_requests")
        if nr_requests is not None and nr_requests != spec.NR_REQUESTS:
            items.append(_item(disk["name"] + " nr_requests", str(nr_requests), str(spec.NR_REQUESTS), "warn"))
            commands.append("echo %d > /sys/block/%s/queue/nr_requests" % (spec.NR_REQUESTS, disk["name"]))
    observed = ", ".join("%s [%s] nr_requests %s" % (d["name"], d.get("scheduler"), d.get("nr_requests"))
                         for d in disks)
    statuses = {i["status"] for i in items}
    status = next((s for s in ("fail", "unknown", "warn") if s in statuses), "pass")
    zh_which = "数据目录所在磁盘" if which.startswith("disks under") else "全部磁盘（未能确定数据目录所在磁盘）"
    if status == "pass":
        return result("pass", observed, expected, "%s：%s" % (zh_which, observed), "%s: %s" % (which, observed))
    bad = _cut(("%s=%s（应为 %s）" % (i["name"], i["observed"], i["expected"]) for i in items))
    bad_en = _cut(("%s=%s (expected %s)" % (i["name"], i["observed"], i["expected"]) for i in items), sep=", ")
    remedy = ("", "")
    if commands:
        remedy = ("执行 %s，并写入 udev 规则（/etc/udev/rules.d/60-opengauss-io.rules）使重启后仍生效%s。"
                  % ("; ".join(commands), ROLE_HINT_ZH),
                  "Run %s and add a udev rule (/etc/udev/rules.d/60-opengauss-io.rules) so it survives a "
                  "reboot%s." % ("; ".join(commands), ROLE_HINT_EN))
    outcome = result(status, observed, expected, "%s：%s" % (zh_which, bad), "%s: %s" % (which, bad_en), *remedy)
    outcome["items"] = items
    return outcome


@_sub("aio_max_nr", "异步 IO 请求上限 fs.aio-max-nr（A10）", "Asynchronous IO limit fs.aio-max-nr (A10)",
      "/proc/sys/fs/aio-max-nr ≥ 104857600", "/proc/sys/fs/aio-max-nr unreadable", "异步 IO 上限",
      scope=HOST_KERNEL)
def og_aio_max_nr(facts, ctx):
    value = _sysctls(facts).get("fs.aio-max-nr")
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


# --- A12 time sync, A13 firewalld, A14 THP -------------------------------------------------------

@_sub("time_sync", "时间同步服务运行中（A12）", "Time synchronisation running (A12)",
      "chronyd or ntpd among the running processes (what gs_checkos looks for)",
      "Process list unreadable", "时间同步")
def og_time_sync(facts, ctx):
    security = section(facts, "security")
    expected = "chronyd or ntpd running"
    if security is None or "security.processes" in ((facts or {}).get("unknown") or {}):
        return result("unknown", "", expected, "无法读取进程列表",
                      "process list unknown: " + unknown_reason(facts, "security.processes", "security"))
    running = (security.get("time_sync") or {}).get("running") or []
    accepted = [n for n in running if n in spec.TIME_SYNC_DAEMONS]
    if accepted:
        return result("pass", join(accepted), expected, "%s 运行中" % join(accepted, "、"),
                      "%s running" % join(accepted))
    other = "（%s 运行中，但安装程序只认 chronyd、ntpd）" % join(running, "、") if running else ""
    other_en = " (%s runs, but the installer looks for chronyd or ntpd)" % join(running) if running else ""
    return result("warn", join(running) or "none", expected, "未运行 chronyd 或 ntpd" + other,
                  "neither chronyd nor ntpd is running" + other_en,
                  "启用时间同步：systemctl enable --now chronyd（并配置院内或国家授时服务器）。",
                  "Enable time synchronisation: systemctl enable --now chronyd (with the hospital's time server).")


@_sub("firewalld", "firewalld 已停止或已放行数据库端口（A13）", "firewalld stopped or the database port allowed (A13)",
      "firewalld running (process) and its permanent zones (/etc/firewalld/zones): the database port "
      "(fep_ports.database) must be allowed in a zone, by port, range, service or target ACCEPT",
      "Process list unreadable", "防火墙")
def og_firewalld(facts, ctx):
    firewall = (section(facts, "security") or {}).get("firewall")
    port = int(ctx.ports.get("database", 5432)) if ctx is not None else 5432
    expected = "firewalld stopped, or %d/tcp allowed" % port
    if not firewall:
        return result("unknown", "", expected, "无法读取防火墙状态",
                      "firewall state unknown: " + unknown_reason(facts, "security"))
    if firewall.get("state") == "unknown":
        return result("unknown", "%s state unknown" % firewall.get("backend"), expected, "无法判断 firewalld 是否运行",
                      "firewalld state unknown: %s" % (firewall.get("detail") or unknown_reason(facts, "security")))
    if firewall.get("backend") != "firewalld" or firewall.get("state") != "running":
        return result("pass", "firewalld not running", expected, "firewalld 未运行", "firewalld is not running")
    zones = firewall.get("zones") or {}
    allowing = sorted(name for name, zone in zones.items() if zone_admits(zone, port))
    if allowing:
        return result("pass", "running, %d/tcp allowed in %s" % (port, join(allowing)), expected,
                      "firewalld 运行中，区域 %s 已放行 %d/tcp" % (join(allowing, "、"), port),
                      "firewalld running, %d/tcp allowed in zone %s" % (port, join(allowing)))
    zone = firewall.get("default_zone") or "public"
    return result("warn", "running, %d/tcp not allowed" % port, expected,
                  "firewalld 运行中，未放行数据库端口 %d/tcp" % port,
                  "firewalld is running without the database port %d/tcp" % port,
                  "在院内网区域放行数据库端口：firewall-cmd --permanent --zone=%s --add-port=%d/tcp && "
                  "firewall-cmd --reload（fep_firewall 角色按区域开放前置软件端口）。" % (zone, port),
                  "Allow the database port in the intranet zone: firewall-cmd --permanent --zone=%s "
                  "--add-port=%d/tcp && firewall-cmd --reload (the fep_firewall role opens the front-end "
                  "ports per zone)." % (zone, port))


@_sub("thp", "透明大页已关闭（A14）", "Transparent huge pages off (A14)",
      "/sys/kernel/mm/transparent_hugepage/enabled must show [never]",
      "A snapshot without sys/kernel/mm/transparent_hugepage", "透明大页", scope=HOST_KERNEL)
def og_thp(facts, ctx):
    security = section(facts, "security")
    expected = "[never]"
    enabled = ((security or {}).get("thp") or {}).get("enabled")
    if security is None or (enabled is None and _is_snapshot(facts)):
        return result("unknown", "", expected, "无法读取透明大页设置",
                      "THP setting unknown: " + unknown_reason(facts, "security.thp", "security"))
    if enabled is None:
        return result("pass", "not built in the kernel", expected, "内核未启用透明大页", "the kernel has no THP")
    if enabled == spec.THP_ENABLED:
        return result("pass", "[never]", expected, "透明大页已关闭（never）", "THP off ([never])")
    return result("fail", "[%s]" % enabled, expected, "透明大页为 %s，应为 never" % enabled,
                  "THP is [%s], expected [never]" % enabled,
                  "执行 echo never > /sys/kernel/mm/transparent_hugepage/enabled，并加入内核启动参数 "
                  "transparent_hugepage=never（grubby --update-kernel=ALL --args=transparent_hugepage=never）"
                  "使重启后仍生效%s。" % ROLE_HINT_ZH,
                  "Run echo never > /sys/kernel/mm/transparent_hugepage/enabled and add the boot parameter "
                  "transparent_hugepage=never (grubby --update-kernel=ALL --args=transparent_hugepage=never)%s."
                  % ROLE_HINT_EN)


# --- settings gs_preinstall makes itself ----------------------------------------------------------

@_sub("remove_ipc", "systemd-logind 不删除 IPC（RemoveIPC=no）", "systemd-logind keeps IPC (RemoveIPC=no)",
      "RemoveIPC in /etc/systemd/logind.conf and its drop-ins (systemd's default is yes: the database's "
      "shared memory is removed when omm logs out)", "A snapshot without etc/systemd", "RemoveIPC")
def og_remove_ipc(facts, ctx):
    security = section(facts, "security")
    opengauss = section(facts, "opengauss") or {}
    value = (security or {}).get("remove_ipc")
    expected = "RemoveIPC=no"
    remedy = ("在 /etc/systemd/logind.conf 中设置 RemoveIPC=no，然后执行 systemctl restart systemd-logind%s。"
              % ROLE_HINT_ZH,
              "Set RemoveIPC=no in /etc/systemd/logind.conf, then systemctl restart systemd-logind%s." % ROLE_HINT_EN)
    if security is None:
        return result("unknown", "", expected, "无法读取 logind 配置", "logind settings unknown: "
                      + unknown_reason(facts, "security"))
    if value == spec.REMOVE_IPC:
        return result("pass", "RemoveIPC=no", expected, "RemoveIPC=no", "RemoveIPC=no")
    if value is not None:
        return result("fail", "RemoveIPC=%s" % value, expected,
                      "RemoveIPC=%s：omm 退出登录时数据库共享内存会被删除" % value,
                      "RemoveIPC=%s: the database's shared memory is removed when omm logs out" % value, *remedy)
    if opengauss.get("logind"):
        return result("fail", "RemoveIPC not set (default yes)", expected,
                      "未设置 RemoveIPC（systemd 默认 yes）：omm 退出登录时数据库共享内存会被删除",
                      "RemoveIPC not set (systemd's default is yes): the database's shared memory is removed "
                      "when omm logs out", *remedy)
    if _is_snapshot(facts):
        return result("unknown", "", expected, "快照中没有 systemd-logind 配置",
                      "no systemd-logind configuration in the snapshot")
    return result("pass", "no systemd-logind", expected, "未安装 systemd-logind，无需设置",
                  "no systemd-logind on the host: nothing removes IPC")


@_sub("selinux", "SELinux 未处于强制模式", "SELinux not enforcing",
      "/sys/fs/selinux/enforce and SELINUX= in /etc/selinux/config (gs_preinstall runs setenforce 0 and wants "
      "SELINUX=disabled)", "A snapshot with neither file (a live host without them has no SELinux: disabled)",
      "SELinux", scope=HOST_KERNEL)
def og_selinux(facts, ctx):
    selinux = (section(facts, "security") or {}).get("selinux")
    expected = "not enforcing (SELINUX=disabled)"
    if not selinux:
        return result("unknown", "", expected, "无法读取 SELinux 状态", "SELinux state unknown: "
                      + unknown_reason(facts, "security"))
    current, configured = selinux.get("current"), (selinux.get("configured") or "").lower() or None
    if current is None:
        return result("unknown", "", expected, "快照中没有 SELinux 状态与配置",
                      "SELinux state unknown: " + unknown_reason(facts, "security.selinux"))
    observed = "current %s, configured %s" % (current, configured or "-")
    if current == "enforcing" or configured == "enforcing":
        return result("warn", observed, expected,
                      "SELinux 当前 %s，配置 %s：强制模式会阻止 openGauss 运行" % (current, configured or "未设置"),
                      "SELinux is %s (configured %s): enforcing blocks openGauss" % (current, configured or "-"),
                      "执行 setenforce 0，并在 /etc/selinux/config 中设置 SELINUX=disabled%s。" % ROLE_HINT_ZH,
                      "Run setenforce 0 and set SELINUX=disabled in /etc/selinux/config%s." % ROLE_HINT_EN)
    return result("pass", observed, expected, "SELinux 当前 %s" % current, "SELinux %s" % current)


@_sub("pam_limits", "sshd 会话加载 pam_limits", "sshd sessions load pam_limits",
      "session … pam_limits.so in /etc/pam.d/sshd (or a file it includes): without it limits.conf does not "
      "apply to omm's SSH sessions", "/etc/pam.d/sshd missing", "pam_limits")
def og_pam_limits(facts, ctx):
    security = section(facts, "security")
    value = (security or {}).get("pam_limits_sshd")
    expected = spec.PAM_LIMITS_LINE + " in /etc/pam.d/sshd"
    if value is None:
        return result("unknown", "", expected, "未找到 /etc/pam.d/sshd",
                      "/etc/pam.d/sshd not found: " + unknown_reason(facts, "security"))
    if value:
        return result("pass", "pam_limits.so loaded", expected, "sshd 会话加载 pam_limits",
                      "sshd sessions load pam_limits")
    return result("warn", "pam_limits.so missing", expected,
                  "/etc/pam.d/sshd 未加载 pam_limits.so，资源限制对 SSH 会话无效",
                  "/etc/pam.d/sshd does not load pam_limits.so: limits do not apply to SSH sessions",
                  "在 /etc/pam.d/sshd 中加入一行：%s%s。" % (spec.PAM_LIMITS_LINE, ROLE_HINT_ZH),
                  "Add the line \"%s\" to /etc/pam.d/sshd%s." % (spec.PAM_LIMITS_LINE, ROLE_HINT_EN))


def _install_command(os_facts, names):
    family = os_facts.get("pkg_mgr_family")
    rpm = [spec.PACKAGES[n][2] for n in names]
    deb = [spec.PACKAGES[n][3] for n in names]
    if family == "deb":
        return "apt-get install -y %s" % " ".join(deb)
    if family == "rpm":
        return "%s install -y %s" % (os_facts.get("pkg_mgr") or "dnf", " ".join(rpm))
    return "dnf install -y %s（Debian 系：apt-get install -y %s）" % (" ".join(rpm), " ".join(deb))


@_sub("packages", "安装程序所需软件包", "Packages the installer needs",
      "File evidence, no rpm/dpkg call: bzip2 in /usr/bin (fail), the library SONAMEs of libaio (fail) and of "
      "the 7.0+ package list libedit, libxml2, lz4, numactl, unixODBC (warn) in the lib directories",
      "No library directory under the root (a snapshot)", "软件包")
def og_packages(facts, ctx):
    packages = (section(facts, "opengauss") or {}).get("packages")
    expected = "bzip2, libaio (required); libedit, libxml2, lz4, numactl, unixODBC"
    if not packages or not packages.get("searched"):
        return result("unknown", "", expected, "无法检查软件包（没有库目录）",
                      "packages unknown: " + unknown_reason(facts, "opengauss.packages", "opengauss"))
    found = packages.get("found") or {}
    missing = [n for n in spec.PACKAGES if not found.get(n)]
    required = [n for n in missing if spec.PACKAGES[n][4]]
    if not missing:
        return result("pass", "all present", expected, "所需软件包均已安装", "every package is installed")
    os_facts = section(facts, "os") or {}
    status = "fail" if required else "warn"
    text = join(missing)
    zh = ("缺少安装程序必需的 %s" % join(required, "、")) if required else ""
    optional = [n for n in missing if n not in required]
    if optional:
        zh += ("；" if zh else "") + "缺少 openGauss 7.0 起检查的 %s" % join(optional, "、")
    outcome = result(status, "missing: " + text, expected, zh, "missing: %s" % text,
                     "安装：%s%s。" % (_install_command(os_facts, missing), ROLE_HINT_ZH),
                     "Install them: %s%s." % (_install_command(os_facts, missing), ROLE_HINT_EN))
    outcome["items"] = [_item(n, "missing", "installed", "fail" if n in required else "warn") for n in missing]
    return outcome


@_sub("user_group", "数据库用户 omm 与用户组 dbgrp", "Database user omm and group dbgrp",
      "/etc/passwd and /etc/group: omm exists with dbgrp as its group (gs_preinstall -U omm -G dbgrp creates "
      "them; local accounts only, LDAP is not consulted)", "/etc/passwd or /etc/group unreadable", "omm/dbgrp")
def og_user_group(facts, ctx):
    accounts = (section(facts, "opengauss") or {}).get("accounts")
    expected = "user %s in group %s" % (spec.USER, spec.GROUP)
    if accounts is None:
        return result("unknown", "", expected, "无法读取 /etc/passwd、/etc/group",
                      "accounts unknown: " + unknown_reason(facts, "opengauss.accounts", "opengauss"))
    user, group = accounts.get("user"), accounts.get("group")
    remedy = ("创建用户组与用户：groupadd %s && useradd -g %s -m %s（gs_preinstall -U %s -G %s 也会创建）%s。"
              % (spec.GROUP, spec.GROUP, spec.USER, spec.USER, spec.GROUP, ROLE_HINT_ZH),
              "Create them: groupadd %s && useradd -g %s -m %s (gs_preinstall -U %s -G %s also does)%s."
              % (spec.GROUP, spec.GROUP, spec.USER, spec.USER, spec.GROUP, ROLE_HINT_EN))
    missing = [name for name, value in ((spec.USER, user), (spec.GROUP, group)) if value is None]
    if missing:
        return result("warn", "missing: " + join(missing), expected, "尚未创建 %s" % join(missing, "、"),
                      "%s not created yet" % join(missing), *remedy)
    if user.get("gid") == group.get("gid") or spec.USER in (group.get("members") or []):
        return result("pass", expected, expected, "用户 %s 属于组 %s" % (spec.USER, spec.GROUP),
                      "user %s is in group %s" % (spec.USER, spec.GROUP))
    return result("warn", "%s not in %s" % (spec.USER, spec.GROUP), expected,
                  "用户 %s 不属于组 %s" % (spec.USER, spec.GROUP),
                  "user %s is not in group %s" % (spec.USER, spec.GROUP),
                  "usermod -g %s %s。" % (spec.GROUP, spec.USER), "usermod -g %s %s." % (spec.GROUP, spec.USER))


def _medium(facts, ctx, names):
    """``True`` (SSD), ``False`` (not SSD), None (unknown) for the disks under the data directory."""
    if ctx is not None and ctx.declared.get("storage_ssd") is True:
        return True
    disks = [d for d in section(facts, "disks") or [] if d["name"] in names]
    if not disks:
        return None
    if any(d.get("ssd") is False and not (d.get("raid_virtual") or d.get("virtual")) for d in disks):
        return False
    if all(d.get("ssd") and not (d.get("raid_virtual") or d.get("virtual")) for d in disks):
        return True
    return None


@_sub("data_dir", "数据目录所在文件系统空间充足且位于 SSD", "Data directory on an SSD filesystem with room",
      "The filesystem of the data directory (fep_opengauss_data_dir, default /opt/openGauss/data; when it does "
      "not exist yet, its nearest existing parent): free space ≥ opengauss_data_free_gib (default 100 GiB, "
      "warn) by statvfs, disks behind it (partition, LVM, MD) SSD (warn)",
      "Free space in a snapshot not taken by tools/fep_snapshot.py, or the medium behind a RAID controller, "
      "hypervisor or overlay", "数据目录")
def og_data_dir(facts, ctx):
    data_dir = (section(facts, "opengauss") or {}).get("data_dir")
    need_gib = ctx.threshold("opengauss_data_free_gib") if ctx is not None else spec.DATA_FREE_GIB
    expected = ">= %g GiB free, on SSD" % need_gib
    if not data_dir:
        return result("unknown", "", expected, "无法确定数据目录所在文件系统",
                      "data directory unknown: " + unknown_reason(facts, "opengauss"))
    where_zh = "数据目录 %s" % data_dir["path"]
    where_en = "data directory %s" % data_dir["path"]
    if not data_dir.get("exists"):
        where_zh += "（尚未创建，按 %s 判断）" % data_dir.get("measured")
        where_en += " (not created yet; judged by %s)" % data_dir.get("measured")
    fs = "%s %s on %s" % (data_dir.get("fstype"), data_dir.get("device"), data_dir.get("mountpoint"))
    free = data_dir.get("free_bytes")
    ssd = _medium(facts, ctx, data_dir.get("disks") or [])
    disks = join(data_dir.get("disks") or []) or "unknown"
    disks_zh = join(data_dir.get("disks") or [], "、") or "未知"
    observed = "%s; free %s; disks %s (%s)" % (fs, gib(free) if free is not None else "unknown", disks,
                                              {True: "SSD", False: "not SSD", None: "medium unknown"}[ssd])
    problems_zh, problems_en, unknown_zh, unknown_en = [], [], [], []
    if free is None:
        unknown_zh.append("可用空间未知（需在线审计）")
        unknown_en.append("free space unknown (needs the live host)")
    elif free < need_gib * GIB:
        problems_zh.append("可用空间 %s，不足 %g GiB" % (gib(free), need_gib))
        problems_en.append("only %s free, below %g GiB" % (gib(free), need_gib))
    if ssd is False:
        problems_zh.append("不在 SSD 上（%s）" % disks_zh)
        problems_en.append("not on SSD (%s)" % disks)
    elif ssd is None:
        unknown_zh.append("无法确认介质为 SSD（磁盘 %s）" % disks_zh)
        unknown_en.append("medium not known to be SSD (disks %s)" % disks)
    zh = "%s：%s，可用 %s，磁盘 %s" % (where_zh, fs, gib(free) if free is not None else "未知", disks_zh)
    en = "%s: %s" % (where_en, observed)
    if problems_zh:
        return result("warn", observed, expected, zh + "；" + "；".join(problems_zh + unknown_zh),
                      en + "; " + "; ".join(problems_en + unknown_en),
                      "将数据目录放在可用空间不少于 %g GiB 的 SSD 文件系统上，"
                      "并用 fep_opengauss_data_dir 指定该目录。" % need_gib,
                      "Put the data directory on an SSD filesystem with at least %g GiB free and name it in "
                      "fep_opengauss_data_dir." % need_gib)
    if unknown_zh:
        return result("unknown", observed, expected, zh + "；" + "；".join(unknown_zh),
                      en + "; " + "; ".join(unknown_en))
    return result("pass", observed, expected, zh + "（SSD）", en)


def parse_port_ranges(text):
    """``[(low, high)]`` of ``net.ipv4.ip_local_reserved_ports`` (``5432-5439,8000``)."""
    ranges = []
    for part in (text or "").replace(" ", "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        try:
            ranges.append((int(low), int(high or low)))
        except ValueError:
            continue
    return ranges


@_sub("port", "数据库端口段空闲并已保留", "Database port range free and reserved",
      "Ports fep_ports.database .. +7 (5432-5439) not listening, or held by gaussdb / the front-end "
      "(fail otherwise), and inside net.ipv4.ip_local_reserved_ports (warn)",
      "Socket table unreadable, or a port is taken and its owner is unreadable without root", "数据库端口")
def og_port(facts, ctx):
    port = int(ctx.ports.get("database", 5432)) if ctx is not None else 5432
    span = range(port, port + spec.PORT_SPAN)
    expected = "%d-%d free (or gaussdb) and reserved" % (port, port + spec.PORT_SPAN - 1)
    listening = (section(facts, "ports") or {}).get("listening")
    if listening is None:
        return result("unknown", "", expected, "无法读取监听端口",
                      "listening sockets unknown: " + unknown_reason(facts, "ports"))
    allowed = tuple(ctx.frontend_processes) if ctx is not None else ("gaussdb",)
    holders = [s for s in listening if s["port"] in span]
    taken = sorted({"%d %s(pid %s)" % (s["port"], s["process"], s.get("pid")) for s in holders
                    if s.get("process") and s["process"] not in allowed})
    anonymous = sorted({s["port"] for s in holders if not s.get("process")})
    reserved_text = _sysctls(facts).get("net.ipv4.ip_local_reserved_ports")
    ranges = parse_port_ranges(reserved_text)
    unreserved = [p for p in span if not any(low <= p <= high for low, high in ranges)]
    observed = "taken: %s; reserved: %s" % (
        join(taken) or "none", reserved_text if reserved_text is not None else "unknown")
    reserve = "%d-%d" % (port, port + spec.PORT_SPAN - 1)
    if taken:
        return result("fail", observed, expected, "数据库端口段被占用：%s" % join(taken, "、"),
                      "the database port range is taken: %s" % join(taken),
                      "让院内其他服务让出 %s 端口段（或在 fep_ports.database 中声明替代端口）。" % reserve,
                      "Move the other services off ports %s (or declare another port in fep_ports.database)." % reserve)
    if anonymous:
        return result("unknown", observed, expected, "端口 %s 已被占用，但无权限识别占用进程" % join(anonymous, "、"),
                      "port(s) %s in use by an owner not readable without root" % join(anonymous),
                      "以 become/root 重新审计。", "Re-audit with become.")
    if reserved_text is None:
        return result("unknown", observed, expected, "端口段空闲；无法读取 ip_local_reserved_ports",
                      "ports free; net.ipv4.ip_local_reserved_ports unreadable")
    if unreserved:
        return result("warn", observed, expected,
                      "端口段空闲，但 %s 未列入 net.ipv4.ip_local_reserved_ports（可能被临时端口占用）" % reserve,
                      "ports free, but %s is not in net.ipv4.ip_local_reserved_ports (ephemeral connections may "
                      "take them)" % reserve,
                      "将 %s 并入 net.ipv4.ip_local_reserved_ports（保留原有值），"
                      "写入 /etc/sysctl.d/90-opengauss.conf 后执行 "
                      "sysctl --system%s。" % (reserve, ROLE_HINT_ZH),
                      "Add %s to net.ipv4.ip_local_reserved_ports (keeping what is there) in "
                      "/etc/sysctl.d/90-opengauss.conf, then sysctl --system%s." % (reserve, ROLE_HINT_EN))
    return result("pass", observed, expected, "端口段 %s 空闲并已保留" % reserve,
                  "ports %s free and reserved" % reserve)
