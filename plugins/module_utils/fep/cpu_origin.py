# -*- coding: utf-8 -*-
"""Is the CPU domestic?  Vendor, family, brand string and virtualisation judged together.

On bare metal the vendor id (x86 ``vendor_id``, arm64 ``CPU implementer``)
answers.  Inside a virtual machine it may not: the hypervisor presents a CPU
*model*, and with a generic one the guest sees another vendor than the host's.
A KVM guest on a Hygon host with a generic model reads ``vendor_id
AuthenticAMD``, ``cpu family 15``, ``model 6`` (QEMU's kvm64/qemu64 numbers,
which no real AMD or Hygon chip reports) next to the host's brand string
"Hygon C86 7390 32-core Processor"; an arm64 guest of a ``virt`` machine with
a Cortex model shows ARM's implementer 0x41 whatever the host is.  Then the
verdict is not "AMD, not domestic" but "cannot tell from inside", with the
reason.

Pure functions over the ``cpu`` facts; standard library only, Python 3.6+.
"""
import re

from .domestic import DOMESTIC_CPU_FAMILIES

# Brand-string words of each maker (Zhaoxin writes its name in capitals).
_BRAND_FAMILIES = (
    ("hygon", re.compile(r"\bHygon\b", re.I)),
    ("zhaoxin", re.compile(r"\bZHAOXIN\b", re.I)),
    ("kunpeng", re.compile(r"\bKunpeng\b", re.I)),
    ("phytium", re.compile(r"\bPhytium\b|\bFT-?2000|\bS2500\b", re.I)),
    ("intel", re.compile(r"\bIntel\b", re.I)),
    ("amd", re.compile(r"\bAMD\b", re.I)),
)

# Brand strings of the hypervisor's own CPU models (QEMU's model_id values), which say
# nothing about the host: "QEMU Virtual CPU version 2.5+", "Common KVM processor",
# "Intel Xeon Processor (Skylake, IBRS)", "AMD EPYC-Rome Processor", "Westmere E56xx/...".
_GENERIC_BRAND = re.compile(
    r"QEMU Virtual CPU|Common (32-bit )?KVM processor|Processor \(|^AMD EPYC(-\w+)? Processor$"
    r"|^(Westmere|Nehalem|Penryn|Conroe|SandyBridge|IvyBridge|Opteron)\b", re.I)

# x86 family numbers only hypervisor models report (kvm64/qemu64: family 15).
_GENERIC_X86_FAMILIES = frozenset([15])

ARM_LTD = 0x41  # the implementer of ARM's own core models (cortex-a57, cortex-a72, max)

# reason code -> (zh, en): why the CPU's origin cannot be decided from inside
REASONS = {
    "vm_vendor_brand_conflict": (
        "虚拟机内 CPU 厂商标识为 {vendor_id}（cpu family {x86_family}，虚拟化软件的通用型号），"
        "但型号名称为“{model}”：宿主机很可能是国产 CPU，需在宿主机上确认",
        "inside a virtual machine the CPU vendor id is {vendor_id} (cpu family {x86_family}, a "
        "hypervisor's generic model) but the brand string is '{model}': the host is probably "
        "domestic; confirm on the host"),
    "vendor_brand_conflict": (
        "CPU 厂商标识 {vendor_id} 与型号名称“{model}”不一致",
        "the CPU vendor id {vendor_id} and the brand string '{model}' disagree"),
    "vm_generic_model": (
        "虚拟机使用通用 CPU 型号（{vendor_id}，“{model}”），看不到宿主机的 CPU",
        "the virtual machine has a generic CPU model ({vendor_id}, '{model}'): the host's CPU "
        "cannot be seen"),
    "vm_arm_generic": (
        "虚拟机（virt 机型）呈现 ARM 公版核心（implementer {implementer}，part {part}），"
        "隐藏了宿主机的鲲鹏/飞腾标识",
        "the virtual machine (virt machine type) presents an ARM reference core (implementer "
        "{implementer}, part {part}), hiding the host's Kunpeng/Phytium implementer"),
}


def brand_family(brand):
    """The maker a brand string names (``hygon``, ``intel``, ...), or None."""
    for family, pattern in _BRAND_FAMILIES:
        if brand and pattern.search(brand):
            return family
    return None


def _int(value, base=10):
    try:
        return int(str(value), base)
    except (TypeError, ValueError):
        return None


def judge_domestic(cpu, in_vm=None):
    """``(domestic, reason)`` of the CPU described by the ``cpu`` facts.

    ``domestic`` is True, False or None (cannot tell); ``reason`` is a key of
    ``REASONS`` when the evidence disagrees or is hidden, else None.  ``in_vm``
    adds what the machine says about itself (DMI), which arm64 needs: it has no
    ``hypervisor`` CPU flag.
    """
    family = (cpu or {}).get("vendor_family")
    if not family or family == "unknown":
        return None, None
    in_vm = bool(cpu.get("hypervisor") or in_vm)
    brand = cpu.get("model") or ""
    if cpu.get("implementer") is not None:
        # arm64 KVM passes the host's MIDR through, so a domestic implementer is the
        # host's; ARM's own implementer inside a VM is a hypervisor CPU model.
        if family in DOMESTIC_CPU_FAMILIES:
            return True, None
        if in_vm and _int(cpu["implementer"], 16) == ARM_LTD:
            return None, "vm_arm_generic"
        return False, None
    named = brand_family(brand)
    if named in DOMESTIC_CPU_FAMILIES and named != family:
        return None, "vm_vendor_brand_conflict" if in_vm else "vendor_brand_conflict"
    if family in DOMESTIC_CPU_FAMILIES:
        return True, None
    generic = (_GENERIC_BRAND.search(brand) is not None
               or cpu.get("x86_family") in _GENERIC_X86_FAMILIES or named is None)
    if in_vm and generic:
        return None, "vm_generic_model"
    return False, None


def describe_reason(reason, cpu, lang):
    """The zh or en text of ``reason`` filled in from the ``cpu`` facts."""
    zh, en = REASONS[reason]
    values = {key: cpu.get(key) for key in ("vendor_id", "x86_family", "model", "implementer", "part")}
    return (zh if lang == "zh" else en).format(**values)
