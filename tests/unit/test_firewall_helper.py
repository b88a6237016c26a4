# -*- coding: utf-8 -*-
"""fepkit-firewall, the host-side helper of fep_firewall's safe apply.

The rendered script runs for real under ``sh`` with stand-ins for systemctl,
firewall-cmd, nft and logger first on its PATH (each records its arguments),
and its systemd and firewalld folders moved into a temporary directory.
What is proven: the rollback timer is a persistent, enabled unit that also
fires after a reboot (systemd-run's transient timer did not survive one);
restore and disarm exclude each other (a disarm that comes first stops the
timer's restore, exit 4; one that comes second waits and says exit 3);
firewalld's runtime-only settings are replayed after the restore's reload.
"""
import os
import subprocess
import time
from pathlib import Path

import jinja2
import pytest
import yaml

from tests.role_vars import firewall_vars

REPO = Path(__file__).resolve().parents[2]
ROLE = REPO / "roles" / "fep_firewall"
STUB = """#!/bin/sh
{ printf '%s\\n' "$0" "$@"; echo ---; } >> "$STUB_LOG"
case "$(basename "$0") $*" in
"firewall-cmd --state") exit 0 ;;
"firewall-cmd --reload") [ -z "${HOLD:-}" ] || { : > "$HOLD.reached"; while [ ! -e "$HOLD" ]; do sleep 0.01; done; } ;;
esac
exit 0
"""


@pytest.fixture()
def helper(tmp_path):
    variables = dict(firewall_vars({"distribution": "Debian", "os_family": "Debian", "distribution_major_version": "12"}),
                     **yaml.safe_load((ROLE / "defaults" / "main.yml").read_text()))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["quote"] = lambda s: "'" + str(s).replace("'", "'\"'\"'") + "'"
    text = env.from_string((ROLE / "templates" / "fepkit-firewall.sh.j2").read_text()).render(variables)
    stubs, units, firewalld = tmp_path / "bin", tmp_path / "systemd", tmp_path / "etc" / "firewalld"
    for folder in (stubs, units, firewalld / "zones"):
        folder.mkdir(parents=True)
    (firewalld / "zones" / "public.xml").write_text("<zone/>\n")
    for name in ("systemctl", "firewall-cmd", "nft", "logger"):
        (stubs / name).write_text(STUB)
        (stubs / name).chmod(0o755)
    script = tmp_path / "fepkit-firewall"
    for old, new in (("PATH=/usr/local/sbin:", "PATH=%s:/usr/local/sbin:" % stubs),
                     ("UNIT_DIR=/etc/systemd/system", "UNIT_DIR=%s" % units),
                     ("FIREWALLD_DIR=/etc/firewalld", "FIREWALLD_DIR=%s" % firewalld)):
        assert old in text
        text = text.replace(old, new)
    script.write_text(text)
    script.chmod(0o755)
    log = tmp_path / "calls.log"

    def run(*args, wait=True, **extra):
        environ = dict(os.environ, STUB_LOG=str(log), **extra)
        proc = subprocess.Popen(["sh", str(script)] + [str(a) for a in args], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, universal_newlines=True, env=environ)
        if not wait:
            return proc
        proc.wait()
        return proc

    def calls():
        text = log.read_text() if log.exists() else ""
        return [chunk.strip("\n").split("\n") for chunk in text.split("---\n") if chunk.strip()]

    run.calls, run.units, run.tmp = calls, units, tmp_path
    return run


def backup(helper, backend="firewalld"):
    folder = helper.tmp / "backups" / "20261206T000000Z"
    proc = helper("backup", folder, backend)
    assert proc.returncode == 0, proc.stdout.read()
    return folder


def test_the_rollback_timer_is_a_persistent_unit_that_survives_a_reboot(helper):
    folder = backup(helper)
    proc = helper("arm", folder, 45)
    assert proc.returncode == 0, proc.stdout.read()
    timer = (helper.units / "fepkit-firewall-revert.timer").read_text()
    service = (helper.units / "fepkit-firewall-revert.service").read_text()
    # counted from the timer's activation, now and at every boot (OnBootSec would fire at once on a host
    # up for longer than the window: the first lab run proved it)
    assert "\nOnActiveSec=45s\n" in timer and "OnBootSec" not in timer
    assert "WantedBy=timers.target\n" in timer
    assert 'ExecStart=/usr/local/sbin/fepkit-firewall restore "%s" rollback-timer\n' % folder in service
    commands = [c[1:] for c in helper.calls() if c[0].endswith("systemctl")]
    assert ["enable", "--now", "fepkit-firewall-revert.timer"] in commands
    assert not [c for c in helper.calls() if c[0].endswith("systemd-run")]


def test_disarm_removes_the_units_so_a_later_boot_restores_nothing(helper):
    folder = backup(helper)
    helper("arm", folder, 45)
    proc = helper("disarm", folder)
    assert proc.returncode == 0, proc.stdout.read()
    assert list(helper.units.iterdir()) == []
    assert (folder / "disarmed").exists()


def test_a_timer_restore_after_the_disarm_touches_nothing(helper):
    folder = backup(helper)
    helper("arm", folder, 45)
    helper("disarm", folder)
    before = len(helper.calls())
    proc = helper("restore", folder, "rollback-timer")
    assert proc.returncode == 4, proc.stdout.read()
    assert not (folder / "restored").exists()
    assert not [c for c in helper.calls()[before:] if c[0].endswith("firewall-cmd")]


def test_a_manual_restore_still_works_after_the_disarm(helper):
    folder = backup(helper)
    helper("disarm", folder)
    proc = helper("restore", folder, "apply-failed")
    assert proc.returncode == 0, proc.stdout.read()
    assert (folder / "restored").read_text().split()[-1] == "apply-failed"


def _waits_on_the_lock(proc):
    """True once ``proc`` runs flock (blocked on the backup's lock); False if it ended without."""
    while proc.poll() is None:
        for child in Path("/proc").iterdir():
            if not child.name.isdigit():
                continue
            try:
                stat = (child / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if "(flock)" in stat and int(fields[1]) == proc.pid:
                return True
        time.sleep(0.01)
    return False


def test_a_disarm_during_a_restore_waits_for_it_and_says_so(helper):
    folder = backup(helper)
    hold = helper.tmp / "release-reload"
    restore = helper("restore", folder, "rollback-timer", wait=False, HOLD=str(hold))
    while not Path(str(hold) + ".reached").exists():  # the restore holds the lock, inside its reload
        assert restore.poll() is None, restore.stdout.read()
        time.sleep(0.01)
    disarm = helper("disarm", folder, wait=False)
    assert _waits_on_the_lock(disarm), disarm.stdout.read()
    hold.write_text("")
    assert restore.wait() == 0, restore.stdout.read()
    assert disarm.wait() == 3, disarm.stdout.read()
    assert "too late to disarm" in disarm.stdout.read()


def test_runtime_only_firewalld_settings_are_replayed_after_the_reload(helper):
    folder = backup(helper)
    rule = 'rule family="ipv4" source address="10.9.9.9" port port="9200" protocol="tcp" accept'
    (folder / "runtime-replay").write_text("'--zone=public' '--add-port=9999/tcp'\n"
                                           "'--zone=public' '--add-rich-rule=%s'\n" % rule)
    proc = helper("restore", folder, "rollback-timer")
    assert proc.returncode == 0, proc.stdout.read()
    firewall_cmd = [c[1:] for c in helper.calls() if c[0].endswith("firewall-cmd")]
    reload = firewall_cmd.index(["--reload"])
    assert firewall_cmd[reload + 1:] == [["--zone=public", "--add-port=9999/tcp"],
                                         ["--zone=public", "--add-rich-rule=" + rule]]
