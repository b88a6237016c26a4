# -*- coding: utf-8 -*-
"""db.opengauss and its sub-checks, judged on snapshot roots of real servers.

Each test starts from a Kunpeng 920 / Kylin V10 server prepared for
openGauss (tests/builders, ``settings: tuned``: what the role and
gs_preinstall leave), changes the files one installer item reads, and runs
the collector and the check on it, as an audit of a snapshot would.
"""
import os
import shutil
from pathlib import Path

import pytest

from fep import opengauss_spec as spec
from fep.checks import CHECKS, Context, run_checks
from fep.checks.opengauss_summary import summary_result
from fep.checks.registry import result
from fep.collector import collect
from tests.builders import devices
from tests.builders.os_settings import STOCK_SYSCTLS, tzif, write_opengauss_settings, write_sysctls
from tests.builders.profiles import FIXTURES, PROFILES, add_process, build_root

SUBS = [c for c in CHECKS if c.startswith("db.opengauss.")]
HOST_KERNEL = {"db.opengauss." + n for n in ("swap", "sysctl", "io_scheduler", "aio_max_nr", "thp", "selinux")}


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    root = tmp_path_factory.mktemp("prepared") / "root"
    build_root(root, "kunpeng-kylin-l3", with_sysfs_topology=False)
    return root


@pytest.fixture()
def root(prepared, tmp_path):
    """A private copy of the prepared server to change."""
    copy = tmp_path / "root"
    shutil.copytree(str(prepared), str(copy), symlinks=True)
    return copy


def write(root, rel, text):
    path = Path(root) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)


def judge(root, check_id, facts=None, **ctx):
    ctx.setdefault("level", 3)
    facts = facts if facts is not None else collect(str(root))
    return run_checks(facts, Context(**ctx), select=[check_id])[check_id]


def status(root, check_id, **ctx):
    return judge(root, check_id, **ctx)["status"]


# --- the family ----------------------------------------------------------------------------

def test_the_family_has_the_agreed_ids_under_db_opengauss():
    assert SUBS == ["db.opengauss." + n for n in (
        "os", "arch", "cpu_flags", "kernel", "locale", "timezone", "swap", "sysctl", "limits", "io_scheduler",
        "aio_max_nr", "time_sync", "firewalld", "thp", "remove_ipc", "selinux", "pam_limits", "packages",
        "user_group", "data_dir", "port")]
    assert CHECKS["db.opengauss"].children == SUBS
    for check_id in SUBS:
        meta = CHECKS[check_id]
        assert (meta.parent, meta.survey_row) == ("db.opengauss", "二-9")
        assert meta.title_zh and meta.title_en and meta.measured_en and meta.unknown_en
    assert {c for c in SUBS if CHECKS[c].scope == "host-kernel"} == HOST_KERNEL


def test_prepared_server_passes_every_installer_item(root):
    checks = run_checks(collect(str(root)), Context(level=3), select=["db.opengauss"])
    assert list(checks) == ["db.opengauss"] + SUBS
    statuses = {c: o["status"] for c, o in checks.items()}
    # a snapshot has no free space to show (statvfs needs the live host)
    assert statuses.pop("db.opengauss.data_dir") == "unknown"
    assert statuses.pop("db.opengauss.cpu_flags") == "skip"  # aarch64
    # supported; fepkit's own free-space advice (not an installer item) is the only caveat
    assert statuses.pop("db.opengauss") == "warn"
    assert set(statuses.values()) == {"pass"}, statuses
    summary = checks["db.opengauss"]
    assert summary["parts"] == {"unknown": ["db.opengauss.data_dir"]}
    assert summary["readiness"] == {"to_fix": [], "unknown": [], "by_role": []}
    assert summary["advisory"] == ["db.opengauss.data_dir"]
    assert summary["message_zh"].startswith("支持运行 openGauss")
    assert "fepkit 建议（非安装程序要求，不影响是否支持）：数据目录" in summary["message_zh"]


def test_stock_server_fails_the_installer_and_names_the_items(tmp_path):
    build_root(tmp_path, "hygon-uos-l2-short", with_sysfs_topology=False)
    checks = run_checks(collect(str(tmp_path)), Context(level=2), select=["db.opengauss"])
    summary = checks["db.opengauss"]
    # Hygon (x86_64 with avx, rdtscp) on UOS: openGauss runs there once the installer's items are
    # set, which the role does: supported (warn), never 不支持 (fail)
    assert summary["status"] == "warn"
    assert summary["capability"] == {"status": "pass", "checks": ["db.opengauss.arch", "db.opengauss.cpu_flags",
                                                                  "db.opengauss.os"]}
    assert summary["parts"]["fail"] == ["db.opengauss.sysctl", "db.opengauss.aio_max_nr", "db.opengauss.thp",
                                        "db.opengauss.remove_ipc"]
    to_fix = summary["readiness"]["to_fix"]
    assert to_fix[:4] == summary["parts"]["fail"] and len(to_fix) == 9
    assert summary["readiness"]["by_role"] == to_fix
    assert summary["message_zh"].startswith(
        "支持运行 openGauss（CPU 架构、指令集与操作系统满足安装程序要求）；安装前需整改 9 项：内核参数、异步 IO 上限、"
        "透明大页、RemoveIPC、")
    assert "（可由 fep_opengauss_prereqs 自动完成）" in summary["message_zh"]
    assert "fep_opengauss_prereqs" in summary["remedy_zh"]


# --- A1 OS, architecture, CPU flags ---------------------------------------------------------------

@pytest.mark.parametrize("fixture, expected", [
    ("kylin_v10_sp3_lance", "pass"), ("kylin_v10_sp1_tercel", "pass"), ("openeuler_22.03_lts_sp3", "pass"),
    ("openeuler_20.03_lts", "pass"), ("uos_server_20_1060e", "pass"), ("uos_server_20_1050a", "pass"),
    ("centos_7", "pass"), ("rocky_9", "warn"), ("anolis_8", "warn"), ("debian_12", "warn"), ("ubuntu_22.04", "warn"),
])
def test_os_is_judged_by_the_installer_s_list(root, fixture, expected):
    shutil.copy(str(FIXTURES / "os-release" / fixture), str(root / "etc/os-release"))
    assert status(root, "db.opengauss.os") == expected


@pytest.mark.parametrize("version_id, expected", [("6.4", "pass"), ("6.3", "warn"), ("8.9", "pass"), ("9.2", "warn")])
def test_rhel_and_centos_only_from_6_4_to_8(root, version_id, expected):
    write(root, "etc/os-release", 'NAME="CentOS Linux"\nID="centos"\nVERSION_ID="%s"\n' % version_id)
    assert status(root, "db.opengauss.os") == expected


def test_os_release_missing_is_unknown(root):
    os.remove(str(root / "etc/os-release"))
    assert status(root, "db.opengauss.os") == "unknown"


def _cpu(root, case):
    """Present the CPU of fixture ``case`` (cpuinfo and arch)."""
    shutil.copy(str(FIXTURES / "cpu" / case / "cpuinfo"), str(root / "proc/cpuinfo"))
    meta = (FIXTURES / "cpu" / case / "meta.json").read_text()
    arch = meta.split('"arch": "', 1)[1].split('"', 1)[0]
    write(root, "proc/sys/kernel/arch", arch + "\n")


@pytest.mark.parametrize("case, arch, flags", [
    ("kunpeng920_5250", "pass", "skip"), ("phytium_ft2500", "pass", "skip"),
    ("hygon_7280", "pass", "pass"), ("zhaoxin_kh40000", "pass", "pass"), ("intel_xeon_gold_6248", "pass", "pass"),
    ("vm_intel_kvm64", "pass", "fail"),  # QEMU's kvm64 CPU model hides avx and rdtscp
    ("loongson_3c5000", "fail", "skip"), ("sunway_sw3231", "fail", "skip"),
])
def test_architecture_and_x86_flags(root, case, arch, flags):
    _cpu(root, case)
    assert (status(root, "db.opengauss.arch"), status(root, "db.opengauss.cpu_flags")) == (arch, flags)


def test_missing_flags_are_named(root):
    _cpu(root, "vm_intel_kvm64")
    outcome = judge(root, "db.opengauss.cpu_flags")
    assert outcome["message_zh"] == "CPU 缺少指令集 avx、rdtscp"


# --- A2-A4 on one host ---------------------------------------------------------------------------

def test_kernel_locale_and_timezone_of_one_host(root):
    facts = collect(str(root))
    assert judge(root, "db.opengauss.kernel", facts)["observed"] == "4.19.90-52.22.v2207.ky10.aarch64"
    assert judge(root, "db.opengauss.locale", facts)["observed"] == "LANG=en_US.UTF-8"
    assert judge(root, "db.opengauss.timezone", facts)["observed"] == "Asia/Shanghai (UTC+0800)"


def test_lang_not_set_warns(root):
    (root / "etc/locale.conf").write_text("LC_TIME=C\n")
    outcome = judge(root, "db.opengauss.locale")
    assert outcome["status"] == "warn" and "localectl set-locale" in outcome["remedy_zh"]


def test_a_snapshot_without_locale_files_is_unknown_not_unset(root):
    os.remove(str(root / "etc/locale.conf"))
    outcome = judge(root, "db.opengauss.locale")
    assert outcome["status"] == "unknown"
    assert "neither etc/locale.conf nor etc/default/locale in the snapshot" in outcome["message_en"]


def test_timezone_offset_comes_from_the_zone_file(root):
    os.remove(str(root / "etc/localtime"))
    os.symlink("/usr/share/zoneinfo/Etc/UTC", str(root / "etc/localtime"))  # absolute: inside the snapshot
    write(root, "usr/share/zoneinfo/Etc/UTC", tzif("UTC", 0, "UTC0"))
    assert judge(root, "db.opengauss.timezone")["observed"] == "Etc/UTC (UTC+0000)"


def test_timezone_without_zone_file_is_unknown(root):
    os.remove(str(root / "usr/share/zoneinfo/Asia/Shanghai"))
    assert status(root, "db.opengauss.timezone") == "unknown"


# --- A5 swap -------------------------------------------------------------------------------------

def test_swap_larger_than_memory_warns(root):
    devices.write_meminfo(root, 64 * 1024 * 1024, swap_kib=128 * 1024 * 1024)
    outcome = judge(root, "db.opengauss.swap")
    assert outcome["status"] == "warn" and outcome["observed"] == "swap 128.0 GiB, RAM 64.0 GiB"


def test_swap_equal_to_memory_passes(root):
    devices.write_meminfo(root, 64 * 1024 * 1024, swap_kib=64 * 1024 * 1024)
    assert status(root, "db.opengauss.swap") == "pass"


# --- A6 sysctl ---------------------------------------------------------------------------------------

def _sysctl(root, key, value):
    write(root, "proc/sys/" + key.replace(".", "/"), value + "\n")


def test_stock_kernel_parameters_fail_with_every_item_listed(root):
    write_sysctls(root, STOCK_SYSCTLS)
    outcome = judge(root, "db.opengauss.sysctl")
    assert outcome["status"] == "fail"
    failing = [i["name"] for i in outcome["items"] if i["status"] == "fail"]
    assert "net.ipv4.tcp_keepalive_time" in failing and "kernel.sem" in failing
    assert "net.ipv4.tcp_tw_recycle" not in failing  # the 4.19 kernel has none
    assert "net.ipv4.tcp_syncookies" not in failing and "vm.overcommit_memory" not in failing
    assert "vm.overcommit_ratio" not in [i["name"] for i in outcome["items"]]  # ignored with overcommit_memory=0
    assert outcome["message_zh"].startswith("%d 项内核参数不符合：net.ipv4.tcp_max_tw_buckets=131072（应为 10000）"
                                            % len(failing))
    assert "net.ipv4.tcp_keepalive_time = 30" in outcome["remedy_zh"]
    assert outcome["scope"] == "host-kernel" and "container_unchangeable" not in outcome


def test_kernel_without_tcp_tw_recycle_does_not_fail(root):
    assert not (root / "proc/sys/net/ipv4/tcp_tw_recycle").exists()
    assert status(root, "db.opengauss.sysctl") == "pass"


@pytest.mark.parametrize("value, expected", [("1", "pass"), ("0", "fail")])
def test_tcp_tw_recycle_is_judged_where_the_kernel_has_it(root, value, expected):
    _sysctl(root, "net.ipv4.tcp_tw_recycle", value)
    assert status(root, "db.opengauss.sysctl") == expected


def test_multi_value_parameters_compare_whitespace_insensitively(root):
    _sysctl(root, "kernel.sem", "250  6400000\t1000 25600")
    assert status(root, "db.opengauss.sysctl") == "pass"
    _sysctl(root, "kernel.sem", "250 6400000 1000 32000")
    assert status(root, "db.opengauss.sysctl") == "fail"


@pytest.mark.parametrize("factor, expected", [(1.0, "pass"), (1.09, "pass"), (0.91, "pass"), (1.2, "warn"), (0.5, "warn")])
def test_min_free_kbytes_is_5_percent_of_memory_within_10_percent(root, factor, expected):
    mem_total_kib = int(512 * 1024 * 1024 * 0.978)  # the profile's MemTotal
    _sysctl(root, "vm.min_free_kbytes", str(int(mem_total_kib * 0.05 * factor)))
    outcome = judge(root, "db.opengauss.sysctl")
    assert outcome["status"] == expected


@pytest.mark.parametrize("port_range, expected", [("26000 65535", "pass"), ("30000 60999", "pass"),
                                                  ("32768 60999", "pass"), ("1024 65535", "warn")])
def test_suggested_local_port_range_must_lie_within(root, port_range, expected):
    _sysctl(root, "net.ipv4.ip_local_port_range", port_range.replace(" ", "\t"))
    assert status(root, "db.opengauss.sysctl") == expected


def test_suggested_values_only_warn(root):
    _sysctl(root, "net.ipv4.tcp_retries1", "3")
    outcome = judge(root, "db.opengauss.sysctl")
    assert outcome["status"] == "warn"
    assert outcome["items"] == [{"name": "net.ipv4.tcp_retries1", "observed": "3", "expected": "5", "status": "warn"}]


def test_overcommit_ratio_matters_only_with_strict_overcommit(root):
    _sysctl(root, "vm.overcommit_ratio", "50")
    assert status(root, "db.opengauss.sysctl") == "pass"


def test_a_mandatory_key_missing_on_a_host_fails(root):
    os.remove(str(root / "proc/sys/net/core/rmem_max"))
    facts = collect(str(root))
    facts["collector"]["snapshot"] = False  # a live host's /proc/sys shows every key its kernel has
    outcome = judge(root, "db.opengauss.sysctl", facts=facts)
    assert outcome["status"] == "fail" and "net.core.rmem_max=absent" in outcome["message_en"]


def test_a_mandatory_key_missing_from_a_snapshot_is_unknown(root):
    os.remove(str(root / "proc/sys/net/core/rmem_max"))
    outcome = judge(root, "db.opengauss.sysctl")
    assert outcome["status"] == "unknown"
    assert outcome["message_en"].startswith("not in the snapshot: net.core.rmem_max")


def test_in_a_container_hidden_host_keys_are_unknown_with_the_marker(root):
    os.remove(str(root / "proc/sys/net/core/rmem_max"))  # not in the container's network namespace
    write(root, "run/.containerenv", "")
    outcome = judge(root, "db.opengauss.sysctl")
    assert outcome["status"] == "unknown"
    assert (outcome["scope"], outcome["container_unchangeable"]) == ("host-kernel", True)
    assert outcome["message_zh"].endswith("（在容器内审计：此项属于宿主机内核，只能在宿主机上修改）")
    assert "can only be changed on the host" in outcome["message_en"]


def test_unreadable_proc_sys_is_unknown(root):
    shutil.rmtree(str(root / "proc/sys/net"))
    shutil.rmtree(str(root / "proc/sys/vm"))
    shutil.rmtree(str(root / "proc/sys/fs"))
    for name in ("sem", "shmall", "shmmax"):
        os.remove(str(root / "proc/sys/kernel" / name))
    assert status(root, "db.opengauss.sysctl") == "unknown"


# --- A7 limits -------------------------------------------------------------------------------

def test_limits_not_configured_warn(root):
    os.remove(str(root / "etc/security/limits.d/90-opengauss.conf"))
    outcome = judge(root, "db.opengauss.limits")
    assert outcome["status"] == "warn"
    assert [i["name"] for i in outcome["items"]] == ["soft nofile", "hard nofile", "soft nproc", "hard nproc"]
    assert "omm soft nofile 1000000" in outcome["remedy_zh"]


def test_a_small_stack_for_omm_fails_even_when_star_is_right(root):
    write(root, "etc/security/limits.d/95-omm.conf", "omm - stack 2048\n")
    outcome = judge(root, "db.opengauss.limits")
    assert outcome["status"] == "fail"
    assert [(i["name"], i["observed"]) for i in outcome["items"]] == [("soft stack", "2048"), ("hard stack", "2048")]


def test_user_limits_override_the_wildcard(root):
    write(root, "etc/security/limits.d/90-opengauss.conf", "* - nofile 1024\n* - nproc unlimited\n"
          "* - as unlimited\nomm - nofile 1000000\n@dbgrp soft nofile 4096\n")
    assert status(root, "db.opengauss.limits") == "pass"


# --- A10 IO ------------------------------------------------------------------------------------

def _queue(root, disk, scheduler=None, nr_requests=None):
    queue = root / "sys/block" / disk / "queue"
    if scheduler is not None:
        (queue.resolve() / "scheduler").write_text(scheduler + "\n")
    if nr_requests is not None:
        (queue.resolve() / "nr_requests").write_text("%d\n" % nr_requests)


def test_nvme_none_scheduler_fails_a10(root):
    _queue(root, "nvme0n1", "[none] mq-deadline kyber bfq")
    outcome = judge(root, "db.opengauss.io_scheduler")
    assert outcome["status"] == "fail"
    assert outcome["items"] == [{"name": "nvme0n1", "observed": "none", "expected": "mq-deadline", "status": "fail"}]
    assert outcome["message_zh"] == "数据目录所在磁盘：nvme0n1=none（应为 mq-deadline）"
    assert "echo mq-deadline > /sys/block/nvme0n1/queue/scheduler" in outcome["remedy_zh"]


def test_only_the_disks_under_the_data_directory_count(root):
    # sda holds no filesystem of the data directory: its scheduler does not matter
    _queue(root, "sda", "[none] mq-deadline kyber bfq", 64)
    assert status(root, "db.opengauss.io_scheduler") == "pass"


def test_legacy_deadline_scheduler_passes_and_a_shallow_queue_warns(root):
    _queue(root, "nvme0n1", "noop [deadline] cfq", 128)
    outcome = judge(root, "db.opengauss.io_scheduler")
    assert outcome["status"] == "warn"
    assert outcome["items"] == [{"name": "nvme0n1 nr_requests", "observed": "128", "expected": "32768",
                                 "status": "warn"}]


def test_unknown_data_disk_falls_back_to_every_disk(root):
    write(root, "proc/mounts", "overlay / overlay rw 0 0\n")  # a container's root
    _queue(root, "sda", "[none] mq-deadline")
    outcome = judge(root, "db.opengauss.io_scheduler")
    assert outcome["status"] == "fail" and "sda [none]" in outcome["observed"] and "nvme1n1" in outcome["observed"]
    assert outcome["message_en"].startswith("every disk (the data directory's disk is not known)")


@pytest.mark.parametrize("value, expected", [("65536", "fail"), ("104857599", "fail"), ("104857600", "pass"),
                                             ("1048576000", "pass")])
def test_aio_max_nr(root, value, expected):
    _sysctl(root, "fs.aio-max-nr", value)
    assert status(root, "db.opengauss.aio_max_nr") == expected


# --- A12-A14 -------------------------------------------------------------------------------------

def _stop(root, comm):
    for pid in os.listdir(str(root / "proc")):
        comm_file = root / "proc" / pid / "comm"
        if pid.isdigit() and comm_file.exists() and comm_file.read_text().strip() == comm:
            shutil.rmtree(str(root / "proc" / pid))


def _start(root, pid, comm):
    write(root, "proc/%d/comm" % pid, comm + "\n")
    write(root, "proc/%d/cmdline" % pid, "/usr/sbin/%s\0" % comm)


def test_time_sync_wants_chronyd_or_ntpd(root):
    _stop(root, "chronyd")
    assert judge(root, "db.opengauss.time_sync")["message_zh"] == "未运行 chronyd 或 ntpd"
    _start(root, 4242, "systemd-timesyncd")
    outcome = judge(root, "db.opengauss.time_sync")
    assert outcome["status"] == "warn" and "systemd-timesyncd 运行中，但安装程序只认 chronyd、ntpd" in outcome["message_zh"]
    _start(root, 4243, "ntpd")
    assert status(root, "db.opengauss.time_sync") == "pass"


def _zone(root, body):
    write(root, "etc/firewalld/zones/public.xml", '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n%s</zone>\n' % body)


@pytest.mark.parametrize("body, expected", [
    ('  <service name="ssh"/>\n  <port port="8884" protocol="tcp"/>\n', "warn"),
    ('  <port port="5432" protocol="tcp"/>\n', "pass"),
    ('  <port port="5430-5440" protocol="tcp"/>\n', "pass"),
    ('  <port port="5432" protocol="udp"/>\n', "warn"),
    ('  <service name="postgresql"/>\n', "pass"),
])
def test_running_firewalld_must_allow_the_database_port(root, body, expected):
    _zone(root, body)
    assert status(root, "db.opengauss.firewalld") == expected


def test_stopped_firewalld_passes(root):
    _zone(root, '  <service name="ssh"/>\n')
    _stop(root, "firewalld")
    assert judge(root, "db.opengauss.firewalld")["message_zh"] == "firewalld 未运行"


def test_firewalld_follows_the_declared_database_port(root):
    assert status(root, "db.opengauss.firewalld", ports={"database": 15432}) == "warn"


@pytest.mark.parametrize("text, expected", [("always madvise [never]", "pass"), ("[always] madvise never", "fail"),
                                            ("always [madvise] never", "fail")])
def test_transparent_huge_pages(root, text, expected):
    write(root, "sys/kernel/mm/transparent_hugepage/enabled", text + "\n")
    assert status(root, "db.opengauss.thp") == expected


def test_thp_missing_from_a_snapshot_is_unknown(root):
    shutil.rmtree(str(root / "sys/kernel/mm"))
    assert status(root, "db.opengauss.thp") == "unknown"


# --- settings gs_preinstall makes -------------------------------------------------------------------

def test_remove_ipc_unset_fails_because_systemd_defaults_to_yes(root):
    write(root, "etc/systemd/logind.conf", "[Login]\n#RemoveIPC=yes\n")
    outcome = judge(root, "db.opengauss.remove_ipc")
    assert outcome["status"] == "fail" and "systemctl restart systemd-logind" in outcome["remedy_zh"]


def test_remove_ipc_drop_ins_override_the_main_file(root):
    write(root, "etc/systemd/logind.conf", "[Login]\nRemoveIPC=yes\n")
    write(root, "etc/systemd/logind.conf.d/90-opengauss.conf", "[Login]\nRemoveIPC=no\n")
    assert status(root, "db.opengauss.remove_ipc") == "pass"
    write(root, "usr/lib/systemd/logind.conf.d/99-vendor.conf", "[Login]\nRemoveIPC=yes\n")
    assert status(root, "db.opengauss.remove_ipc") == "fail"  # 99- sorts after 90-


@pytest.mark.parametrize("config, enforce, expected", [
    ("disabled", None, "pass"), ("permissive", "0", "pass"), ("enforcing", "1", "warn"), ("enforcing", "0", "warn"),
])
def test_selinux(root, config, enforce, expected):
    write(root, "etc/selinux/config", "SELINUX=%s\n" % config)
    if enforce is not None:
        write(root, "sys/fs/selinux/enforce", enforce + "\n")
    assert status(root, "db.opengauss.selinux") == expected


def test_sshd_without_pam_limits_warns(root):
    write(root, "etc/pam.d/password-auth", "session required pam_unix.so\n")
    outcome = judge(root, "db.opengauss.pam_limits")
    assert outcome["status"] == "warn" and "session required pam_limits.so" in outcome["remedy_zh"]


def test_required_package_missing_fails_with_the_install_command(root):
    os.remove(str(root / "usr/lib64/libaio.so.1"))
    os.remove(str(root / "usr/lib64/libodbc.so.2"))
    outcome = judge(root, "db.opengauss.packages")
    assert outcome["status"] == "fail"
    assert outcome["message_zh"] == "缺少安装程序必需的 libaio；缺少 openGauss 7.0 起检查的 unixODBC"
    assert "dnf install -y libaio unixODBC" in outcome["remedy_zh"]


def test_optional_package_missing_warns_and_debian_names_debian_packages(root):
    os.remove(str(root / "usr/lib64/libedit.so.0"))
    shutil.copy(str(FIXTURES / "os-release" / "debian_12"), str(root / "etc/os-release"))
    outcome = judge(root, "db.opengauss.packages")
    assert outcome["status"] == "warn" and "apt-get install -y libedit2" in outcome["remedy_zh"]


def test_packages_of_a_snapshot_without_library_directories_are_unknown(root):
    shutil.rmtree(str(root / "usr/lib64"))
    assert status(root, "db.opengauss.packages") == "unknown"


@pytest.mark.parametrize("passwd, group, expected", [
    ("omm:x:1000:1000::/home/omm:/bin/bash\n", "dbgrp:x:1000:\n", "pass"),
    ("omm:x:1000:100::/home/omm:/bin/bash\n", "dbgrp:x:1000:omm\n", "pass"),
    ("omm:x:1000:100::/home/omm:/bin/bash\n", "dbgrp:x:1000:\n", "warn"),
    ("", "dbgrp:x:1000:\n", "warn"),
    ("", "", "warn"),
])
def test_database_user_and_group(root, passwd, group, expected):
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n" + passwd)
    write(root, "etc/group", "root:x:0:\n" + group)
    assert status(root, "db.opengauss.user_group") == expected


# --- data directory and port -------------------------------------------------------------------------

def _data_dir_facts(free_gib, disks, declared_ssd=False):
    return {
        "disks": [{"name": "nvme0n1", "ssd": True, "raid_virtual": False, "virtual": False, "counted": True},
                  {"name": "sdb", "ssd": False, "raid_virtual": False, "virtual": False, "counted": True},
                  {"name": "sdc", "ssd": False, "raid_virtual": True, "virtual": False, "counted": True}],
        "opengauss": {"data_dir": {"path": "/data/og", "exists": True, "measured": "/data/og",
                                   "mountpoint": "/data", "fstype": "xfs", "device": "/dev/mapper/vg-data",
                                   "free_bytes": None if free_gib is None else int(free_gib * 1024 ** 3),
                                   "size_bytes": 2 * 10 ** 12, "disks": disks}},
    }


@pytest.mark.parametrize("free_gib, disks, expected", [
    (800, ["nvme0n1"], "pass"),
    (50, ["nvme0n1"], "warn"),            # too little room
    (800, ["sdb"], "warn"),               # a spinning disk
    (800, ["nvme0n1", "sdb"], "warn"),    # LVM across SSD and HDD
    (800, ["sdc"], "unknown"),            # behind a RAID controller
    (None, ["nvme0n1"], "unknown"),       # a snapshot
])
def test_data_directory_room_and_medium(free_gib, disks, expected):
    outcome = run_checks(_data_dir_facts(free_gib, disks), Context(level=3),
                         select=["db.opengauss.data_dir"])["db.opengauss.data_dir"]
    assert outcome["status"] == expected


def test_data_directory_threshold_and_declared_ssd_come_from_the_inventory():
    outcome = run_checks(_data_dir_facts(300, ["sdc"]), Context(level=3, thresholds={"opengauss_data_free_gib": 500},
                                                              declared={"storage_ssd": True}),
                         select=["db.opengauss.data_dir"])["db.opengauss.data_dir"]
    assert outcome["status"] == "warn" and "不足 500 GiB" in outcome["message_zh"]


def test_data_directory_not_created_yet_is_judged_by_its_parent(root):
    shutil.rmtree(str(root / "opt/openGauss"))
    outcome = judge(root, "db.opengauss.data_dir")
    assert "（尚未创建，按 /opt 判断）" in outcome["message_zh"]
    assert "disks nvme0n1 (SSD)" in outcome["observed"]


def _listen(root, pid, comm, port):
    tcp = [(root / "proc/net/tcp").read_text()]
    tcp6 = [(root / "proc/net/tcp6").read_text()]
    add_process(root, pid, comm, [port], tcp, tcp6)
    write(root, "proc/net/tcp", "".join(tcp))
    write(root, "proc/net/tcp6", "".join(tcp6))


def test_database_port_held_by_gaussdb_passes_and_a_neighbour_taken_fails(root):
    assert status(root, "db.opengauss.port") == "pass"  # gaussdb on 5432
    _listen(root, 7001, "postgres", 5433)
    outcome = judge(root, "db.opengauss.port")
    assert outcome["status"] == "fail" and "5433 postgres(pid 7001)" in outcome["message_zh"]


@pytest.mark.parametrize("reserved, expected", [("5432-5439", "pass"), ("5000-6000,8000", "pass"),
                                                ("5432", "warn"), ("", "warn")])
def test_database_ports_must_be_reserved(root, reserved, expected):
    _sysctl(root, "net.ipv4.ip_local_reserved_ports", reserved)
    assert status(root, "db.opengauss.port") == expected


def test_database_port_range_follows_fep_ports(root):
    _sysctl(root, "net.ipv4.ip_local_reserved_ports", "15432-15439")
    assert status(root, "db.opengauss.port", ports={"database": 15432}) == "pass"
    assert status(root, "db.opengauss.port") == "warn"


# --- roll-up into db.opengauss ---------------------------------------------------------------------

def _parts(*statuses):
    return {"db.opengauss.%s" % n: result(s, "", "", "", "") for n, s in zip(("os", "arch", "sysctl", "thp"), statuses)}


@pytest.mark.parametrize("statuses, expected", [
    (("pass", "pass", "pass", "pass"), "pass"),
    (("pass", "warn", "pass", "skip"), "warn"),
    (("unknown", "warn", "pass", "pass"), "unknown"),
    (("unknown", "error", "warn", "pass"), "error"),
    (("fail", "error", "unknown", "warn"), "fail"),
    (("skip", "skip", "skip", "skip"), "skip"),
])
def test_summary_is_the_worst_sub_check(statuses, expected):
    assert summary_result(_parts(*statuses))["status"] == expected


@pytest.mark.parametrize("statuses, expected", [
    (("pass", "pass", "fail", "fail"), "warn"),  # the installer's tuning: to fix, still supported
    (("pass", "pass", "unknown", "pass"), "warn"),
    (("warn", "pass", "pass", "pass"), "warn"),  # an OS outside the installer's list: it asks, then goes on
    (("pass", "unknown", "fail", "pass"), "unknown"),  # capability unknown: support cannot be stated
])
def test_only_capability_decides_support(statuses, expected):
    assert summary_result(_parts(*statuses))["status"] == expected


def test_summary_lists_the_failing_ids():
    outcome = summary_result(_parts("pass", "fail", "warn", "fail"))
    assert outcome["parts"] == {"fail": ["db.opengauss.arch", "db.opengauss.thp"], "warn": ["db.opengauss.sysctl"]}
    assert outcome["message_en"] == "cannot run openGauss: arch"
    assert outcome["message_zh"] == "不支持运行 openGauss：CPU 架构不满足"
    assert outcome["capability"]["status"] == "fail"
    assert outcome["readiness"]["to_fix"] == ["db.opengauss.thp", "db.opengauss.sysctl"]
    assert "aarch64" in outcome["remedy_en"]  # a hardware problem: the role cannot fix it


def test_items_the_role_does_not_fix_are_told_apart():
    parts = {"db.opengauss.arch": result("pass", "", "", "", ""),
             "db.opengauss.kernel": result("warn", "", "", "", ""),
             "db.opengauss.thp": result("fail", "", "", "", "")}
    outcome = summary_result(parts)
    assert outcome["status"] == "warn" and outcome["readiness"]["by_role"] == ["db.opengauss.thp"]
    assert "安装前需整改 2 项：透明大页、内核版本（其中 1 项可由 fep_opengauss_prereqs 自动完成）" in outcome["message_zh"]


def test_waiving_db_opengauss_waives_its_sub_checks(root):
    checks = run_checks(collect(str(root)), Context(level=3), skip={"db.opengauss": "医院不自建数据库"})
    assert {checks[c]["status"] for c in ["db.opengauss"] + SUBS} == {"skip"}
    assert checks["db.opengauss.thp"]["message_zh"] == "已豁免：医院不自建数据库"
    assert "scope" not in checks["db.opengauss.thp"]


def test_a_waived_sub_check_does_not_count(root):
    write(root, "sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n")
    facts = collect(str(root))
    summary = run_checks(facts, Context(level=3), select=["db.opengauss"])["db.opengauss"]
    assert summary["readiness"]["to_fix"] == ["db.opengauss.thp"]
    checks = run_checks(facts, Context(level=3), select=["db.opengauss"],
                        skip={"db.opengauss.thp": "宿主机统一管理"})
    assert checks["db.opengauss.thp"]["status"] == "skip"
    assert checks["db.opengauss"]["readiness"]["to_fix"] == []  # only the snapshot's free space is left


def test_a_crashing_sub_check_makes_the_summary_error(root, monkeypatch):
    def broken(facts, ctx):
        raise KeyError("x")
    monkeypatch.setattr(CHECKS["db.opengauss.swap"], "func", broken)
    checks = run_checks(collect(str(root)), Context(level=3), select=["db.opengauss"])
    assert checks["db.opengauss.swap"]["status"] == "error"
    assert checks["db.opengauss"]["status"] == "error" and checks["db.opengauss"]["parts"]["error"] == [
        "db.opengauss.swap"]


def test_selecting_one_sub_check_runs_only_it(root):
    assert list(run_checks(collect(str(root)), Context(level=3), select=["db.opengauss.thp"])) == ["db.opengauss.thp"]


def test_container_marks_exactly_the_host_kernel_items(root):
    write(root, "run/.containerenv", "engine=\"podman-4.3.1\"\n")
    write(root, "sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n")
    checks = run_checks(collect(str(root)), Context(level=3), select=["db.opengauss"])
    marked = {c for c, o in checks.items() if o.get("container_unchangeable")}
    assert marked == HOST_KERNEL
    assert {c for c, o in checks.items() if o.get("scope") == "host-kernel"} == HOST_KERNEL
    thp = checks["db.opengauss.thp"]
    assert thp["status"] == "fail"  # the honest verdict stays
    assert thp["remedy_zh"].startswith("在宿主机上：执行 echo never")
    assert thp["remedy_en"].startswith("On the host: Run echo never")


def test_outside_a_container_there_is_no_marker(root):
    checks = run_checks(collect(str(root)), Context(level=3), select=["db.opengauss"])
    assert not any("container_unchangeable" in o for o in checks.values())
    assert "容器" not in checks["db.opengauss.thp"]["message_zh"]


def test_the_tuned_settings_writer_matches_the_spec(tmp_path):
    write_opengauss_settings(tmp_path, "tuned", 1000000)
    assert (tmp_path / "proc/sys/kernel/sem").read_text() == "250\t6400000\t1000\t25600\n"
    assert (tmp_path / "proc/sys/vm/min_free_kbytes").read_text() == "50000\n"
    assert (tmp_path / "proc/sys/fs/aio-max-nr").read_text() == "%d\n" % spec.AIO_MAX_NR_MIN


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_s_snapshot_gets_its_expected_verdicts(tmp_path, profile):
    # the same expectations the end-to-end and lab tests read (tests/builders/profiles.py)
    build_root(tmp_path, profile)
    expected = dict(PROFILES[profile]["expect"], **PROFILES[profile]["expect_snapshot"])
    checks = run_checks(collect(str(tmp_path)), Context(level=PROFILES[profile]["level"]))
    assert {c: checks[c]["status"] for c in expected} == expected
