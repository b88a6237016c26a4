# -*- coding: utf-8 -*-
"""The final state of the fep_opengauss_prereqs role, on every host of group ``opengauss``.

    pytest tests/testinfra --hosts=ansible://opengauss --ansible-inventory=inventories/<region>/

Expected values are the role's: its defaults (roles/fep_opengauss_prereqs/
defaults/main.yml) overridden by the host's inventory variables, and the OS
data the role itself would load for the host's /etc/os-release (tests/role_vars.py).  What only
the host kernel can change is checked on real hosts and skipped, with the
reason, inside a container (where the role reports it instead).

With ``FEPKIT_OG_RESULTS_BEFORE`` / ``FEPKIT_OG_RESULTS_AFTER`` (set by the
molecule scenarios to the audits of the fresh and of the converged server)
the audit's db.opengauss.* verdicts are checked too.
"""
import json
import os
import shlex

import pytest
import yaml

from fep import opengauss_spec as spec
from fep.checks import CHECKS
from fep.opengauss_role import locale_installed, platform_of
from fep.osinfo import parse_os_release
from tests.role_vars import opengauss_layers, opengauss_vars

pytestmark = pytest.mark.group("opengauss")

ROLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "roles", "fep_opengauss_prereqs")


def _yaml(*parts):
    with open(os.path.join(ROLE, *parts), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


DEFAULTS = _yaml("defaults", "main.yml")
PREFIX = "fep_opengauss_prereqs_"
SYSCTL_KEYS = sorted(set(DEFAULTS[PREFIX + "sysctl"]) | set(DEFAULTS[PREFIX + "sysctl_suggested"])
                     | {"vm.min_free_kbytes", "fs.aio-max-nr", "net.ipv4.ip_local_reserved_ports"})
LIMIT_ITEMS = sorted(DEFAULTS[PREFIX + "limits"])
PACKAGES = list(spec.PACKAGES)
SUB_CHECKS = list(CHECKS["db.opengauss"].children)
# Sub-checks a role run makes pass on any fresh server (also a container).
FIXED_BY_ROLE = ["db.opengauss." + name for name in (
    "locale", "limits", "time_sync", "remove_ipc", "packages", "user_group", "port")]
# Not the role's to change, and not a container's limit either: what the lab server is.
LAB_LIMITS = {
    "db.opengauss.os": (("warn",), "the lab container runs Debian 12, outside the installer's OS list; "
                                   "the role never changes the OS"),
    "db.opengauss.data_dir": (("warn", "unknown"), "the data directory lies on the container's overlay "
                                                   "filesystem on the test VM's disk (size, medium)"),
}


@pytest.fixture(scope="module")
def settings(hostvars):
    """The role's inputs for this host: its defaults, overridden by the inventory."""
    values = {key[len(PREFIX):]: value for key, value in DEFAULTS.items()}
    values.update({key[len(PREFIX):]: value for key, value in hostvars.items() if key.startswith(PREFIX)})
    # the two defaults that are templates of other inventory variables
    if PREFIX + "data_dirs" not in hostvars:
        values["data_dirs"] = [hostvars.get("fep_opengauss_data_dir", spec.DATA_DIR)]
    if PREFIX + "port" not in hostvars:
        values["port"] = int((hostvars.get("fep_ports") or {}).get("database", 5432))
    if PREFIX + "limits_domains" not in hostvars:
        values["limits_domains"] = [values["user"]]
    return values


@pytest.fixture(scope="module")
def os_data(host):
    """The OS data the role loads for this host's os-release (its layered vars files)."""
    fields = parse_os_release(host.file("/etc/os-release").content_string)
    platform = platform_of(fields)
    if not opengauss_layers(fields):
        pytest.fail("the role has no vars file for %s (tried %s)" % (platform["name"], platform["vars_files"]))
    return opengauss_vars(fields)


@pytest.fixture(scope="module")
def container(host):
    return host.file("/run/.containerenv").exists or host.file("/.dockerenv").exists


def _writable(host, path):
    return host.run("test -w %s" % shlex.quote(path)).rc == 0


# -- account and directories -----------------------------------------------------------------

def test_database_user_is_in_its_group(host, settings):
    user = host.user(settings["user"])
    assert user.exists
    assert user.group == settings["group"]
    assert host.file(user.home).is_directory


@pytest.mark.parametrize("kind", ["data_dirs", "backup_dirs"])
def test_directories_belong_to_the_database_user(host, settings, kind):
    for path in settings[kind]:
        directory = host.file(path)
        assert directory.is_directory, path
        assert (directory.user, directory.group, "%04o" % directory.mode) == \
            (settings["user"], settings["group"], settings["dir_mode"]), path


# -- packages and services ---------------------------------------------------------------------

@pytest.mark.parametrize("name", PACKAGES)
def test_installer_package_is_installed(host, os_data, name):
    assert host.package(os_data["__fep_opengauss_prereqs_packages"][name]).is_installed


def test_time_sync_runs(host, os_data):
    if host.process.filter(comm="ntpd"):
        return  # the role leaves a running ntpd alone: the installer accepts it
    chrony = host.service(os_data["__fep_opengauss_prereqs_chrony_service"])
    assert chrony.is_running and chrony.is_enabled


# -- kernel parameters ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def persisted_sysctls(host, settings):
    """``{key: value}`` of the role's sysctl file."""
    values = {}
    for line in host.file(settings["sysctl_file"]).content_string.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[key.strip()] = " ".join(value.split())
    return values


def _wanted_sysctl(key, settings, host):
    if key == "vm.min_free_kbytes":
        memtotal = int(host.check_output("awk '/^MemTotal:/ {print $2}' /proc/meminfo"))
        return str(int(memtotal * float(settings["min_free_kbytes_percent"]) / 100))
    if key == "fs.aio-max-nr":
        return None  # at least the wanted value: checked below
    if key == "net.ipv4.ip_local_reserved_ports":
        return None  # merged with ports reserved before: checked below
    value = (settings["sysctl_overrides"].get(key) or settings["sysctl"].get(key)
             or settings["sysctl_suggested"].get(key))
    return " ".join(str(value).split())


@pytest.mark.parametrize("key", SYSCTL_KEYS)
def test_sysctl_is_persisted(host, settings, persisted_sysctls, key):
    if key in spec.SYSCTL_IF_PRESENT and not host.file("/proc/sys/" + key.replace(".", "/")).exists:
        assert key not in persisted_sysctls, "%s is absent from this kernel: it must not be written" % key
        return
    if key in settings["sysctl_suggested"] and not settings["apply_suggested"]:
        pytest.skip("suggested values are not applied on this host")
    wanted = _wanted_sysctl(key, settings, host)
    if key == "fs.aio-max-nr":
        assert int(persisted_sysctls[key]) >= int(settings["aio_max_nr"])
    elif key == "net.ipv4.ip_local_reserved_ports":
        port = int(settings["port"])
        assert "%d-%d" % (port, port + spec.PORT_SPAN - 1) in persisted_sysctls[key].split(","), \
            persisted_sysctls[key]
    else:
        assert persisted_sysctls[key] == wanted


@pytest.mark.parametrize("key", SYSCTL_KEYS)
def test_sysctl_is_live_where_the_host_can_set_it(host, container, persisted_sysctls, key):
    path = "/proc/sys/" + key.replace(".", "/")
    if key not in persisted_sysctls:
        pytest.skip("%s is not set on this host" % key)
    if container and not (host.file(path).exists and _writable(host, path)):
        pytest.skip("%s belongs to the host kernel here (container): the role persisted it and "
                    "reported it" % key)
    live = " ".join(host.file(path).content_string.split())
    assert live == persisted_sysctls[key]


# -- limits, PAM, logind ------------------------------------------------------------------------

@pytest.mark.parametrize("item", LIMIT_ITEMS)
def test_limits_of_the_database_user_are_configured(host, settings, item):
    lines = [line.split() for line in host.file(settings["limits_file"]).content_string.splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    for domain in settings["limits_domains"]:
        for kind in ("soft", "hard"):
            assert [domain, kind, item, str(settings["limits"][item])] in lines, (domain, kind, item)


def test_database_user_session_gets_the_limits(host, settings, container):
    if container:
        pytest.skip("a container's hard limits are its engine's (podman default_ulimits): "
                    "pam_limits cannot raise them here")
    out = host.check_output("su - %s -s /bin/sh -c 'ulimit -n'" % shlex.quote(settings["user"]))
    assert int(out) >= int(settings["limits"]["nofile"])


def test_sshd_sessions_load_pam_limits(host, settings):
    if not settings["pam_limits"]:
        pytest.skip("fep_opengauss_prereqs_pam_limits is off")
    lines = [line.split() for line in host.file("/etc/pam.d/sshd").content_string.splitlines()]
    assert any(len(f) >= 3 and f[0] == "session" and f[2] == "pam_limits.so" for f in lines)


def test_logind_keeps_ipc_objects(host, settings):
    if not settings["remove_ipc_off"]:
        pytest.skip("fep_opengauss_prereqs_remove_ipc_off is off")
    assert "RemoveIPC=no" in host.file("/etc/systemd/logind.conf").content_string.splitlines()
    # the running logind took it (the role restarts it)
    out = host.check_output("busctl get-property org.freedesktop.login1 /org/freedesktop/login1 "
                            "org.freedesktop.login1.Manager RemoveIPC")
    assert out == "b false"


# -- transparent huge pages, IO scheduler, SELinux ---------------------------------------------------

def test_thp_unit_runs_at_every_boot(host, settings):
    if not settings["thp_off"]:
        pytest.skip("fep_opengauss_prereqs_thp_off is off")
    assert host.service("fepkit-thp-never.service").is_enabled


def test_thp_is_off_now(host, settings, container):
    path = "/sys/kernel/mm/transparent_hugepage/enabled"
    if not settings["thp_off"]:
        pytest.skip("fep_opengauss_prereqs_thp_off is off")
    if container and not _writable(host, path):
        pytest.skip("transparent huge pages belong to the host kernel (container)")
    if not host.file(path).exists:
        return  # no THP in this kernel: nothing to turn off
    assert "[never]" in host.file(path).content_string


def test_udev_rule_sets_the_scheduler_of_every_data_disk_pattern(host, settings):
    if not settings["data_disks"]:
        pytest.skip("no data disk patterns")
    rules = host.file(settings["udev_rule"]).content_string
    for pattern in settings["data_disks"]:
        assert 'KERNEL=="%s", ATTR{queue/scheduler}="%s"' % (pattern, settings["io_scheduler"]) in rules


def test_selinux_is_not_enforcing(host, settings):
    enforce = host.file("/sys/fs/selinux/enforce")
    if not enforce.exists:
        return  # no SELinux in this kernel
    assert enforce.content_string.strip() == "0"
    # a configuration that said disabled stays disabled (the role never turns SELinux on)
    configured = [line.strip() for line in host.file("/etc/selinux/config").content_string.splitlines()
                  if line.strip().startswith("SELINUX=")]
    assert configured[-1:] in (["SELINUX=%s" % settings["selinux"]], ["SELINUX=disabled"])


# -- locale and time zone -----------------------------------------------------------------------------

def test_system_locale_is_set_and_installed(host, settings, os_data):
    lines = host.file(os_data["__fep_opengauss_prereqs_locale_file"]).content_string.splitlines()
    assert "LANG=%s" % settings["lang"] in lines
    assert locale_installed(settings["lang"], host.check_output("locale -a").splitlines())


def test_time_zone_is_set(host, settings):
    assert host.file("/etc/localtime").linked_to.endswith("/zoneinfo/" + settings["timezone"])


# -- the audit before and after (molecule) -----------------------------------------------------------

def _audit(variable, hostvars):
    path = os.environ.get(variable)
    if not path:
        pytest.skip("%s is not set: no audit results to verify" % variable)
    with open(path, encoding="utf-8") as handle:
        entry = json.load(handle)["hosts"][hostvars["inventory_hostname"]]
    assert entry["status"] == "ok", entry.get("message")
    return entry["checks"]


@pytest.fixture(scope="module")
def before(hostvars):
    return _audit("FEPKIT_OG_RESULTS_BEFORE", hostvars)


@pytest.fixture(scope="module")
def after(hostvars):
    return _audit("FEPKIT_OG_RESULTS_AFTER", hostvars)


def test_fresh_server_fails_the_installer_checks(before):
    # capable of running openGauss (supported on the survey form), with items to fix first
    assert before["db.opengauss"]["status"] == "warn"
    assert before["db.opengauss"]["capability"]["status"] == "pass"
    assert set(FIXED_BY_ROLE) <= set(before["db.opengauss"]["readiness"]["to_fix"])


@pytest.mark.parametrize("check_id", FIXED_BY_ROLE)
def test_role_fixed_what_the_fresh_server_lacked(before, after, check_id):
    assert before[check_id]["status"] != "pass", "the fresh server already passed %s" % check_id
    assert after[check_id]["status"] == "pass", after[check_id]["message_en"]


@pytest.mark.parametrize("check_id", SUB_CHECKS)
def test_after_the_role_every_item_passes_or_is_a_stated_limit(after, check_id):
    outcome = after[check_id]
    if outcome["status"] in ("pass", "skip"):
        return
    if outcome.get("container_unchangeable"):
        assert outcome.get("scope") == "host-kernel", outcome
        return
    assert check_id in LAB_LIMITS, "%s: %s" % (outcome["status"], outcome["message_en"])
    statuses, _why = LAB_LIMITS[check_id]
    assert outcome["status"] in statuses, outcome["message_en"]


def test_kernel_parameters_the_audit_still_rejects_are_not_writable_here(host, after, container):
    # whatever the role could have set from inside, it did: what remains is the host kernel's
    items = [i["name"] for i in after["db.opengauss.sysctl"].get("items") or [] if i["status"] == "fail"]
    if not container:
        assert items == []
        return
    writable = [key for key in items if _writable(host, "/proc/sys/" + key.replace(".", "/"))]
    assert writable == [], "the role left these writable parameters wrong: %s" % writable
