# -*- coding: utf-8 -*-
"""The run's summary for AWX workflows and job artifacts (``set_stats``, aggregate, not per host).

A workflow node branches on it (``fep_summary.verdicts.fail > 0``) and the job's artifacts show
it.  It stays small whatever the region's size: the failing hosts are cut at ``limit`` (their
total is given), the failing checks are the catalogue's ids (a few dozen), and the files in the
report's sub-folders (a survey form per hospital, the HTML's drill-down pages) are counted, not
listed.
"""
import os
from collections import Counter, OrderedDict

from .summary import FAILING_VERDICTS, VERDICTS, host_summary, ordered_hosts

STATS_KEY = "fep_summary"
FAILING_HOSTS_LIMIT = 100


def job_summary(results, report_dir, reports, limit=FAILING_HOSTS_LIMIT):
    """``{hosts, host_status, check_status, verdicts, failing_hosts…, failing_checks, reports}``.

    ``reports`` are the paths render_reports wrote; they are given relative to ``report_dir``.
    """
    verdicts = OrderedDict((verdict, 0) for verdict in VERDICTS)
    failing_hosts, failing_checks = [], Counter()
    for host, entry in ordered_hosts(results):
        summary = host_summary(entry)
        verdicts[summary.verdict] += 1
        failing_checks.update(summary.failing)
        if summary.verdict in FAILING_VERDICTS:
            failing_hosts.append(host)
    names = sorted(os.path.relpath(path, report_dir) for path in reports)
    folders = Counter(name.split(os.sep, 1)[0] for name in names if os.sep in name)
    summary = results.get("summary") or {}
    return OrderedDict((
        ("hosts", summary.get("hosts", len(results.get("hosts") or {}))),
        ("host_status", dict(summary.get("host_status") or {})),
        ("check_status", dict(summary.get("check_status") or {})),
        ("verdicts", verdicts),
        ("failing_hosts", failing_hosts[:limit]),
        ("failing_hosts_total", len(failing_hosts)),
        # check id -> hosts where it fails (or crashed), most frequent first
        ("failing_checks", OrderedDict(sorted(failing_checks.items(), key=lambda item: (-item[1], item[0])))),
        ("report_dir", report_dir),
        ("results", "results.json"),
        ("reports", [name for name in names if os.sep not in name]),
        # sub-folder -> number of files in it (survey: one form per hospital)
        ("folders", OrderedDict(sorted(folders.items()))),
        ("survey_forms", folders.get("survey", 0)),
    ))
