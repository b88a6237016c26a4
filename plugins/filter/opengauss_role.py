# -*- coding: utf-8 -*-
"""Filters of the fep_opengauss_prereqs role: its decisions, made on the controller.

The logic lives in ``plugins/module_utils/fep/opengauss_role.py`` (pure functions,
unit-tested); these filters only expose it to the role's tasks.
"""
from ansible.errors import AnsibleFilterError
from ansible_collections.fepkit.fep.plugins.module_utils.fep import opengauss_role


def fep_opengauss_role_platform(os_release):
    """os-release fields → the role's platform (family, package manager, vars files)."""
    if not isinstance(os_release, dict):
        raise AnsibleFilterError("fep_opengauss_role_platform expects the os-release fields as a dict")
    return opengauss_role.platform_of(os_release)


def fep_opengauss_role_sysctl(mandatory, suggested, overrides, host, percent, port, aio_max_nr):
    """The complete sysctl table for one host (``host``: what fep_opengauss_host read)."""
    return opengauss_role.sysctl_values(mandatory, suggested, overrides, host, percent, port, aio_max_nr)


def fep_opengauss_role_locale_installed(lang, installed):
    """True when the locale ``lang`` is among ``locale -a``'s names."""
    return opengauss_role.locale_installed(lang, installed)


def fep_opengauss_role_selinux_config(configured, wanted):
    """SELINUX= to write, or "" to leave /etc/selinux/config alone."""
    return opengauss_role.selinux_config_value(configured, wanted) or ""


def fep_opengauss_role_summary(hostvars, hosts, lang="zh"):
    """End-of-run lines for every host of ``hosts`` that ran the role."""
    reports = {}
    for host in hosts:
        report = hostvars[host].get("fep_opengauss_prereqs_report") if host in hostvars else None
        if report:
            reports[host] = report
    return opengauss_role.summary_lines(reports, lang)


def fep_opengauss_role_problems(params):
    """Sentences naming each bad role input (empty list when fine)."""
    return opengauss_role.input_problems(params)


class FilterModule(object):
    def filters(self):
        return {
            "fep_opengauss_role_platform": fep_opengauss_role_platform,
            "fep_opengauss_role_sysctl": fep_opengauss_role_sysctl,
            "fep_opengauss_role_locale_installed": fep_opengauss_role_locale_installed,
            "fep_opengauss_role_problems": fep_opengauss_role_problems,
            "fep_opengauss_role_selinux_config": fep_opengauss_role_selinux_config,
            "fep_opengauss_role_summary": fep_opengauss_role_summary,
        }
