"""GPU / NPU / DCU accelerators from the PCI devices in sysfs.

A device is an accelerator by vendor *and* class: the same vendor id also
covers NICs, RAID cards and chipset functions (Huawei 0x19e5 makes Ascend
NPUs, Hi1822 NICs and the Kunpeng SoC devices; Hygon 0x1d94 the CPU's root
complex, bridges, SMBus and LPC), and class 0x0b40 (co-processor) is also
what Intel's QuickAssist and DLB show.  So a device counts when it is in the
device table, or when an accelerator vendor shows it in an accelerator class:

* 0x12xx processing accelerator (Ascend, Cambricon, Enflame);
* 0x0b40 co-processor (every Hygon DCU since the K100: lspci prints
  ``Co-processor [0b40]: Chengdu Haiguang IC Design Co., Ltd. KONGMING``);
* 0x03xx display controller, for vendors whose display functions are GPUs
  (never Huawei, whose only display function is the iBMC's VGA).

Server boards carry a BMC display chip (ASPEED, Matrox, Huawei Hi171x) that
is class "VGA" but no GPU.  The ids and the evidence for each are listed in
tests/fixtures/pci/README.md.
"""
SYS_PCI = "sys/bus/pci/devices"

CLASS_DISPLAY = 0x03            # base class: display controller
CLASS_PROCESSING = 0x12         # base class: processing accelerator
CLASS_COPROCESSOR = 0x0B40      # base class 0x0b (processor), sub-class 0x40

VENDOR_HUAWEI = 0x19E5

# vendor id -> (name, kind, shows its cards as a display controller)
ACCELERATOR_VENDORS = {
    0x10DE: ("NVIDIA", "gpu", True),
    0x1002: ("AMD", "gpu", True),
    0x1D94: ("Hygon DCU", "gpu", True),  # Z100L is class 0x0380, K100 and later 0x0b40
    0x1ED5: ("Moore Threads", "gpu", True),
    0x1E3E: ("Iluvatar CoreX", "gpu", True),
    0x9999: ("MetaX", "gpu", True),
    0x1EE0: ("Biren", "gpu", True),
    0x0731: ("Jingjia Micro", "gpu", True),
    0x1E36: ("Enflame", "npu", False),  # AI training/inference cards, no graphics
    VENDOR_HUAWEI: ("Huawei", "npu", False),
    0xCABC: ("Cambricon", "npu", False),
}

ASCEND_MODELS = {
    0xD100: "Ascend 310",
    0xD500: "Ascend 310P",
    0xD801: "Ascend 910",
    0xD802: "Ascend 910B",
}

MODELS = {
    (0x10DE, 0x1DB4): "Tesla V100 PCIe 16GB",
    (0x10DE, 0x1DB6): "Tesla V100 PCIe 32GB",
    (0x10DE, 0x1DF6): "Tesla V100S PCIe 32GB",
    (0x10DE, 0x1EB8): "Tesla T4",
    (0x10DE, 0x20B0): "A100 SXM4 40GB",
    (0x10DE, 0x20B2): "A100 SXM4 80GB",
    (0x10DE, 0x20B5): "A100 PCIe 80GB",
    (0x10DE, 0x20F1): "A100 PCIe 40GB",
    (0x10DE, 0x20B7): "A30",
    (0x10DE, 0x20F3): "A800 SXM4 80GB",
    (0x10DE, 0x20F5): "A800 PCIe 80GB",
    (0x10DE, 0x20F6): "A800 PCIe 40GB",
    (0x10DE, 0x2235): "A40",
    (0x10DE, 0x2236): "A10",
    (0x10DE, 0x2322): "H800 PCIe",
    (0x10DE, 0x2324): "H800",
    (0x10DE, 0x2330): "H100 SXM5 80GB",
    (0x10DE, 0x2331): "H100 PCIe",
    (0x10DE, 0x26B5): "L40",
    (0x10DE, 0x27B8): "L4",
    (0x1002, 0x738C): "Instinct MI100",
    (0x1002, 0x740C): "Instinct MI250X/MI250",
    (0x1002, 0x740F): "Instinct MI210",
    (0x1D94, 0x55B7): "Z100L",
    (0x1D94, 0x62B7): "K100",
    (0x1D94, 0x6210): "K100_AI",
    (0x1D94, 0x6370): "BW100",
    (0x1ED5, 0x0201): "MTT S80",
    (0x1ED5, 0x0222): "MTT S3000",
    (0x1ED5, 0x0323): "MTT S4000",
    (0x0731, 0x7200): "JM7200",
    (0x0731, 0x9100): "JM9100",
    (0x1E36, 0x0001): "CloudBlazer T10",
    (0x1E36, 0x0021): "CloudBlazer T20",
    (0xCABC, 0x0270): "MLU270",
    (0xCABC, 0x0370): "MLU370",
}
MODELS.update(((VENDOR_HUAWEI, device), name) for device, name in ASCEND_MODELS.items())

# The BMC's display (remote console), present on nearly every server board.
_BMC_VGA_VENDORS = frozenset((0x1A03, 0x102B))  # ASPEED, Matrox
_BMC_VGA_DEVICES = frozenset((
    (VENDOR_HUAWEI, 0x1711),  # Hi171x iBMC with VGA
    (0x1002, 0x515E),  # ATI ES1000 on older HP/Dell/IBM boards
))


def accelerator_class(class_code):
    """``display``, ``processing`` or ``coprocessor`` for a PCI class code, else None."""
    if class_code >> 16 == CLASS_DISPLAY:
        return "display"
    if class_code >> 16 == CLASS_PROCESSING:
        return "processing"
    if class_code >> 8 == CLASS_COPROCESSOR:
        return "coprocessor"
    return None


def _is_kunpeng_engine(vendor_id, device_id):
    # Kunpeng's on-chip engines (ZIP, SEC, HPRE: 0xa1xx/0xa2xx) are class 0x12
    # too, but are no NPUs.
    return vendor_id == VENDOR_HUAWEI and device_id >> 8 in (0xA1, 0xA2)


def classify_pci(vendor_id, device_id, class_code):
    """``(kind, vendor, model)`` of an accelerator, or None for any other device."""
    if vendor_id in _BMC_VGA_VENDORS or (vendor_id, device_id) in _BMC_VGA_DEVICES:
        return None
    known = ACCELERATOR_VENDORS.get(vendor_id)
    category = accelerator_class(class_code)
    if known is None or category is None:
        return None  # e.g. a Hygon bridge, an Intel QAT co-processor, a GPU's HDMI audio
    vendor, kind, makes_display = known
    model = MODELS.get((vendor_id, device_id))
    if model is None:
        if category == "display" and not makes_display:
            return None
        if _is_kunpeng_engine(vendor_id, device_id):
            return None
    return kind, vendor, model or f"{vendor} device 0x{device_id:04x}"


def gather_accelerators(reader):
    """``[{kind, vendor, vendor_id, device_id, model, slot, class}]`` sorted by slot.

    None when the PCI devices cannot be listed: "no accelerator" must be a
    finding, not the absence of one.
    """
    slots = reader.listdir(SYS_PCI)
    if not slots:
        reader.mark_unknown("accelerators", f"{SYS_PCI} is missing or empty")
        return None
    found = []
    for slot in slots:
        base = f"{SYS_PCI}/{slot}"
        vendor_id = reader.read_int(base + "/vendor", base=16)
        device_id = reader.read_int(base + "/device", base=16)
        class_code = reader.read_int(base + "/class", base=16)
        if vendor_id is None or device_id is None or class_code is None:
            continue
        match = classify_pci(vendor_id, device_id, class_code)
        if match is None:
            continue
        kind, vendor, model = match
        found.append({
            "kind": kind,
            "vendor": vendor,
            "vendor_id": f"0x{vendor_id:04x}",
            "device_id": f"0x{device_id:04x}",
            "model": model,
            "slot": slot,
            "class": f"0x{class_code:06x}",
        })
    return found
