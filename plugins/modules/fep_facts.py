#!/usr/bin/python
# -*- coding: utf-8 -*-
"""Gather the fepkit facts of a hospital front-end server as ``ansible_facts.fep``."""

DOCUMENTATION = r"""
---
module: fep_facts
short_description: Gather the facts of a hospital front-end server (前置服务器) in one call
description:
  - Collects CPU (vendor family, domestic or not, physical cores counted correctly on
    Kunpeng, Phytium, Hygon, Zhaoxin, Loongson and Sunway), memory, disks, NICs, GPU/NPU
    accelerators, OS classification, listening ports, security posture and the OS settings
    the openGauss installer checks.
  - Reads every file-based fact under I(root), so the same module audits a snapshot of a
    server (a tree mirroring C(proc/), C(sys/) and C(etc/)); see docs/snapshot-layout.md.
  - No C(setup) round trip is needed. The facts are a public contract documented in
    docs/results-schema.md.
  - The read-only audit (C(playbooks/audit.yml)) uses the same code through the
    C(fep_audit) action plugin, which also works on targets with Python 3.6 and 3.7.
version_added: "0.1.0"
author: fepkit maintainers
options:
  root:
    description: Directory to read C(proc/), C(sys/) and C(etc/) from instead of C(/).
    type: path
    default: /
  security_agents:
    description: Extra process or service names of security agents, by category.
    type: dict
    default: {}
  probes:
    description:
      - Network probes to run from the server. Keys C(egress), C(gov_extranet),
        C(health_private) (lists of C(host:port)), C(bandwidth_url), C(timeout).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
notes:
  - Standard library only; nothing is installed or written on the host.
"""

EXAMPLES = r"""
- name: Gather the front-end server facts
  fep_facts:

- name: Audit a snapshot copied from a hospital server
  fep_facts:
    root: /srv/snapshots/hospital-a
"""

RETURN = r"""
ansible_facts:
  description: The facts, under the key C(fep).
  returned: always
  type: dict
  contains:
    fep:
      description: cpu, memory, disks, storage, nics, accelerators, os, ports, security,
        mounts, virtualization, probes, unknown (fact -> reason) and warnings.
      type: dict
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.fepkit.fep.plugins.module_utils.fep.collector import collect


def main():
    module = AnsibleModule(
        argument_spec={
            "root": {"type": "path", "default": "/"},
            "security_agents": {"type": "dict", "default": {}},
            "probes": {"type": "dict", "default": {}},
        },
        supports_check_mode=True,
    )
    root = module.params["root"]
    if not os.path.isdir(root):
        module.fail_json(msg="root %s is not a directory on this host" % root)
    facts = collect(root, {"agents": module.params["security_agents"],
                           "probes": module.params["probes"]})
    for warning in facts.get("warnings") or []:
        module.warn(warning)
    module.exit_json(changed=False, ansible_facts={"fep": facts})


if __name__ == "__main__":
    main()
