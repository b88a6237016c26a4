#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Regenerate the reports of an audit from its results.json, without re-auditing;
merge the results.json of several runs (one per province or city) into one.

    tools/fep_report.py reports/20261125-170512/results.json [--out DIR] [--lang zh|en]
    tools/fep_report.py city-a/results.json city-b/results.json … --out DIR [--lang zh|en]

Writes report.html, junit.xml, rollup.xlsx and survey/<host>.xlsx (mode 0600)
into DIR, by default the folder of results.json.  With several files it first
writes their merge (plugins/module_utils/fep/report/merge.py) to DIR/results.json.
``make report RESULTS=…`` runs this.  Exit status: 0 all written, 1 some
report failed (the others are written), 2 a results file is missing or
invalid, or the runs cannot be merged.
"""
import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "plugins", "module_utils"))

from fep.report.merge import MergeError, merge_results  # noqa: E402
from fep.report.render import ResultsError, load_results, private_dir, render_reports, write_private  # noqa: E402
from fep.report.results import results_text  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="fep_report", description="Regenerate fepkit reports from a results.json, or merge several.")
    parser.add_argument("results", metavar="RESULTS_JSON", nargs="+",
                        help="results.json written by playbooks/audit.yml; several are merged")
    parser.add_argument("--out", metavar="DIR",
                        help="output folder (default: the folder of RESULTS_JSON; required with several)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default: zh)")
    args = parser.parse_args(argv)
    if len(args.results) > 1 and not args.out:
        parser.error("several results files are merged into a new folder: give it with --out DIR")
    return args


def check_paths(paths, out_dir):
    """MergeError when a file is given twice or DIR is the folder of an input (its reports would be lost)."""
    seen = {}
    for path in paths:
        real = os.path.realpath(path)
        if real in seen:
            raise MergeError(["%s is given twice (also as %s)" % (path, seen[real])])
        seen[real] = path
        if os.path.dirname(real) == os.path.realpath(out_dir):
            raise MergeError(["--out %s is the folder of %s: the merge would overwrite that run's results and "
                              "reports; choose a new folder" % (out_dir, path)])


def load_all(paths):
    """``[(file, results)]``; MergeError naming every file that cannot be read."""
    sources, problems = [], []
    for path in paths:
        try:
            sources.append((os.path.abspath(path), load_results(path)))
        except ResultsError as exc:
            problems.append(str(exc))
    if problems:
        raise MergeError(problems)
    return sources


def merge(paths, out_dir, lang):
    """The runs merged and written to out_dir/results.json (the audit's writer, mode 0600)."""
    check_paths(paths, out_dir)
    results, notes = merge_results(load_all(paths), lang)
    for line in notes:  # host names and files only
        print("fep_report: %s" % line, file=sys.stderr)
    path = write_private(os.path.join(private_dir(out_dir), "results.json"), results_text(results))
    print(path)
    return results


def main(argv=None):
    args = parse_args(argv)
    out_dir = args.out or os.path.dirname(os.path.abspath(args.results[0]))
    try:
        if len(args.results) > 1:
            results = merge(args.results, out_dir, args.lang)
        else:
            results = load_results(args.results[0])
    except ResultsError as exc:
        print("fep_report: %s" % exc, file=sys.stderr)
        return 2
    except MergeError as exc:
        for line in exc.messages:
            print("fep_report: %s" % line, file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the output folder cannot be created
        print("fep_report: cannot write to %s: %s" % (out_dir, exc.strerror or exc), file=sys.stderr)
        return 2
    errors = []
    try:
        written = render_reports(results, out_dir, args.lang, errors=errors)
    except OSError as exc:
        print("fep_report: cannot write to %s: %s" % (out_dir, exc.strerror or exc), file=sys.stderr)
        return 2
    for path in written:
        print(path)
    for error in errors:
        print("fep_report: not written: %s" % error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
