# -*- coding: utf-8 -*-
"""openGauss A12-A14 and the settings gs_preinstall makes itself: services and system settings.

Time synchronisation, firewalld, transparent huge pages, RemoveIPC, SELinux
and pam_limits for sshd sessions.
"""
from .. import opengauss_spec as spec
from .opengauss_common import ROLE_HINT_EN, ROLE_HINT_ZH, from_snapshot
from .opengauss_summary import sub_check
from .port_access import zone_admits
from .registry import HOST_KERNEL, result, unknown_reason
from .util import join, section

# --- A12 time sync, A13 firewalld, A14 THP -------------------------------------------------------

@sub_check("time_sync", "时间同步服务运行中（A12）", "Time synchronisation running (A12)",
           "chronyd or ntpd among the running processes (what gs_checkos looks for)",
           "Process list unreadable", ("时间同步", "Time sync"))
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


@sub_check("firewalld", "firewalld 已停止或已放行数据库端口（A13）",
           "firewalld stopped or the database port allowed (A13)",
           "firewalld running (process) and its permanent zones (/etc/firewalld/zones): the database port "
           "(fep_ports.database) must be allowed in a zone, by port, range, service or target ACCEPT",
           "Process list unreadable", ("firewalld", "firewalld"), item_zh="防火墙")
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


@sub_check("thp", "透明大页已关闭（A14）", "Transparent huge pages off (A14)",
           "/sys/kernel/mm/transparent_hugepage/enabled must show [never]",
           "A snapshot without sys/kernel/mm/transparent_hugepage", ("透明大页", "THP"), scope=HOST_KERNEL)
def og_thp(facts, ctx):
    security = section(facts, "security")
    expected = "[never]"
    enabled = ((security or {}).get("thp") or {}).get("enabled")
    if security is None or (enabled is None and from_snapshot(facts)):
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

@sub_check("remove_ipc", "systemd-logind 不删除 IPC（RemoveIPC=no）", "systemd-logind keeps IPC (RemoveIPC=no)",
           "RemoveIPC in /etc/systemd/logind.conf and its drop-ins (systemd's default is yes: the database's "
           "shared memory is removed when omm logs out)", "A snapshot without etc/systemd", ("RemoveIPC", "RemoveIPC"))
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
    if from_snapshot(facts):
        return result("unknown", "", expected, "快照中没有 systemd-logind 配置",
                      "no systemd-logind configuration in the snapshot")
    return result("pass", "no systemd-logind", expected, "未安装 systemd-logind，无需设置",
                  "no systemd-logind on the host: nothing removes IPC")


@sub_check("selinux", "SELinux 未处于强制模式", "SELinux not enforcing",
           "/sys/fs/selinux/enforce and SELINUX= in /etc/selinux/config (gs_preinstall runs setenforce 0 and wants "
           "SELINUX=disabled)", "A snapshot with neither file (a live host without them has no SELinux: disabled)",
           ("SELinux", "SELinux"), scope=HOST_KERNEL)
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


@sub_check("pam_limits", "sshd 会话加载 pam_limits", "sshd sessions load pam_limits",
           "session … pam_limits.so in /etc/pam.d/sshd (or a file it includes): without it limits.conf does not "
           "apply to omm's SSH sessions", "/etc/pam.d/sshd missing", ("pam_limits", "pam_limits"))
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
