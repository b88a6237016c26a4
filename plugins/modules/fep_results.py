#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation only: the work is done by the action plugin plugins/action/fep_results.py.
DOCUMENTATION = r"""
---
module: fep_results
short_description: Write results.json and the reports (survey forms, roll-up, HTML, JUnit) of an audit run
description:
  - Runs once on the control node after the audit play. Reads the run's spool (the hosts and metadata
    C(fepkit.fep.fep_validate) checked, and what each host's audit recorded there), judges the
    hospital-wide checks, writes C(results.json) into the run's report folder, removes the spool and
    renders the reports.
  - Returns the verdict table that the audit playbook prints, and the run's summary as C(set_stats)
    data C(fep_summary) (aggregate, not per host), which AWX shows in the job's artifacts and hands to
    the next nodes of a workflow.
version_added: "0.1.0"
author: fepkit maintainers
options:
  spool:
    description:
      - The run's spool (C(__fep_run.spool), from C(fepkit.fep.fep_validate)); the reports are written
        into the folder that holds it.
      - Unset when the audit play matched no host, which fails with a message naming the inventory.
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
    spool: "{{ __fep_run.spool }}"
    lang: en
"""

RETURN = r"""
verdict:
  description: >-
    The verdict table as text: a table per check for up to 3 hosts, one line per host up to 500 hosts;
    beyond that only the hosts needing action (at most 200) and how many are not listed, so a national
    run does not flood the terminal or an AWX job's output.
  returned: always
  type: str
results_path: {description: Path of results.json., returned: always, type: str}
report_dir: {description: Folder of results.json and the reports., returned: always, type: str}
summary:
  description: >-
    The run's summary, also set as C(set_stats) data C(fep_summary): hosts, host_status, check_status,
    verdicts (pass, attention, fail, not_audited), failing_hosts (the first 100) and failing_hosts_total,
    failing_checks (check id to number of hosts), report_dir, results, reports, folders, survey_forms.
  returned: always
  type: dict
"""
