#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Report benchmark: regenerating every report of a province and of the nation vs ``json.load``.

    python tests/bench/reports_bench.py                      # what `make bench-reports` runs
    python tests/bench/reports_bench.py --sizes 1000 --reps 3 --keep /tmp/reports

For each size a results.json is generated (tests/bench/national.py: the sample
region's real host entries spread over hospitals; 1,000 servers in one
province, 15,000 over the 31 provincial divisions), then, in one measurement
process, interleaved per repetition:

* **baseline**: a Python subprocess that only ``json.load``s that file;
* **reports**: ``tools/fep_report.py <file> --out <dir>``, exactly what
  ``make report RESULTS=…`` runs (load, validate, every report).

Measured per subprocess: wall time (spawn to exit) and peak memory of its
process tree, sampled from /proc every 0.05 s: PSS (``smaps_rollup``: pages
shared by the report processes after fork counted once) and RSS summed over
the processes (counts shared pages once per process: an upper bound), plus
the largest single process's peak RSS (``getrusage``, exact).  The targets
(docs/performance.md, *Reports at national size*): reports ≤ 3× the wall time
and ≤ 1.5× the peak memory of the baseline; no HTML file over 20 MB.  Not a
timed test: it prints the numbers (and ``--record`` writes them as Markdown).
``--office`` then converts the largest roll-up to CSV with headless LibreOffice
and counts its rows (the national roll-up must open there).
"""
import argparse
import datetime
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, REPO)

from tests.bench.bench import descendants  # noqa: E402
from tests.bench.national import PROVINCES, write_national  # noqa: E402

MIB = 1024.0 * 1024.0
HTML_LIMIT = 20 * 1000 * 1000
RUN_LINES = []  # one line per measured pair, for the record
LOAD = "import json, sys\nwith open(sys.argv[1], encoding='utf-8') as handle:\n    json.load(handle)\n"


def tree(pid):
    return [pid] + descendants(pid)


def memory(pid):
    """``(pss, rss)`` bytes of one process (0 once it is gone)."""
    pss = rss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return pss, rss


class Sampler(threading.Thread):
    """Peak PSS and RSS summed over a process tree."""

    def __init__(self, pid, interval=0.05):
        threading.Thread.__init__(self, daemon=True)
        self.pid, self.interval = pid, interval
        self.stop_event = threading.Event()
        self.pss = self.rss = 0
        self.processes = 1

    def run(self):
        while not self.stop_event.is_set():
            pids = tree(self.pid)
            values = [memory(pid) for pid in pids]
            self.pss = max(self.pss, sum(v[0] for v in values))
            self.rss = max(self.rss, sum(v[1] for v in values))
            self.processes = max(self.processes, len(pids))
            self.stop_event.wait(self.interval)


def measure(argv):
    """``{wall, pss, rss, maxrss, processes}`` of one subprocess run (it must succeed)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    process = subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL)
    sampler = Sampler(process.pid)
    sampler.start()
    code = process.wait()
    wall = time.perf_counter() - start
    sampler.stop_event.set()
    sampler.join()
    if code != 0:
        raise SystemExit("%s exited with %d" % (" ".join(argv), code))
    # ru_maxrss of the children: the largest one so far (KiB); only meaningful when it grew
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    maxrss = usage.ru_maxrss
    if not sampler.pss and maxrss > before:  # over before the first sample (a tiny input): its exact peak RSS
        sampler.pss = sampler.rss = maxrss * 1024
    return {"wall": wall, "pss": sampler.pss, "rss": sampler.rss, "processes": sampler.processes,
            "maxrss": maxrss * 1024 if maxrss > before else None,
            "cpu": usage.ru_utime + usage.ru_stime - cpu_before}  # the whole tree: forked report processes too


def file_sizes(out_dir):
    """``{html_files, html_max, html_total, junit, rollup, surveys, survey_total}`` (bytes)."""
    sizes = {"html_files": 0, "html_max": 0, "html_total": 0, "surveys": 0, "survey_total": 0}
    for folder, _, files in os.walk(out_dir):
        for name in files:
            size = os.path.getsize(os.path.join(folder, name))
            if name.endswith(".html"):
                sizes["html_files"] += 1
                sizes["html_total"] += size
                sizes["html_max"] = max(sizes["html_max"], size)
            elif name.endswith(".xlsx") and os.path.basename(folder) == "survey":
                sizes["surveys"] += 1
                sizes["survey_total"] += size
    sizes["junit"] = os.path.getsize(os.path.join(out_dir, "junit.xml"))
    sizes["rollup"] = os.path.getsize(os.path.join(out_dir, "rollup.xlsx"))
    sizes["results"] = os.path.getsize(os.path.join(out_dir, "..", "results.json"))
    return sizes


def run_size(size, reps, work, lang):
    folder = os.path.join(work, str(size))
    os.makedirs(folder, exist_ok=True)
    results = os.path.join(folder, "results.json")
    provinces = PROVINCES if size > 5000 else ("河北省",)
    write_national(size, results, provinces=provinces)
    out = os.path.join(folder, "reports")
    runs = []
    for rep in range(reps):
        base = measure([sys.executable, "-c", LOAD, results])
        shutil.rmtree(out, ignore_errors=True)
        reports = measure([sys.executable, os.path.join(REPO, "tools", "fep_report.py"), results,
                           "--out", out, "--lang", lang])
        runs.append((base, reports))
        RUN_LINES.append("  N=%d rep %d: json.load %.2f s (CPU %.2f s) %.0f MiB; reports %.2f s (CPU %.2f s) %.0f MiB PSS "
              "(%.0f MiB RSS, %d processes); load average %.1f"
              % (size, rep + 1, base["wall"], base["cpu"], base["pss"] / MIB, reports["wall"], reports["cpu"],
                 reports["pss"] / MIB, reports["rss"] / MIB, reports["processes"], os.getloadavg()[0]))
        print(RUN_LINES[-1], flush=True)
    return runs, file_sizes(out)


def summary_row(size, runs, sizes):
    def median(values):
        return statistics.median(values)
    base_wall = median(b["wall"] for b, _ in runs)
    base_pss = median(b["pss"] for b, _ in runs)
    wall = median(r["wall"] for _, r in runs)
    pss = median(r["pss"] for _, r in runs)
    rss = median(r["rss"] for _, r in runs)
    return {
        "size": size, "base_wall": base_wall, "wall": wall, "time_ratio": median(r["wall"] / b["wall"] for b, r in runs),
        "cpu_ratio": median(r["cpu"] / b["cpu"] for b, r in runs),
        "base_pss": base_pss, "pss": pss, "rss": rss, "memory_ratio": median(r["pss"] / b["pss"] for b, r in runs),
        "rss_ratio": median(r["rss"] / b["pss"] for b, r in runs), "processes": max(r["processes"] for _, r in runs),
        "sizes": sizes}


def table(rows, reps):
    lines = [
        "| N | results.json | json.load | reports | time ratio (≤ 3) | CPU ratio | json.load peak | reports peak PSS "
        "(RSS sum) | memory ratio (≤ 1.5) | HTML files, largest (≤ 20 MB), total | junit.xml | rollup.xlsx "
        "| survey forms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        s = row["sizes"]
        lines.append(
            "| %d | %.0f MB | %.2f s | %.2f s | **%.2f** | %.2f | %.0f MiB | %.0f MiB (%.0f MiB, %d processes) | **%.2f** "
            "| %d, %.1f MB, %.0f MB | %.1f MB | %.1f MB | %d, %.0f MB |" % (
                row["size"], s["results"] / 1e6, row["base_wall"], row["wall"], row["time_ratio"], row["cpu_ratio"],
                row["base_pss"] / MIB, row["pss"] / MIB, row["rss"] / MIB, row["processes"], row["memory_ratio"],
                s["html_files"], s["html_max"] / 1e6, s["html_total"] / 1e6, s["junit"] / 1e6, s["rollup"] / 1e6,
                s["surveys"], s["survey_total"] / 1e6))
    lines.append("")
    lines.append("Medians of %d interleaved repetition(s); ratios of paired runs (same repetition). CPU: user+sys "
                 "of the whole process tree (the report processes run in parallel: wall < CPU on a free machine)." % reps)
    return "\n".join(lines)


def office_check(work, size):
    """``soffice`` converts ``size``'s rollup.xlsx to CSV: a line saying how long it took and how many rows."""
    folder = os.path.join(work, str(size))
    csv_dir = os.path.join(folder, "csv")
    start = time.perf_counter()
    proc = subprocess.run(
        ["soffice", "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         "-env:UserInstallation=file://%s" % os.path.join(folder, "office-profile"), "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", csv_dir, os.path.join(folder, "reports", "rollup.xlsx")],
        capture_output=True, text=True, timeout=1800, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return "LibreOffice could not convert the roll-up of N=%d: %s" % (size, proc.stderr[-500:])
    rows = {}
    for name in sorted(os.listdir(csv_dir)):
        with open(os.path.join(csv_dir, name), encoding="utf-8") as handle:
            rows[name] = sum(1 for _ in handle)
    return "LibreOffice (headless soffice) converted the roll-up of N=%d to CSV in %.1f s: %s" % (
        size, seconds, ", ".join("%s %d lines" % item for item in rows.items()))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", default="1000,15000", help="servers per generated results.json (default 1000,15000)")
    parser.add_argument("--reps", type=int, default=1, help="interleaved repetitions per size (default 1)")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep the files (default: a temporary folder)")
    parser.add_argument("--record", metavar="FILE", help="also write the table as Markdown to FILE")
    parser.add_argument("--office", action="store_true",
                        help="convert the largest roll-up with headless LibreOffice (soffice) and count its rows")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    work = args.keep or tempfile.mkdtemp(prefix="fep-bench-reports-")
    try:
        rows = []
        for size in (int(s) for s in args.sizes.split(",")):
            runs, sizes = run_size(size, args.reps, work, args.lang)
            rows.append(summary_row(size, runs, sizes))
        text = table(rows, args.reps)
        print(text)
        over = [row["size"] for row in rows if row["sizes"]["html_max"] > HTML_LIMIT]
        if over:
            print("an HTML file is over 20 MB at N = %s" % ", ".join(map(str, over)))
        if args.office:
            line = office_check(work, max(row["size"] for row in rows))
            print(line)
            text += "\n\n" + line
        if args.record:
            header = "# Report benchmark %s\n\n%s, %d CPUs, Python %s, `%s`\n\n" % (
                datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.machine(), os.cpu_count(),
                platform.python_version(), " ".join(["reports_bench.py"] + (argv or sys.argv[1:])))
            with open(args.record, "w", encoding="utf-8") as handle:
                handle.write(header + text + "\n\nEach run:\n\n```\n%s\n```\n" % "\n".join(RUN_LINES))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
