#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation only: the work is done by the action plugin plugins/action/fep_results.py.
DOCUMENTATION = r"""
---
module: fep_results
short_description: Write results.json and the reports (survey forms, roll-up, HTML, JUnit) of an audit run
description:
  - Runs once on the control node after the audit play. Reads what each audited host registered
    (C(__fep_audit)), judges the hospital-wide checks, writes C(results.json) and renders the reports.
  - Returns the verdict table that the audit playbook prints.
version_added: "0.1.0"
author: fepkit maintainers
options:
  hosts:
    description: The hosts this run audited.
    type: list
    elements: str
    required: true
  report_dir:
    description:
      - Folder for results.json and the reports.
      - Default C(reports/<timestamp>/) beside the playbooks folder in a checkout or AWX project,
        under the current folder when the playbook runs from an installed collection.
    type: path
  lang:
    description: Language of the reports.
    type: str
    choices: [zh, en]
    default: zh
attributes:
  check_mode: {support: full, description: Writes reports on the controller in every mode; targets are untouched.}
"""

EXAMPLES = r"""
- name: Write the results and reports
  fepkit.fep.fep_results:
    hosts: "{{ __fep_audited_hosts }}"
    lang: en
"""

RETURN = r"""
verdict: {description: The verdict table as text., returned: always, type: str}
results_path: {description: Path of results.json., returned: always, type: str}
"""
