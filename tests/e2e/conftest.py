# -*- coding: utf-8 -*-
"""A snapshot region: every profile and an unreachable hospital."""
import sys

import pytest
import yaml

from tests.builders.profiles import PROFILES, build_root


@pytest.fixture(scope="session")
def region(tmp_path_factory):
    """Snapshot roots of every profile plus an unreachable hospital."""
    base = tmp_path_factory.mktemp("region")
    hosts = {}
    for name, profile in PROFILES.items():
        root = base / "roots" / name
        build_root(root, name)
        hosts[name] = {"ansible_connection": "local", "ansible_python_interpreter": sys.executable,
                       "fep_root": str(root), "fep_hospital_level": profile["level"],
                       "fep_hospital": {"name": profile["description"].split(":")[0]}}
    # nothing listens on loopback port 1: the connection is refused at once
    hosts["unreachable-hospital"] = {"ansible_host": "127.0.0.1", "ansible_port": 1,
                                     "ansible_user": "nobody", "fep_hospital_level": 2,
                                     "fep_hospital": {"name": "不可达的医院"}}
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return {"base": base, "inventory": inventory, "hosts": hosts}

