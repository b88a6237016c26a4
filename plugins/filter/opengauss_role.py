# -*- coding: utf-8 -*-
"""Filters of the fep_opengauss_prereqs role: its decisions, made on the controller.

The logic lives in ``plugins/module_utils/fep/opengauss_role/`` (pure functions,
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


def fep_opengauss_role_host_problems(limits, host):
    """Sentences for inputs this host cannot take (nofile above fs.nr_open)."""
    return opengauss_role.host_problems(limits, host)


def fep_opengauss_role_dirs(seen, data_dirs, backup_dirs, user, take_over):
    """``{"records", "problems"}`` for the data and backup directories as fep_opengauss_host saw them."""
    records, problems = [], []
    for field, paths in (("data_dirs", data_dirs), ("backup_dirs", backup_dirs)):
        for index, path in enumerate(paths or []):
            decision = opengauss_role.directory_takeover(field, index, path, (seen or {}).get(path) or {},
                                                         user, take_over)
            records.append(decision["record"])
            if decision["problem"]:
                problems.append(decision["problem"])
    return {"records": records, "problems": problems}


def fep_opengauss_role_sysctl_overrides(files, values, own_file):
    """The hospital's sysctl values the role's file changes (old → new), each with its zh/en message."""
    found = []
    for item in opengauss_role.sysctl_overrides(files, values, own_file):
        zh, en = opengauss_role.override_messages(item)
        found.append(dict(item, message_zh=zh, message_en=en))
    return found


class FilterModule(object):
    def filters(self):
        return {
            "fep_opengauss_role_platform": fep_opengauss_role_platform,
            "fep_opengauss_role_sysctl": fep_opengauss_role_sysctl,
            "fep_opengauss_role_locale_installed": fep_opengauss_role_locale_installed,
            "fep_opengauss_role_problems": fep_opengauss_role_problems,
            "fep_opengauss_role_selinux_config": fep_opengauss_role_selinux_config,
            "fep_opengauss_role_summary": fep_opengauss_role_summary,
            "fep_opengauss_role_host_problems": fep_opengauss_role_host_problems,
            "fep_opengauss_role_dirs": fep_opengauss_role_dirs,
            "fep_opengauss_role_sysctl_overrides": fep_opengauss_role_sysctl_overrides,
        }
