#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Regenerate the reports of an audit from its results.json, without re-auditing.

    tools/fep_report.py reports/20261125-170512/results.json [--out DIR] [--lang zh|en]

Writes report.html, junit.xml, rollup.xlsx and survey/<host>.xlsx (mode 0600)
into DIR, by default the folder of results.json.  ``make report RESULTS=…``
runs this.  Exit status: 0 all written, 1 some report failed (the others are
written), 2 the results file is missing or invalid.
"""
import argparse
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "module_utils"))

from fep.report.render import ResultsError, load_results, render_reports  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="fep_report", description="Regenerate fepkit reports from a results.json.")
    parser.add_argument("results", metavar="RESULTS_JSON", help="results.json written by playbooks/audit.yml")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: the folder of RESULTS_JSON)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="report language (default: zh)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        results = load_results(args.results)
    except ResultsError as exc:
        print("fep_report: %s" % exc, file=sys.stderr)
        return 2
    out_dir = args.out or os.path.dirname(os.path.abspath(args.results))
    errors = []
    try:
        written = render_reports(results, out_dir, args.lang, errors=errors)
    except OSError as exc:  # e.g. the output folder cannot be created
        print("fep_report: cannot write to %s: %s" % (out_dir, exc.strerror or exc), file=sys.stderr)
        return 2
    for path in written:
        print(path)
    for error in errors:
        print("fep_report: not written: %s" % error, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
