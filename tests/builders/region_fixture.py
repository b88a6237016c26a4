# -*- coding: utf-8 -*-
"""Rebuild tests/fixtures/results/region.json, the sample results the report tests read.

Every audited host of the fixture is a snapshot of the profile of the same
name (tests/builders/profiles.py), re-collected and re-judged with the
current checks; the hospital metadata, levels, declarations and run header
of the fixture are kept, so only what the checks say changes.  Run it after
changing a check or a profile:

    .venv/bin/python -m tests.builders.region_fixture
"""
import json
import os
import shutil
import sys
from collections import OrderedDict

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for path in (os.path.join(REPO, "plugins", "module_utils"), REPO):
    if path not in sys.path:
        sys.path.insert(0, path)

from fep.checks import Context, limited_by_privilege, python_profile, run_checks  # noqa: E402
from fep.checks.hospital import judge_hospitals  # noqa: E402
from fep.checks.survey_inputs import validate_survey_inputs  # noqa: E402
from fep.collector import collect  # noqa: E402
from fep.report.results import build_results  # noqa: E402
from tests.builders.profiles import build_root  # noqa: E402

FIXTURE = os.path.join(REPO, "tests", "fixtures", "results", "region.json")
ROOTS = "/tmp/sample-region/roots"  # the path the fixture's facts name
# what the sample region's inventory declares, per host
DECLARED = {"kunpeng-kylin-l3": {"server_dedicated": True, "ips": "深信服 AF-1000 IPS 模块",
                                 "ca_cert": "CFCA（与直报系统兼容互认）", "crypto_products": "国密 SSL VPN 网关（SM2/SM4）",
                                 "external_ip": "59.255.10.21（政务外网）"}}
# hosts whose inventory says which NICs are the intranet and the extranet (the port rows then say
# what the host firewall admits from each)
FIREWALL_ZONES = {"kunpeng-kylin-l3": {"intranet": {"interfaces": ["enp125s0f0"]},
                                      "extranet": {"interfaces": ["enp125s0f1"]}}}
# thresholds the inventory adjusts, with its reason (the sheet allows it by institution type and volume)
THRESHOLDS = {"hygon-uos-l2-short": ({"cpu_cores": 24}, "县级二级医院，门诊量小，经市卫健委同意按 24 核配置")}
# hosts whose inventory names the national platform (a snapshot cannot probe it)
PROBES = {"hygon-uos-l2-short": {"egress": ["203.0.113.10:8888"], "timeout": 3.0}}


def load_region_results():
    """The sample region's results, a fresh copy for each caller to change at will."""
    with open(FIXTURE, encoding="utf-8") as handle:
        return json.load(handle)


def rebuild(path=FIXTURE):
    with open(path, encoding="utf-8") as handle:
        old = json.load(handle, object_pairs_hook=OrderedDict)
    hosts = OrderedDict()
    for name, entry in old["hosts"].items():
        if entry["status"] != "ok":
            hosts[name] = entry
            continue
        root = os.path.join(ROOTS, name)
        shutil.rmtree(root, ignore_errors=True)
        build_root(root, name)
        facts = collect(root, {"probes": PROBES.get(name)})
        # the run that made the fixture: its timing and the servers' Python, not this machine's
        facts["collector"]["duration_ms"] = entry["facts"]["collector"]["duration_ms"]
        facts["collector"]["python"] = entry["facts"]["collector"]["python"]
        thresholds, reason = THRESHOLDS.get(name, ({}, None))
        inventory, errors = validate_survey_inputs(
            {"thresholds_reason": reason, "firewall_zones": FIREWALL_ZONES.get(name)}, entry["level"], thresholds,
            DECLARED.get(name) or {})
        assert not errors, errors
        ctx = Context(level=entry["level"], thresholds=thresholds, declared=DECLARED.get(name),
                      probes=PROBES.get(name), extra={"firewall_zones": inventory["firewall_zones"]})
        checks = json.loads(json.dumps(run_checks(facts, ctx)))
        hosts[name] = OrderedDict((
            ("status", "ok"), ("level", entry["level"]), ("hospital", entry["hospital"]), ("message", ""),
            ("python", entry.get("python") or python_profile(facts["collector"]["python"]["version"])),
            ("limited", limited_by_privilege(facts)), ("inventory", json.loads(json.dumps(inventory))),
            ("summary", {}), ("checks", checks), ("facts", facts)))
    # as fep_results does: the hospital stage over every host, then the document
    results = build_results(judge_hospitals(hosts), generated=old["generated"], run=old["run"])
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    return results


if __name__ == "__main__":
    summary = rebuild()["summary"]
    print("region.json: %s" % json.dumps(summary, ensure_ascii=False))
