# -*- coding: utf-8 -*-
"""Write every report of a run from its ``results.json`` document.

``render_reports`` is called by the fep_results action plugin at the end of
the audit and by ``tools/fep_report.py`` (``make report``) to regenerate the
reports without re-auditing.  Reports hold hospital data: files are created
mode 0600 and folders 0700.  One writer failing does not stop the others.
"""
import gc
import json
import os

from ..checks.registry import STATUSES
from .html import write_html
from .junit import render_junit
from .private import private_dir, write_private
from .results import HOST_STATUSES
from .rollup import write_rollup
from .survey import write_hospital_survey
from .survey_files import survey_workbooks

SCHEMA_VERSION = 1


class ResultsError(Exception):
    """``results.json`` is missing or is not a results document (one-line message)."""


class ReportError(Exception):
    """Some reports could not be written; ``written`` lists those that were."""

    def __init__(self, errors, written):
        Exception.__init__(self, "; ".join(errors))
        self.errors = list(errors)
        self.written = list(written)


def load_results(path):
    """The parsed results document at ``path``, or ResultsError saying why not."""
    # JSON builds no reference cycles: the cyclic GC has nothing to find while it parses, yet its
    # full collections walk everything parsed so far (a national results.json: 10.3 -> 6.9 s of CPU)
    enabled = gc.isenabled()
    gc.disable()
    try:
        with open(path, encoding="utf-8") as handle:
            results = json.load(handle)
    except OSError as exc:
        raise ResultsError("cannot read %s: %s" % (path, exc.strerror or exc))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ResultsError("%s is not valid JSON: %s" % (path, str(exc).splitlines()[0]))
    finally:
        if enabled:
            gc.enable()
    problem = results_problem(results)
    if problem:
        raise ResultsError("%s is not a fepkit results.json: %s" % (path, problem))
    return results


def results_problem(results):
    """Why ``results`` cannot be rendered ('' when it can)."""
    if not isinstance(results, dict):
        return "the document is not a JSON object"
    if results.get("schema") != SCHEMA_VERSION:
        return "schema %r, expected %d" % (results.get("schema"), SCHEMA_VERSION)
    hosts = results.get("hosts")
    if not isinstance(hosts, dict):
        return "no 'hosts' object"
    for name, entry in hosts.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("checks", {}), dict):
            return "host %s: entry is not an object with 'checks'" % name
        problem = host_problem(entry)
        if problem:
            return "host %s: %s" % (name, problem)
    return ""


CHECK_TEXT_FIELDS = ("observed", "expected", "message_zh", "message_en", "remedy_zh", "remedy_en")


def host_problem(entry):
    """The first field of a host entry the reports could not use ('' when none), named by its path.

    A hand-edited or truncated results.json otherwise failed inside a writer
    with a bare KeyError: 'weird' naming neither the host nor the field.
    """
    if entry.get("status") not in HOST_STATUSES:
        return "status %r is not one of %s" % (entry.get("status"), ", ".join(HOST_STATUSES))
    for field in ("hospital", "facts", "summary"):
        if entry.get(field) is not None and not isinstance(entry[field], dict):
            return "%s is not an object" % field
    for status, number in (entry.get("summary") or {}).items():
        if not isinstance(number, int) or isinstance(number, bool):
            return "summary.%s is not a whole number: %r" % (status, number)
    if not isinstance(entry.get("message", ""), str):
        return "message is not text"
    for check_id, outcome in entry["checks"].items():
        if not isinstance(outcome, dict):
            return "checks.%s is not an object" % check_id
        if outcome.get("status") not in STATUSES:
            return "checks.%s.status %r is not one of %s" % (check_id, outcome.get("status"), ", ".join(STATUSES))
        for field in CHECK_TEXT_FIELDS:
            if not isinstance(outcome.get(field, ""), str):
                return "checks.%s.%s is not text" % (check_id, field)
    return ""


def _privatise(path):
    if not os.path.isfile(path):
        raise RuntimeError("the writer did not create %s" % os.path.basename(path))
    os.chmod(path, 0o600)
    return path


def _html(results, out_dir, lang):
    return write_html(results, out_dir, lang)


def _junit(results, out_dir, lang):
    return [write_private(os.path.join(out_dir, "junit.xml"), render_junit(results, lang))]


def _rollup(results, out_dir, lang):
    path = os.path.join(out_dir, "rollup.xlsx")
    write_rollup(results, path, lang)
    return [_privatise(path)]


def _survey(results, out_dir, lang, name, hosts):
    path = os.path.join(out_dir, "survey", name)
    # the footer prints when the audit ran
    write_hospital_survey([(host, results["hosts"][host]) for host in hosts], path, lang,
                          generated=results.get("generated"))
    return [_privatise(path)]


def _reason(exc):
    text = str(exc).strip().splitlines()
    return "%s: %s" % (exc.__class__.__name__, text[0]) if text else exc.__class__.__name__


# Estimated cost of each writer, in survey forms per host (a national run, one process per
# share, CPU per host: a form's server 2.1 ms; HTML 0.5 ms, JUnit 0.15 ms, roll-up 0.4 ms, all three
# in the first process): what the report processes share out.
REGION_WRITERS = (("report.html", _html, 0.25), ("junit.xml", _junit, 0.08), ("rollup.xlsx", _rollup, 0.18))


def report_jobs(results):
    """``(label, cost, writer, extra args)`` of every file to write, in the order they are listed."""
    hosts = len(results["hosts"]) or 1
    jobs = [(label, cost * hosts, writer, ()) for label, writer, cost in REGION_WRITERS]
    jobs += [("survey/" + name, len(hosts), _survey, (name, hosts))
             for name, hosts in survey_workbooks(results).items()]
    return jobs


def run_jobs(jobs, results, out_dir, lang):
    """``{index: ("ok", paths) | ("error", message)}`` for ``[(index, job), …]``: one failure loses nothing."""
    outcomes = {}
    for index, (label, _, writer, extra) in jobs:
        try:
            outcomes[index] = ("ok", writer(results, out_dir, lang, *extra))
        except Exception as exc:  # noqa: BLE001 - one report failing must not lose the others
            outcomes[index] = ("error", "%s: %s" % (label, _reason(exc)))
    return outcomes


def share_out(jobs, count):
    """``count`` lists of ``(index, job)``: the region-wide reports together in the first (this
    process), the forms, largest first, to the least loaded.

    Memory: a process that reads a host copies the pages holding it
    (copy-on-write: reading a Python object writes its reference count).
    The region-wide reports read every host, so they share one process; each
    form is read by one process only.  However many processes, the hosts are
    held at most twice: by this process and by the one child writing their form.
    """
    shares, loads = [[] for _ in range(count)], [0.0] * count
    for index, job in enumerate(jobs):
        if not job[0].startswith("survey/"):
            shares[0].append((index, job))
            loads[0] += job[1]
    for index, job in sorted(((i, job) for i, job in enumerate(jobs) if job[0].startswith("survey/")),
                             key=lambda item: -item[1][1]):
        lightest = loads.index(min(loads))
        shares[lightest].append((index, job))
        loads[lightest] += job[1]
    return shares


MAX_REPORT_PROCESSES = 8  # each child may copy part of the results (copy-on-write): bound the memory


def cgroup_cpu_limit(read=None):
    """CPUs allowed by a cgroup quota (containers, AWX execution environments), None when unlimited."""
    read = read or _read_text
    text = read("/sys/fs/cgroup/cpu.max")  # cgroup v2: "<quota> <period>" or "max <period>"
    if text:
        quota, _, period = text.strip().partition(" ")
    else:  # cgroup v1
        quota, period = read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), read("/sys/fs/cgroup/cpu/cpu.cfs_period_us")
    try:
        quota, period = int(quota), int(period)
    except (TypeError, ValueError):  # "max", missing files
        return None
    return max(1, quota // period) if quota > 0 and period > 0 else None


def _read_text(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return None


def available_cpus():
    """CPUs this process may use: its affinity, within the cgroup's quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    limit = cgroup_cpu_limit()
    return min(cpus, limit) if limit else cpus


def report_processes(jobs, cpus=None):
    """One process per available CPU (at most 8), at most one per 20 forms' worth of work."""
    cpus = min(cpus or available_cpus(), MAX_REPORT_PROCESSES)
    return max(1, min(cpus, int(sum(job[1] for job in jobs) // 20)))


def run_in_processes(jobs, results, out_dir, lang, count):
    """run_jobs() over ``jobs`` shared out among ``count`` processes: this one and forked children.

    Children inherit the results (nothing is pickled) and send back their
    outcomes as JSON; the jobs of a child that dies are done here.
    """
    shares = share_out(jobs, count)
    children = []
    for share in shares[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # child: never return into the caller's stack
            code = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "w", encoding="utf-8") as pipe:
                    json.dump(run_jobs(share, results, out_dir, lang), pipe)
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        children.append((pid, read_end, share))
    outcomes = run_jobs(shares[0], results, out_dir, lang)
    for pid, read_end, share in children:
        with os.fdopen(read_end, encoding="utf-8") as pipe:
            text = pipe.read()
        _, status = os.waitpid(pid, 0)
        try:
            received = json.loads(text) if status == 0 else None
        except ValueError:
            received = None
        if received is None:  # the child died (OOM killer, a signal): its files are written here
            outcomes.update(run_jobs(share, results, out_dir, lang))
        else:
            outcomes.update((int(index), tuple(outcome)) for index, outcome in received.items())
    return outcomes


def render_reports(results, out_dir, lang="zh", errors=None, processes=None):
    """Write report.html, junit.xml, rollup.xlsx and one survey/<hospital>.xlsx per hospital into ``out_dir``.

    Returns the paths written.  A writer that fails does not stop the others:
    its error ("<file>: <Exception>: <message>") is appended to ``errors``
    when a list is given; otherwise ReportError is raised once every other
    report has been written (``exc.written`` lists them).  The files are
    written by ``processes`` processes (default: one per CPU for a region
    large enough to gain from it).
    """
    lang = lang if lang in ("zh", "en") else "zh"
    private_dir(out_dir)
    try:
        os.chmod(private_dir(os.path.join(out_dir, "survey")), 0o700)
    except OSError:  # each form then reports why it could not be written
        pass
    jobs = report_jobs(results)
    count = processes or report_processes(jobs)
    # The results are read, never changed: keep the cyclic GC off them.  A full collection walks
    # every object (15 of them took ≈ 14 s of a national run's 61 s of report CPU) and, in a forked
    # report process, writes into each object's header: the child would copy every page of them.
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        if count > 1 and hasattr(os, "fork"):
            outcomes = run_in_processes(jobs, results, out_dir, lang, min(count, len(jobs)))
        else:
            outcomes = run_jobs(list(enumerate(jobs)), results, out_dir, lang)
    finally:
        if not frozen_before:  # an audit's worker may have frozen its own objects before: leave those
            gc.unfreeze()
    written, collected = [], []
    for index in range(len(jobs)):
        kind, value = outcomes[index]
        if kind == "ok":
            written.extend(value)
        else:
            collected.append(value)
    if errors is not None:
        errors.extend(collected)
    elif collected:
        raise ReportError(collected, written)
    return written
