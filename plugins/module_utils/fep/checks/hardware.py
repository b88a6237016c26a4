# -*- coding: utf-8 -*-
"""Server requirements: 附件2 二、服务器配置要求, rows 1-7."""
import re

from ..cpu_origin import describe_reason, judge_domestic
from ..domestic import CPU_FAMILY_NAMES, DOMESTIC_CPU_FAMILIES
from ..nics import NOT_WIRED_REASONS, is_wired_port
from .registry import check, result, unknown_reason
from .util import GIB, gib, join, section, tb

BACKUP_MOUNT = re.compile(r"(^|/)(backup|backups|bak|bakup|beifen|databak|nas)(/|$)", re.I)


@check("server.dedicated", "二-1", "配备至少 1 台专用服务器", "At least one dedicated server",
       ("hardware", "declared"),
       "Declared in the inventory (fep_declared.server_dedicated); the audit lists "
       "virtualisation and listening services as evidence",
       "Not declared: a server cannot prove it is dedicated",
       short=("专用服务器", "Dedicated"))
def server_dedicated(facts, ctx):
    declared = ctx.declared.get("server_dedicated")
    virt = section(facts, "virtualization") or {}
    ports = (section(facts, "ports") or {}).get("listening") or []
    services = sorted({p["process"] for p in ports if p.get("process")})
    evidence_en = "%s; listening services: %s" % (
        "virtual machine (%s)" % virt.get("hypervisor") if virt.get("vm") else "physical server",
        join(services) or "none identified")
    evidence_zh = "%s；监听服务：%s" % (
        "虚拟机（%s）" % virt.get("hypervisor") if virt.get("vm") else "物理服务器",
        join(services, "、") or "未识别")
    if declared is True:
        return result("pass", evidence_en, "dedicated server", "已声明为专用服务器；" + evidence_zh,
                      "declared dedicated; " + evidence_en, source="declared")
    if declared is False:
        return result("fail", evidence_en, "dedicated server", "已声明为非专用（与其他业务共用）",
                      "declared as shared with other services",
                      "为前置软件配备至少 1 台专用服务器。",
                      "Provide at least one server dedicated to the front-end software.",
                      source="declared")
    return result("unknown", evidence_en, "dedicated server",
                  "无法自动判断是否专用：" + evidence_zh,
                  "cannot tell automatically whether the server is dedicated: " + evidence_en,
                  "确认后在清单中声明 fep_declared.server_dedicated: true。",
                  "Confirm, then declare fep_declared.server_dedicated: true in the inventory.")


def _root_device(mounts):
    for mount in mounts:
        if mount["mountpoint"] == "/":
            return mount["device"]
    return None


@check("server.backup_storage", "二-2", "提供单独数据备份存储空间",
       "Separate data-backup storage space", ("hardware", "storage", "declared"),
       "A network filesystem (NFS, CIFS, …) or a backup mount point on another device "
       "than /, or declared (fep_declared.backup_storage)",
       "Nothing detected and not declared (backup may live outside the server)",
       short=("备份存储", "Backup storage"))
def server_backup_storage(facts, ctx):
    declared = ctx.declared.get("backup_storage")
    if declared:
        text = declared if isinstance(declared, str) else "yes"
        return result("pass", "declared: %s" % text, "separate backup storage",
                      "已声明：%s" % text, "declared: %s" % text, source="declared")
    mounts = section(facts, "mounts")
    if mounts is None:
        return result("unknown", "", "separate backup storage", "无法读取挂载信息",
                      "mounts unreadable: " + unknown_reason(facts, "mounts"))
    root_device = _root_device(mounts)
    found = [m for m in mounts if m["network"] or (
        BACKUP_MOUNT.search(m["mountpoint"]) and m["device"] != root_device)]
    if found:
        text = join("%s %s on %s" % (m["fstype"], m["device"], m["mountpoint"]) for m in found)
        return result("pass", text, "separate backup storage", "检测到备份存储：" + text,
                      "backup storage detected: " + text)
    return result("unknown", "no network or backup mount", "separate backup storage",
                  "未检测到独立备份存储（可能位于服务器之外）",
                  "no separate backup storage detected on the server (it may be external)",
                  "配置独立备份存储；若在服务器之外，请在清单中声明 fep_declared.backup_storage。",
                  "Provide separate backup storage; if it is external, declare "
                  "fep_declared.backup_storage in the inventory.")


def _level_not_set():
    return result("unknown", "", "", "未设置医院等级 fep_hospital_level",
                  "fep_hospital_level is not set", "在清单中设置 fep_hospital_level（2 或 3）。",
                  "Set fep_hospital_level (2 or 3) in the inventory.")


# the domestic CPU makers by name, as the expected value and the remedy list them
DOMESTIC_NAMES = {lang: [names[f] for f in DOMESTIC_CPU_FAMILIES] for lang, names in CPU_FAMILY_NAMES.items()}



def _either_zh(names):
    """鲲鹏、飞腾或申威"""
    return "、".join(names[:-1]) + "或" + names[-1] if len(names) > 1 else "".join(names)


def _cpu_text(cpu, lang):
    family = CPU_FAMILY_NAMES[lang].get(cpu.get("vendor_family"), cpu.get("vendor_family"))
    model = cpu.get("model") or ""
    prefix = CPU_FAMILY_NAMES["en"].get(cpu.get("vendor_family"), "") + " "
    if lang == "zh" and model.startswith(prefix):
        # "Kunpeng 920" reads "鲲鹏 920"; "Intel(R) Xeon(R) …" keeps its own name
        model = model[len(prefix):]
    sockets = cpu.get("sockets")
    text = "%s %s" % (family, model) if model and family.lower() not in model.lower() else (model or family)
    if sockets:
        text += " ×%s" % sockets
    return text.strip()


@check("cpu.domestic", "二-3", "国产自研 CPU", "Domestic self-developed CPU", ("hardware", "cpu"),
       "Vendor id (x86 vendor_id, arm64 CPU implementer), family and brand string from "
       "/proc/cpuinfo, judged with the hypervisor flag and DMI: inside a VM a generic CPU model "
       "hides the host",
       "/proc/cpuinfo unreadable; a VM whose CPU model hides the host (warn when the brand string "
       "names a domestic CPU)",
       short=("国产 CPU", "Domestic CPU"))
def cpu_domestic(facts, ctx):
    cpu = section(facts, "cpu")
    expected = "/".join(DOMESTIC_NAMES["en"])
    vm = (section(facts, "virtualization") or {}).get("vm")
    domestic, reason = judge_domestic(cpu, in_vm=vm)
    if domestic is None and reason is None:
        return result("unknown", "", expected,
                      "无法识别 CPU", "CPU not identified: " + unknown_reason(facts, "cpu"))
    observed = "%s (%s)" % (_cpu_text(cpu, "en"), cpu.get("arch"))
    if vm or cpu.get("hypervisor"):
        observed += ", virtual machine"
    if reason is not None:
        # inside a VM the vendor id may be the hypervisor's: say so instead of guessing
        status = "warn" if reason == "vm_vendor_brand_conflict" else "unknown"
        return result(status, observed, expected,
                      describe_reason(reason, cpu, "zh"), describe_reason(reason, cpu, "en"),
                      "在宿主机上确认 CPU 型号（lscpu），或将虚拟机 CPU 模式设为 host-passthrough 后重新审计。",
                      "Confirm the CPU on the host (lscpu), or give the VM the host-passthrough CPU "
                      "model and audit again.")
    if domestic:
        return result("pass", observed, expected, _cpu_text(cpu, "zh"), observed)
    return result("fail", observed, expected,
                  "%s 不是国产自研 CPU" % _cpu_text(cpu, "zh"),
                  "%s is not a domestic CPU" % observed,
                  "更换为%s等国产 CPU 的服务器。" % _either_zh(DOMESTIC_NAMES["zh"]),
                  "Replace with a server on a domestic CPU (%s)." % ", ".join(DOMESTIC_NAMES["en"]))


@check("cpu.cores", "二-3", "物理核数：二级≥32，三级≥64", "Physical cores: ≥32 (level 2), ≥64 (level 3)",
       ("hardware", "cpu"),
       "Distinct cores in sysfs topology; without sysfs, cpuinfo core ids; on aarch64 without "
       "sysfs an estimate from the logical CPU count (decides only when unambiguous)",
       "No topology and the estimate cannot decide (SMT possible), or the level is not set",
       short=("物理核数", "Cores"))
def cpu_cores(facts, ctx):
    need = ctx.threshold("cpu_cores")
    cpu = section(facts, "cpu") or {}
    cores = cpu.get("physical_cores")
    if ctx.level is None or need is None:
        return _level_not_set()
    expected = ">= %d physical cores (level %s)" % (need, ctx.level)
    if cores is None:
        return result("unknown", "", expected, "无法确定物理核数",
                      "physical cores unknown: " + unknown_reason(facts, "cpu.physical_cores", "cpu"))
    source = cpu.get("cores_source")
    logical = cpu.get("logical_cpus") or cores
    observed = "%d physical cores, %s logical (%s)" % (cores, logical, source)
    zh = "%s，物理核 %d（逻辑 %s，来源 %s）" % (_cpu_text(cpu, "zh"), cores, logical, source)
    remedy = ("更换或增加 CPU，使物理核数达到 %d 核以上。" % need,
              "Provide a server with at least %d physical cores." % need)
    if source == "estimate":
        # Only the logical count is known: decide when SMT cannot change the answer.
        if logical < need:
            return result("fail", observed, expected, zh + "，不足", observed + ": too few", *remedy)
        if logical // 2 >= need:
            return result("pass", observed, expected, zh, observed)
        return result("unknown", observed, expected,
                      zh + "；无 sysfs 拓扑，无法排除超线程",
                      observed + "; no sysfs topology, SMT cannot be ruled out",
                      "以 root 运行或提供 sys/devices/system/cpu 拓扑后重新审计。",
                      "Re-audit with sysfs topology available (live host or full snapshot).")
    if cores >= need:
        return result("pass", observed, expected, zh, observed)
    return result("fail", observed, expected, zh + "，低于 %d 核" % need,
                  observed + ": below %d" % need, *remedy)


@check("memory.size", "二-4", "内存：二级≥128GB，三级≥256GB", "Memory: ≥128 GB (level 2), ≥256 GB (level 3)",
       ("hardware", "memory"),
       "Installed DIMMs from SMBIOS when readable (root); else MemTotal with a tolerance "
       "(default 4 %) for firmware/kernel reservations",
       "/proc/meminfo unreadable, or the level is not set",
       short=("内存", "Memory"))
def memory_size(facts, ctx):
    need_gib = ctx.threshold("memory_gib")
    if ctx.level is None or need_gib is None:
        return _level_not_set()
    memory = section(facts, "memory") or {}
    need = need_gib * GIB
    expected = ">= %d GB (level %s)" % (need_gib, ctx.level)
    remedy = ("扩容内存至 %d GB 以上。" % need_gib, "Add memory to reach %d GB." % need_gib)
    installed = memory.get("installed_bytes")
    if installed:
        observed = "%s installed (SMBIOS, %s DIMMs)" % (gib(installed), memory.get("dimms"))
        zh = "已安装 %s（%s 条内存）" % (gib(installed), memory.get("dimms"))
        if installed >= need:
            return result("pass", observed, expected, zh, observed)
        return result("fail", observed, expected, zh + "，不足", observed + ": too little", *remedy)
    total = memory.get("total_bytes")
    if not total:
        return result("unknown", "", expected, "无法读取内存容量",
                      "memory unknown: " + unknown_reason(facts, "memory.total_bytes", "memory"))
    floor = need * (1 - ctx.threshold("memory_tolerance_pct") / 100.0)
    observed = "MemTotal %s" % gib(total)
    zh = "可用内存 MemTotal %s" % gib(total)
    if total >= floor:
        return result("pass", observed, expected, zh + "（安装容量按 %d GB 计）" % need_gib,
                      observed + " (consistent with %d GB installed)" % need_gib)
    return result("fail", observed, expected, zh + "，不足", observed + ": too little", *remedy)


def _storage_floor(ctx):
    return ctx.threshold("storage_bytes") * (1 - ctx.threshold("storage_tolerance_pct") / 100.0)


@check("storage.size", "二-5", "存储空间≥1T", "Storage ≥ 1 TB", ("hardware", "storage"),
       "Sum of real block devices (no loop/zram/optical; LVM/MD volumes not counted twice; a "
       "multipath LUN or NVMe namespace counted once however many paths reach it)",
       "sys/block unreadable",
       short=("存储≥1T", "Storage ≥1T"))
def storage_size(facts, ctx):
    storage = section(facts, "storage")
    expected = ">= %s" % tb(ctx.threshold("storage_bytes"))
    if not storage or storage.get("total_bytes") is None:
        return result("unknown", "", expected, "无法读取磁盘信息",
                      "disks unknown: " + unknown_reason(facts, "disks", "storage"))
    total = storage["total_bytes"]
    observed = "%s on %s disk(s)" % (tb(total), storage.get("disk_count"))
    zh = "共 %s（%s 块磁盘）" % (tb(total), storage.get("disk_count"))
    if total >= _storage_floor(ctx):
        return result("pass", observed, expected, zh, observed)
    return result("fail", observed, expected, zh + "，不足 1T", observed + ": below 1 TB",
                  "增加存储容量至 1T 以上。", "Add storage to reach at least 1 TB.")


def _unreliable_medium(disk):
    # RAID logical drives, SAN LUNs and hypervisor disks do not show the real medium
    return (bool(disk.get("raid_virtual") or disk.get("san") or disk.get("virtual"))
            or disk.get("transport") in ("virtio", "xen", "fc", "iscsi"))


@check("storage.ssd", "二-5", "存储介质类型：SSD", "Storage medium: SSD", ("hardware", "storage"),
       "SSD capacity (non-rotational or NVMe) must reach 1 TB; RAID logical drives, SAN LUNs "
       "(FC/iSCSI, multipath) and virtual disks report an unreliable medium",
       "The capacity sits behind a RAID controller, a storage array or a hypervisor and is not "
       "declared",
       short=("SSD", "SSD"))
def storage_ssd(facts, ctx):
    expected = "SSD >= %s" % tb(ctx.threshold("storage_bytes"))
    if ctx.declared.get("storage_ssd") is True:
        return result("pass", "declared SSD", expected, "已声明存储介质为 SSD",
                      "declared SSD", source="declared")
    disks = section(facts, "disks")
    if disks is not None:
        # USB sticks and removable media do not count towards the server's storage
        disks = [d for d in disks if d.get("counted", True)]
    if disks is None:
        return result("unknown", "", expected, "无法读取磁盘信息",
                      "disks unknown: " + unknown_reason(facts, "disks"))
    ssd = sum(d["size_bytes"] for d in disks if d.get("ssd") and not _unreliable_medium(d))
    unsure = [d for d in disks if _unreliable_medium(d)]
    unsure_bytes = sum(d["size_bytes"] for d in unsure)
    observed = "SSD %s; HDD %s" % (
        tb(ssd), tb(sum(d["size_bytes"] for d in disks if not d.get("ssd") and not _unreliable_medium(d))))
    if unsure:
        observed += "; medium not visible %s (%s)" % (tb(unsure_bytes), join(d["name"] for d in unsure))
    zh = "SSD %s" % tb(ssd)
    if unsure:
        zh += "；介质无法识别 %s（%s）" % (tb(unsure_bytes), join((d["name"] for d in unsure), "、"))
    floor = _storage_floor(ctx)
    if ssd >= floor:
        return result("pass", observed, expected, zh, observed)
    if ssd + unsure_bytes >= floor:
        return result("unknown", observed, expected,
                      zh + "；部分磁盘位于 RAID 卡、存储阵列或虚拟化之后，无法识别介质",
                      observed + ": medium hidden behind a RAID controller, storage array or hypervisor",
                      "确认介质为 SSD 后声明 fep_declared.storage_ssd: true。",
                      "Confirm the medium, then declare fep_declared.storage_ssd: true.")
    return result("fail", observed, expected, zh + "，SSD 容量不足 1T",
                  observed + ": less than 1 TB on SSD",
                  "配备 1T 以上的 SSD 存储。", "Provide at least 1 TB of SSD storage.")


@check("nic.dual", "二-6", "配置双网卡", "Dual NIC", ("hardware", "network"),
       "Wired physical Ethernet ports in sysfs, named in the result (bridges, veth, bonds, VLANs, "
       "docker, lo, wireless, mobile broadband, USB tethering/BMC links, InfiniBand not counted)",
       "sys/class/net unreadable",
       short=("双网卡", "Dual NIC"))
def nic_dual(facts, ctx):
    nics = section(facts, "nics")
    need = int(ctx.threshold("nics"))
    expected = ">= %d wired physical NICs" % need
    if nics is None:
        return result("unknown", "", expected, "无法读取网卡信息",
                      "NICs unknown: " + unknown_reason(facts, "nics"))
    wired = [n for n in nics if is_wired_port(n)]
    # physical interfaces the requirement does not count, named so the hospital sees why
    others = [n for n in nics if n.get("physical") and not is_wired_port(n)]

    def describe(nic):
        speed = nic.get("speed_mbps")
        link = "up" if nic.get("carrier") else "no link"
        return "%s (%s%s)" % (nic["name"], link, ", %d Mb/s" % speed if speed else "")

    def reason(nic, lang):
        zh, en = NOT_WIRED_REASONS.get(nic.get("kind"), (nic.get("kind"), nic.get("kind")))
        return "%s（%s）" % (nic["name"], zh) if lang == "zh" else "%s (%s)" % (nic["name"], en)
    observed = "%d wired: %s" % (len(wired), join(describe(n) for n in wired) or "none")
    zh = "有线物理网卡 %d 块：%s" % (len(wired), join((describe(n) for n in wired), "、") or "无")
    if others:
        observed += "; not counted: " + join(reason(n, "en") for n in others)
        zh += "；不计入：" + join((reason(n, "zh") for n in others), "、")
    if len(wired) < need:
        return result("fail", observed, expected, zh + "，不足双网卡", observed + ": fewer than two",
                      "增加有线网卡，分别连接院内网和外部网络（政务外网/疾控 VPN）。",
                      "Add a wired NIC: one for the hospital intranet, one for the extranet / CDC VPN.")
    linked = [n for n in wired if n.get("carrier")]
    if len(linked) < need:
        return result("warn", observed, expected, zh + "，但连线的不足两块",
                      observed + ": fewer than two have a link",
                      "为两块网卡分别接入院内网和外部网络。",
                      "Cable both NICs: hospital intranet and extranet / CDC VPN.")
    return result("pass", observed, expected, zh, observed)


@check("accelerator.gpu_npu", "二-7", "选配 GPU 卡或 NPU 卡（可选）", "Optional GPU or NPU card",
       ("hardware", "optional"),
       "PCI devices of an accelerator vendor in an accelerator class (display controller, "
       "processing accelerator, co-processor) or in its device table; BMC VGA chips excluded",
       "sys/bus/pci unreadable",
       short=("GPU/NPU", "GPU/NPU"))
def accelerator_gpu_npu(facts, ctx):
    cards = section(facts, "accelerators")
    if cards is None:
        return result("unknown", "", "optional", "无法读取 PCI 设备",
                      "PCI devices unknown: " + unknown_reason(facts, "accelerators"))
    if not cards:
        return result("pass", "none", "optional", "未配备 GPU/NPU（可选项）",
                      "no GPU/NPU (optional)")
    text = join("%s %s" % (c["kind"].upper(), c.get("model") or c.get("vendor")) for c in cards)
    return result("pass", text, "optional", "已配备：" + text, "present: " + text)
