# -*- coding: utf-8 -*-
"""The check registry: one small function per requirement of the national sheet.

Checks run on the control node against facts already gathered (no extra
round trip), in the spirit of openshift-ansible's health checker: each has a
stable id (public contract), the survey row it fills, titles in Chinese and
English, tags for selection, and runs isolated — a crashing check becomes
``error``, never a crashed host.

This sub-package is controller-side only: it is not shipped to targets.
"""
# isort: off
# import order is the catalogue order: survey form section 二, then 三
from . import hardware  # noqa: F401  (each import registers its checks)
from . import software  # noqa: F401
from . import opengauss  # noqa: F401  (db.opengauss and its sub-checks, after os.domestic)
from . import network  # noqa: F401
from . import security  # noqa: F401
# isort: on
from .audit_notes import limited_by_privilege, python_profile  # noqa: F401
from .registry import (  # noqa: F401  (the public interface of the package)
    CHECKS,
    STATUSES,
    Context,
    run_checks,
    summarise,
)
