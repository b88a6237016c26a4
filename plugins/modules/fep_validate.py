#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation only: the work is done by the action plugin plugins/action/fep_validate.py.
DOCUMENTATION = r"""
---
module: fep_validate
short_description: Check the hospital metadata of every host before an audit starts
description:
  - Validates C(fep_hospital) and C(fep_hospital_level) of each host and fails with one message per
    host and field when they are wrong, before any host is contacted.
  - Remembers on the controller which hosts the run audits (C(__fep_audited_hosts)).
version_added: "0.1.0"
author: fepkit maintainers
options:
  hosts:
    description: The hosts of the play.
    type: list
    elements: str
    required: true
attributes:
  check_mode: {support: full, description: Reads inventory variables only.}
"""

EXAMPLES = r"""
- name: Check the hospital metadata of every host
  fepkit.fep.fep_validate:
    hosts: "{{ ansible_play_hosts_all }}"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
"""
