# -*- coding: utf-8 -*-
"""Every check on plain fact dicts: the verdicts the sheet asks for."""
import copy

import pytest

from fep.checks import CHECKS, Context, run_checks, summarise
from fep.checks.audit_notes import limited_by_privilege, python_profile
from fep.checks.registry import check, result

GIB = 1024 ** 3
ALL_IDS = [
    "server.dedicated", "server.backup_storage", "cpu.domestic", "cpu.cores", "memory.size",
    "storage.size", "storage.ssd", "nic.dual", "accelerator.gpu_npu", "os.domestic",
    "db.opengauss", "db.opengauss.os", "db.opengauss.arch", "db.opengauss.cpu_flags", "db.opengauss.kernel",
    "db.opengauss.locale", "db.opengauss.timezone", "db.opengauss.swap", "db.opengauss.sysctl",
    "db.opengauss.limits", "db.opengauss.io_scheduler", "db.opengauss.aio_max_nr", "db.opengauss.time_sync",
    "db.opengauss.firewalld", "db.opengauss.thp", "db.opengauss.remove_ipc", "db.opengauss.selinux",
    "db.opengauss.pam_limits", "db.opengauss.packages", "db.opengauss.user_group", "db.opengauss.data_dir",
    "db.opengauss.port", "port.8881", "port.5432", "port.8882", "port.8883", "port.8884",
    "net.egress_8888", "net.gov_extranet", "net.health_private", "net.bandwidth",
    "security.antivirus", "security.firewall", "security.ips", "security.url_filter",
    "security.ca_cert",
]

# A compliant level-3 server: Kunpeng 920 5250 ×4 on Kylin V10 SP3.
COMPLIANT = {
    "collector": {"snapshot": False, "privileged": True, "python": {"version": "3.7.9"}},
    "cpu": {"vendor_family": "kunpeng", "domestic": True, "model": "Kunpeng 920", "arch": "aarch64",
            "sockets": 4, "physical_cores": 192, "logical_cpus": 192, "threads_per_core": 1,
            "cores_source": "sysfs", "x86_flags": None, "hypervisor": False},
    "memory": {"total_bytes": int(512 * GIB * 0.98), "installed_bytes": 512 * GIB,
               "installed_source": "smbios", "dimms": 16},
    "disks": [
        {"name": "nvme0n1", "size_bytes": 3840755982336, "ssd": True, "transport": "nvme",
         "raid_virtual": False},
        {"name": "sda", "size_bytes": 4000787030016, "ssd": False, "transport": "sata",
         "raid_virtual": False},
    ],
    "storage": {"total_bytes": 7841543012352, "ssd_bytes": 3840755982336, "disk_count": 2},
    "nics": [
        {"name": "enp125s0f0", "physical": True, "carrier": True, "speed_mbps": 10000},
        {"name": "enp125s0f1", "physical": True, "carrier": True, "speed_mbps": 10000},
        {"name": "virbr0", "physical": False, "carrier": False, "speed_mbps": None},
    ],
    "accelerators": [],
    "os": {"name": "Kylin Linux Advanced Server", "version": "V10 (Lance)", "id": "kylin",
           "pretty_name": "Kylin Linux Advanced Server V10 (Lance)", "category": "kylin",
           "server_edition": True},
    "ports": {"listening": [
        {"port": 22, "address": "0.0.0.0", "family": "ipv4", "pid": 900, "process": "sshd"},
        {"port": 5432, "address": "0.0.0.0", "family": "ipv4", "pid": 4100, "process": "gaussdb"},
    ], "owners_complete": True, "note": ""},
    "security": {"firewall": {"backend": "firewalld", "state": "running", "enabled": True},
                 "agents": [{"category": "antivirus", "name": "qaxsafed", "by": "process"}]},
    "mounts": [{"device": "/dev/mapper/klas-root", "mountpoint": "/", "fstype": "xfs", "network": False},
               {"device": "10.1.2.3:/backup", "mountpoint": "/backup", "fstype": "nfs4", "network": True}],
    "virtualization": {"vm": False, "hypervisor": None},
    "probes": {},
    "unknown": {},
}


def facts(**changes):
    """COMPLIANT with dotted-path changes, e.g. facts(**{"cpu.physical_cores": 48})."""
    data = copy.deepcopy(COMPLIANT)
    for path, value in changes.items():
        target = data
        keys = path.split(".")
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value
    return data


def verdict(check_id, fact_dict, **ctx):
    ctx.setdefault("level", 3)
    return run_checks(fact_dict, Context(**ctx), select=[check_id])[check_id]


def test_registry_has_exactly_the_public_ids():
    assert list(CHECKS) == ALL_IDS


def test_every_check_has_metadata():
    for item in CHECKS.values():
        assert item.survey_row and item.title_zh and item.title_en and item.measured_en and item.unknown_en


def test_short_titles_of_the_reports_come_from_the_check_registration():
    from fep.report.labels import SHORT_TITLES, short_title

    @check("test.short", "-", "很长的完整要求", "a long full requirement", ("test",), "-", "-",
           short=("短标题", "Short"))
    def short(facts, ctx):
        return result("pass", "", "", "", "")
    try:
        assert short_title("test.short", "zh") == "短标题" and SHORT_TITLES["en"]["test.short"] == "Short"
        # the existing wording of the wide tables' headers, now declared once in @check
        assert short_title("db.opengauss.kernel", "zh") == "内核一致"
        assert short_title("port.8883", "en") == "Port 8883"
        assert SHORT_TITLES["zh"]["net.egress_8888"] == "出站 8888"
        assert short_title("no.such.check", "zh") == "no.such.check"
    finally:
        del CHECKS["test.short"]
    assert "test.short" not in SHORT_TITLES["zh"]


def test_every_check_has_a_short_title_of_its_own():
    for item in CHECKS.values():
        assert item.short_zh and item.short_en and item.item_zh
        assert len(item.short_zh) <= len(item.title_zh)


def test_compliant_server_has_no_failures():
    results = run_checks(COMPLIANT, Context(level=3, declared={"server_dedicated": True, "ca_cert": "CFCA"}))
    statuses = {k: v["status"] for k, v in results.items()}
    assert [k for k, s in statuses.items() if s in ("fail", "error")] == []
    assert statuses["cpu.cores"] == "pass"
    assert statuses["net.egress_8888"] == "skip"  # no target configured: never a fake pass
    assert results["server.dedicated"]["source"] == "declared"
    assert results["security.antivirus"]["source"] == "detected"


def x86_cpu(family, vendor_id, x86_family, brand, hypervisor=False):
    return {"vendor_family": family, "vendor_id": vendor_id, "x86_family": x86_family,
            "model": brand, "arch": "x86_64", "hypervisor": hypervisor, "implementer": None,
            "sockets": 1}


def arm_cpu(family, implementer, part, model):
    return {"vendor_family": family, "implementer": implementer, "part": part, "model": model,
            "arch": "aarch64", "hypervisor": None, "sockets": 1}


HYGON_BEHIND_KVM = x86_cpu("amd", "AuthenticAMD", 15, "Hygon C86 7390 32-core Processor", True)
CORTEX_A72 = arm_cpu("other", "0x41", "0xd08", "ARM Cortex-A72")


@pytest.mark.parametrize("cpu,vm,status", [
    pytest.param(arm_cpu("kunpeng", "0x48", "0xd01", "Kunpeng 920 (TaiShan v110)"), False, "pass",
                 id="kunpeng"),
    pytest.param(arm_cpu("kunpeng", "0x48", "0xd01", "Kunpeng 920 (TaiShan v110)"), True, "pass",
                 id="kunpeng-guest-host-passthrough"),
    pytest.param(arm_cpu("phytium", "0x70", "0x663", "Phytium FT-2500/S2500 (FTC663)"), True, "pass",
                 id="phytium-guest-host-passthrough"),
    pytest.param(x86_cpu("hygon", "HygonGenuine", 24, "Hygon C86 7280 32-core Processor"), False,
                 "pass", id="hygon"),
    pytest.param(x86_cpu("hygon", "HygonGenuine", 24, "Hygon C86 7280 32-core Processor", True),
                 True, "pass", id="hygon-guest-host-vendor"),
    pytest.param(x86_cpu("intel", "GenuineIntel", 6, "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz"),
                 False, "fail", id="intel"),
    pytest.param(x86_cpu("intel", "GenuineIntel", 6, "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
                         True), True, "fail", id="intel-guest-host-passthrough"),
    pytest.param(arm_cpu("other", "0xc0", "0xac3", "Ampere Ampere-1"), False, "fail", id="ampere"),
    pytest.param(CORTEX_A72, False, "fail", id="arm-cortex-bare-metal"),
    # the issue: these were "AMD/Intel/ARM, not domestic" (fail)
    pytest.param(HYGON_BEHIND_KVM, True, "warn", id="hygon-host-generic-kvm-model"),
    pytest.param(dict(HYGON_BEHIND_KVM, hypervisor=False), False, "unknown",
                 id="vendor-and-brand-disagree-on-bare-metal"),
    pytest.param(x86_cpu("intel", "GenuineIntel", 15, "Common KVM processor", True), True,
                 "unknown", id="kvm64-hides-the-host"),
    pytest.param(x86_cpu("amd", "AuthenticAMD", 23, "AMD EPYC-Rome Processor", True), True,
                 "unknown", id="qemu-named-model-hides-the-host"),
    pytest.param(CORTEX_A72, True, "unknown", id="arm-virt-guest-hides-implementer"),
    pytest.param({"vendor_family": "unknown"}, False, "unknown", id="unknown"),
])
def test_cpu_domestic(cpu, vm, status):
    outcome = verdict("cpu.domestic", facts(cpu=cpu, **{"virtualization.vm": vm}))
    assert outcome["status"] == status


def test_cpu_domestic_in_a_vm_says_why():
    outcome = verdict("cpu.domestic", facts(cpu=HYGON_BEHIND_KVM, **{"virtualization.vm": True}))
    assert outcome["message_en"] == (
        "inside a virtual machine the CPU vendor id is AuthenticAMD (cpu family 15, a hypervisor's "
        "generic model) but the brand string is 'Hygon C86 7390 32-core Processor': the host is "
        "probably domestic; confirm on the host")
    assert "宿主机很可能是国产 CPU" in outcome["message_zh"]
    assert outcome["observed"].endswith("virtual machine")
    assert "host-passthrough" in outcome["remedy_en"]
    arm = verdict("cpu.domestic", facts(cpu=CORTEX_A72, **{"virtualization.vm": True}))
    assert "implementer 0x41, part 0xd08" in arm["message_en"]


@pytest.mark.parametrize("level,cores,source,logical,status", [
    (3, 64, "sysfs", 128, "pass"),
    (3, 63, "sysfs", 126, "fail"),
    (2, 32, "cpuinfo", 64, "pass"),
    (2, 31, "cpuinfo", 31, "fail"),
    # aarch64 without sysfs: only the logical count is known
    (3, 128, "estimate", 128, "pass"),      # even with SMT 2 there are 64 cores
    (3, 96, "estimate", 96, "unknown"),     # 48 or 96 cores: cannot decide
    (3, 48, "estimate", 48, "fail"),        # fewer logical CPUs than required cores
    (3, None, None, None, "unknown"),
])
def test_cpu_cores(level, cores, source, logical, status):
    fact_dict = facts(**{"cpu.physical_cores": cores, "cpu.cores_source": source, "cpu.logical_cpus": logical})
    assert verdict("cpu.cores", fact_dict, level=level)["status"] == status


def test_cpu_cores_without_level_is_unknown_and_says_why():
    outcome = verdict("cpu.cores", COMPLIANT, level=None)
    assert outcome["status"] == "unknown"
    assert "fep_hospital_level" in outcome["message_en"]


def test_cpu_cores_threshold_override():
    fact_dict = facts(**{"cpu.physical_cores": 48})
    assert verdict("cpu.cores", fact_dict, level=3)["status"] == "fail"
    assert verdict("cpu.cores", fact_dict, level=3, thresholds={"cpu_cores": 48})["status"] == "pass"


@pytest.mark.parametrize("level,installed_gib,memtotal_gib,status", [
    (2, 128, None, "pass"),          # SMBIOS says 128 GiB installed
    (2, 96, None, "fail"),
    (2, None, 128 * 0.975, "pass"),  # MemTotal 2.5 % below 128 GiB: nominal RAM installed
    (2, None, 128 * 0.97, "pass"),
    (2, None, 120, "fail"),          # 120 GiB is not a 128 GiB server
    (3, None, 251.3, "pass"),
    (3, None, 240, "fail"),
    (3, None, None, "unknown"),
])
def test_memory_size_tolerates_firmware_reservations(level, installed_gib, memtotal_gib, status):
    fact_dict = facts(**{
        "memory.installed_bytes": int(installed_gib * GIB) if installed_gib else None,
        "memory.total_bytes": int(memtotal_gib * GIB) if memtotal_gib else None,
    })
    assert verdict("memory.size", fact_dict, level=level)["status"] == status


@pytest.mark.parametrize("total,status", [
    (10 ** 12, "pass"), (960 * 10 ** 9, "pass"), (500 * 10 ** 9, "fail"), (None, "unknown"),
])
def test_storage_size(total, status):
    fact_dict = facts(**{"storage.total_bytes": total})
    assert verdict("storage.size", fact_dict)["status"] == status


@pytest.mark.parametrize("disks,declared,status", [
    ([{"name": "nvme0n1", "size_bytes": 1920383410176, "ssd": True, "transport": "nvme"}], {}, "pass"),
    ([{"name": "sda", "size_bytes": 4 * 10 ** 12, "ssd": False, "transport": "sata"},
      {"name": "sdb", "size_bytes": 480 * 10 ** 9, "ssd": True, "transport": "sata"}], {}, "fail"),
    ([{"name": "sda", "size_bytes": 2 * 10 ** 12, "ssd": False, "transport": "sas", "raid_virtual": True}],
     {}, "unknown"),
    ([{"name": "sda", "size_bytes": 2 * 10 ** 12, "ssd": False, "transport": "sas", "raid_virtual": True}],
     {"storage_ssd": True}, "pass"),
    ([{"name": "vda", "size_bytes": 2 * 10 ** 12, "ssd": False, "transport": "virtio"}], {}, "unknown"),
    # a SAN LUN's rotational flag is the array's: flash-looking (0) or not, the medium is unknown
    ([{"name": "sdb", "size_bytes": 2 * 10 ** 12, "ssd": True, "transport": "fc", "san": True}],
     {}, "unknown"),
    ([{"name": "sdb", "size_bytes": 2 * 10 ** 12, "ssd": True, "transport": "scsi", "san": True}],
     {}, "unknown"),
    ([{"name": "sdb", "size_bytes": 2 * 10 ** 12, "ssd": False, "transport": "iscsi", "san": True}],
     {"storage_ssd": True}, "pass"),
])
def test_storage_ssd(disks, declared, status):
    outcome = verdict("storage.ssd", facts(disks=disks), declared=declared)
    assert outcome["status"] == status


@pytest.mark.parametrize("nics,status", [
    ([{"name": "eth0", "physical": True, "carrier": True}], "fail"),
    ([{"name": "eth0", "physical": True, "carrier": True},
      {"name": "docker0", "physical": False, "carrier": True}], "fail"),
    ([{"name": "eth0", "physical": True, "carrier": True},
      {"name": "eth1", "physical": True, "carrier": False}], "warn"),
    ([{"name": "eth0", "physical": True, "carrier": True},
      {"name": "eth1", "physical": True, "carrier": True}], "pass"),
    (None, "unknown"),
])
def test_nic_dual(nics, status):
    assert verdict("nic.dual", facts(nics=nics))["status"] == status


def test_nic_dual_counts_wired_ports_only_and_names_them():
    # The issue: a Wi-Fi adapter passed as the second NIC.
    outcome = verdict("nic.dual", facts(nics=[
        {"name": "eno1", "physical": True, "kind": "ethernet", "carrier": True, "speed_mbps": 1000},
        {"name": "wlp2s0", "physical": True, "kind": "wireless", "carrier": True},
        {"name": "usb0", "physical": True, "kind": "usb_link", "carrier": True},
        {"name": "virbr0", "physical": False, "kind": "bridge", "carrier": True},
    ]))
    assert outcome["status"] == "fail"
    assert outcome["observed"] == ("1 wired: eno1 (up, 1000 Mb/s); not counted: wlp2s0 (wireless), "
                                   "usb0 (USB network link (phone tethering, modem or BMC channel))")
    assert outcome["message_zh"].startswith("有线物理网卡 1 块：eno1 (up, 1000 Mb/s)；不计入：wlp2s0（无线网卡）")


def test_nic_dual_pass_names_the_counted_ports():
    outcome = verdict("nic.dual", COMPLIANT)
    assert outcome["status"] == "pass"
    assert outcome["observed"] == "2 wired: enp125s0f0 (up, 10000 Mb/s), enp125s0f1 (up, 10000 Mb/s)"


def test_accelerator_is_optional_and_named():
    assert verdict("accelerator.gpu_npu", COMPLIANT)["status"] == "pass"
    outcome = verdict("accelerator.gpu_npu", facts(accelerators=[
        {"kind": "npu", "vendor": "Huawei", "model": "Ascend 910B"}]))
    assert outcome["status"] == "pass" and "Ascend 910B" in outcome["observed"]


@pytest.mark.parametrize("category,server,status", [
    ("kylin", True, "pass"), ("kylin", False, "fail"), ("openeuler", True, "pass"),
    ("uos", True, "pass"), ("other_domestic", None, "pass"), ("non_domestic", None, "fail"),
    ("unknown", None, "unknown"),
])
def test_os_domestic(category, server, status):
    assert verdict("os.domestic", facts(**{"os.category": category, "os.server_edition": server}))["status"] == status


def _listen(port, process, pid=4321):
    return {"port": port, "address": "0.0.0.0", "family": "ipv4", "pid": pid, "process": process}


def test_port_free_passes_and_taken_port_names_the_owner():
    taken = facts(**{"ports.listening": [_listen(8884, "nginx", 1234)]})
    outcome = verdict("port.8884", taken)
    assert outcome["status"] == "fail"
    assert "8884 被 nginx(pid 1234) 占用" in outcome["message_zh"]
    assert verdict("port.8881", taken)["status"] == "pass"


def test_port_held_by_front_end_software_passes():
    assert verdict("port.5432", COMPLIANT)["status"] == "pass"
    held = facts(**{"ports.listening": [_listen(8881, "fepd")]})
    assert verdict("port.8881", held)["status"] == "fail"
    assert verdict("port.8881", held, frontend_processes=["fepd"])["status"] == "pass"


def test_alternative_port_flows_from_fep_ports():
    taken = facts(**{"ports.listening": [_listen(8884, "nginx"), _listen(18884, "httpd")]})
    outcome = verdict("port.8884", taken, ports={"web": 28884})
    assert outcome["status"] == "pass"
    assert "28884" in outcome["message_zh"] and "说明" in outcome["message_zh"]
    assert verdict("port.8884", taken, ports={"web": 18884})["status"] == "fail"


def test_port_owner_unreadable_is_unknown_not_fail():
    hidden = facts(**{"ports.listening": [_listen(8883, None, None)]})
    outcome = verdict("port.8883", hidden)
    assert outcome["status"] == "unknown" and "become" in outcome["message_en"]


def test_network_probes_skip_when_not_configured_and_judge_when_run():
    assert verdict("net.egress_8888", COMPLIANT)["status"] == "skip"
    probes = {"egress": ["203.0.113.10:8888"]}
    reached = facts(probes={"egress": [{"target": "203.0.113.10:8888", "ok": True, "ms": 12, "error": None}]})
    blocked = facts(probes={"egress": [{"target": "203.0.113.10:8888", "ok": False, "ms": None,
                                        "error": "Connection timed out"}]})
    assert verdict("net.egress_8888", reached, probes=probes)["status"] == "pass"
    assert verdict("net.egress_8888", blocked, probes=probes)["status"] == "fail"
    snapshot = facts(probes={}, unknown={"probes": "network probes need the live host"})
    assert verdict("net.egress_8888", snapshot, probes=probes)["status"] == "unknown"


@pytest.mark.parametrize("probe,declared,status", [
    (None, {}, "skip"),
    ({"mbps": 48.2, "error": None}, {}, "pass"),
    ({"mbps": 6.5, "error": None}, {}, "fail"),
    (None, {"bandwidth_mbps": 100}, "pass"),
    (None, {"bandwidth_mbps": 4}, "fail"),
])
def test_bandwidth(probe, declared, status):
    probes = {"bandwidth_url": "http://198.51.100.7/10M.bin"} if probe else {}
    fact_dict = facts(probes={"bandwidth": probe} if probe else {})
    assert verdict("net.bandwidth", fact_dict, probes=probes, declared=declared)["status"] == status


def test_security_declared_vs_detected():
    assert verdict("security.antivirus", COMPLIANT)["source"] == "detected"
    missing = verdict("security.ips", COMPLIANT)
    assert missing["status"] == "warn" and "fep_declared.ips" in missing["remedy_en"]
    declared = verdict("security.ips", COMPLIANT, declared={"ips": "深信服 AF 边界防火墙 IPS 模块"})
    assert declared["status"] == "pass" and declared["source"] == "declared"


@pytest.mark.parametrize("firewall,declared,status", [
    ({"backend": "firewalld", "state": "running"}, {}, "pass"),
    ({"backend": "firewalld", "state": "stopped"}, {}, "fail"),
    ({"backend": "none", "state": "stopped"}, {"firewall": "华为 USG6000E"}, "pass"),
    ({"backend": "nftables", "state": "unknown", "detail": "needs root"}, {}, "unknown"),
])
def test_security_firewall(firewall, declared, status):
    assert verdict("security.firewall", facts(**{"security.firewall": firewall}), declared=declared)["status"] == status


def test_ca_cert_needs_declaration():
    assert verdict("security.ca_cert", COMPLIANT)["status"] == "unknown"
    assert verdict("security.ca_cert", COMPLIANT, declared={"ca_cert": "CFCA"})["status"] == "pass"


def test_backup_storage_detected_from_nfs_mount_and_unknown_without():
    assert verdict("server.backup_storage", COMPLIANT)["status"] == "pass"
    no_backup = facts(mounts=[{"device": "/dev/sda2", "mountpoint": "/", "fstype": "xfs", "network": False}])
    assert verdict("server.backup_storage", no_backup)["status"] == "unknown"


def test_waiver_records_reason():
    results = run_checks(COMPLIANT, Context(level=3), skip={"net.bandwidth": "专线由市疾控统一测速"})
    assert results["net.bandwidth"]["status"] == "skip"
    assert "专线由市疾控统一测速" in results["net.bandwidth"]["message_zh"]


def test_crashing_check_is_error_not_crash():
    @check("test.crash", "-", "崩溃", "crash", ("test",), "-", "-")
    def crash(facts, ctx):
        raise KeyError("boom")
    try:
        results = run_checks(COMPLIANT, Context(level=3), select=["test.crash", "cpu.domestic"])
        assert results["test.crash"]["status"] == "error"
        assert "KeyError" in results["test.crash"]["message_en"]
        assert results["cpu.domestic"]["status"] == "pass"
    finally:
        del CHECKS["test.crash"]


def test_empty_facts_give_unknown_not_exceptions():
    results = run_checks({}, Context(level=2))
    assert "error" not in summarise(results) or summarise(results)["error"] == 0
    assert results["cpu.domestic"]["status"] == "unknown"


def test_selection_by_tag():
    results = run_checks(COMPLIANT, Context(level=3), select=["security"])
    assert list(results) == [i for i in ALL_IDS if i.startswith("security.")]


@pytest.mark.parametrize("version,profile", [
    ("3.11.7", "default"), ("3.8.10", "default"), ("3.7.9", "legacy"), ("3.6.8", "legacy"),
    ("2.7.18", "unsupported"), ("", "unknown"),
])
def test_python_profile(version, profile):
    assert python_profile(version)["profile"] == profile


def test_limited_by_privilege_lists_root_only_facts():
    unprivileged = facts(**{
        "collector.privileged": False,
        "unknown": {"memory.installed_bytes": "SMBIOS table needs root (run with become)"},
        "ports.note": "owner of 1 listening socket(s) not readable without root",
    })
    limited = limited_by_privilege(unprivileged)
    assert any(item.startswith("memory.installed_bytes") for item in limited)
    assert any(item.startswith("ports:") for item in limited)
    assert limited_by_privilege(COMPLIANT) == []


def test_result_rejects_unknown_status():
    with pytest.raises(AssertionError):
        result("maybe", "", "", "", "")
