# -*- coding: utf-8 -*-
"""A results.json of a province or of the whole country, built from real host entries.

The report benchmark (``make bench-reports``, tests/bench/reports_bench.py)
and the report-size tests need regions of 1,000 and 15,000 servers; nobody
has such a file to commit (hundreds of MB of hospital data), so it is made
at bench time.  Every audited host is one of the sample region's real
entries (tests/fixtures/results/region.json: five snapshots of real server
profiles re-judged by the current checks, ≈ 40 KB each, as the audit writes
them) with its own hospital, division, level, contact and host-specific
values in some checks, so that no two hosts render identically.  About 3 %
of the servers are unreachable and 0.5 % failed, with the messages ssh and
Ansible give.

Divisions: the 31 provincial divisions of the mainland, each with cities
and counties named after it; hospitals have one server (most), two or three.
Deterministic for a given size and seed.

    .venv/bin/python -m tests.bench.national 15000 /tmp/national/results.json
"""
import json
import os
import random
import sys
from collections import OrderedDict

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
for path in (os.path.join(REPO, "plugins", "module_utils"), REPO):
    if path not in sys.path:
        sys.path.insert(0, path)

from fep.checks.registry import STATUSES, summarise  # noqa: E402
from fep.report.results import HOST_STATUSES, results_text  # noqa: E402

TEMPLATE = os.path.join(REPO, "tests", "fixtures", "results", "region.json")
PROVINCES = ("北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
             "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
             "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
             "青海省", "宁夏回族自治区", "新疆维吾尔自治区")
CITY_WORDS = ("东", "西", "南", "北", "中", "安", "平", "宁", "和", "新", "兴", "昌", "阳", "江", "山", "林")
HOSPITAL_KINDS = ("人民医院", "中医医院", "妇幼保健院", "中心医院", "第二人民医院", "传染病医院", "中西医结合医院",
                  "骨科医院", "儿童医院", "第三人民医院")
UNREACHABLE = (
    "Task failed: Failed to connect to the host via ssh: ssh: connect to host {ip} port 22: Connection timed out",
    "Task failed: Failed to connect to the host via ssh: root@{ip}: Permission denied (publickey,password).",
    "Task failed: Failed to connect to the host via ssh: ssh: connect to host {ip} port 22: No route to host",
)
FAILED = "fep_audit: no Python 3 interpreter found on the host (needs 3.6 or later)"


def templates():
    """The sample region's audited host entries (as json.load gives them) and one unreachable entry."""
    with open(TEMPLATE, encoding="utf-8") as handle:
        region = json.load(handle, object_pairs_hook=OrderedDict)
    audited = [entry for entry in region["hosts"].values() if entry["status"] == "ok"]
    unreachable = next(entry for entry in region["hosts"].values() if entry["status"] != "ok")
    return region, audited, unreachable


def divisions(rng, servers, provinces=PROVINCES):
    """``[(province, city, county, hospital, servers)]``: ``servers`` servers spread evenly over ``provinces``.

    About 40 servers a city (a national run) and 1 to 3 servers a hospital;
    hospitals fill a province's cities county by county, as a real
    province's inventory lists them.
    """
    hospitals = []
    for p_index, province in enumerate(provinces):
        quota = servers // len(provinces) + (1 if p_index < servers % len(provinces) else 0)
        cities = max(1, min(16, -(-quota // 40)))
        stem = province[:2]
        counties = [0] * cities  # counties given to each city so far
        c_index = 0
        while quota > 0:
            city = "%s%s%s市" % (stem, CITY_WORDS[c_index % 16], CITY_WORDS[(p_index + c_index // 16) % 16])
            for _ in range(rng.randint(3, 7)):
                k_index = counties[c_index]
                counties[c_index] += 1
                county = "%s%s县" % (city[:-1], CITY_WORDS[k_index % 16] + ("" if k_index < 16 else str(k_index)))
                for h_index in range(rng.randint(2, 6)):
                    count = min(quota, rng.choices((1, 2, 3), weights=(70, 20, 10))[0])
                    if count <= 0:
                        break
                    name = county[:-1] + HOSPITAL_KINDS[h_index % len(HOSPITAL_KINDS)]
                    hospitals.append((province, city, county, name, count))
                    quota -= count
            c_index = (c_index + 1) % cities
    return hospitals


def host_entry(rng, template, unreachable, serial, hospital, server, ip):
    """One host's entry: the template's checks and facts with this server's hospital and values."""
    province, city, county, name = hospital
    roll = rng.random()
    if roll < 0.03 or roll > 0.995:
        entry = OrderedDict(unreachable)
        entry["status"] = "unreachable" if roll < 0.03 else "failed"
        entry["message"] = (rng.choice(UNREACHABLE) if roll < 0.03 else FAILED).format(ip=ip)
    else:
        entry = OrderedDict(template)
        checks = OrderedDict(entry["checks"])
        # host-specific values in a few checks: real servers differ in sizes, addresses, processes
        for check_id in rng.sample(list(checks), 3):
            outcome = dict(checks[check_id])
            outcome["observed"] = "%s; %s (%d)" % (outcome.get("observed") or "", ip, serial)
            outcome["message_zh"] = "%s（%s）" % (outcome.get("message_zh") or "", ip)
            outcome["message_en"] = "%s (%s)" % (outcome.get("message_en") or "", ip)
            checks[check_id] = outcome
        entry["checks"] = checks
        entry["summary"] = summarise(checks)
    entry["level"] = 3 if "人民医院" in name and server == 0 and rng.random() < 0.4 else 2
    entry["hospital"] = OrderedDict((
        ("name", name), ("ownership", "公立"),
        ("division", OrderedDict((("province", province), ("city", city), ("county", county)))),
        ("contact", OrderedDict((("name", "联系人%d" % serial), ("mobile", "139%08d" % serial)))),
        ("volumes", OrderedDict((("outpatient_2023", 100000 + serial), ("outpatient_peak_month_2023", 12000),
                                 ("report_cards_yearly", 800), ("reporting_staff", 3)))),
    ))
    return entry


def national_results(servers, seed=1, provinces=PROVINCES):
    """The results document of ``servers`` servers in ``provinces`` (a dict, hosts in name order)."""
    rng = random.Random(seed)
    region, audited, unreachable = templates()
    hosts = OrderedDict()
    serial = 0
    for hospital in divisions(rng, servers, provinces):
        for server in range(hospital[4]):
            serial += 1
            ip = "10.%d.%d.%d" % (serial // 65536 % 256, serial // 256 % 256, serial % 256)
            name = "fep-%05d-%d" % (serial, server + 1)
            hosts[name] = host_entry(rng, rng.choice(audited), unreachable, serial, hospital[:4], server, ip)
    host_status = OrderedDict((status, 0) for status in HOST_STATUSES)
    check_status = OrderedDict((status, 0) for status in STATUSES)
    for entry in hosts.values():
        host_status[entry["status"]] += 1
        for status, number in entry["summary"].items():
            check_status[status] += number
    return OrderedDict((
        ("schema", region["schema"]), ("generated", region["generated"]), ("run", region["run"]),
        ("summary", OrderedDict((("hosts", len(hosts)), ("host_status", host_status),
                                 ("check_status", check_status)))),
        ("hosts", OrderedDict(sorted(hosts.items()))),
    ))


def write_national(servers, path, seed=1, provinces=PROVINCES):
    """Write the results.json of ``servers`` servers to ``path`` (as the audit writes it); returns ``path``."""
    text = results_text(national_results(servers, seed, provinces))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.bench.national SERVERS PATH")
    print(write_national(int(sys.argv[1]), sys.argv[2]))
