#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Ansible inventory script: one host per archive of tools/fep_snapshot.py in $FEP_SNAPSHOTS.

`make audit SNAPSHOTS=DIR` passes it to ansible-playbook (before INVENTORY, when one is given,
so that the region's own variables for a host win).  Each archive becomes a host of the group
``snapshots`` named after the server's host name in its manifest (else the file name), with
``fep_snapshot`` pointing at it; hospital metadata comes from the manifest when the inventory
has none (fep_validate).  Nothing connects to those hosts.

    FEP_SNAPSHOTS=DIR tools/snapshot_inventory.py --list
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "plugins", "module_utils"))

from fep.archive import ArchiveError, read_manifest  # module_utils is not on the path before

SUFFIXES = (".tar.gz", ".tgz")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def host_name(path, manifest, taken):
    """The server's host name, unless unusable or taken (then the archive's file name)."""
    hostname = str(((manifest or {}).get("host") or {}).get("hostname") or "")
    if NAME.match(hostname) and not hostname.startswith("localhost") and hostname not in taken:
        return hostname
    stem = os.path.basename(path)
    for suffix in SUFFIXES:
        if stem.endswith(suffix):
            stem = stem[:-len(suffix)]
    name, number = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("_.-") or "snapshot", 1
    candidate = name
    while candidate in taken:
        number += 1
        candidate = "%s-%d" % (name, number)
    return candidate


def inventory(folder):
    hosts = {}
    for entry in sorted(os.listdir(folder)):
        path = os.path.abspath(os.path.join(folder, entry))
        if not entry.endswith(SUFFIXES) or not os.path.isfile(path):
            continue
        try:
            manifest = read_manifest(path)
        except ArchiveError:
            manifest = None  # listed all the same: the audit reports it as failed, with the reason
        hosts[host_name(path, manifest, hosts)] = {"fep_snapshot": path, "ansible_connection": "local"}
    return {"snapshots": {"hosts": sorted(hosts)}, "_meta": {"hostvars": hosts}}


def main(argv):
    folder = os.environ.get("FEP_SNAPSHOTS", "")
    if "--host" in argv:
        print("{}")
        return 0
    if not os.path.isdir(folder):
        sys.stderr.write("snapshot_inventory: FEP_SNAPSHOTS=%r is not a folder of .tar.gz archives\n" % folder)
        return 1
    print(json.dumps(inventory(folder), ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
