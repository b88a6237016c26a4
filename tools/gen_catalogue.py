#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Write the check catalogue (README.md and docs/checks.md) from the registry.

The registry is the single source of truth for ids, survey rows, titles and
how each check measures; this keeps the documentation from drifting.
``--check`` exits 1 when the files are out of date (used by the tests).
"""
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "plugins", "module_utils"))

from fep.checks import CHECKS  # noqa: E402

START, END = "<!-- catalogue:start -->", "<!-- catalogue:end -->"


def table():
    lines = ["| id | survey row | requirement | how it is measured | says `unknown` when |",
             "|---|---|---|---|---|"]
    for item in CHECKS.values():
        # a sub-check is one item of its parent's requirement (the parent summarises it)
        row = "%s ↳ `%s`" % (item.survey_row, item.parent) if item.parent else item.survey_row
        lines.append("| `%s` | %s | %s<br>%s | %s | %s |" % (
            item.id, row, item.title_zh, item.title_en, item.measured_en, item.unknown_en))
    return "\n".join(lines)


def splice(text, block):
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return "%s%s\n%s\n%s%s" % (head, START, block, END, tail)


def main(argv):
    check_only = "--check" in argv
    stale = []
    for rel in ("README.md", "docs/checks.md"):
        path = os.path.join(REPO, rel)
        with open(path, encoding="utf-8") as handle:
            current = handle.read()
        wanted = splice(current, table())
        if wanted != current:
            stale.append(rel)
            if not check_only:
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(wanted)
    if stale and check_only:
        print("check catalogue out of date in %s: run `make docs`" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
