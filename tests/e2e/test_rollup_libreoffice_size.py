# -*- coding: utf-8 -*-
"""A roll-up spanning many provinces opens in headless LibreOffice, every server on its row.

3,000 generated servers over the 31 provincial divisions (tests/bench/national.py, the
generator of the national benchmark; `make bench-reports` converts the 15,000-server
roll-up the same way): the 明细 sheet has one row per server, and the by-city table of
汇总 names the province of each city, so that two cities of one name stay apart.
"""
import csv
import shutil
import subprocess

import pytest

from fep.report.rollup import write_rollup
from tests.bench.national import national_results

CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (make test-deps)")


def test_a_multi_province_rollup_converts_with_every_server(tmp_path):
    results = national_results(3000, seed=11)
    path = tmp_path / "rollup.xlsx"
    write_rollup(results, str(path), "zh")
    proc = subprocess.run(
        ["soffice", "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         "-env:UserInstallation=%s" % (tmp_path / "profile").as_uri(), "--convert-to", CSV_FILTER,
         "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    with open(str(tmp_path / "csv" / "rollup-明细.csv"), encoding="utf-8", newline="") as handle:
        details = list(csv.reader(handle))
    hosts = [row[3] for row in details[2:] if row and row[3]]
    assert sorted(hosts) == sorted(results["hosts"])
    with open(str(tmp_path / "csv" / "rollup-汇总.csv"), encoding="utf-8", newline="") as handle:
        summary = list(csv.reader(handle))
    cities = {(e["hospital"]["division"]["province"], e["hospital"]["division"]["city"])
              for e in results["hosts"].values()}
    named = {row[0] for row in summary if row}
    assert all("%s %s" % city in named for city in cities)
