#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation only: the work is done by the action plugin plugins/action/fep_firewall_plan.py.
DOCUMENTATION = r"""
---
module: fep_firewall_plan
short_description: Plan the firewalld changes of the fep_firewall role from the host's current state
description:
  - Reads the state the role probed on the host (zones, interfaces, sources, services, ports and every
    other zone property) and returns the changes that give each network exactly the front-end ports
    the sheet names, keeping the hospital's own settings, with a diff and warnings.
  - Fails without changing anything when a change would lose a hospital setting or block the control
    connection.
version_added: "0.1.0"
author: fepkit maintainers
options:
  probe:
    description: Output of the role's state probe on the host.
    type: raw
    required: true
  desired:
    description: The wanted ports per zone (from the C(fepkit.fep.fep_firewall_inputs) filter).
    type: dict
    required: true
  managed:
    description: The ports fepkit manages.
    type: list
    elements: raw
    required: true
attributes:
  check_mode: {support: full, description: Plans only; the role applies the plan.}
"""

EXAMPLES = r"""
- name: Plan the firewalld changes
  fepkit.fep.fep_firewall_plan:
    probe: "{{ __probe.stdout }}"
    desired: "{{ __fep_firewall_inputs.desired }}"
    managed: "{{ __fep_firewall_inputs.managed }}"
  register: __plan
"""

RETURN = r"""
summary: {description: One line per planned change., returned: success, type: list, elements: str}
firewall_warnings: {description: What the role cannot do safely and why., returned: success, type: list, elements: str}
"""
