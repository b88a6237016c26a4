# -*- coding: utf-8 -*-
"""An audit run as AWX slices, merged with tools/fep_report.py, agrees with one run over every host.

The playbook end to end (ansible-runner, snapshot roots): fep_results runs the
hospital stage over its own hosts, so each slice compares only the servers of
a hospital it audited; the merge runs the stage again over all of them.  The
slices are cut as AWX cuts them (hosts sorted by name, every N-th:
awx/main/models/inventory.py, Inventory.get_script_data), each slice with the
inventory of its hosts only, as AWX hands it to the slice's job.
tests/unit/test_sliced_merge.py covers more hospitals and slice counts.
"""
import os
import subprocess
import sys

import pytest
import yaml

from tests.builders.profiles import snapshot_host
from tests.support import REPO, load_results, run_playbook

HOSPITAL = {"name": "江城市第一人民医院", "division": {"province": "示例省", "city": "江城市", "county": "东兴区"}}
# host -> (profile of its snapshot, LANG in etc/locale.conf, hospital)
SERVERS = {
    "jc-renmin-db": ("kunpeng-kylin-l3", "en_US.UTF-8", HOSPITAL),
    "jc-renmin-fep": ("kunpeng-kylin-l3", "zh_CN.UTF-8", HOSPITAL),
    "jc-renmin-his": ("loongson-kylin", "en_US.UTF-8", HOSPITAL),
    "hy-zhongxin-fep": ("phytium-openeuler-8884", "en_US.UTF-8", {"name": "河阳市中心医院"}),
}
SLICES = 2


def write_inventory(path, hosts):
    path.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True), encoding="utf-8")
    return path


def audit(tmp, name, hosts):
    """One playbook run over ``hosts`` (a slice's job, or the single run); its results.json."""
    report_dir = tmp / name / "reports"
    runner, stdout = run_playbook(tmp / name / "runner", "audit.yml", write_inventory(tmp / (name + ".yml"), hosts),
                                  extravars={"fep_report_dir": str(report_dir)})
    assert runner.status in ("successful", "failed"), stdout  # failed: findings
    assert "Traceback" not in stdout
    return str(report_dir / "results.json")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sliced")
    hosts = {}
    for name, (profile, lang, hospital) in SERVERS.items():
        root = tmp / "roots" / name
        hosts[name] = dict(snapshot_host(root, profile, sys.executable), fep_hospital=hospital)
        (root / "etc" / "locale.conf").write_text('LANG="%s"\n' % lang)
    names = sorted(hosts)
    slices = [audit(tmp, "slice%d" % (k + 1), {n: hosts[n] for n in names[k::SLICES]}) for k in range(SLICES)]
    single = audit(tmp, "single", hosts)
    merged_dir = tmp / "merged"
    proc = subprocess.run([sys.executable, os.path.join(REPO, "tools", "fep_report.py")] + slices
                          + ["--out", str(merged_dir)], capture_output=True, text=True, check=False)
    assert proc.returncode in (0, 1), proc.stderr
    return {"slices": [load_results(os.path.dirname(path)) for path in slices],
            "single": load_results(os.path.dirname(single)), "merged": load_results(merged_dir)}


def judged(results):
    """What the reports show of each host: its checks and counts (facts carry each run's timings)."""
    return {host: (entry["status"], entry["checks"], entry["summary"]) for host, entry in results["hosts"].items()}


def test_merged_slices_equal_the_single_run(runs):
    assert judged(runs["merged"]) == judged(runs["single"])
    assert runs["merged"]["summary"] == runs["single"]["summary"]
    assert runs["merged"]["run"]["judged_across_runs"] is True
    locale = runs["merged"]["hosts"]["jc-renmin-db"]["checks"]["db.opengauss.locale"]
    assert locale["status"] == "fail"
    assert locale["compared_with"] == ["jc-renmin-db", "jc-renmin-fep", "jc-renmin-his"]


def test_each_slice_alone_saw_part_of_the_hospital(runs):
    """AWX deals jc-renmin-db and -his to one slice, -fep (the other LANG) to the other."""
    first, second = runs["slices"]
    assert sorted(first["hosts"]) == ["hy-zhongxin-fep", "jc-renmin-fep"]
    assert sorted(second["hosts"]) == ["jc-renmin-db", "jc-renmin-his"]
    alone = second["hosts"]["jc-renmin-db"]["checks"]["db.opengauss.locale"]
    assert (alone["status"], alone["compared_with"]) == ("pass", ["jc-renmin-db", "jc-renmin-his"])
    assert "本院仅此一台服务器" in first["hosts"]["jc-renmin-fep"]["checks"]["db.opengauss.locale"]["message_zh"]
    assert "judged_across_runs" not in first["run"]
