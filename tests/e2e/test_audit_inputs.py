# -*- coding: utf-8 -*-
"""The audit reads each host's fep_* variables itself (plugins/action/fep_audit.py).

The playbook passes no arguments: the action templates the host's variables
(ARG_VARIABLES), so values that are templates, group indirections and
waiver reasons must arrive rendered, and a bad or unrenderable value must
fail that host alone with a message naming the host and the variable.
"""
import json
import os
import re

import pytest
import yaml

from tests.support import REPO, load_results, profile_bin_dir, run_playbook

PROFILE = "kunpeng-kylin-l3"


@pytest.fixture(scope="module", params=["default", "legacy"])
def inputs_audit(request, region, tmp_path_factory):
    """The same region under each profile: 2.19 and 2.16 template task variables differently."""
    bin_dir = profile_bin_dir(request.param)
    base = dict(region["hosts"][PROFILE])
    root = base["fep_root"]
    hosts = {
        # every input a template over other variables, as group_vars often write them
        "templated": dict(base, fep_root="{{ snapshot_root }}", fep_hospital_level="{{ region_level }}",
                          snapshot_root=root, region_level=3, waiver="{{ '机房' ~ '共用，已报备' }}",
                          fep_check_skip={"server.dedicated": "{{ waiver }}"},
                          fep_thresholds="{{ {'nics': region_nics} }}", region_nics=9),
        "bad-port": dict(base, fep_ports={"web": 70000}),
        # a wrong type fails its host with a message naming the variable: a list where a mapping
        # belongs once crashed the audit ('_AnsibleTaggedList' object has no attribute 'items'),
        # NaN was accepted and crashed the checks, a negative timeout was accepted
        "wrong-types": dict(base, fep_ports=[8881], fep_thresholds={"cpu_cores": float("nan")},
                            fep_probe_timeout=-5),
        "undefined": dict(base, fep_declared="{{ no_such_variable }}"),
        "plain": dict(base),
        "published": dict(base, fep_audit_facts="{{ 'yes' }}"),
    }
    for name, host in hosts.items():
        host["fep_hospital"] = {"name": "医院 %s" % name}
    tmp = tmp_path_factory.mktemp("inputs")
    inventory = tmp / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}, allow_unicode=True))
    # the audit, then a play that uses what it published (fep_audit_facts)
    playbook = tmp / "audit_then_use.yml"
    playbook.write_text(yaml.safe_dump([
        {"import_playbook": os.path.join(REPO, "playbooks", "audit.yml")},
        {"name": "Use the published facts", "hosts": "all", "gather_facts": False, "tasks": [
            {"name": "Report the published facts", "ansible.builtin.debug": {
                "msg": "{{ inventory_hostname }} published={{ ansible_facts.fep is defined }} "
                       "cpu={{ ansible_facts.fep.cpu | default({}) | to_json }}"}}]}]))
    runner, stdout = run_playbook(tmp / "runner", str(playbook), inventory, bin_dir=bin_dir,
                                  extravars={"fep_report_dir": str(tmp / "rep"), "fep_fail_on_findings": False})
    results = load_results(tmp / "rep")
    assert results["run"]["ansible_core"].startswith("2.16." if bin_dir else "2.19."), stdout
    return {"runner": runner, "stdout": stdout, "results": results}


def test_facts_are_published_only_when_asked(inputs_audit):
    """fep_audit_facts: the facts as ansible_facts.fep for the plays that follow (ansible-runner caches them)."""
    results = inputs_audit["results"]
    seen = {}
    for event in inputs_audit["runner"].events:
        data = event.get("event_data") or {}
        if event.get("event") == "runner_on_ok" and data.get("task") == "Report the published facts":
            host, published, cpu = re.match(r"(\S+) published=(\w+) cpu=(.*)$", data["res"]["msg"]).groups()
            seen[host] = (published, json.loads(cpu))
    assert seen["published"] == ("True", results["hosts"]["published"]["facts"]["cpu"])
    assert seen["plain"] == ("False", {})
    assert results["hosts"]["plain"]["facts"]["cpu"]  # results.json has the facts either way


def test_templated_variables_arrive_rendered(inputs_audit):
    entry = inputs_audit["results"]["hosts"]["templated"]
    assert entry["status"] == "ok", entry["message"]
    assert entry["level"] == 3
    assert entry["facts"]["collector"]["snapshot"] is True  # fep_root rendered to the snapshot
    dedicated = entry["checks"]["server.dedicated"]
    assert (dedicated["status"], dedicated["source"]) == ("skip", "waiver")
    assert "机房共用，已报备" in dedicated["message_zh"]
    # the rendered threshold (9 NICs) is what the check judged against
    assert entry["checks"]["nic.dual"]["status"] == "fail"
    assert inputs_audit["results"]["hosts"]["plain"]["checks"]["nic.dual"]["status"] == "pass"


def test_bad_value_fails_that_host_naming_host_and_variable(inputs_audit):
    entry = inputs_audit["results"]["hosts"]["bad-port"]
    assert entry["status"] == "failed"
    assert "host bad-port: invalid inventory value(s): fep_ports.web: port must be 1-65535" in entry["message"]


def test_wrong_types_and_ranges_fail_that_host_naming_each_variable(inputs_audit):
    entry = inputs_audit["results"]["hosts"]["wrong-types"]
    assert entry["status"] == "failed"
    assert entry["message"].startswith("host wrong-types: invalid inventory value(s): ")
    for problem in ("fep_ports: must be a mapping (key: value), got list [8881]",
                    "fep_thresholds.cpu_cores: must be a finite non-negative number, got nan",
                    "fep_probe_timeout: must be a number of seconds above 0, got -5.0"):
        assert problem in entry["message"]
    assert "Traceback" not in inputs_audit["stdout"] and "_AnsibleTagged" not in inputs_audit["stdout"]


def test_unrenderable_value_fails_that_host_naming_host_and_variable(inputs_audit):
    entry = inputs_audit["results"]["hosts"]["undefined"]
    assert entry["status"] == "failed"
    assert entry["message"].startswith("host undefined: fep_declared: ")
    assert "no_such_variable" in entry["message"]
    assert "Traceback" not in inputs_audit["stdout"]


def test_other_hosts_are_still_audited(inputs_audit):
    assert inputs_audit["results"]["hosts"]["plain"]["status"] == "ok"
    assert inputs_audit["runner"].status == "successful"
