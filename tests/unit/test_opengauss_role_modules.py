# -*- coding: utf-8 -*-
"""The role's modules (plugins/modules/fep_opengauss_host.py, fep_opengauss_kernel.py): what they
apply, report and never touch.

The kernel's files are faked at the modules' I/O seam (``read``, ``write``,
``writable``, ``block_devices``); the deciding code runs as on a server.
The same modules run for real in the molecule scenarios (molecule/opengauss*).
"""
import errno
import importlib.util
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIBRARY = os.path.join(REPO, "plugins", "modules")
# the modules import ansible_collections.fepkit.fep.plugins.module_utils.fep.* (tests/conftest.py
# puts collections/ on sys.path, as ansible's collection loader does on a target)


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(LIBRARY, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


kernel = load("fep_opengauss_kernel")


class Failed(Exception):
    pass


class FakeModule(object):
    def __init__(self, check_mode=False, container=False):
        self.check_mode = check_mode
        self.params = {"container": container}

    def fail_json(self, msg, **_):
        raise Failed(msg)


class FakeKernel(object):
    """/proc/sys and /sys as a dict; paths in ``readonly`` behave like a container's mount."""

    def __init__(self, files, readonly=(), refuse=()):
        self.files, self.readonly, self.refuse = dict(files), tuple(readonly), tuple(refuse)
        self.writes = []

    def read(self, path):
        return self.files.get(path)

    def write(self, path, value):
        if path.startswith(self.readonly):
            raise OSError(errno.EROFS, "Read-only file system")
        if path in self.refuse:
            raise OSError(errno.EINVAL, "Invalid argument")
        self.writes.append((path, value))
        self.files[path] = value

    def writable(self, path):
        return not path.startswith(self.readonly)

    def block_devices(self):
        return sorted({p.split("/")[3] for p in self.files if p.startswith("/sys/block/")})


@pytest.fixture
def fake(monkeypatch):
    def install(files, readonly=(), refuse=()):
        kern = FakeKernel(files, readonly, refuse)
        for name in ("read", "write", "writable", "block_devices"):
            monkeypatch.setattr(kernel, name, getattr(kern, name))
        return kern
    return install


def run(check_mode=False, container=False):
    return kernel.Run(FakeModule(check_mode, container))


SYSCTLS = {"/proc/sys/net/core/somaxconn": "4096", "/proc/sys/vm/min_free_kbytes": "67584",
           "/proc/sys/kernel/sem": "32000\t1024000000\t500\t32000", "/proc/sys/net/ipv4/tcp_tw_reuse": "1"}
WANTED = {"net.core.somaxconn": "65535", "vm.min_free_kbytes": "3290376",
          "kernel.sem": "250 6400000 1000 25600", "net.ipv4.tcp_tw_reuse": "1",
          "net.ipv4.tcp_tw_recycle": "1"}


def test_a_real_host_gets_every_differing_key_and_the_optional_absent_one_is_left_out(fake):
    kern = fake(SYSCTLS)
    done = run()
    done.sysctl(WANTED)
    assert kern.writes == [("/proc/sys/kernel/sem", "250 6400000 1000 25600"),
                           ("/proc/sys/net/core/somaxconn", "65535"),
                           ("/proc/sys/vm/min_free_kbytes", "3290376")]
    assert (done.pending, done.absent) == ([], ["net.ipv4.tcp_tw_recycle"])
    assert "net.core.somaxconn = 4096\n" in done.before and "net.core.somaxconn = 65535\n" in done.after


def test_a_container_never_writes_a_host_wide_key_even_when_it_could(fake):
    # /proc/sys fully writable (a privileged container): vm.* would change the host itself
    kern = fake(SYSCTLS)
    done = run(container=True)
    done.sysctl(WANTED)
    assert ("/proc/sys/vm/min_free_kbytes", "3290376") not in kern.writes
    assert [(p["key"], p["scope"]) for p in done.pending] == [("vm.min_free_kbytes", "host-kernel")]
    assert [w[0] for w in kern.writes] == ["/proc/sys/kernel/sem", "/proc/sys/net/core/somaxconn"]


def test_a_read_only_proc_sys_is_reported_not_failed(fake):
    kern = fake(SYSCTLS, readonly=("/proc/sys/",))
    done = run(container=True)
    done.sysctl(WANTED)
    assert kern.writes == []
    assert sorted(p["key"] for p in done.pending) == ["kernel.sem", "net.core.somaxconn", "vm.min_free_kbytes"]
    assert {p["scope"] for p in done.pending} == {"host-kernel"}


def test_check_mode_predicts_the_real_run_and_writes_nothing(fake):
    kern = fake(SYSCTLS, readonly=("/proc/sys/kernel/", "/proc/sys/vm/"))
    predicted = run(check_mode=True, container=True)
    predicted.sysctl(WANTED)
    assert kern.writes == []
    real = run(container=True)
    real.sysctl(WANTED)
    assert (predicted.applied, predicted.pending) == (real.applied, real.pending) == (
        ["net.core.somaxconn = 65535"], predicted.pending)
    assert sorted(p["key"] for p in real.pending) == ["kernel.sem", "vm.min_free_kbytes"]


def test_a_write_error_on_a_real_host_fails_with_the_key(fake):
    fake(SYSCTLS, refuse=("/proc/sys/net/core/somaxconn",))
    with pytest.raises(Failed, match=r"could not set net.core.somaxconn to '65535' \(/proc/sys/net/core/somaxconn\)"):
        run().sysctl({"net.core.somaxconn": "65535"})


DISKS = {"/sys/block/nvme0n1/queue/scheduler": "[none] mq-deadline kyber",
         "/sys/block/nvme0n1/queue/nr_requests": "1023",
         "/sys/block/sda/queue/scheduler": "[mq-deadline] none",
         "/sys/block/sda/queue/nr_requests": "32768",
         "/sys/block/loop0/queue/scheduler": "[none]",
         "/sys/block/dm-0/queue/nr_requests": "128"}


def test_scheduler_then_queue_depth_and_a_refused_depth_is_unavailable(fake):
    kern = fake(DISKS, refuse=("/sys/block/nvme0n1/queue/nr_requests",))
    done = run()
    done.disks("mq-deadline", 32768, ["sd*", "nvme*n*", "dm-*"])
    assert kern.writes == [("/sys/block/nvme0n1/queue/scheduler", "mq-deadline")]
    assert [(p["key"], p["scope"]) for p in done.pending] == [("nvme0n1/queue/nr_requests", "unavailable")]


def test_disks_in_a_container_are_the_host_s(fake):
    kern = fake(DISKS, readonly=("/sys/",))
    done = run(container=True)
    done.disks("mq-deadline", 32768, ["nvme*n*"])
    assert kern.writes == []
    assert [(p["key"], p["scope"]) for p in done.pending] == [
        ("nvme0n1/queue/scheduler", "host-kernel"), ("nvme0n1/queue/nr_requests", "host-kernel")]


def test_thp_is_set_to_never_on_a_host_and_reported_in_a_container(fake):
    files = dict.fromkeys(kernel.THP_FILES, "always [madvise] never")
    kern = fake(files)
    run().thp()
    assert kern.writes == [(path, "never") for path in kernel.THP_FILES]
    kern = fake(files, readonly=("/sys/",))
    done = run(container=True)
    done.thp()
    assert kern.writes == [] and [p["scope"] for p in done.pending] == ["host-kernel", "host-kernel"]


@pytest.mark.parametrize("enforce,wanted,writes,pending", [
    ("1", "permissive", [(kernel.SELINUX_ENFORCE, "0")], []),
    ("1", "disabled", [(kernel.SELINUX_ENFORCE, "0")], [("SELINUX=disabled", "reboot")]),
    ("0", "disabled", [], [("SELINUX=disabled", "reboot")]),  # until the reboot, every run says so
    ("0", "permissive", [], []),
    (None, "disabled", [], []),                                # no SELinux in the kernel
])
def test_selinux(fake, enforce, wanted, writes, pending):
    kern = fake({kernel.SELINUX_ENFORCE: enforce} if enforce else {})
    done = run()
    done.selinux(wanted)
    assert kern.writes == writes
    assert [(p["key"], p["scope"]) for p in done.pending] == pending


# -- what the modules need on the target ------------------------------------------------------------------

MODULES = sorted(os.path.join(LIBRARY, name) for name in os.listdir(LIBRARY) if name.endswith(".py"))


def test_role_modules_need_python_36_at_most():
    # Kylin V10 / openEuler 20.03 run 3.7, UOS 1050a 3.6 (the legacy profile's targets)
    vermin = os.path.join(os.path.dirname(sys.executable), "vermin")
    proc = subprocess.run([vermin, "--no-tips", "--violations", "-t=3.6-", "--eval-annotations",
                           "--no-parse-comments", *MODULES, os.path.join(REPO, "plugins", "module_utils", "fep",
                                                                         "opengauss_settings.py")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
