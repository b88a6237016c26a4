# -*- coding: utf-8 -*-
"""playbooks/audit.yml over snapshots of the hardware generic tools misjudge, end to end.

Accelerators by class (Hygon DCUs beside the Hygon chipset and an ASPEED BMC),
guests whose CPU model hides the host, what counts as a NIC, and disks reached
through several paths: each case is a whole server snapshot (tests/builders/
hardware_cases.py) audited by the real playbook, as a hospital's would be.
"""
import sys

import pytest
import yaml

from tests.builders.hardware_cases import CASES, case_host
from tests.support import load_results, run_playbook


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    base = tmp_path_factory.mktemp("hardware")
    hosts = {name: case_host(base / "roots" / name, name, sys.executable) for name in CASES}
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    report_dir = base / "reports"
    _runner, _stdout = run_playbook(base / "runner", "audit.yml", inventory,
                                   extravars={"fep_report_dir": str(report_dir),
                                              "fep_fail_on_findings": False})
    results = load_results(report_dir)
    return {host: results["hosts"][host] for host in CASES}


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_gets_the_verdicts_its_hardware_deserves(audit, case):
    entry = audit[case]
    assert entry["status"] == "ok", entry.get("message")
    observed = {check_id: entry["checks"][check_id]["status"] for check_id in CASES[case]["expect"]}
    assert observed == CASES[case]["expect"]


def test_hygon_dcus_are_reported_and_the_chipset_and_bmc_are_not(audit):
    entry = audit["hygon-dcu"]
    cards = entry["facts"]["accelerators"]
    assert [card["model"] for card in cards] == CASES["hygon-dcu"]["facts"]["accelerators"]
    assert {card["class"] for card in cards} == {"0x038000", "0x0b4000"}
    assert "K100_AI" in entry["checks"]["accelerator.gpu_npu"]["message_zh"]


def test_guest_of_a_hygon_host_is_a_warning_with_the_reason(audit):
    entry = audit["hygon-kvm-guest"]
    assert entry["facts"]["cpu"]["domestic_reason"] == "vm_vendor_brand_conflict"
    outcome = entry["checks"]["cpu.domestic"]
    assert "AuthenticAMD" in outcome["message_en"] and "Hygon C86 7390" in outcome["message_en"]
    assert "宿主机" in outcome["message_zh"]


def test_virt_guest_hides_the_kunpeng_implementer(audit):
    entry = audit["kunpeng-virt-guest"]
    assert entry["facts"]["virtualization"]["vm"] is True
    assert "implementer 0x41" in entry["checks"]["cpu.domestic"]["message_en"]


def test_wifi_and_tethering_are_named_not_counted(audit):
    outcome = audit["wifi-second-nic"]["checks"]["nic.dual"]
    assert outcome["observed"].startswith("1 wired: enp33s0f0")
    assert "wlp2s0 (wireless)" in outcome["observed"]
    assert "usb0 (USB network link" in outcome["observed"]
    assert "wlp2s0（无线网卡）" in outcome["message_zh"]


def test_nvme_namespace_counted_once_not_its_hidden_paths(audit):
    facts = audit["nvme-multipath"]["facts"]
    assert [disk["name"] for disk in facts["disks"]] == CASES["nvme-multipath"]["facts"]["disks"]
    assert facts["storage"]["disk_count"] == 2
    assert facts["storage"]["total_bytes"] == 1920383410176 + 480103981056


def test_fc_lun_counted_once_with_its_medium_unknown(audit):
    entry = audit["san-multipath"]
    disks = {disk["name"]: disk for disk in entry["facts"]["disks"]}
    assert sorted(disks) == CASES["san-multipath"]["facts"]["disks"]
    assert (disks["sdb"]["transport"], disks["sdb"]["san"]) == ("fc", True)
    assert "sdb" in entry["checks"]["storage.ssd"]["observed"]
