# -*- coding: utf-8 -*-
"""A snapshot region: every profile and an unreachable hospital."""
import sys

import pytest
import yaml

from tests.builders.profiles import PROFILES, snapshot_host


@pytest.fixture(scope="session")
def region(tmp_path_factory):
    """Snapshot roots of every profile plus an unreachable hospital."""
    base = tmp_path_factory.mktemp("region")
    hosts = {}
    for name in PROFILES:
        hosts[name] = snapshot_host(base / "roots" / name, name, sys.executable)
    # nothing listens on loopback port 1: the connection is refused at once
    hosts["unreachable-hospital"] = {"ansible_host": "127.0.0.1", "ansible_port": 1,
                                     "ansible_user": "nobody", "fep_hospital_level": 2,
                                     "fep_hospital": {"name": "不可达的医院"}}
    inventory = base / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": hosts}}))
    return {"base": base, "inventory": inventory, "hosts": hosts}

