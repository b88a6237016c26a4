# -*- coding: utf-8 -*-
"""What tools/fep_snapshot.py recorded on the live server (fepkit/live.json) is read from a
snapshot: the rule set, the free space under the data directory, the probes it ran."""
import json
import os
from pathlib import Path

import pytest

from fep import checks, collector
from fep.archive import recorded_probe_args
from fep.sysread import LIVE_RECORD, SysReader
from tests.builders.devices import write_file
from tests.builders.profiles import build_root

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "firewall"
NFT_FILTERING = (FIXTURES / "nft-hospital-fepkit.txt").read_text()


@pytest.fixture()
def uos_root(tmp_path):
    """A UOS server without firewalld running: nftables decides the firewall verdict."""
    root = tmp_path / "root"
    build_root(root, "hygon-uos-l2-short")
    wants = root / "etc/systemd/system/multi-user.target.wants"
    wants.mkdir(parents=True, exist_ok=True)
    os.symlink("/usr/lib/systemd/system/nftables.service", str(wants / "nftables.service"))
    return root


def record(root, **sections):
    write_file(Path(root) / LIVE_RECORD, json.dumps(dict({"format": 1}, **sections)))


def test_without_a_record_a_snapshot_cannot_read_the_rule_set(uos_root):
    firewall = collector.collect(str(uos_root))["security"]["firewall"]
    assert (firewall["backend"], firewall["state"]) == ("nftables", "unknown")


@pytest.mark.parametrize("ruleset,state", [(NFT_FILTERING, "running"), ("table inet nat {\n}\n", "stopped")])
def test_the_recorded_rule_set_is_judged_as_a_live_one(uos_root, ruleset, state):
    record(uos_root, commands={"nft list ruleset": {"rc": 0, "stdout": ruleset, "error": ""}})
    firewall = collector.collect(str(uos_root))["security"]["firewall"]
    assert (firewall["backend"], firewall["state"]) == ("nftables", state)


def test_a_failed_recorded_command_stays_unknown(uos_root):
    record(uos_root, commands={"nft list ruleset": {"rc": 1, "stdout": "", "error": "Operation not permitted"}})
    assert collector.collect(str(uos_root))["security"]["firewall"]["state"] == "unknown"


def test_recorded_free_space_of_the_data_directory(uos_root):
    (uos_root / "opt").mkdir(exist_ok=True)
    record(uos_root, statvfs={"/opt": {"path": "/opt/openGauss/data", "measured": "/opt",
                                       "free_bytes": 500 * 2 ** 30, "size_bytes": 900 * 2 ** 30, "block": "sda3"}})
    data_dir = collector.collect(str(uos_root))["opengauss"]["data_dir"]
    assert (data_dir["measured"], data_dir["free_bytes"], data_dir["size_bytes"]) == ("/opt", 500 * 2 ** 30,
                                                                                     900 * 2 ** 30)
    assert data_dir["disks"] == ["sda"]  # the block device the tool saw, through the snapshot's sysfs


def test_free_space_of_another_folder_is_unknown_and_says_which_was_measured(uos_root):
    record(uos_root, statvfs={"/data": {"measured": "/data", "free_bytes": 1}})
    facts = collector.collect(str(uos_root))
    assert facts["opengauss"]["data_dir"]["free_bytes"] is None
    assert "measured /data, not /" in facts["unknown"]["opengauss.data_dir.free_bytes"]


PROBES = {"config": {"egress": ["203.0.113.10:8888"], "timeout": 3.0},
          "results": {"egress": [{"target": "203.0.113.10:8888", "ok": True, "ms": 12, "error": None}]}}


def test_recorded_probes_answer_the_same_targets(uos_root):
    record(uos_root, probes=PROBES)
    facts = collector.collect(str(uos_root), {"probes": {"egress": ["203.0.113.10:8888"], "timeout": 3}})
    assert facts["probes"] == PROBES["results"]
    assert "probes" not in facts["unknown"]


def test_probes_of_other_targets_stay_unknown(uos_root):
    record(uos_root, probes=PROBES)
    facts = collector.collect(str(uos_root), {"probes": {"egress": ["198.51.100.7:8888"],
                                                         "gov_extranet": ["198.51.100.8"]}})
    assert facts["probes"] == {}
    assert "other targets than egress, gov_extranet" in facts["unknown"]["probes"]


@pytest.mark.parametrize("text", ["not json", "[1, 2]", json.dumps({"commands": ["nft"], "statvfs": "x"})])
def test_a_malformed_record_is_ignored(uos_root, text):
    write_file(uos_root / LIVE_RECORD, text)
    facts = collector.collect(str(uos_root))
    assert facts["security"]["firewall"]["state"] == "unknown"
    assert facts["opengauss"]["data_dir"]["free_bytes"] is None


def test_a_live_host_ignores_records():
    assert SysReader("/").recorded("commands") is None


def test_recorded_machine_type_only_when_cpuinfo_does_not_tell(tmp_path, uos_root):
    record(tmp_path, uname={"machine": "aarch64"})
    assert collector.collect(str(tmp_path))["cpu"]["arch"] == "aarch64"   # no cpuinfo at all
    # a Hygon cpuinfo says x86_64, as the live collector would conclude before asking uname
    record(uos_root, uname={"machine": "aarch64"})
    assert collector.collect(str(uos_root))["cpu"]["arch"] == "x86_64"


URL = "http://203.0.113.20/probe.bin"
# what probes.measure_download returns (tests/unit/test_probes.py measures a real one on loopback)
MEASURED = {"url": URL, "mbps": 84.1, "bytes": 52428800, "seconds": 4.99, "error": None}
BANDWIDTH = {"config": {"bandwidth_url": URL, "bandwidth_seconds": 5, "bandwidth_max_bytes": 52428800, "timeout": 3.0},
             "results": {"bandwidth": MEASURED}}


def bandwidth_verdict(facts, url=URL):
    ctx = checks.Context(level=2, thresholds={}, ports={}, declared={}, probes={"bandwidth_url": url},
                         frontend_processes=[])
    return checks.run_checks(facts, ctx, select=["net.bandwidth"])["net.bandwidth"]


def test_a_recorded_download_from_the_same_url_is_judged_as_a_live_one(uos_root):
    record(uos_root, probes=BANDWIDTH)
    facts = collector.collect(str(uos_root), {"probes": {"bandwidth_url": URL, "timeout": 3}})
    assert facts["probes"] == {"bandwidth": MEASURED} and "probes" not in facts["unknown"]
    live = dict(facts, probes={"bandwidth": MEASURED}, collector=dict(facts["collector"], snapshot=False))
    verdict = bandwidth_verdict(facts)
    assert verdict == bandwidth_verdict(live)
    assert (verdict["status"], verdict["observed"]) == ("pass", "84.1 Mbit/s measured")


def test_a_recorded_failed_download_fails_as_a_live_one(uos_root):
    failed = {"url": URL, "mbps": None, "bytes": 0, "error": "timed out"}
    record(uos_root, probes=dict(BANDWIDTH, results={"bandwidth": failed}))
    verdict = bandwidth_verdict(collector.collect(str(uos_root), {"probes": {"bandwidth_url": URL}}))
    assert (verdict["status"], verdict["observed"]) == ("fail", "download failed: timed out")


def test_a_download_from_another_url_is_unknown_and_says_both(uos_root):
    record(uos_root, probes=BANDWIDTH)
    other = "https://platform.example.cn/10M.bin"
    facts = collector.collect(str(uos_root), {"probes": {"bandwidth_url": other}})
    assert "bandwidth" not in facts["probes"]
    assert "measured bandwidth from %r, not from fep_bandwidth_probe_url %r" % (URL, other) in facts["unknown"]["probes"]
    verdict = bandwidth_verdict(facts, other)
    assert verdict["status"] == "unknown" and URL in verdict["message_en"] and other in verdict["message_en"]
    assert other in verdict["message_zh"] and "--bandwidth-url" in verdict["remedy_zh"]


def test_a_tool_run_without_bandwidth_url_says_so(uos_root):
    record(uos_root, probes=PROBES)
    facts = collector.collect(str(uos_root), {"probes": {"bandwidth_url": URL}})
    assert "run without --bandwidth-url" in facts["unknown"]["probes"]
    assert bandwidth_verdict(facts)["status"] == "unknown"


@pytest.mark.parametrize("field,value,says", [
    ("mbps", "84.1", "results.bandwidth.mbps: must be a number of Mbit/s"),
    ("mbps", -3, "results.bandwidth.mbps: must be a number of Mbit/s from 0"),
    ("mbps", 1e12, "results.bandwidth.mbps: must be a number of Mbit/s from 0 to 419430"),
    ("mbps", float("inf"), "results.bandwidth.mbps"),
    ("mbps", True, "results.bandwidth.mbps"),
    ("bytes", "52428800", "results.bandwidth.bytes: must be a whole number of bytes"),
    ("bytes", 10 ** 15, "results.bandwidth.bytes"),
    ("seconds", None, "results.bandwidth.seconds: must be a number of seconds"),
    ("url", "http://elsewhere.example/", "results.bandwidth.url: 'http://elsewhere.example/' is not the URL"),
    (None, "fast", "results.bandwidth: must be the download's record, got str"),
])
def test_a_hostile_recorded_field_is_unknown_naming_the_field(uos_root, field, value, says):
    hostile = value if field is None else dict(MEASURED, **{field: value})
    record(uos_root, probes=dict(BANDWIDTH, results={"bandwidth": hostile}))
    facts = collector.collect(str(uos_root), {"probes": {"bandwidth_url": URL}})
    assert "bandwidth" not in facts["probes"]
    assert "fepkit/live.json probes." + says in facts["unknown"]["probes"]
    verdict = bandwidth_verdict(facts)
    assert verdict["status"] == "unknown" and says in verdict["message_en"]


def test_the_archive_s_bandwidth_url_is_the_audit_s_without_one_in_the_inventory():
    manifest = {"options": {"probes": dict(BANDWIDTH["config"], egress=["203.0.113.10:8888"])}}
    assert recorded_probe_args(manifest) == {"bandwidth_probe_url": URL, "national_platform": ["203.0.113.10:8888"],
                                             "probe_timeout": 3.0}


@pytest.mark.parametrize("probes", [{"config": "x", "results": ["y"]}, {"config": {"egress": "203.0.113.10:8888"}}])
def test_a_malformed_probe_record_is_unknown_not_a_collector_error(uos_root, probes):
    record(uos_root, probes=probes)
    facts = collector.collect(str(uos_root), {"probes": {"egress": ["203.0.113.10:8888"], "bandwidth_url": URL}})
    assert facts["probes"] == {}
    assert "collector error" not in facts["unknown"]["probes"] and "need the live host" in facts["unknown"]["probes"]
