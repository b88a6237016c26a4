# -*- coding: utf-8 -*-
"""Write every report of a run from its ``results.json`` document.

``render_reports`` is called by the fep_results action plugin at the end of
the audit and by ``tools/fep_report.py`` (``make report``) to regenerate the
reports without re-auditing.  Reports hold hospital data: files are created
mode 0600 and folders 0700.  One writer failing does not stop the others.
"""
import json
import os
import re

from .html import render_html
from .junit import render_junit
from .rollup import write_rollup
from .survey import write_survey

SCHEMA_VERSION = 1
SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


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
    try:
        with open(path, encoding="utf-8") as handle:
            results = json.load(handle)
    except OSError as exc:
        raise ResultsError("cannot read %s: %s" % (path, exc.strerror or exc))
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise ResultsError("%s is not valid JSON: %s" % (path, str(exc).splitlines()[0]))
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
    return ""


def private_dir(path):
    """Create ``path`` (and parents) mode 0700; an existing folder is left as it is."""
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    return path


def write_private(path, text):
    """Write ``text`` to ``path`` readable by the owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path


def survey_file_name(host):
    """``survey/<host>.xlsx`` file name: host names are inventory text, keep them tame."""
    name = SAFE_NAME.sub("_", str(host)).lstrip(".") or "host"
    return name + ".xlsx"


def _privatise(path):
    if not os.path.isfile(path):
        raise RuntimeError("the writer did not create %s" % os.path.basename(path))
    os.chmod(path, 0o600)
    return path


def _html(results, out_dir, lang):
    return [write_private(os.path.join(out_dir, "report.html"), render_html(results, lang))]


def _junit(results, out_dir, lang):
    return [write_private(os.path.join(out_dir, "junit.xml"), render_junit(results, lang))]


def _rollup(results, out_dir, lang):
    path = os.path.join(out_dir, "rollup.xlsx")
    write_rollup(results, path, lang)
    return [_privatise(path)]


def _surveys(results, out_dir, lang, errors):
    """One form per host; one host's form failing does not stop the next."""
    folder = private_dir(os.path.join(out_dir, "survey"))
    os.chmod(folder, 0o700)
    written = []
    for host, entry in sorted(results["hosts"].items()):
        path = os.path.join(folder, survey_file_name(host))
        try:
            # the footer prints when the audit ran
            write_survey(host, entry, path, lang, generated=results.get("generated"))
            written.append(_privatise(path))
        except Exception as exc:  # noqa: BLE001 - report it and write the next form
            errors.append("survey/%s: %s" % (os.path.basename(path), _reason(exc)))
    return written


def _reason(exc):
    text = str(exc).strip().splitlines()
    return "%s: %s" % (exc.__class__.__name__, text[0]) if text else exc.__class__.__name__


WRITERS = (
    ("report.html", _html),
    ("junit.xml", _junit),
    ("rollup.xlsx", _rollup),
    ("survey/", None),  # per host, below
)


def render_reports(results, out_dir, lang="zh", errors=None):
    """Write report.html, junit.xml, rollup.xlsx and survey/<host>.xlsx into ``out_dir``.

    Returns the paths written.  A writer that fails does not stop the others:
    its error ("<file>: <Exception>: <message>") is appended to ``errors``
    when a list is given; otherwise ReportError is raised once every other
    report has been written (``exc.written`` lists them).
    """
    lang = lang if lang in ("zh", "en") else "zh"
    collected = []
    written = []
    private_dir(out_dir)
    for label, writer in WRITERS:
        try:
            if writer is None:
                written.extend(_surveys(results, out_dir, lang, collected))
            else:
                written.extend(writer(results, out_dir, lang))
        except Exception as exc:  # noqa: BLE001 - one report failing must not lose the others
            collected.append("%s: %s" % (label, _reason(exc)))
    if errors is not None:
        errors.extend(collected)
    elif collected:
        raise ReportError(collected, written)
    return written
