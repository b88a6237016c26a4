# -*- coding: utf-8 -*-
"""``n/N audited, k failing`` (report/progress.py, callback fepkit.fep.progress): a line per tenth
of the hosts, per half minute, and at the end; never one per host."""
from fep.report.progress import AUDITED, FAILING, NOT_AUDITED, Progress


class Clock(object):
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_fifteen_thousand_hosts_print_about_ten_lines():
    progress = Progress(total=15000, clock=Clock())
    lines = [line for n in range(15000) for line in [progress.record("h%d" % n, AUDITED)] if line]
    assert len(lines) == 10
    assert lines[0] == "fepkit: 1500/15000 audited, 0 failing"
    assert lines[-1] == "fepkit: 15000/15000 audited, 0 failing"
    assert progress.finish() is None  # the last line is already up to date


def test_a_slow_region_prints_every_half_minute():
    clock = Clock()
    progress = Progress(total=1000, clock=clock)
    assert progress.record("a", FAILING) is None
    clock.now = 31
    assert progress.record("b", NOT_AUDITED) == "fepkit: 2/1000 audited, 2 failing (1 could not be audited)"
    clock.now = 40
    assert progress.record("c", AUDITED) is None


def test_a_host_counts_once_and_the_end_is_always_said():
    progress = Progress(total=None, clock=Clock())
    assert progress.record("a", NOT_AUDITED) is None
    assert progress.record("a", AUDITED) is None  # the rescue after the failure
    assert progress.finish() == "fepkit: 1 audited, 1 failing (1 could not be audited)"
    assert Progress(total=3, clock=Clock()).finish() is None


def test_small_runs_print_each_host():
    progress = Progress(total=4, clock=Clock())
    assert [progress.record(h, AUDITED) for h in "abcd"] == [
        "fepkit: %d/4 audited, 0 failing" % n for n in range(1, 5)]
