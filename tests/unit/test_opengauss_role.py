# -*- coding: utf-8 -*-
"""The decisions of the fep_opengauss_prereqs role (plugins/module_utils/fep/opengauss_role/ on the
controller, plugins/module_utils/fep/opengauss_settings.py on the host).

Which vars files and package names each domestic OS gets is tested on the real
os-release files of tests/fixtures/os-release, layered from the role's vars/
directory as tasks/platform.yml loads them (tests/role_vars.py): nothing is
installed.
"""
import os

import pytest
import yaml

from fep import opengauss_role as role
from fep import opengauss_settings as settings
from fep.osinfo import parse_os_release
from tests.role_vars import opengauss_layers, opengauss_vars

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO, "tests", "fixtures", "os-release")
DEFAULTS = os.path.join(REPO, "roles", "fep_opengauss_prereqs", "defaults", "main.yml")


def fields(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return parse_os_release(handle.read())


# -- which OS, which vars file, which package names -----------------------------------------------------

RPM_PACKAGES = ["bzip2", "libaio", "libedit", "libxml2", "lz4", "numactl", "unixODBC"]
DEB_PACKAGES = ["bzip2", "libaio1", "libedit2", "libxml2", "liblz4-1", "libnuma1", "unixodbc"]

# fixture: (package manager, most specific vars file loaded, the package names, libnsl on x86_64)
PLATFORMS = {
    "kylin_v10_sp1_tercel": ("dnf", "rpm.yml", RPM_PACKAGES, False),
    "kylin_v10_sp2_sword": ("dnf", "rpm.yml", RPM_PACKAGES, False),
    "kylin_v10_sp3_lance": ("dnf", "rpm.yml", RPM_PACKAGES, False),
    "kylin_v10_sp3_2403_halberd": ("dnf", "rpm.yml", RPM_PACKAGES, False),
    "openeuler_20.03_lts": ("dnf", "openeuler.yml", RPM_PACKAGES, True),
    "openeuler_22.03_lts_ga": ("dnf", "openeuler.yml", RPM_PACKAGES, True),
    "openeuler_22.03_lts_sp3": ("dnf", "openeuler.yml", RPM_PACKAGES, True),
    "openeuler_24.03_lts": ("dnf", "openeuler.yml", RPM_PACKAGES, True),
    "uos_server_20_1050a": ("dnf", "uos-20a.yml", RPM_PACKAGES, False),
    "uos_server_20_1060e": ("dnf", "uos-20e.yml", RPM_PACKAGES, True),
    "uos_server_20_1070e": ("dnf", "uos-20e.yml", RPM_PACKAGES, True),
    "debian_12": ("apt", "deb.yml", DEB_PACKAGES, False),
    "centos_7": ("yum", "rpm.yml", RPM_PACKAGES, False),
    "anolis_8": ("dnf", "rpm.yml", RPM_PACKAGES, False),
}


@pytest.mark.parametrize("fixture", sorted(PLATFORMS))
def test_os_release_chooses_the_vars_file_and_package_names(fixture):
    pkg_mgr, vars_file, packages, libnsl = PLATFORMS[fixture]
    platform = role.platform_of(fields(fixture))
    assert platform["problem"] is None
    assert (platform["pkg_mgr"], opengauss_layers(fields(fixture))[-1]) == (pkg_mgr, vars_file)
    data = opengauss_vars(fields(fixture))
    assert list(data["__fep_opengauss_prereqs_packages"].values()) == packages
    assert ("libnsl" in data["__fep_opengauss_prereqs_documented_packages_arch"].get("x86_64", [])) == libnsl
    assert "libnsl" not in data["__fep_opengauss_prereqs_documented_packages_arch"].get("aarch64", [])


def test_uos_editions_get_their_own_candidates_before_the_family():
    assert role.platform_of(fields("uos_server_20_1050a"))["vars_files"] == \
        ["uos-20a.yml", "uos-20.yml", "uos.yml", "rpm.yml"]
    assert role.platform_of(fields("kylin_v10_sp3_lance"))["vars_files"] == \
        ["kylin-10.yml", "kylin.yml", "rpm.yml"]
    assert role.platform_of(fields("debian_12"))["vars_files"] == ["debian-12.yml", "debian.yml", "deb.yml"]


def test_uos_is_rpm_whatever_ansible_core_says():
    # ansible-core maps UOS to the Debian family (apt): the role reads os-release itself
    platform = role.platform_of(fields("uos_server_20_1050a"))
    assert (platform["family"], platform["pkg_mgr"]) == ("rpm", "dnf")


def test_the_locale_comes_in_a_langpack_only_on_the_el8_based_uos():
    assert opengauss_vars(fields("uos_server_20_1050a"))["__fep_opengauss_prereqs_locale_packages"] == \
        ["glibc-langpack-en"]
    assert opengauss_vars(fields("debian_12"))["__fep_opengauss_prereqs_locale_generate"] is True
    assert opengauss_vars(fields("uos_server_20_1060e"))["__fep_opengauss_prereqs_locale_packages"] == []
    assert opengauss_vars(fields("kylin_v10_sp3_lance"))["__fep_opengauss_prereqs_locale_packages"] == []


@pytest.mark.parametrize("text,problem", [
    ("", "no /etc/os-release ID"),
    ('ID=alpine\nNAME="Alpine Linux"\n', "Alpine Linux (ID=alpine) uses no package manager this role knows"),
    ('ID=opensuse-leap\nNAME="openSUSE Leap"\nVERSION_ID="15.5"\n', "openSUSE Leap (ID=opensuse-leap) uses no"),
])
def test_an_os_without_data_is_refused_with_a_sentence(text, problem):
    assert role.platform_of(parse_os_release(text))["problem"].startswith(problem)


# -- sysctl ----------------------------------------------------------------------------------------------

def test_sysctl_scopes():
    assert [settings.sysctl_scope(k) for k in ("net.core.somaxconn", "kernel.sem", "kernel.shmmax",
                                           "vm.min_free_kbytes", "fs.aio-max-nr", "kernel.pid_max")] == \
        ["net", "ipc", "ipc", "host", "host", "host"]


def test_min_free_kbytes_is_five_percent_of_memtotal():
    assert role.min_free_kbytes(527843188, 5) == 26392159
    assert role.min_free_kbytes("65807536", 5.0) == 3290376


@pytest.mark.parametrize("current,merged", [
    ("", "5432-5439"),
    (None, "5432-5439"),
    ("8080", "5432-5439,8080"),
    ("5430-5433", "5430-5439"),
    ("5440,9000-9001", "5432-5440,9000-9001"),
    ("5432-5439", "5432-5439"),
])
def test_reserved_ports_are_merged_never_replaced(current, merged):
    assert role.reserved_ports(current, 5432) == merged
    # a second run over the merged value keeps it (idempotence)
    assert role.reserved_ports(merged, 5432) == merged


def host(**kw):
    values = {"memtotal_kb": 65807536, "absent_sysctls": [], "sysctl": {}}
    values.update(kw)
    return values


def test_sysctl_values_compute_merge_and_override():
    values = role.sysctl_values(
        {"net.core.somaxconn": "65535", "kernel.sem": "250  6400000\t1000 25600", "net.ipv4.tcp_tw_recycle": "1"},
        {"vm.overcommit_ratio": "90"}, {"vm.overcommit_ratio": "80"},
        host(sysctl={"net.ipv4.ip_local_reserved_ports": "8080", "fs.aio-max-nr": "65536"},
             absent_sysctls=["net.ipv4.tcp_tw_recycle"]),
        5, 5432, 104857600)
    assert values == {
        "net.core.somaxconn": "65535", "kernel.sem": "250 6400000 1000 25600",
        "vm.overcommit_ratio": "80", "vm.min_free_kbytes": "3290376",
        "net.ipv4.ip_local_reserved_ports": "5432-5439,8080", "fs.aio-max-nr": "104857600"}


def test_aio_max_nr_is_raised_never_lowered():
    values = role.sysctl_values({}, {}, {}, host(sysctl={"fs.aio-max-nr": "209715200"}), 5, 5432, 104857600)
    assert values["fs.aio-max-nr"] == "209715200"


@pytest.mark.parametrize("key,current,container,action", [
    ("net.core.somaxconn", "65535", True, "ok"),
    ("kernel.sem", "250\t6400000\t1000\t25600", False, "ok"),     # the kernel prints tabs
    ("net.core.somaxconn", "4096", True, "apply"),                # the container's own namespace
    ("kernel.sem", "32000 1024000000 500 32000", True, "apply"),  # IPC namespace: try, the kernel decides
    ("vm.min_free_kbytes", "67584", True, "host-kernel"),         # never written from a container
    ("vm.min_free_kbytes", "67584", False, "apply"),
    ("net.ipv4.tcp_tw_recycle", None, False, "absent"),           # removed in Linux 4.12
    ("net.core.netdev_max_backlog", None, True, "host-kernel"),   # host-wide: hidden in a container
    ("net.core.netdev_max_backlog", None, False, "unavailable"),
])
def test_sysctl_action(key, current, container, action):
    wanted = {"kernel.sem": "250 6400000 1000 25600", "net.core.somaxconn": "65535"}.get(key, "1")
    assert settings.sysctl_action(key, wanted, current, container) == action


# -- IO scheduler, THP, locale ------------------------------------------------------------------------------

@pytest.mark.parametrize("text,wanted,container,action", [
    ("[none] mq-deadline kyber bfq", "mq-deadline", False, "apply"),
    ("[none] mq-deadline kyber bfq", "mq-deadline", True, "host-kernel"),
    ("[mq-deadline] kyber bfq none", "mq-deadline", False, "ok"),
    ("[mq-deadline] none", "deadline", False, "ok"),           # one elevator, two names
    ("noop [deadline] cfq", "mq-deadline", False, "ok"),       # legacy (non blk-mq) kernels
    ("[none]", "mq-deadline", False, "unavailable"),
])
def test_scheduler_action(text, wanted, container, action):
    assert settings.scheduler_action(text, wanted, container) == action


def test_data_disks_match_like_udev_kernel_globs():
    names = ["nvme0n1", "nvme0c0n1", "sda", "sdb", "vda", "dm-0", "loop0", "sr0", "md127"]
    assert settings.matching_disks(names, ["sd*", "vd*", "nvme*n*"]) == ["nvme0c0n1", "nvme0n1", "sda", "sdb", "vda"]
    assert settings.matching_disks(names, ["nvme[0-9]n[0-9]"]) == ["nvme0n1"]


@pytest.mark.parametrize("text,container,action", [
    ("always [madvise] never", False, "apply"),
    ("always [madvise] never", True, "host-kernel"),
    ("always madvise [never]", True, "ok"),
    (None, False, "ok"),  # a kernel without THP
])
def test_thp_action(text, container, action):
    assert settings.thp_action(text, container) == action


@pytest.mark.parametrize("lang,installed,expected", [
    ("en_US.UTF-8", ["C", "C.utf8", "POSIX", "en_US.utf8"], True),
    ("en_US.UTF-8", ["C", "C.utf8", "POSIX"], False),
    ("zh_CN.UTF-8", ["en_US.utf8"], False),
    ("C.UTF-8", ["C.utf8"], True),
    ("C", [], True),
])
def test_locale_installed(lang, installed, expected):
    assert role.locale_installed(lang, installed) is expected


@pytest.mark.parametrize("configured,wanted,written", [
    ("enforcing", "permissive", "permissive"),
    ("enforcing", "disabled", "disabled"),
    ("permissive", "disabled", "disabled"),
    ("permissive", "permissive", None),
    ("disabled", "permissive", None),  # writing permissive would turn SELinux on at the next boot
    ("disabled", "disabled", None),
    (None, "permissive", "permissive"),
])
def test_selinux_configuration_is_changed_only_towards_less(configured, wanted, written):
    assert role.selinux_config_value(configured, wanted) == written


# -- inputs ------------------------------------------------------------------------------------------------

def good_params():
    with open(DEFAULTS, encoding="utf-8") as handle:
        params = yaml.safe_load(handle)
    params["fep_opengauss_prereqs_data_dirs"] = ["/opt/openGauss/data"]
    params["fep_opengauss_prereqs_port"] = "5432"
    params["fep_opengauss_prereqs_limits_domains"] = ["omm"]  # what the default renders to
    return params


def test_the_defaults_are_valid_inputs():
    assert role.input_problems(good_params()) == []


@pytest.mark.parametrize("field,value,named", [
    ("user", "Omm!", "fep_opengauss_prereqs_user='Omm!' is not a valid user/group name"),
    ("group", "1dbgrp", "fep_opengauss_prereqs_group='1dbgrp' is not a valid"),
    ("data_dirs", ["opengauss/data"], "fep_opengauss_prereqs_data_dirs[0]='opengauss/data' must be an absolute path"),
    ("data_dirs", ["/"], "fep_opengauss_prereqs_data_dirs[0]='/' must be an absolute path (not /)"),
    ("backup_dirs", ["/backup/../etc"], "fep_opengauss_prereqs_backup_dirs[0]='/backup/../etc' must be"),
    ("home", "home/omm", "fep_opengauss_prereqs_home='home/omm' must be an absolute path"),
    ("sysctl_overrides", {"somaxconn": "1"}, "fep_opengauss_prereqs_sysctl_overrides: 'somaxconn' is not a sysctl key"),
    ("sysctl_overrides", {"net.core.somaxconn": "1\nvm.x = 2"},
     "fep_opengauss_prereqs_sysctl_overrides.net.core.somaxconn='1\\nvm.x = 2' is not a one-line"),
    ("data_disks", ['sd*"; rm'], "fep_opengauss_prereqs_data_disks[0]='sd*\"; rm' is not a kernel device name"),
    ("lang", "English", None),  # a bare language name is a valid locale name
    ("lang", "en US", "fep_opengauss_prereqs_lang='en US' is not a locale name"),
    ("timezone", "Asia/Shang hai", "fep_opengauss_prereqs_timezone='Asia/Shang hai' is not a time zone"),
    ("port", "70000", "fep_opengauss_prereqs_port=70000 must be a TCP port from 1 to 65528"),
    ("port", "db", "fep_opengauss_prereqs_port=db must be a TCP port"),
    ("min_free_kbytes_percent", 50, "fep_opengauss_prereqs_min_free_kbytes_percent=50 must be above 0"),
    # limits.conf and chrony.conf are written line by line: a newline would add a line of its own
    ("limits", {"nofile": "1000000\n* hard nofile 0"},
     "fep_opengauss_prereqs_limits.nofile='1000000\\n* hard nofile 0' must be a whole number"),
    ("limits", {"nofile": "unlimited"}, "fep_opengauss_prereqs_limits.nofile='unlimited' must be a whole number"),
    ("limits", {"nproc": "lots"}, "fep_opengauss_prereqs_limits.nproc='lots' must be a whole number or unlimited"),
    ("limits", {"nproc": True}, "fep_opengauss_prereqs_limits.nproc=True must be a whole number"),
    ("limits", {"open_files": 10}, "fep_opengauss_prereqs_limits: 'open_files' is not a limits.conf item"),
    ("limits", {"nice": -5, "stack": 8192, "as": "infinity"}, None),
    ("limits_domains", ["omm\n* soft core 0"], "fep_opengauss_prereqs_limits_domains[0]='omm\\n* soft core 0' is "
                                                "not a limits.conf domain"),
    ("limits_domains", ["omm", "@dbgrp", "*", "1000:", "%admins"], None),
    ("ntp_servers", ["10.20.0.1\npool evil.example iburst"],
     "fep_opengauss_prereqs_ntp_servers[0]='10.20.0.1\\npool evil.example iburst' is not a host name"),
    ("ntp_servers", ["ntp.example.cn iburst"], "fep_opengauss_prereqs_ntp_servers[0]='ntp.example.cn iburst' is not"),
    ("ntp_servers", ["10.20.0.1", "ntp1.hospital.local", "fd00::123"], None),
])
def test_a_bad_input_is_named(field, value, named):
    params = good_params()
    params["fep_opengauss_prereqs_" + field] = value
    problems = role.input_problems(params)
    if named is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(named), problems


# -- the end-of-run summary ---------------------------------------------------------------------------------

def test_summary_lists_reboots_first_then_every_pending_setting():
    selinux = settings.pending("selinux", "SELINUX=disabled", "reboot", "enforcing", "disabled")
    thp = settings.pending("thp", "transparent_hugepage/enabled", "host-kernel", "always [madvise] never", "never")
    reports = {"b-host": {"reboot_required": True, "pending": [selinux]},
               "a-host": {"reboot_required": False, "pending": [thp]},
               "c-host": {"reboot_required": False, "pending": []}}
    assert role.summary_lines(reports, "en") == [
        "REBOOT NEEDED (the role never reboots): b-host",
        "a-host: transparent_hugepage/enabled: cannot change inside a container (the host kernel or the "
        "container engine decides): persisted, applied at boot on a real host",
        "b-host: SELINUX=disabled: takes effect after a reboot (the role never reboots)"]
    assert role.summary_lines(reports)[0] == "需要重启（本角色不会自动重启）：b-host"
    assert role.summary_lines({}) == []


# -- what this host can take -----------------------------------------------------------------------------

def test_nofile_above_the_host_s_nr_open_is_refused_with_the_numbers():
    host = {"sysctl": {"fs.nr_open": "1048576"}}
    assert role.host_problems({"nofile": 1000000}, host) == []
    assert role.host_problems({"nofile": 2000000}, host) == [
        "fep_opengauss_prereqs_limits.nofile=2000000 is above this host's fs.nr_open=1048576: logins of the "
        "database user would fail once pam_limits applies it. Lower nofile to at most 1048576, or raise "
        "fs.nr_open first (fep_opengauss_prereqs_sysctl_overrides: {fs.nr_open: \"2000000\"})"]
    assert role.host_problems({"nofile": 2000000}, {"sysctl": {"fs.nr_open": None}}) == []


# -- existing directories ----------------------------------------------------------------------------------

@pytest.mark.parametrize("seen,take_over,problem,taken", [
    ({"exists": False}, False, None, False),
    ({"exists": True, "isdir": True, "owner": "omm", "group": "dbgrp", "mode": "0700", "entries": 3,
      "sample": ["base", "global", "pg_xlog"]}, False, None, False),   # ours already (a second run)
    ({"exists": True, "isdir": True, "owner": "root", "group": "root", "mode": "0755", "entries": 2,
      "sample": ["his-2025.dump", "lis"]}, False,
     "fep_opengauss_prereqs_backup_dirs[0]=/backup already exists and belongs to root:root and holds 2 entries "
     "(his-2025.dump, lis) (mode 0755): the role does not chown it to omm or chmod it. Point the variable at a new "
     "directory, or set fep_opengauss_prereqs_take_over_dirs: true to take it over", False),
    ({"exists": True, "isdir": True, "owner": "root", "group": "root", "mode": "0755", "entries": 0,
      "sample": []}, False, "fep_opengauss_prereqs_backup_dirs[0]=/backup already exists and belongs to root:root "
                            "(mode 0755)", False),
    ({"exists": True, "isdir": True, "owner": "root", "group": "root", "mode": "0755", "entries": 2,
      "sample": ["his-2025.dump", "lis"]}, True, None, True),
    ({"exists": True, "isdir": False, "owner": "root", "group": "root", "mode": "0644"}, True,
     "fep_opengauss_prereqs_backup_dirs[0]=/backup exists and is not a directory", False),
])
def test_an_existing_directory_is_taken_over_only_when_the_inventory_says_so(seen, take_over, problem, taken):
    decision = role.directory_takeover("backup_dirs", 0, "/backup", seen, "omm", take_over)
    if problem is None:
        assert decision["problem"] is None
    else:
        assert decision["problem"].startswith(problem), decision["problem"]
    assert decision["record"]["taken_over"] is taken
    assert decision["record"]["existed"] is bool(seen["exists"])
    if seen["exists"]:
        assert (decision["record"]["owner"], decision["record"]["mode"]) == (seen["owner"], seen["mode"])


# -- the hospital's own sysctl values -----------------------------------------------------------------------

def test_sysctl_d_files_are_parsed_like_systemd_sysctl():
    text = "# hospital tuning\n; old\nnet.core.somaxconn = 4096\n-vm/swappiness=10\nkernel.sem =  250  32000 100 128\n" \
           "net.core.somaxconn=8192\nnot a setting\n"
    assert settings.parse_sysctl_conf(text) == {"net.core.somaxconn": "8192", "vm.swappiness": "10",
                                            "kernel.sem": "250 32000 100 128"}


def test_the_hospital_s_sysctl_values_the_role_overrides_are_listed_old_to_new():
    own = "/etc/sysctl.d/99-zz-fepkit-opengauss.conf"
    files = [{"file": "/etc/sysctl.d/50-his.conf", "values": {"net.core.somaxconn": "4096", "vm.swappiness": "10"}},
             {"file": "/etc/sysctl.conf", "values": {"net.ipv4.tcp_tw_reuse": "1"}},  # the same value: nothing
             {"file": own, "values": {"net.core.somaxconn": "65535"}},                # the role's own file
             {"file": "/etc/sysctl.d/zz-late.conf", "values": {"kernel.sem": "250 32000 100 128"}}]
    values = {"net.core.somaxconn": "65535", "net.ipv4.tcp_tw_reuse": "1", "kernel.sem": "250 6400000 1000 25600"}
    found = role.sysctl_overrides(files, values, own)
    assert found == [
        {"key": "net.core.somaxconn", "file": "/etc/sysctl.d/50-his.conf", "old": "4096", "new": "65535",
         "wins": False},
        {"key": "kernel.sem", "file": "/etc/sysctl.d/zz-late.conf", "old": "250 32000 100 128",
         "new": "250 6400000 1000 25600", "wins": True}]
    assert role.override_messages(found[0]) == (
        "net.core.somaxconn：4096 → 65535（覆盖医院 /etc/sysctl.d/50-his.conf 中的设置）",
        "net.core.somaxconn: 4096 → 65535 (overrides the hospital's /etc/sysctl.d/50-his.conf)")
    assert role.override_messages(found[1])[1] == (
        "kernel.sem: the hospital's /etc/sysctl.d/zz-late.conf sets 250 32000 100 128 and sorts after the role's "
        "file: after a reboot 250 32000 100 128 wins, not 250 6400000 1000 25600")


def test_summary_lists_the_overridden_sysctl_values_and_the_directories_taken_over():
    override = {"key": "net.core.somaxconn", "file": "/etc/sysctl.d/50-his.conf", "old": "4096", "new": "65535",
                "wins": False}
    taken = {"path": "/backup", "existed": True, "owner": "root", "group": "root", "mode": "0755", "entries": 2,
             "taken_over": True}
    untouched = dict(taken, path="/opt/openGauss/data", existed=False, taken_over=False)
    reports = {"a-host": {"pending": [], "sysctl_overrides": [override], "directories": [taken, untouched]}}
    assert role.summary_lines(reports, "en") == [
        "a-host: net.core.somaxconn: 4096 → 65535 (overrides the hospital's /etc/sysctl.d/50-his.conf)",
        "a-host: /backup: taken over (was root:root, mode 0755, 2 entries)"]
    assert role.summary_lines(reports)[1] == "a-host: /backup：已接管（原属主 root:root，权限 0755，2 个条目）"
