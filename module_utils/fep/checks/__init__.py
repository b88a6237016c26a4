# -*- coding: utf-8 -*-
"""The check registry: one small function per requirement of the national sheet.

Checks run on the control node against facts already gathered (no extra
round trip), in the spirit of openshift-ansible's health checker: each has a
stable id (public contract), the survey row it fills, titles in Chinese and
English, tags for selection, and runs isolated — a crashing check becomes
``error``, never a crashed host.

This sub-package is controller-side only: it is not shipped to targets.
"""
# import order is the catalogue order: survey form section 二 then 三
from . import hardware, network, security, software  # noqa: F401  (registers checks)
from .registry import CHECKS, STATUSES, Context, limited_by_privilege, python_profile, run_checks, summarise  # noqa: F401
