# -*- coding: utf-8 -*-
"""Merge the ``results.json`` of several runs (one per province or city) into one document.

A national or large provincial audit runs as one job per province or city
(docs/performance.md); the roll-up then needs one results document.  Pure
functions: ``tools/fep_report.py`` reads the files and writes the result.

- Hosts are the union.  A host found in several runs (a re-audit after the
  hospital fixed something) keeps the entry of the run generated last, and
  a note says so; two runs generated at the same instant cannot be ordered:
  MergeError.
- The hospital stage (checks/hospital.py: kernel, LANG, time zone across a
  hospital's servers) runs again over the merged hosts, because the servers
  of one hospital may come from different runs: city runs, make-up runs, the
  slices of an AWX sliced job.  ``judge_hospitals`` recomputes each host's
  own verdict from its facts before comparing, so the comparisons of the
  earlier runs are replaced, never stacked, and a hospital split across
  slices gets the verdicts of one run over all its servers
  (tests/unit/test_merge.py, tests/unit/test_sliced_merge.py).
- Messages name hosts and files only: entries hold the contact's mobile.
"""
import datetime
from collections import OrderedDict

from .. import __version__ as FEPKIT_VERSION
from ..checks.hospital import judge_hospitals
from .hospital import hospital_key
from .results import HOST_STATUSES, build_results

# hosts named in one message at most; the rest are counted
LISTED_HOSTS = 10


class MergeError(Exception):
    """The runs cannot be merged; ``messages`` holds one line per problem."""

    def __init__(self, messages):
        Exception.__init__(self, "; ".join(messages))
        self.messages = list(messages)


def parse_generated(text):
    """``generated`` as an aware datetime (a naive one is local time, as build_results writes it)."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.astimezone()


def source_problem(results):
    """Why a loaded results document cannot be merged ('' when it can).

    load_results() has checked the schema and that ``hosts`` is an object;
    merging also needs when the run was made and host entries that
    build_results() and the consistency pass can read.
    """
    if parse_generated(results.get("generated")) is None:
        return "'generated' is missing or not an ISO 8601 time: %r" % (results.get("generated"),)
    for name, entry in results["hosts"].items():
        if entry.get("status") not in HOST_STATUSES:
            return "host %s: 'status' is not one of %s" % (name, ", ".join(HOST_STATUSES))
        if not isinstance(entry.get("summary"), dict):
            return "host %s: no 'summary' object" % name
        if entry["status"] == "ok" and not (isinstance(entry.get("facts"), dict) and entry["facts"]):
            # the consistency items are judged again from the facts: without them a pass would turn unknown
            return "host %s: audited but its 'facts' are missing or empty" % name
    return ""


def _names(hosts):
    hosts = sorted(hosts)
    text = ", ".join(hosts[:LISTED_HOSTS])
    if len(hosts) > LISTED_HOSTS:
        text += " and %d more" % (len(hosts) - LISTED_HOSTS)
    return text


def _private_copy(entry):
    """A copy of ``entry`` that the consistency pass may change without touching the source.

    The pass replaces items of ``checks`` and the ``summary``; facts and
    hospital stay shared (a region's facts are most of its memory).
    """
    entry = OrderedDict(entry)
    entry["checks"] = OrderedDict(entry.get("checks") or {})
    return entry


def _run_name(source):
    return "%s (generated %s)" % (source[0], source[1]["generated"])


def overlap_notes(name, keep, dropped, sources):
    """The notes for a host found in several runs: ``keep`` is the index of the run kept."""
    kept = sources[keep][1]["hosts"][name]
    notes = ["note: host %s is in %d runs: kept %s, dropped %s" % (
        name, len(dropped) + 1, _run_name(sources[keep]), ", ".join(_run_name(sources[i]) for i in dropped))]
    if kept["status"] != "ok" and any(sources[i][1]["hosts"][name]["status"] == "ok" for i in dropped):
        notes.append("note: host %s was %s in the later run: the earlier complete audit is dropped"
                     % (name, kept["status"]))
    # the identity the consistency pass groups servers by
    others = [i for i in dropped if hospital_key(sources[i][1]["hosts"][name], name) != hospital_key(kept, name)]
    if others:
        # an inventory name (often an intranet IP) reused by another hospital loses that hospital
        notes.append("warning: host %s names another hospital (fep_hospital name or division) in %s than in "
                     "%s: if these are two servers, give one another inventory name and re-audit it"
                     % (name, ", ".join(sources[i][0] for i in others), sources[keep][0]))
    return notes


def tie_message(names, indexes, sources):
    """One line for the hosts whose latest entries are in runs generated at the same instant."""
    several = len(names) > 1
    return "%s %s %s in %s, the same instant: cannot tell which audit is newer; leave one file out or " \
           "re-audit the %s" % ("hosts" if several else "host", _names(names), "are" if several else "is",
                                " and ".join(_run_name(sources[i]) for i in indexes),
                                "hosts" if several else "host")


def pick_hosts(sources):
    """``(hosts, origin, notes)``: the union of the runs' hosts, the latest run's entry where they overlap.

    ``sources`` is ``[(file, results)]``; ``origin`` maps each host to the
    index of the source its entry comes from; ``notes`` are one line each for
    stderr.  Raises MergeError when a host's latest entry is in two runs
    generated at the same instant.
    """
    moments = [parse_generated(results["generated"]) for _, results in sources]
    found = OrderedDict()  # host -> [source index], in the order given
    for index, (_, results) in enumerate(sources):
        for name in results["hosts"]:
            found.setdefault(name, []).append(index)
    hosts, origin, notes, ties = OrderedDict(), OrderedDict(), [], OrderedDict()
    for name, indexes in found.items():
        latest = max(moments[i] for i in indexes)
        newest = [i for i in indexes if moments[i] == latest]
        if len(newest) > 1:
            ties.setdefault(tuple(newest), []).append(name)
            continue
        keep = newest[0]
        hosts[name], origin[name] = _private_copy(sources[keep][1]["hosts"][name]), keep
        if len(indexes) > 1:
            notes.extend(overlap_notes(name, keep, [i for i in indexes if i != keep], sources))
    if ties:
        raise MergeError([tie_message(names, indexes, sources) for indexes, names in ties.items()])
    return hosts, origin, notes


def _common(values):
    """One value when the runs agree, else the distinct values, sorted, joined."""
    distinct = sorted({part for v in values if v not in (None, "") for part in str(v).split(", ")})
    return ", ".join(distinct) if distinct else None


def merge_run(sources, origin, lang, merged_at=None):
    """``run`` of the merged document: what each run was, and that this one is a merge.

    ``judged_across_runs`` says the hospital-wide items were judged over
    every merged host, not within each run (each slice of a sliced job saw
    only part of a hospital).

    ``fepkit`` and ``ansible_core`` stay what the reports show: the version
    that audited (the distinct versions, joined, when the runs differ).
    ``origin`` maps each merged host to the index of the source it comes from.
    """
    kept = {}
    for index in origin.values():
        kept[index] = kept.get(index, 0) + 1
    merged_from = []
    for index, (path, results) in enumerate(sources):
        run = results.get("run") or {}
        source = OrderedDict((
            ("file", path), ("generated", results["generated"]),
            ("fepkit", run.get("fepkit")), ("ansible_core", run.get("ansible_core")),
            ("check_mode", bool(run.get("check_mode"))), ("lang", run.get("lang")),
            ("hosts", len(results["hosts"])), ("hosts_kept", kept.get(index, 0)),
        ))
        if run.get("merged_from"):  # a merge of merges: a province of cities, the country of provinces
            source["merged_from"] = run["merged_from"]
        merged_from.append(source)
    merged_at = merged_at or datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    return OrderedDict((
        ("fepkit", _common(s["fepkit"] for s in merged_from)),
        ("ansible_core", _common(s["ansible_core"] for s in merged_from)),
        ("check_mode", any(s["check_mode"] for s in merged_from)),
        ("lang", lang),
        ("merged_by", FEPKIT_VERSION),
        ("merged_at", merged_at),
        # the hospital stage ran again over the merged hosts (merge_results): a hospital whose servers
        # were audited in different runs or AWX slices was compared as one
        ("judged_across_runs", True),
        ("merged_from", merged_from),
    ))


def version_notes(sources):
    """A note when the runs were audited by different fepkit versions (their checks may differ)."""
    by_version = OrderedDict()
    for path, results in sources:
        by_version.setdefault(str((results.get("run") or {}).get("fepkit")), []).append(path)
    if len(by_version) <= 1:
        return []
    return ["note: the runs were audited by different fepkit versions (%s): their checks may differ" % "; ".join(
        "%s: %s" % (version, ", ".join(paths)) for version, paths in by_version.items())]


def merge_results(sources, lang="zh", merged_at=None):
    """``(results, notes)``: one results document from ``[(file, results)]``, in the order given.

    Raises MergeError (one line per problem, naming the file and host) when
    a run cannot be read as a results document or two runs tie on a host.
    The sources are left unchanged.
    """
    if not sources:
        raise MergeError(["no results file to merge"])
    problems = []
    for path, results in sources:
        problem = source_problem(results)
        if problem:
            problems.append("%s cannot be merged: %s" % (path, problem))
    if problems:
        raise MergeError(problems)
    hosts, origin, notes = pick_hosts(sources)
    moments = [parse_generated(results["generated"]) for _, results in sources]
    latest = moments.index(max(moments))
    run = merge_run(sources, origin, lang, merged_at)
    # kernel, LANG and time zone judged again across each hospital's servers, whichever run they came from
    results = build_results(judge_hospitals(hosts), generated=sources[latest][1]["generated"], run=run)
    return results, version_notes(sources) + notes
