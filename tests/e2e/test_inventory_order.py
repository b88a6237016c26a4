# -*- coding: utf-8 -*-
"""ansible.cfg reads YAML inventories with the yaml plugin before `auto` (one parse instead of two).

Plugin configurations (constructed, cloud and AWX inventory plugins) must keep
working: the yaml plugin refuses them and `auto` reads them, without a warning.
"""
import json
import os
import subprocess
import sys

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def inventory(sources, *args):
    env = dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([os.path.join(BIN, "ansible-inventory"), "-i", str(sources)] + list(args),
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_yaml_is_tried_before_auto():
    proc = subprocess.run([os.path.join(BIN, "ansible-config"), "dump", "--only-changed", "--format", "json"],
                          capture_output=True, text=True, check=True,
                          env=dict(os.environ, ANSIBLE_CONFIG=os.path.join(REPO, "ansible.cfg")))
    enabled = {entry.get("name"): entry.get("value") for entry in json.loads(proc.stdout)}["INVENTORY_ENABLED"]
    assert enabled.index("yaml") < enabled.index("auto")


def test_plugin_configurations_still_work_beside_a_yaml_inventory(tmp_path):
    (tmp_path / "10-region.yml").write_text(yaml.safe_dump({"all": {"children": {"jiangcheng": {"hosts": {
        "jc-renmin-fep": {"fep_hospital_level": 3}, "jc-zhongyi-fep": {"fep_hospital_level": 2}}}}}}))
    (tmp_path / "20-levels.yml").write_text(yaml.safe_dump({
        "plugin": "ansible.builtin.constructed", "strict": True,
        "groups": {"level3": "fep_hospital_level == 3", "level2": "fep_hospital_level == 2"}}))
    proc = inventory(tmp_path, "--list")
    groups = json.loads(proc.stdout)
    assert groups["level3"]["hosts"] == ["jc-renmin-fep"] and groups["level2"]["hosts"] == ["jc-zhongyi-fep"]
    assert groups["jiangcheng"]["hosts"] == ["jc-renmin-fep", "jc-zhongyi-fep"]
    assert "WARNING" not in proc.stderr, proc.stderr
