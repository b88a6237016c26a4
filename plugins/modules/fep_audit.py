#!/usr/bin/python
# -*- coding: utf-8 -*-
# Documentation only: the work is done by the action plugin plugins/action/fep_audit.py.
DOCUMENTATION = r"""
---
module: fep_audit
short_description: Audit one hospital front-end server (前置服务器) against the national requirement sheet
description:
  - Pipes the standard-library collector (Python 3.6+) to the target's Python in one round trip,
    then judges every requirement on the controller. Nothing on the target is changed.
  - Each option defaults to the host's inventory variable named in its description; the audit
    playbook passes no arguments (C(fepkit.fep.audit)). Variables are described in docs/variables.md.
  - In the audit playbook (C(fepkit.fep.audit)) the host's outcome (facts, every check) is written
    to the run's spool on the controller, which C(fepkit.fep.fep_validate) opened (registered as
    C(__fep_run)), and the task returns only the verdict, the counts and the failing check ids, so
    that its job event (AWX stores one per host) stays under 4 KiB. C(fepkit.fep.fep_results) reads
    the spool.
  - Without that spool the outcome is returned as one JSON string, C(fep_outcome).
version_added: "0.1.0"
author: fepkit maintainers
options:
  root:
    description: Snapshot folder to audit instead of the live system (C(fep_root))
    type: path
  snapshot:
    description: >-
      Archive made on the server by tools/fep_snapshot.py, audited on the controller instead of
      connecting to the host (C(fep_snapshot)); extracted safely and its manifest verified first
    type: path
  level:
    description: Hospital level, 2 or 3 (C(fep_hospital_level))
    type: int
  ports:
    description: Replacement ports by service (C(fep_ports))
    type: dict
  thresholds:
    description: Overridden thresholds (C(fep_thresholds))
    type: dict
  thresholds_reason:
    description: Why the thresholds differ from the sheet, printed on the survey form (C(fep_thresholds_reason))
    type: str
  firewall_zones:
    description: >-
      Interfaces and source networks of the intranet and the extranet (C(fep_firewall_zones)), for the
      survey's port rows
    type: dict
  declared:
    description: What the hospital declares for checks a program cannot see (C(fep_declared))
    type: dict
  skip:
    description: Check ids not to run (C(fep_check_skip))
    type: list
    elements: str
  select:
    description: Only these check ids (C(fep_checks))
    type: list
    elements: str
  national_platform:
    description: Address of the national platform for the outbound probe (C(fep_national_platform))
    type: str
  probe_targets:
    description: Network probe targets (C(fep_probe_targets))
    type: list
    elements: raw
  bandwidth_probe_url:
    description: URL for the bandwidth probe (C(fep_bandwidth_probe_url))
    type: str
  probe_timeout:
    description: Seconds per probe (C(fep_probe_timeout))
    type: float
  audit_timeout:
    description: Seconds one host's audit may take before it is recorded as failed (C(fep_audit_timeout), default 300)
    type: int
  security_agents:
    description: Process names of security products (C(fep_security_agents))
    type: list
    elements: str
  frontend_processes:
    description: Process names of the front-end software (C(fep_frontend_processes))
    type: list
    elements: str
  opengauss_data_dir:
    description: openGauss data directory for free-space checks (C(fep_opengauss_data_dir))
    type: path
  publish_facts:
    description: Also publish the gathered facts as host facts (C(fep_audit_facts))
    type: bool
  python:
    description: Interpreter on the target (C(ansible_python_interpreter))
    type: str
  failure:
    description: >-
      The failed result of this host's audit (the audit playbook's rescue passes
      C(ansible_failed_result)): recorded in the run's spool as why the host was not audited;
      nothing is audited
    type: dict
attributes:
  check_mode: {support: full, description: Read-only in every mode.}
notes:
  - Works on targets with Python 3.6 and 3.7 under every ansible-core version (it does not use the module wrapper).
"""

EXAMPLES = r"""
- name: Audit every host from its inventory variables
  fepkit.fep.fep_audit: {}
  register: __fep_audit
"""

RETURN = r"""
fep_verdict:
  description: >-
    The host's verdict before the hospital-wide checks, C(pass), C(attention) (a requirement is
    unknown) or C(fail).
  returned: success, in the audit playbook
  type: str
fep_counts:
  description: Number of requirements (rows of the sheet) per status.
  returned: success, in the audit playbook
  type: dict
fep_failing:
  description: Ids of the requirements that fail or whose check crashed.
  returned: success, in the audit playbook
  type: list
  elements: str
fep_unknown:
  description: Ids of the requirements that could not be judged.
  returned: success, in the audit playbook
  type: list
  elements: str
fep_outcome:
  description: The host's checks, facts and summary as one JSON string, when no spool is open.
  returned: success, outside the audit playbook
  type: str
"""
