# -*- coding: utf-8 -*-
"""The hospital stage: judge what compares the servers of one hospital (gs_checkos A2-A4).

Three openGauss items must agree across a hospital's servers: the kernel
release (A2), LANG (A3) and the time-zone offset (A4).  Each host's own
check (checks/opengauss_platform.py) says what the host has; this stage,
run once every host of the run is known, compares the servers of each
hospital (report/hospital.py ``hospital_key``: same ``fep_hospital`` name
and division) and re-summarises ``db.opengauss`` and the host's counts.

It runs after the audit and before results.json is written, explicitly:
``fep_results`` calls ``judge_hospitals`` over the run's hosts, and the merge
(report/merge.py) calls it again over the merged hosts, because one
hospital's servers may come from several runs (city runs, make-up runs,
the slices of an AWX sliced job).  ``report/results.build_results`` only
assembles what was judged; the reports only read it.
"""
from collections import OrderedDict

from ..report.hospital import hospital_key
from .opengauss_summary import PARENT, summary_result
from .registry import CHECKS, mark_scope, summarise

# check id -> verdict when the hospital's servers differ (installer: A2 Warning, A3/A4 Abnormal)
CONSISTENCY = OrderedDict(((PARENT + ".kernel", "warn"), (PARENT + ".locale", "fail"),
                           (PARENT + ".timezone", "fail")))
CONSISTENCY_REMEDY = {
    PARENT + ".kernel": ("将本院各服务器升级到相同的内核版本。",
                         "Run the same kernel on every server of the hospital."),
    PARENT + ".locale": ("在本院各服务器上设置相同的 LANG（localectl set-locale LANG=en_US.UTF-8）。",
                         "Set the same LANG on every server of the hospital (localectl set-locale "
                         "LANG=en_US.UTF-8)."),
    PARENT + ".timezone": ("在本院各服务器上设置相同的时区（timedatectl set-timezone Asia/Shanghai）。",
                           "Set the same time zone on every server of the hospital (timedatectl set-timezone "
                           "Asia/Shanghai)."),
}
# worst first: a consistency finding never makes a sub-check better than it was
ROLL_UP = ("fail", "error", "unknown", "warn", "pass", "skip")


def consistency_value(check_id, facts):
    """The value a consistency item compares across a hospital's servers (None when unknown)."""
    if check_id == PARENT + ".kernel":
        return (facts.get("os") or {}).get("kernel")
    if check_id == PARENT + ".locale":
        return (facts.get("security") or {}).get("lang")
    return (facts.get("opengauss") or {}).get("timezone_offset")


def _worse(a, b):
    return a if ROLL_UP.index(a) <= ROLL_UP.index(b) else b


def compare_hospital(check_id, own, peers):
    """``own`` (this host's result) with the comparison against ``peers`` ``[(host, value)]`` added.

    ``peers`` holds every audited server of the hospital that has the check,
    this host included; values that are None (unknown) are not compared.
    """
    outcome = dict(own)
    known = [(host, value) for host, value in peers if value is not None]
    others = len(peers) - 1
    if others <= 0:
        outcome["message_zh"] += "（本院仅此一台服务器，无需比对）"
        outcome["message_en"] += " (the only audited server of its hospital: nothing to compare)"
        outcome["compared_with"] = []
        return outcome
    outcome["compared_with"] = sorted(host for host, _ in peers)
    values = OrderedDict()
    for host, value in sorted(known):
        values.setdefault(value, []).append(host)
    if len(values) <= 1:
        outcome["message_zh"] += "（与本院其他 %d 台服务器一致）" % others
        outcome["message_en"] += " (the same on the hospital's %d other server(s))" % others
        return outcome
    spread = "; ".join("%s: %s" % (value, ", ".join(hosts)) for value, hosts in values.items())
    outcome["status"] = _worse(own["status"], CONSISTENCY[check_id])
    outcome["observed"] = spread
    outcome["message_zh"] += "；本院服务器之间不一致：%s" % spread
    outcome["message_en"] += "; differs between the hospital's servers: %s" % spread
    outcome["remedy_zh"], outcome["remedy_en"] = CONSISTENCY_REMEDY[check_id]
    return outcome


def _compared(entry, check_id):
    outcome = (entry.get("checks") or {}).get(check_id)
    return outcome is not None and outcome.get("source") != "waiver" and outcome.get("status") != "error"


def resummarise(entry):
    """Recompute db.opengauss and the host's counts after a sub-check changed."""
    checks = entry.get("checks") or {}
    summary = checks.get(PARENT)
    if summary is not None and summary.get("source") != "waiver" and summary.get("status") != "error":
        parts = OrderedDict((c, checks[c]) for c in CHECKS[PARENT].children if c in checks)
        checks[PARENT] = summary_result(parts)
    entry["summary"] = summarise(checks)


def judge_hospitals(hosts):
    """Compare kernel, LANG and time zone across the servers of each hospital; re-summarise.

    ``hosts`` maps host name -> results.json host entry (changed in place,
    and returned).  Only audited (``ok``) hosts are compared; waived and
    crashed items are left as they are.  Each host's own verdict is
    recomputed from its facts first, so judging twice, or judging a merge of
    runs that were judged each on their own, gives the same results: the
    comparisons of earlier runs are replaced, never stacked.
    """
    groups = OrderedDict()
    for name in sorted(hosts):
        entry = hosts[name]
        if entry.get("status") != "ok":
            continue
        groups.setdefault(hospital_key(entry, name), []).append(name)
    for names in groups.values():
        for check_id in CONSISTENCY:
            members = [n for n in names if _compared(hosts[n], check_id)]
            peers = [(n, consistency_value(check_id, hosts[n].get("facts") or {})) for n in members]
            for name in members:
                facts = hosts[name].get("facts") or {}
                own = mark_scope(CHECKS[check_id].func(facts, None), CHECKS[check_id], facts)
                hosts[name]["checks"][check_id] = compare_hospital(check_id, own, peers)
        for name in names:
            resummarise(hosts[name])
    return hosts
