# -*- coding: utf-8 -*-
"""An AWX sliced job, merged, gives the verdicts of one run over the whole region.

A sliced job template (job_slice_count N) runs N playbook runs on different
execution nodes, each over part of the inventory, and each slice's
fep_results writes its own results.json; ``make report RESULTS="…"`` merges
them (report/merge.py).  AWX builds slice k of N from the inventory's hosts
sorted by name, taking every N-th (awx/main/models/inventory.py,
``Inventory.get_script_data``: ``order_by('name')`` then ``hosts[k-1::N]``),
so the servers of one hospital, named alike, land in different slices.  The
hospital-wide items (kernel, LANG, time zone: checks/hospital.py) must come
out the same as if one run had seen every server: the merge runs the
hospital stage again over the merged hosts.

The region: the sample region's audited servers (tests/fixtures/results/
region.json, real snapshot facts) copied into hospitals of two to four
servers, with the differences the installer cares about (a newer kernel on
one server, another LANG, a UTC time zone), hospitals of the same name in two
counties, an unreachable server, a server without a hospital name.
"""
import copy
import json

import pytest

from fep.checks.hospital import judge_hospitals
from fep.report.merge import merge_results
from fep.report.results import build_results, results_text
from fep.report.table import render_verdict
from tests.builders.region_fixture import load_region_results

RUN = {"fepkit": "0.1.0", "ansible_core": "2.19.14", "check_mode": False, "lang": "zh"}
NEWER_KERNEL = "4.19.90-89.11.v2401.ky10.aarch64"
CONSISTENCY = ("db.opengauss.kernel", "db.opengauss.locale", "db.opengauss.timezone")

# host -> (template host of the sample region, hospital name, county, fact changes)
SERVERS = {
    "jc-renmin-db": ("kunpeng-kylin-l3", "江城市第一人民医院", "东兴区", {}),
    "jc-renmin-fep": ("kunpeng-kylin-l3", "江城市第一人民医院", "东兴区", {}),
    "jc-renmin-his": ("kunpeng-kylin-l3", "江城市第一人民医院", "东兴区", {"kernel": NEWER_KERNEL}),
    "jc-renmin-lis": ("kunpeng-kylin-l3", "江城市第一人民医院", "东兴区", {}),
    "jc-zhongyi-db": ("loongson-kylin", "江城市中医医院", "东兴区", {}),
    "jc-zhongyi-fep": ("loongson-kylin", "江城市中医医院", "东兴区", {}),
    "xs-renmin-db": ("hygon-uos-l2-short", "县人民医院", "西山县", {}),
    "xs-renmin-fep": ("hygon-uos-l2-short", "县人民医院", "西山县", {"lang": "zh_CN.UTF-8"}),
    "xs-renmin-his": ("hygon-uos-l2-short", "县人民医院", "西山县", {}),
    "ds-renmin-db": ("intel-centos", "县人民医院", "东山县", {"offset": "+0000"}),
    "ds-renmin-fep": ("intel-centos", "县人民医院", "东山县", {}),
    "hy-zhongxin-db": ("phytium-openeuler-8884", "河阳市中心医院", "南湖区", {}),
    "hy-zhongxin-fep": ("xs-unreachable", "河阳市中心医院", "南湖区", {}),
    "hy-fuyou-fep": ("phytium-openeuler-8884", "河阳市和美妇幼医院", "南湖区", {}),
    "lab-spare": ("loongson-kylin", None, "东兴区", {"lang": "C.UTF-8"}),
}
# when each slice's job finished: the slices run at once on different nodes
FINISHED = ("2026-11-25T17:30:00+08:00", "2026-11-25T17:31:12+08:00", "2026-11-25T17:29:40+08:00",
            "2026-11-25T17:32:05+08:00")


def server(region, template, name, county, changes):
    entry = copy.deepcopy(region["hosts"][template])
    entry["hospital"]["name"] = name
    entry["hospital"]["division"]["county"] = county
    facts = entry["facts"]
    if "kernel" in changes:
        facts["os"]["kernel"] = changes["kernel"]
    if "lang" in changes:
        facts["security"]["lang"] = changes["lang"]
    if "offset" in changes:
        facts["opengauss"]["timezone_offset"] = changes["offset"]
    return entry


@pytest.fixture(scope="module")
def hosts():
    region = load_region_results()
    return {host: server(region, *spec) for host, spec in SERVERS.items()}


def audit_run(hosts, names, generated):
    """What one fep_results run over ``names`` writes (the hospital stage, then the document), read back."""
    entries = {name: copy.deepcopy(hosts[name]) for name in names}
    return json.loads(results_text(build_results(judge_hospitals(entries), generated=generated, run=dict(RUN))))


def awx_slices(names, count):
    """The hosts of each slice of a sliced job template: sorted by name, every ``count``-th."""
    ordered = sorted(names)
    return [ordered[k::count] for k in range(count)]


def chunks(names, count):
    """Contiguous blocks of the name order (``--limit`` ranges, one run per block)."""
    ordered = sorted(names)
    size = -(-len(ordered) // count)
    return [ordered[i:i + size] for i in range(0, len(ordered), size)]


def verdicts(results):
    """``{(host, check): (status, observed, compared_with)}`` of every check of every host."""
    return {(host, check_id): (outcome["status"], outcome.get("observed"), outcome.get("compared_with"))
            for host, entry in results["hosts"].items() for check_id, outcome in entry["checks"].items()}


def differences(single, other):
    one, two = verdicts(single), verdicts(other)
    return sorted("%s %s: one run %s, sliced %s" % (host, check_id, one.get((host, check_id)), two.get((host, check_id)))
                  for host, check_id in set(one) | set(two) if one.get((host, check_id)) != two.get((host, check_id)))


@pytest.fixture(scope="module")
def single(hosts):
    return audit_run(hosts, hosts, FINISHED[0])


def test_the_region_has_hospitals_worth_slicing(single):
    """The single run: each finding where the installer would find it, and nowhere else."""
    checks = {host: entry["checks"] for host, entry in single["hosts"].items()}
    assert {h: checks[h]["db.opengauss.kernel"]["status"] for h in checks if h.startswith("jc-renmin")} == dict.fromkeys(
        ("jc-renmin-db", "jc-renmin-fep", "jc-renmin-his", "jc-renmin-lis"), "warn")
    assert {h: checks[h]["db.opengauss.locale"]["status"] for h in checks if h.startswith("xs-renmin")} == dict.fromkeys(
        ("xs-renmin-db", "xs-renmin-fep", "xs-renmin-his"), "fail")
    # 县人民医院 of 东山县 is another hospital than that of 西山县: only its time zone differs
    assert checks["ds-renmin-db"]["db.opengauss.locale"]["compared_with"] == ["ds-renmin-db", "ds-renmin-fep"]
    assert checks["ds-renmin-fep"]["db.opengauss.timezone"]["status"] == "fail"
    assert checks["ds-renmin-fep"]["db.opengauss.locale"]["status"] == "pass"
    assert checks["hy-zhongxin-db"]["db.opengauss.kernel"]["compared_with"] == []  # its peer was unreachable
    assert checks["lab-spare"]["db.opengauss.locale"]["compared_with"] == []  # no hospital: stands alone


@pytest.mark.parametrize("count", [2, 3, 4])
@pytest.mark.parametrize("split", [awx_slices, chunks], ids=["awx-slices", "contiguous"])
def test_merged_slices_give_the_verdicts_of_one_run(hosts, single, split, count):
    parts = split(hosts, count)
    assert sorted(name for part in parts for name in part) == sorted(hosts)
    runs = [("slice%d/results.json" % (k + 1), audit_run(hosts, part, FINISHED[k])) for k, part in enumerate(parts)]
    merged, notes = merge_results(runs)
    assert notes == []
    assert differences(single, merged) == []
    # every part of the document a report reads, not only the statuses (messages, remedies, summaries)
    assert merged["hosts"] == single["hosts"]
    assert merged["summary"] == single["summary"]
    assert render_verdict(merged, "zh") == render_verdict(single, "zh")
    assert merged["run"]["judged_across_runs"] is True


def test_a_slice_alone_does_not_see_the_whole_hospital(hosts, single):
    """Why the merge must judge again: each slice compared only the servers it had."""
    slices = [audit_run(hosts, part, FINISHED[k]) for k, part in enumerate(awx_slices(hosts, 2))]
    # AWX deals the hosts out by name: jc-renmin-db and -his in one slice, -fep and -lis in the other
    renmin = [sorted(h for h in s["hosts"] if h.startswith("jc-renmin")) for s in slices]
    assert renmin == [["jc-renmin-fep", "jc-renmin-lis"], ["jc-renmin-db", "jc-renmin-his"]]
    found = [d for s in slices for d in differences(single, s) if any(c in d for c in CONSISTENCY)]
    assert found, "the slices should disagree with the single run before the merge"
    # the slice without jc-renmin-his (the newer kernel) finds nothing wrong with the kernel
    kernel = slices[0]["hosts"]["jc-renmin-fep"]["checks"]["db.opengauss.kernel"]
    assert kernel["status"] == "pass"
    assert kernel["compared_with"] == ["jc-renmin-fep", "jc-renmin-lis"]
    assert single["hosts"]["jc-renmin-fep"]["checks"]["db.opengauss.kernel"]["status"] == "warn"


def test_a_merge_of_slices_merged_again_is_the_same(hosts, single):
    """A province's slices merged, then merged with nothing new (make report over the merged file)."""
    runs = [("slice%d.json" % (k + 1), audit_run(hosts, part, FINISHED[k]))
            for k, part in enumerate(awx_slices(hosts, 3))]
    merged, _ = merge_results(runs)
    again, notes = merge_results([("merged.json", json.loads(results_text(merged)))])
    assert notes == []
    assert again["hosts"] == single["hosts"]
    assert again["run"]["judged_across_runs"] is True
