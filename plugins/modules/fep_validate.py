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
  - Opens the run - chooses its report folder and creates its spool there (mode 0700), with the hosts
    and their validated metadata - and returns both; the audit playbook registers the result as
    C(__fep_run) for every audited host and sets it as a fact of localhost (delegate_facts).
version_added: "0.1.0"
author: fepkit maintainers
options:
  hosts:
    description: The hosts of the play.
    type: list
    elements: str
    required: true
  report_dir:
    description:
      - Folder for results.json and the reports (C(fep_report_dir)).
      - Default under ansible-runner (AWX) C(<artifact folder>/fep-reports), which comes back with the job's
        artifacts; otherwise C(reports/<timestamp>/) beside the playbooks folder in a checkout, under the
        current folder when the playbook runs from an installed collection.
    type: path
attributes:
  check_mode: {support: full, description: Reads inventory variables only.}
"""

EXAMPLES = r"""
- name: Check the hospital metadata of every host
  fepkit.fep.fep_validate:
    hosts: "{{ ansible_play_hosts_all }}"
  delegate_to: localhost
  delegate_facts: true
  run_once: true
  register: __fep_run
"""

RETURN = r"""
report_dir: {description: The run's report folder., returned: success, type: str}
spool: {description: The spool inside it (read by fep_audit and fep_results)., returned: success, type: str}
fep_hosts: {description: Number of hosts the run audits., returned: success, type: int}
"""
