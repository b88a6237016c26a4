# -*- coding: utf-8 -*-
"""The role's data is the audit's table (plugins/module_utils/fep/opengauss_spec.py): they cannot drift.

The role keeps its values in YAML (defaults/, vars/, tasks/) so that it reads
as a normal role; the audit judges against one Python table.  Every value
the installer demands is compared here, and the role's computed settings
are run through the audit's own judges.
"""
import os
import re
from collections import OrderedDict

import jinja2
import pytest
import yaml

from fep import opengauss_spec as spec
from fep.checks import opengauss_install, opengauss_kernel
from fep.checks.registry import Context
from fep.opengauss_role import RESERVED_PORT_SPAN, platform_of, sysctl_values
from fep.osinfo import parse_os_release
from tests.role_vars import REPO, opengauss_vars

ROLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "roles", "fep_opengauss_prereqs")
PREFIX = "fep_opengauss_prereqs_"


def load(*parts):
    with open(os.path.join(ROLE, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


DEFAULTS = load("defaults", "main.yml")
OPTIONS = load("meta", "argument_specs.yml")["argument_specs"]["main"]["options"]
FIXTURES = os.path.join(REPO, "tests", "fixtures", "os-release")


def _platforms():
    """{os-release fixture: (the role's platform, the OS data it loads)} of every OS the role prepares."""
    found = {}
    for name in sorted(os.listdir(FIXTURES)):
        with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
            fields = parse_os_release(handle.read())
        if platform_of(fields)["problem"] is None:
            found[name] = (platform_of(fields), opengauss_vars(fields))
    return found


PLATFORMS = _platforms()
RPM_OSES = sorted(name for name, (platform, _) in PLATFORMS.items() if platform["family"] == "rpm")


def default(name):
    return DEFAULTS[PREFIX + name]


def render(text, **variables):
    return jinja2.Environment().from_string(text).render(**variables)


def task(file_name, task_name):
    return next(t for t in load("tasks", file_name) if t["name"] == task_name)


def test_the_fixtures_cover_both_families():
    assert RPM_OSES and {platform["family"] for platform, _ in PLATFORMS.values()} == {"rpm", "deb"}


# -- sysctl (A6, A10) ---------------------------------------------------------------------------------

def test_mandatory_sysctls_are_the_installers():
    assert default("sysctl") == dict(spec.SYSCTL_MANDATORY)


def test_suggested_sysctls_are_the_installers():
    assert default("sysctl_suggested") == dict(spec.SYSCTL_SUGGESTED)


def test_computed_and_minimum_values_are_the_installers():
    assert (default("min_free_kbytes_percent"), default("aio_max_nr"), default("nr_requests")) == \
        (spec.MIN_FREE_KBYTES_PERCENT, spec.AIO_MAX_NR_MIN, spec.NR_REQUESTS)
    assert RESERVED_PORT_SPAN == spec.PORT_SPAN


@pytest.mark.parametrize("memtotal_kb", [65807536, 527843188])  # a 64 GiB and a 512 GiB server
def test_the_role_s_sysctl_table_passes_the_audit_s_judge(memtotal_kb):
    host = {"memtotal_kb": memtotal_kb, "absent_sysctls": [],
            "sysctl": {"net.ipv4.ip_local_reserved_ports": "", "fs.aio-max-nr": "65536"}}
    values = sysctl_values(default("sysctl"), default("sysctl_suggested"), {}, host,
                           default("min_free_kbytes_percent"), 5432, default("aio_max_nr"))
    assert opengauss_kernel.judge_sysctls(values, memtotal_kb * 1024, False) == ([], [], [])
    facts = {"security": {"sysctl": values}, "ports": {"listening": []}}
    assert opengauss_kernel.og_aio_max_nr(facts, None)["status"] == "pass"
    assert opengauss_install.og_port(facts, Context())["status"] == "pass"


def test_the_audit_s_judge_would_see_a_drifted_value():
    # guards the test above: one wrong value is a failing item
    host = {"memtotal_kb": 65807536, "sysctl": {}}
    values = sysctl_values(default("sysctl"), {}, {"net.core.somaxconn": "4096"}, host, 5, 5432, 1)
    failing, _, _ = opengauss_kernel.judge_sysctls(values, 65807536 * 1024, False)
    assert [item["name"] for item in failing] == ["net.core.somaxconn"]


# -- limits (A7), PAM, logind, THP, SELinux, IO ----------------------------------------------------------

def role_limits(limits):
    domains = [render(domain, fep_opengauss_prereqs_user=default("user")) for domain in default("limits_domains")]
    return {domain: {"%s %s" % (kind, item): str(value) for item, value in limits.items()
                     for kind in ("soft", "hard")} for domain in domains}


def test_the_role_s_limits_pass_the_audit():
    facts = {"security": {"limits": {"configured": role_limits(default("limits")), "readable": True}}}
    assert opengauss_kernel.og_limits(facts, None)["status"] == "pass"


def test_the_audit_would_see_a_missing_limit():
    limits = dict(default("limits"))
    del limits["nofile"]
    facts = {"security": {"limits": {"configured": role_limits(limits), "readable": True}}}
    outcome = opengauss_kernel.og_limits(facts, None)
    assert (outcome["status"], sorted(i["name"] for i in outcome["items"])) == \
        ("warn", ["hard nofile", "soft nofile"])


def test_the_role_never_lowers_a_limit_below_linux_s_default():
    # e.g. writing "stack 3072" would lower the 8192 KB default the installer already accepts
    for item, value in default("limits").items():
        soft_default = opengauss_kernel.LIMIT_DEFAULTS[item][0]
        if soft_default is not None and str(value) not in opengauss_kernel.UNLIMITED and soft_default not in opengauss_kernel.UNLIMITED:
            assert int(value) >= int(soft_default), item


def test_account_is_the_installer_s():
    assert (default("user"), default("group")) == (spec.USER, spec.GROUP)


def test_data_directory_is_the_one_the_audit_judges():
    assert [render(path) for path in default("data_dirs")] == [spec.DATA_DIR]
    assert [render(path, fep_opengauss_data_dir="/data/og") for path in default("data_dirs")] == ["/data/og"]


def test_pam_limits_line_is_the_installer_s():
    line = task("limits.yml", "Load pam_limits in sshd's PAM sessions")["ansible.builtin.lineinfile"]["line"]
    assert line.split() == spec.PAM_LIMITS_LINE.split()


def test_remove_ipc_is_the_installer_s():
    ini = task("logind.yml", "Keep the database user's IPC objects at logout (RemoveIPC=no)")[
        "community.general.ini_file"]
    assert (ini["section"], ini["option"], ini["value"], ini["no_extra_spaces"]) == \
        ("Login", "RemoveIPC", spec.REMOVE_IPC, True)


def test_thp_unit_writes_the_installer_s_value():
    with open(os.path.join(ROLE, "templates", "thp.service.j2"), encoding="utf-8") as handle:
        exec_start = next(line for line in handle if line.startswith("ExecStart="))
    assert exec_start.count("echo %s >" % spec.THP_ENABLED) == 2


def test_selinux_and_scheduler_choices_are_what_the_installer_accepts():
    assert set(OPTIONS[PREFIX + "selinux"]["choices"]) == set(spec.SELINUX_ALLOWED)
    assert default("selinux") in spec.SELINUX_ALLOWED
    assert set(OPTIONS[PREFIX + "io_scheduler"]["choices"]) == set(spec.IO_SCHEDULERS)
    assert default("io_scheduler") in spec.IO_SCHEDULERS


def test_chrony_runs_as_a_daemon_the_installer_looks_for():
    # both families run chrony as the process "chronyd" (the service name differs)
    assert "chronyd" in spec.TIME_SYNC_DAEMONS


# -- packages --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_packages_are_the_audit_s_per_family(name):
    platform, data = PLATFORMS[name]
    column = 3 if platform["family"] == "deb" else 2
    assert data["__fep_opengauss_prereqs_packages"] == \
        OrderedDict((package, row[column]) for package, row in spec.PACKAGES.items())


@pytest.mark.parametrize("name", RPM_OSES)
def test_documented_rpm_packages_are_the_guide_s(name):
    platform, data = PLATFORMS[name]
    assert data["__fep_opengauss_prereqs_documented_packages"] == list(spec.PACKAGES_DOCUMENTED_RPM)
    # libnsl: openEuler x86_64 only (and the UOS e-editions, built on openEuler)
    openeuler_based = platform["id"] == "openeuler" or (platform["id"], platform["edition"]) == ("uos", "e")
    assert data["__fep_opengauss_prereqs_documented_packages_arch"] == \
        ({"x86_64": list(spec.PACKAGES_DOCUMENTED_RPM_OPENEULER_X86)} if openeuler_based else {})


def test_every_input_is_in_the_argument_specs():
    assert sorted(DEFAULTS) == sorted(OPTIONS)


def test_every_input_is_documented_in_the_role_readme():
    with open(os.path.join(ROLE, "README.md"), encoding="utf-8") as handle:
        documented = set(re.findall(r"^\| `(fep_opengauss_prereqs_[a-z_]+)` \|", handle.read(), re.M))
    assert documented == set(DEFAULTS)
