# -*- coding: utf-8 -*-
"""openGauss A1-A4: OS, architecture and CPU flags, and what the hospital's servers must share.

A1 decides whether the server can run openGauss at all (the capability of
opengauss_summary.py).  A2-A4 (kernel, LANG, time-zone offset) say what this
host has; the hospital stage (checks/hospital.py) compares them across the
servers of one hospital once every host of the run is known.
"""
from .. import opengauss_spec as spec
from .opengauss_summary import sub_check
from .registry import result, unknown_reason
from .software import os_text
from .util import section

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


@sub_check("os", "操作系统在 openGauss 安装程序支持之列（A1）", "OS in the openGauss installer's list (A1)",
           "/etc/os-release ID against gs_checkos A1: openEuler, Kylin, UOS, EulerOS, FusionOS, BC-Linux … "
           "or RHEL/CentOS 6.4-8.x", "/etc/os-release missing", ("支持的操作系统", "Supported OS"), item_zh="操作系统")
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


@sub_check("arch", "CPU 架构有 openGauss 官方版本", "An openGauss build exists for the architecture",
           "uname -m (proc/sys/kernel/arch, else inferred from /proc/cpuinfo): only x86_64 and aarch64 builds exist",
           "Architecture unknown", ("CPU 架构", "CPU arch"))
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


@sub_check("cpu_flags", "x86 CPU 支持 avx 与 rdtscp 指令", "x86 CPU has the avx and rdtscp flags",
           "flags line of /proc/cpuinfo (x86_64 only; skipped on other architectures)",
           "x86_64 without a flags line in /proc/cpuinfo", ("CPU 指令集", "CPU flags"))
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

@sub_check("kernel", "本院各服务器内核版本一致（A2）", "Same kernel on the hospital's servers (A2)",
           "proc/sys/kernel/osrelease, compared across the servers of one hospital "
           "(same fep_hospital name and division) in the results",
           "Kernel release unreadable", ("内核一致", "Same kernel"), item_zh="内核版本")
def og_kernel(facts, ctx):
    kernel = (section(facts, "os") or {}).get("kernel")
    if not kernel:
        return result("unknown", "", "same kernel on every server of the hospital", "无法读取内核版本",
                      "kernel release unknown: " + unknown_reason(facts, "os.kernel"))
    return result("pass", kernel, "same kernel on every server of the hospital", "内核 %s" % kernel,
                  "kernel %s" % kernel)


@sub_check("locale", "已设置 LANG 且本院各服务器一致（A3）", "LANG set, the same on the hospital's servers (A3)",
           "LANG in /etc/locale.conf (or /etc/default/locale), compared across the servers of one hospital",
           "Locale files unreadable", ("字符集 LANG", "LANG"))
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


@sub_check("timezone", "本院各服务器时区一致（A4）", "Same time-zone offset on the hospital's servers (A4)",
           "UTC offset of /etc/localtime (TZif footer, as date -R prints it), compared across the servers of "
           "one hospital", "/etc/localtime unreadable", ("时区一致", "Same time zone"), item_zh="时区")
def og_timezone(facts, ctx):
    offset = (section(facts, "opengauss") or {}).get("timezone_offset")
    zone = (section(facts, "security") or {}).get("timezone")
    expected = "the same UTC offset on every server of the hospital"
    if not offset:
        return result("unknown", zone or "", expected, "无法确定时区偏移",
                      "time-zone offset unknown: " + unknown_reason(facts, "opengauss.timezone_offset", "opengauss"))
    text = "%s (UTC%s)" % (zone, offset) if zone else "UTC%s" % offset
    return result("pass", text, expected, "时区 %s" % text, "time zone %s" % text)
