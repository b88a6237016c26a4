# -*- coding: utf-8 -*-
"""openGauss prerequisites: 附件2 二、row 9, checked the way its installer does.

``db.opengauss`` summarises a family of sub-checks that mirror the items of
``gs_preinstall`` / ``gs_checkos`` (A1-A14) and the settings the installer
makes itself (RemoveIPC, SELinux, pam_limits, omm/dbgrp, packages, port
reservation), so a region learns before installation day what the installer
would reject.  Severity follows the installer: "Abnormal" is ``fail``,
"Warning" is ``warn``.  The values live in ``fep.opengauss_spec``.

The family, one module per part:

- opengauss_summary.py   ``db.opengauss``: capability decides, readiness is listed
- opengauss_platform.py  A1 OS, architecture, CPU flags; A2-A4 kernel, LANG, time zone
- opengauss_kernel.py    A5 swap, A6 kernel parameters, A7 limits, A10 IO scheduler and AIO
- opengauss_services.py  A12 time sync, A13 firewalld, A14 THP, RemoveIPC, SELinux, pam_limits
- opengauss_install.py   packages, omm/dbgrp, the data directory, the port range

Three items compare the servers of one hospital (A2 kernel, A3 LANG, A4 time
zone): each host's own check says what it has, and the hospital stage
(checks/hospital.py ``judge_hospitals``, run by fep_results and by the merge
over all hosts) compares the servers of each hospital.
"""
# isort: off
# import order is the catalogue order: the summary, then its sub-checks A1 … port
from . import opengauss_summary  # noqa: F401  (db.opengauss)
from . import opengauss_platform  # noqa: F401
from . import opengauss_kernel  # noqa: F401
from . import opengauss_services  # noqa: F401
from . import opengauss_install  # noqa: F401
# isort: on
