# -*- coding: utf-8 -*-
"""What the openGauss installer needs in place: packages, omm/dbgrp, the data directory, the port range.

The data directory's free space and medium are fepkit's own advice
(``ADVISORY`` in opengauss_summary.py), not an installer item.
"""
from .. import opengauss_spec as spec
from .opengauss_common import ROLE_HINT_EN, ROLE_HINT_ZH, item_result, sysctl_values
from .opengauss_summary import sub_check
from .registry import result, unknown_reason
from .util import GIB, gib, join, section


def _install_command(os_facts, names):
    family = os_facts.get("pkg_mgr_family")
    rpm = [spec.PACKAGES[n][2] for n in names]
    deb = [spec.PACKAGES[n][3] for n in names]
    if family == "deb":
        return "apt-get install -y %s" % " ".join(deb)
    if family == "rpm":
        return "%s install -y %s" % (os_facts.get("pkg_mgr") or "dnf", " ".join(rpm))
    return "dnf install -y %s（Debian 系：apt-get install -y %s）" % (" ".join(rpm), " ".join(deb))


@sub_check("packages", "安装程序所需软件包", "Packages the installer needs",
           "File evidence, no rpm/dpkg call: bzip2 in /usr/bin (fail), the library SONAMEs of libaio (fail) and of "
           "the 7.0+ package list libedit, libxml2, lz4, numactl, unixODBC (warn) in the lib directories",
           "No library directory under the root (a snapshot)", ("软件包", "Packages"))
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
    outcome["items"] = [item_result(n, "missing", "installed", "fail" if n in required else "warn") for n in missing]
    return outcome


@sub_check("user_group", "数据库用户 omm 与用户组 dbgrp", "Database user omm and group dbgrp",
           "/etc/passwd and /etc/group: omm exists with dbgrp as its group (gs_preinstall -U omm -G dbgrp creates "
           "them; local accounts only, LDAP is not consulted)", "/etc/passwd or /etc/group unreadable",
      ("omm/dbgrp", "omm/dbgrp"))
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


@sub_check("data_dir", "数据目录所在文件系统空间充足且位于 SSD", "Data directory on an SSD filesystem with room",
           "The filesystem of the data directory (fep_opengauss_data_dir, default /opt/openGauss/data; when it does "
           "not exist yet, its nearest existing parent): free space ≥ opengauss_data_free_gib (default 100 GiB, "
           "warn) by statvfs, disks behind it (partition, LVM, MD) SSD (warn)",
           "Free space in a snapshot not taken by tools/fep_snapshot.py, or the medium behind a RAID controller, "
           "hypervisor or overlay", ("数据目录", "Data dir"))
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


@sub_check("port", "数据库端口段空闲并已保留", "Database port range free and reserved",
           "Ports fep_ports.database .. +7 (5432-5439) not listening, or held by gaussdb / the front-end "
           "(fail otherwise), and inside net.ipv4.ip_local_reserved_ports (warn)",
           "Socket table unreadable, or a port is taken and its owner is unreadable without root",
      ("数据库端口段", "DB ports"), item_zh="数据库端口")
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
    reserved_text = sysctl_values(facts).get("net.ipv4.ip_local_reserved_ports")
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
