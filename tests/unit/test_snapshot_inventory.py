# -*- coding: utf-8 -*-
"""tools/snapshot_inventory.py: one inventory host per archive, named after the server."""
import importlib.util
import os

import pytest

from tests.support import REPO


def load():
    spec = importlib.util.spec_from_file_location("snapshot_inventory", os.path.join(REPO, "tools", "snapshot_inventory.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("hostname,path,taken,expected", [
    ("qc-renmin-fep", "/in/a.tar.gz", {}, "qc-renmin-fep"),
    ("localhost.localdomain", "/in/县医院 前置.tar.gz", {}, "snapshot"),
    ("", "/in/县医院-b 2.tar.gz", {}, "b_2"),
    ("qc-renmin-fep", "/in/b.tgz", {"qc-renmin-fep": {}}, "b"),
    ("", "/in/b.tar.gz", {"b": {}, "b-2": {}}, "b-3"),
    ("../../etc", "/in/x.tar.gz", {}, "x"),
])
def test_host_names(hostname, path, taken, expected):
    manifest = {"host": {"hostname": hostname}}
    assert load().host_name(path, manifest, taken) == expected


def test_an_unreadable_archive_is_listed_under_its_file_name(tmp_path, monkeypatch):
    (tmp_path / "broken.tar.gz").write_bytes(b"not an archive")
    (tmp_path / "readme.txt").write_text("x")
    inventory = load().inventory(str(tmp_path))
    assert inventory["snapshots"]["hosts"] == ["broken"]
    assert inventory["_meta"]["hostvars"]["broken"] == {"fep_snapshot": str(tmp_path / "broken.tar.gz"),
                                                        "ansible_connection": "local"}
