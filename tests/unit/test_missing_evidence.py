# -*- coding: utf-8 -*-
"""Missing evidence is ``unknown``, never a verdict.

A snapshot lacking a source (a partial copy, a collector that skipped a
folder) used to read as the absence of the thing: no process list gave
``security.firewall`` = fail and ``db.opengauss.firewalld`` = pass. Each case
removes one source from a complete snapshot of a real profile and expects the
checks that depend on it to turn ``unknown`` (each judged something else with
the source present).
"""
import glob
import os
import shutil

import pytest

from fep import checks, collector
from tests.builders.profiles import build_root

PROFILE = "kunpeng-kylin-l3"
# source removed (globs under the snapshot root) -> checks that must become unknown
CASES = {
    "no process list": (["proc/[0-9]*"], [
        "security.firewall", "db.opengauss.firewalld", "security.antivirus", "security.ips",
        "security.url_filter", "db.opengauss.time_sync", "port.5432"]),
    "process list without PID 1": (["proc/1"], ["security.ips", "security.url_filter"]),
    "no proc/net/tcp6": (["proc/net/tcp6"], ["port.8881", "port.5432", "db.opengauss.port"]),
    "no proc/net/tcp": (["proc/net/tcp"], ["port.8881", "db.opengauss.port"]),
    "no kernel parameters": (["proc/sys/kernel/sem", "proc/sys/kernel/shm*", "proc/sys/vm", "proc/sys/fs"],
                             ["db.opengauss.sysctl", "db.opengauss.aio_max_nr"]),
    "no SELinux files": (["sys/fs/selinux", "etc/selinux"], ["db.opengauss.selinux"]),
    "no locale files": (["etc/locale.conf", "etc/default/locale"], ["db.opengauss.locale"]),
    "no pam.d": (["etc/pam.d"], ["db.opengauss.pam_limits"]),
    "no limits.conf": (["etc/security"], ["db.opengauss.limits"]),
    "no library directories": (["usr/lib*", "lib", "lib64"], ["db.opengauss.packages"]),
    "no IO schedulers": (["sys/devices/**/queue/scheduler"], ["db.opengauss.io_scheduler"]),
}


def statuses(root):
    facts = collector.collect(str(root))
    return {check_id: outcome["status"]
            for check_id, outcome in checks.run_checks(facts, checks.Context(level=3)).items()}, facts


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("complete")
    build_root(root, PROFILE)
    return root, statuses(root)[0]


def remove(root, patterns):
    removed = 0
    for pattern in patterns:
        for path in glob.glob(os.path.join(str(root), pattern), recursive=True):
            if not os.path.lexists(path):
                continue  # under a folder removed already (glob also walks the links)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path)
            else:
                os.unlink(path)
            removed += 1
    assert removed, patterns  # the profile has the source this case removes


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_missing_source_makes_its_checks_unknown(case, reference, tmp_path):
    complete_root, complete = reference
    patterns, expected_unknown = CASES[case]
    root = tmp_path / "partial"
    shutil.copytree(str(complete_root), str(root), symlinks=True)
    remove(root, patterns)
    partial, facts = statuses(root)
    for check_id in expected_unknown:
        assert complete[check_id] != "unknown", check_id  # judged from the source when present
        assert partial[check_id] == "unknown", (check_id, partial[check_id], facts["unknown"])
    assert "error" not in partial.values()
