# -*- coding: utf-8 -*-
"""Build ``results.json`` (the public contract) from per-host audit outcomes.

Schema: docs/results-schema.md.  Pure functions: the action plugin passes in
what each host's audit left in the run's spool (report/spool.py) or registered;
nothing here talks to Ansible.
"""
import datetime
import json
import re
from collections import OrderedDict

from ..checks.registry import STATUSES, summarise
from .hospital import blank_hospital
from .summary import host_summary

SCHEMA_VERSION = 1
HOST_STATUSES = ("ok", "unreachable", "failed")
# The key of the audit task's result holding its facts, checks, level, python profile and
# privilege limits as one JSON string, when fep_audit runs without the audit playbook's spool
# (plugins/action/fep_audit.py says why a string).
OUTCOME_KEY = "fep_outcome"
# The key of a spooled record (report/spool.py) holding the same outcome as a tree.
SPOOLED_OUTCOME = "outcome"
NO_RECORD = ("not audited: the play failed for this host before the audit task, or the run was stopped "
             "before its result was recorded")


def audit_outcome(registered):
    """The audit's outcome carried in a spooled record or a registered result, {} when it has
    none (failed)."""
    if isinstance(registered.get(SPOOLED_OUTCOME), dict):
        return registered[SPOOLED_OUTCOME]
    text = registered.get(OUTCOME_KEY)
    if not text:
        return {}
    try:
        outcome = json.loads(text, object_pairs_hook=OrderedDict)
    except (TypeError, ValueError):
        return {}
    return outcome if isinstance(outcome, dict) else {}


def failure_message(registered):
    """Why a host was not audited; a task timeout (fep_audit_timeout) is said in those words.

    ansible-core 2.19 says "Timed out after N second(s)" with ``timedout.period``, 2.16 "failed
    to execute in the expected time frame (N)": neither names the variable to raise.
    """
    message = str(registered.get("msg") or "failed")
    timedout = registered.get("timedout")
    legacy = re.search(r"expected time frame \((\d+)\)", message)
    if not (timedout or legacy):
        return message
    seconds = timedout.get("period") if isinstance(timedout, dict) else legacy.group(1) if legacy else "?"
    return ("no result within fep_audit_timeout (%s s), the audit of this host was ended: the host or its "
            "connection hung before the collector could report (%s)" % (seconds, message))


def host_entry(registered, level=None, hospital=None):
    """One host's entry from the registered result of its audit task.

    ``registered`` (a spooled record, or a registered result) is None when the
    host never reached the audit task (a failure earlier in the play) or the
    run was stopped before it finished.  ``hospital`` is the validated metadata
    (report/hospital.py); it holds the contact's mobile, which is why
    results.json is created readable by its owner only.
    """
    hospital = hospital or blank_hospital()
    if not registered:
        return OrderedDict((
            ("status", "failed"), ("level", level), ("hospital", hospital),
            ("message", NO_RECORD),
            ("facts", {}), ("checks", OrderedDict()), ("summary", summarise({}))))
    outcome = audit_outcome(registered)
    if registered.get("unreachable"):
        status = "unreachable"
    elif registered.get("failed") or "checks" not in outcome:
        status = "failed"
    else:
        status = "ok"
    checks = outcome.get("checks") or OrderedDict()
    entry = OrderedDict((
        ("status", status),
        ("level", outcome.get("level", level)),
        ("hospital", hospital),
        ("message", "" if status == "ok" else str(registered.get("msg") or status) if status == "unreachable"
         else failure_message(registered)),
        ("python", outcome.get("python")),
        ("limited", outcome.get("limited") or []),
        ("inventory", outcome.get("inventory") or {}),
        ("summary", summarise(checks)),
        ("checks", checks),
        ("facts", outcome.get("facts") or {}),
    ))
    return entry


def lean_result(outcome):
    """What a host's audit task returns (and so its job event carries) when the outcome is
    spooled: the verdict, the counts, the failing and unknown check ids, ≤ 4 KiB.

    Judged before the hospital-wide checks (fep_results, where every host is known).
    """
    summary = host_summary({"status": "ok", "checks": outcome.get("checks") or {}})
    return OrderedDict((
        ("fep_verdict", summary.verdict),
        ("fep_counts", summary.counts),
        ("fep_failing", list(summary.failing)),
        ("fep_unknown", list(summary.unsure)),
    ))


def build_results(hosts, generated=None, run=None):
    """The whole document; ``hosts`` maps host name -> host_entry(), already judged.

    Assembles only: the items that compare the servers of one hospital are
    judged before, by the hospital stage (checks/hospital.py judge_hospitals).
    """
    counts = OrderedDict((s, 0) for s in HOST_STATUSES)
    checks = OrderedDict((s, 0) for s in STATUSES)
    for entry in hosts.values():
        counts[entry["status"]] += 1
        for status, number in entry["summary"].items():
            checks[status] += number
    generated = generated or datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return OrderedDict((
        ("schema", SCHEMA_VERSION),
        ("generated", generated),
        ("run", run or {}),
        ("summary", OrderedDict((("hosts", len(hosts)), ("host_status", counts),
                                 ("check_status", checks)))),
        ("hosts", OrderedDict(sorted(hosts.items()))),
    ))


def results_text(results):
    """``results.json`` as text: the document indented, each host's entry on one line.

    One line per host keeps a region's file readable with grep, diff and
    jq, and lets the json module's C encoder write the bulk: with ``indent``
    it falls back to pure Python, ≈ 3× slower (0.1 s per 100 hosts).
    """
    def compact(value):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)

    parts = []
    for key, value in results.items():
        if key == "hosts" and value:
            entries = ",\n".join("    %s: %s" % (compact(str(name)), compact(entry)) for name, entry in value.items())
            parts.append('  "hosts": {\n%s\n  }' % entries)
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
            parts.append("  %s: %s" % (compact(key), text.replace("\n", "\n  ")))
    return "{\n" + ",\n".join(parts) + "\n}\n"
