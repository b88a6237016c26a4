#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Profile the target-side collector on a fleet host (default: the 192-core AmpereOne profile).

    python tests/bench/profile_collector.py [--host 127.0.1.6] [--repo PATH] [--runs 20]

Sends exactly the payload the audit sends (``fep_audit.build_payload``), wrapped so that the
target prints, on stderr: the process's CPU time over ``--runs`` runs, a cProfile of one run
(top functions by own time), the slowest imports (``-X importtime``) and how many files the
collector opened/listed per area of ``/proc``, ``/sys`` and ``/etc``.  Needs the fleet
(``tests/bench/fleet.py start 6``).
"""
import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench  # noqa: E402 - sibling module, after sys.path

WRAPPER = r'''
import builtins, collections, cProfile, io, os, pstats, sys
_counts = collections.Counter()
_open, _listdir = builtins.open, os.listdir
def _area(path):
    parts = str(path).strip("/").split("/")
    return "/".join(parts[:3]) if parts and parts[0] in ("proc", "sys", "etc") else "other"
def _counting_open(path, *a, **k):
    if isinstance(path, str):
        _counts["open " + _area(path)] += 1
    return _open(path, *a, **k)
def _counting_listdir(path="."):
    _counts["list " + _area(path)] += 1
    return _listdir(path)
builtins.open, os.listdir = _counting_open, _counting_listdir
_profile = cProfile.Profile()
_profile.enable()
exec(compile(%(payload)r, "payload", "exec"), {"__name__": "__main__"})
_profile.disable()
builtins.open, os.listdir = _open, _listdir
_out = io.StringIO()
pstats.Stats(_profile, stream=_out).sort_stats("tottime").print_stats(%(top)d)
sys.stderr.write(_out.getvalue())
sys.stderr.write("files opened / directories listed by area:\n")
for key, value in sorted(_counts.items(), key=lambda kv: -kv[1])[:25]:
    sys.stderr.write("  %%6d  %%s\n" %% (value, key))
'''


def ssh(host, command, data):
    base = ["ssh", "-F", str(bench.STATE / "ssh_config"), host, command]
    return subprocess.run(base, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.1.6", help="fleet address (host 6 is the AmpereOne A192)")
    parser.add_argument("--repo", default=str(bench.REPO), help="checkout whose collector is profiled")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    payload = bench.floor_payload(Path(args.repo).resolve())
    data = payload.encode("utf-8")
    (bench.STATE / "profile-payload.py").write_bytes(data)
    remote_file = bench.STATE / "profile-payload.py"  # the fleet shares this machine's /work
    timing = ssh(args.host, "TIMEFORMAT='%%R s wall, %%U s user, %%S s sys'; time (for i in $(seq %d); do "
                 "python3 - < %s > /dev/null; done)" % (args.runs, remote_file), b"")
    print("%d runs of the collector process on %s: %s" % (args.runs, args.host, timing.stderr.decode().strip()))
    imports = ssh(args.host, "python3 -X importtime - 2>&1 >/dev/null", data)
    rows = []
    for line in imports.stdout.decode().splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("\nslowest imports (cumulative µs):")
    for micros, name in sorted(rows, reverse=True)[:12]:
        print("  %7d %s" % (micros, name))
    profiled = ssh(args.host, "python3 -", (WRAPPER % {"payload": payload, "top": args.top}).encode("utf-8"))
    print("\ncProfile of one run:\n" + profiled.stderr.decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
