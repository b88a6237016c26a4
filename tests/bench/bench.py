#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Fleet benchmark: the audit vs the SSH floor vs the naive gather-facts playbook.

    python tests/bench/bench.py                     # what `make bench` runs
    python tests/bench/bench.py --sizes 100 --reps 5 --variants audit,floor,audit+cp,floor+cp --wait-idle 0.3
    python tests/bench/bench.py --alt-repo /tmp/checkout-with-a-change --variants audit,audit+alt

Runs against the fleet of ``tests/bench/fleet.py`` (it starts one with at least max(sizes)
hosts if needed and leaves it running: ``make bench`` stops it).  Results go to
``tests/bench/results/<date>[-label].{md,json}``; docs/performance.md explains them (the .md
summaries it cites are committed, the raw .json are git-ignored).

Variants (``kind[+preset…]``):

* ``audit``  — ``ansible-playbook playbooks/audit.yml`` with the project's ansible.cfg;
* ``floor``  — the same collector payload (``fep_audit.build_payload``) piped to ``python3 -``
  over plain ``ssh`` with the audit play's ``ansible_ssh_args`` (else ansible.cfg's ssh_args) and
  the same parallelism (forks), from a ThreadPool of ``ssh`` subprocesses in a child Python process;
* ``naive``  — ``tests/bench/naive_audit.yml``: gather_facts plus one assert per requirement;
* presets change the Ansible/ssh configuration through environment variables (ssh options
  through an ``ansible_ssh_args`` extra var), for the floor too where they apply (``PRESETS``
  below), e.g. ``audit+cp``, ``floor+cp``, ``audit+f100``.

Every run starts cold: a fresh ControlPath directory, and after the run every ssh ControlPersist
master it left behind is stopped, so no run reuses another's connections.

Measured per run:

* ``wall``: seconds from spawn to exit of the variant's main process;
* ``cpu``: controller CPU seconds (user+sys) of the whole process tree, from
  ``getrusage(RUSAGE_CHILDREN)`` deltas.  This script makes itself a child subreaper
  (``PR_SET_CHILD_SUBREAPER``), so the daemonised ssh ControlPersist masters are re-parented to
  it, reaped after the run and counted too;
* ``main`` (cpu): CPU seconds of the variant's main process alone — Ansible's serial part;
* ``tcpu``: target CPU seconds: the fleet hosts' PID 1s' own + reaped children's CPU
  (sessions, the collector's python) — on this one machine they share the cores with the
  controller, so wall times are pessimistic for both sides alike;
* ``rss``/``pss``: peak sum over the process tree (sampled from /proc every 0.2 s; PSS from
  ``smaps_rollup`` every 0.4 s).  RSS counts pages shared by the forks (copy-on-write) once per
  process and overstates; PSS divides shared pages among their users: the real footprint.
  ``main rss``: peak RSS of the variant's main process alone (ansible-playbook, or the floor's
  Python); ``worker``: private memory of one Ansible fork while it runs (median); ``max worker
  rss``: the largest fork (the audit's fep_results task);
* ``foreign``: CPU seconds used on the machine by anything else during the run (total busy
  time from /proc/stat minus controller, targets and this script): noise from other users.
"""
import argparse
import ctypes
import datetime
import importlib.util
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from configparser import ConfigParser
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
STATE = Path(os.environ.get("FEP_FLEET_STATE") or HERE / ".state").resolve()
RESULTS = HERE / "results"
ALT_REPOS = []
BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def mitogen_strategy_dir():
    spec = importlib.util.find_spec("ansible_mitogen")
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(next(iter(spec.submodule_search_locations))) / "plugins" / "strategy")


# preset -> environment overrides; "floor" reads ANSIBLE_FORKS too.  SSH_ARGS is not an
# environment variable: the audit play sets ansible_ssh_args, which only an extra var overrides;
# run_variant passes it as one (audit, naive) and gives it to the floor's ssh.
PRESETS = {
    "nocp": {"SSH_ARGS": "-o ControlMaster=no -o ServerAliveInterval=15"},
    "cp": {"SSH_ARGS": "-o ControlMaster=auto -o ControlPersist=120s -o ServerAliveInterval=15"},
    "nopipe": {"ANSIBLE_PIPELINING": "False"},
    "free": {"ANSIBLE_STRATEGY": "free"},
    "mitogen": {"ANSIBLE_STRATEGY": "mitogen_linear"},
    "poll10": {"ANSIBLE_INTERNAL_POLL_INTERVAL": "0.01"},  # the main loop's sleep (default 0.001 s)
    "noinject": {"ANSIBLE_INJECT_FACT_VARS": "False"},  # facts not also copied to top-level vars
    "interp": {},  # ansible_python_interpreter=/usr/bin/python3 (extra var, see run_variant)
    "alt": {},  # the checkout given by --alt-repo (alt2: the second one, …)
}
for _forks in (10, 25, 50, 100, 150, 200, 400):
    PRESETS["f%d" % _forks] = {"ANSIBLE_FORKS": str(_forks)}


# -- process tree accounting ---------------------------------------------------------------
def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def children_of(pid):
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as handle:
                kids.extend(int(x) for x in handle.read().split())
    except OSError:
        pass
    return kids


def descendants(pid):
    out, todo = [], children_of(pid)
    while todo:
        child = todo.pop()
        out.append(child)
        todo.extend(children_of(child))
    return out


def comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as handle:
            return handle.read().strip()
    except OSError:
        return ""


def rss_bytes(pid):
    try:
        with open("/proc/%d/statm" % pid) as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def smaps(pid):
    """``(pss, private)`` bytes of ``pid``: its fair share, and what it alone holds (COW copies)."""
    pss = private = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith(("Private_Clean:", "Private_Dirty:")):
                    private += int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return pss, private


class TreeSampler(threading.Thread):
    """Peak memory of this process's descendants while a run is going."""

    def __init__(self, main_pid_getter, interval=0.2, pss_every=2):
        super().__init__(daemon=True)
        self.main_pid = main_pid_getter
        self.interval = interval
        self.pss_every = pss_every
        self.stop_event = threading.Event()
        self.worker_private = []
        self.peak = {"rss": 0, "pss": 0, "main_rss": 0, "main_cpu": 0.0, "max_worker_rss": 0, "procs": 0, "ssh_procs": 0,
                     "pss_python": 0, "pss_ssh": 0, "rss_python": 0, "rss_ssh": 0, "workers": 0}

    def run(self):
        me, tick = os.getpid(), 0
        while not self.stop_event.is_set():
            pids = descendants(me)
            names = {pid: comm(pid) for pid in pids}
            rss = {pid: rss_bytes(pid) for pid in pids}
            peak = self.peak
            total = sum(rss.values())
            if total > peak["rss"]:
                peak["rss"] = total
                peak["rss_ssh"] = sum(v for p, v in rss.items() if names[p] == "ssh")
                peak["rss_python"] = total - peak["rss_ssh"]
            peak["procs"] = max(peak["procs"], len(pids))
            peak["ssh_procs"] = max(peak["ssh_procs"], sum(1 for n in names.values() if n == "ssh"))
            main = self.main_pid()
            if main:
                peak["main_rss"] = max(peak["main_rss"], rss.get(main, 0))
                kids = [p for p in children_of(main) if names.get(p) not in (None, "ssh")]
                peak["max_worker_rss"] = max([peak["max_worker_rss"]] + [rss.get(p, 0) for p in kids])
                peak["main_cpu"] = max(peak["main_cpu"], own_cpu(main))
                peak["workers"] = max(peak["workers"], sum(1 for p in children_of(main) if names.get(p) != "ssh"))
            if tick % self.pss_every == 0:
                both = {pid: smaps(pid) for pid in pids}
                pss = {pid: value[0] for pid, value in both.items()}
                workers = [p for p in children_of(main) if names.get(p) not in (None, "ssh")] if main else []
                if workers:
                    self.worker_private.append(sum(both.get(p, (0, 0))[1] for p in workers) / len(workers))
                total = sum(pss.values())
                if total > peak["pss"]:
                    peak["pss"] = total
                    peak["pss_ssh"] = sum(v for p, v in pss.items() if names.get(p) == "ssh")
                    peak["pss_python"] = total - peak["pss_ssh"]
            tick += 1
            self.stop_event.wait(self.interval)

    def stop(self):
        self.stop_event.set()
        self.join()
        # median private memory of one worker (a fork of the main process) while it ran
        self.peak["worker_private"] = statistics.median(self.worker_private) if self.worker_private else 0
        return self.peak


def busy_seconds():
    """Busy CPU seconds of the whole machine since boot (/proc/stat)."""
    with open("/proc/stat") as handle:
        fields = [int(x) for x in handle.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def fleet_listeners(count):
    """PIDs of the sshd listeners of hosts 1..count (children of the recorded unshare pids)."""
    hosts = json.loads((STATE / "fleet.json").read_text())["hosts"]
    pids = []
    for index in range(1, count + 1):
        entry = hosts.get(str(index))
        if entry:
            pids.extend(children_of(entry["pid"]))
    return pids


def own_cpu(pid):
    """user+sys seconds of ``pid`` itself (not its children)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_cpu(pids):
    total = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLK_TCK


def reap_leftovers(timeout=15):
    """Stop the ssh ControlPersist masters the run left behind (now our children), reap all."""
    me = os.getpid()
    for pid in children_of(me):
        if comm(pid) == "ssh":
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.time() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.time() > deadline:
                for pid in children_of(me):
                    os.kill(pid, signal.SIGKILL)
                deadline = time.time() + 5
            time.sleep(0.05)


def settle(listeners, baseline, timeout=10):
    """Wait until every target's sessions have ended and been reaped (CPU then accounted)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if all(len(children_of(pid)) <= baseline.get(pid, 0) for pid in listeners):
            break
        time.sleep(0.05)
    time.sleep(0.05)


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- configuration -------------------------------------------------------------------------
def ansible_cfg(repo):
    parser = ConfigParser(interpolation=None)
    parser.read(str(repo / "ansible.cfg"))
    return parser


def effective_forks(env, repo):
    return int(env.get("ANSIBLE_FORKS") or ansible_cfg(repo).get("defaults", "forks", fallback="5"))


def effective_ssh_args(env, repo):
    """The ssh options the audit's hosts get: a preset's, else the audit play's, else ansible.cfg's."""
    if env.get("SSH_ARGS"):
        return env["SSH_ARGS"]
    import yaml
    plays = yaml.safe_load((repo / "playbooks" / "audit.yml").read_text(encoding="utf-8"))
    play_vars = plays[0].get("vars") or {}
    return play_vars.get("ansible_ssh_args") or ansible_cfg(repo).get("ssh_connection", "ssh_args", fallback="")


def load_fep_audit(repo=REPO):
    """plugins/action/fep_audit.py, imported the way Ansible would (module_utils from the cfg)."""
    os.environ["ANSIBLE_CONFIG"] = str(repo / "ansible.cfg")
    spec = importlib.util.spec_from_file_location("fep_audit_action", str(repo / "plugins/action/fep_audit.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def payload_file(repo, scratch, cache={}):  # noqa: B006 - a per-process cache on purpose
    """The floor's payload for ``repo``, built in a child process (module_utils differ per repo)."""
    if repo not in cache:
        path = scratch / ("payload-%d.py" % len(cache))
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "_payload", str(repo), str(path)],
                       check=True)
        cache[repo] = path
    return cache[repo]


def floor_payload(repo=REPO):
    """Exactly what fep_audit sends for a fleet host (whose inventory sets no audit input)."""
    fep_audit = load_fep_audit(repo)
    inputs, errors = fep_audit.validate_inputs({})
    if errors:
        raise SystemExit("floor payload: %s" % errors)
    if hasattr(fep_audit, "collector_config"):
        config = fep_audit.collector_config(inputs)
    else:  # a checkout from before collector_config (--alt-repo)
        config = {"root": inputs["root"], "agents": inputs["security_agents"], "probes": inputs["probes"]}
    return fep_audit.build_payload(config)


def write_inventory(count, path):
    import yaml
    full = yaml.safe_load((STATE / "inventory.yml").read_text(encoding="utf-8"))
    hosts = full["all"]["hosts"]
    names = sorted(hosts)[:count]
    if len(names) < count:
        raise SystemExit("fleet inventory has %d hosts, need %d" % (len(names), count))
    subset = {"all": {"vars": full["all"]["vars"], "hosts": {n: hosts[n] for n in names}}}
    path.write_text(yaml.safe_dump(subset, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return [hosts[n]["ansible_host"] for n in names]


# -- the floor: a child process running ssh from a thread pool -----------------------------
def floor_main(argv):
    """``bench.py _floor PAYLOAD FORKS CONTROL_DIR SSH_ARGS ADDR…``: print ok/failed counts."""
    payload_file, forks, control_dir, ssh_args = argv[:4]
    addresses = argv[4:]
    payload = Path(payload_file).read_bytes()
    base = ["ssh"] + ssh_args.split() + [
        "-o", "IdentityFile=%s/keys/id_ed25519" % STATE, "-o", "KbdInteractiveAuthentication=no",
        "-o", "PreferredAuthentications=gssapi-with-mic,gssapi-keyex,hostbased,publickey",
        "-o", "PasswordAuthentication=no", "-o", "User=root", "-o", "ConnectTimeout=20",
        "-o", "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=%s/known_hosts" % STATE,
        "-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "ControlPath=%s/%%C" % control_dir]
    begin, end = b"FEP_RESULT_BEGIN", b"FEP_RESULT_END"

    def one(addr):
        proc = subprocess.run(base + [addr, "python3 -"], input=payload, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, check=False)
        out = proc.stdout
        try:
            doc = json.loads(out[out.rindex(begin) + len(begin):out.rindex(end)])
        except ValueError:
            return False
        return not doc.get("failed") and "fep" in doc

    with ThreadPoolExecutor(int(forks)) as pool:
        results = list(pool.map(one, addresses))
    print(json.dumps({"ok": sum(results), "failed": len(results) - sum(results)}))


# -- one run -------------------------------------------------------------------------------
def variant_env(variant, work):
    kind, *presets = variant.split("+")
    repo = REPO
    for preset in presets:
        if re.fullmatch(r"alt\d*", preset):
            number = int(preset[3:] or 1)
            if len(ALT_REPOS) < number:
                raise SystemExit("variant %s: give --alt-repo %d time(s)" % (variant, number))
            repo = ALT_REPOS[number - 1]
    env = dict(os.environ)
    env.update({"ANSIBLE_CONFIG": str(repo / "ansible.cfg"), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
                "PATH": str(BIN) + os.pathsep + env.get("PATH", ""),
                "ANSIBLE_SSH_CONTROL_PATH_DIR": str(work / "cp"),
                "ANSIBLE_LOCAL_TEMP": str(work / "tmp")})
    for preset in presets:
        if preset not in PRESETS and not re.fullmatch(r"alt\d*", preset):
            raise SystemExit("unknown preset %r (known: %s)" % (preset, ", ".join(sorted(PRESETS))))
        env.update(PRESETS.get(preset, {}))
    if "mitogen" in presets:
        strategy_dir = mitogen_strategy_dir()
        if not strategy_dir:
            raise SystemExit("variant %s: mitogen is not installed in %s" % (variant, sys.prefix))
        env["ANSIBLE_STRATEGY_PLUGINS"] = strategy_dir
    return kind, presets, env, repo


def run_variant(variant, count, inventory, addresses, scratch):
    work = Path(tempfile.mkdtemp(prefix="run-", dir=str(scratch)))
    (work / "cp").mkdir()
    kind, presets, env, repo = variant_env(variant, work)
    forks = effective_forks(env, repo)
    extra = ["-e", "ansible_python_interpreter=/usr/bin/python3"] if "interp" in presets else []
    if env.get("SSH_ARGS"):
        extra += ["-e", json.dumps({"ansible_ssh_args": env["SSH_ARGS"]})]
    if kind == "audit":
        argv = [str(BIN / "ansible-playbook"), "-i", str(inventory), str(repo / "playbooks/audit.yml"),
                "-e", "fep_fail_on_findings=false", "-e", "fep_report_dir=%s" % (work / "report")] + extra
    elif kind == "naive":
        argv = [str(BIN / "ansible-playbook"), "-i", str(inventory), str(HERE / "naive_audit.yml")] + extra
    elif kind == "floor":
        argv = [sys.executable, str(Path(__file__).resolve()), "_floor", str(payload_file(repo, scratch)),
                str(forks), str(work / "cp"), effective_ssh_args(env, repo)] + addresses
    else:
        raise SystemExit("unknown variant kind %r" % kind)

    listeners = fleet_listeners(count)
    baseline = {pid: len(children_of(pid)) for pid in listeners}
    holder = {}
    sampler = TreeSampler(lambda: holder.get("pid"))
    cpu0, tcpu0, busy0, own0 = children_cpu(), tree_cpu(listeners), busy_seconds(), time.process_time()
    load0 = os.getloadavg()[0]
    sampler.start()
    start = time.perf_counter()
    with open(str(work / "stdout"), "wb") as out:
        proc = subprocess.Popen(argv, env=env, cwd=str(repo), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        holder["pid"] = proc.pid
        rc = proc.wait()
    wall = time.perf_counter() - start
    peak = sampler.stop()
    reap_leftovers()
    settle(listeners, baseline)
    cpu = children_cpu() - cpu0
    tcpu = tree_cpu(listeners) - tcpu0
    own = time.process_time() - own0
    foreign = max(0.0, busy_seconds() - busy0 - cpu - tcpu - own)
    stdout = (work / "stdout").read_text(errors="replace")
    ok = audited_hosts(kind, stdout, work)
    record = {"variant": variant, "kind": kind, "n": count, "forks": forks, "rc": rc, "ok": ok,
              "wall": round(wall, 3), "cpu": round(cpu, 3), "tcpu": round(tcpu, 3),
              "foreign": round(foreign, 2), "load1": round(load0, 2),
              "rss_mb": round(peak["rss"] / 2 ** 20, 1), "pss_mb": round(peak["pss"] / 2 ** 20, 1),
              "pss_python_mb": round(peak["pss_python"] / 2 ** 20, 1),
              "pss_ssh_mb": round(peak["pss_ssh"] / 2 ** 20, 1),
              "main_rss_mb": round(peak["main_rss"] / 2 ** 20, 1), "main_cpu": round(peak["main_cpu"], 2),
              "worker_private_mb": round(peak["worker_private"] / 2 ** 20, 1),
              "max_worker_rss_mb": round(peak["max_worker_rss"] / 2 ** 20, 1),
              "procs": peak["procs"],
              "ssh_procs": peak["ssh_procs"], "workers": peak["workers"]}
    if ok != count:
        record["tail"] = stdout[-1500:]
    shutil.rmtree(str(work), ignore_errors=True)
    return record


def audited_hosts(kind, stdout, work):
    if kind == "floor":
        try:
            return json.loads(stdout.strip().splitlines()[-1])["ok"]
        except (ValueError, IndexError, KeyError):
            return 0
    if kind == "audit":
        try:
            results = json.loads((work / "report" / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0
        return sum(1 for h in results["hosts"].values() if h.get("status") == "ok")
    # naive: hosts whose recap shows no failure and no unreachability
    recap = re.findall(r"^(\S+)\s+: ok=\d+\s+changed=\d+\s+unreachable=(\d+)\s+failed=(\d+)", stdout, re.M)
    return sum(1 for _host, unreachable, failed in recap if unreachable == "0" and failed == "0")


# -- summary -------------------------------------------------------------------------------
def spread(values):
    values = sorted(values)
    if not values:
        return {"median": 0.0, "min": 0.0, "max": 0.0, "n": 0}
    return {"median": round(statistics.median(values), 3), "min": round(values[0], 3),
            "max": round(values[-1], 3), "n": len(values)}


def summarise(runs, pairs):
    table = {}
    for run in runs:
        table.setdefault((run["n"], run["variant"]), []).append(run)
    rows = []
    for (count, variant), group in sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        rows.append({
            "n": count, "variant": variant, "forks": group[0]["forks"], "reps": len(group),
            "ok": min(r["ok"] for r in group),
            "wall": spread([r["wall"] for r in group]),
            "cpu": spread([r["cpu"] for r in group]),
            "tcpu": spread([r["tcpu"] for r in group]),
            "foreign": spread([r["foreign"] for r in group]),
            "pss_mb": spread([r["pss_mb"] for r in group]),
            "rss_mb": spread([r["rss_mb"] for r in group]),
            "main_rss_mb": spread([r["main_rss_mb"] for r in group]),
            "main_cpu": spread([r["main_cpu"] for r in group]),
            "worker_private_mb": spread([r["worker_private_mb"] for r in group]),
            "max_worker_rss_mb": spread([r["max_worker_rss_mb"] for r in group]),
            "pss_python_mb": spread([r["pss_python_mb"] for r in group]),
            "pss_ssh_mb": spread([r["pss_ssh_mb"] for r in group]),
            "workers": max(r["workers"] for r in group),
            "ssh_procs": max(r["ssh_procs"] for r in group),
        })
    ratios = []
    for numerator, denominator in pairs:
        for count in sorted({r["n"] for r in runs}):
            num = {r["rep"]: r for r in runs if r["n"] == count and r["variant"] == numerator}
            den = {r["rep"]: r for r in runs if r["n"] == count and r["variant"] == denominator}
            reps = sorted(set(num) & set(den))
            if not reps:
                continue
            ratios.append({
                "n": count, "ratio": "%s / %s" % (numerator, denominator),
                "wall": spread([num[k]["wall"] / den[k]["wall"] for k in reps]),
                "cpu": spread([num[k]["cpu"] / den[k]["cpu"] for k in reps]),
                "pss": spread([num[k]["pss_mb"] / den[k]["pss_mb"] for k in reps if den[k]["pss_mb"]]),
            })
    return rows, ratios


def fmt(stat, digits=2):
    return "%.*f (%.*f–%.*f)" % (digits, stat["median"], digits, stat["min"], digits, stat["max"])


def markdown(meta, rows, ratios):
    lines = ["# fepkit fleet benchmark — %s" % meta["date"], "",
             "Machine: %s, %d cores, %d GiB, kernel %s; Python %s; ansible-core %s; fepkit %s. "
             "1-min load before start %.2f, after %.2f. %d reps, variant order shuffled per rep and N; "
             "cold connections every run; fleet: %s." % (
                 meta["cpu_model"], meta["cores"], meta["mem_gib"], meta["kernel"], meta["python"],
                 meta["ansible_core"], meta["commit"], meta["load_before"], meta.get("load_after", 0),
                 meta["reps"], meta["fleet"]),
             "", "Median (min–max) over the reps. `cpu`: controller CPU s, user+sys of the whole tree incl. "
             "ssh and its ControlPersist masters; `main`: CPU s of the variant's main process alone (the "
             "serial part); `tcpu`: target CPU s (fleet sshd + collector); `pss`/`rss`: peak MiB of the "
             "controller tree; `main rss`: peak of the main process; `worker MiB`: private memory of one Ansible "
             "fork (copy-on-write copies; what each extra fork costs); `max worker rss`: the largest single fork (for "
             "the audit: fep_results, which holds every host's results); `foreign`: CPU s used by anything else "
             "on the machine during the run (noise).", "",
             "| N | variant | forks | ok | wall s | ms/host | cpu s | ms/host | main s | tcpu s | pss MiB "
             "| KiB/host | rss MiB | main rss | worker MiB | max worker rss | foreign s |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for row in rows:
        count = row["n"]
        lines.append("| %d | %s | %d | %d/%d | %s | %.0f | %s | %.0f | %.1f | %.1f | %s | %.0f | %.0f | %.0f | %.1f "
                     "| %.0f | %.1f |" % (
            count, row["variant"], row["forks"], row["ok"], count, fmt(row["wall"]),
            1000 * row["wall"]["median"] / count, fmt(row["cpu"]), 1000 * row["cpu"]["median"] / count,
            row["main_cpu"]["median"], row["tcpu"]["median"], fmt(row["pss_mb"], 0),
            1024 * row["pss_mb"]["median"] / count, row["rss_mb"]["median"], row["main_rss_mb"]["median"],
            row["worker_private_mb"]["median"], row["max_worker_rss_mb"]["median"], row["foreign"]["median"]))
    if ratios:
        lines += ["", "Ratios of paired runs (same rep, same N): median (min–max).", "",
                  "| N | ratio | wall | controller cpu | peak pss |", "|---|---|---|---|---|"]
        for ratio in ratios:
            lines.append("| %d | %s | %s | %s | %s |" % (
                ratio["n"], ratio["ratio"], fmt(ratio["wall"]), fmt(ratio["cpu"]),
                fmt(ratio["pss"]) if ratio["pss"]["n"] else "-"))
    return "\n".join(lines) + "\n"


def git_state(repo):
    """``<short hash>`` plus ``+changes`` when the code under test differs from it."""
    try:
        head = subprocess.run(["git", "-C", str(repo), "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=True, universal_newlines=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(repo), "status", "--porcelain", "--", "ansible.cfg", "playbooks",
                                "plugins", "module_utils"], stdout=subprocess.PIPE, check=True,
                               universal_newlines=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return head + ("+changes" if dirty else "")


def fleet_description():
    try:
        out = subprocess.run([sys.executable, str(HERE / "fleet.py"), "status"], stdout=subprocess.PIPE,
                             check=False, universal_newlines=True).stdout
    except OSError:
        return "?"
    match = re.search(r"(\d+) host\(s\).*?kex (\S+); net (\S+);", out)
    return "%s hosts, kex %s, net %s" % match.groups() if match else "?"


def machine_meta(args):
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from ansible.release import __version__ as core
    except ImportError:
        core = "?"
    return {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "cpu_model": model,
            "cores": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version(),
            "ansible_core": core, "mem_gib": round(os.sysconf("SC_PHYS_PAGES") * PAGE / 2 ** 30),
            "load_before": os.getloadavg()[0], "reps": args.reps, "sizes": args.sizes,
            "commit": git_state(REPO), "alt_repos": [str(p) + " " + git_state(p) for p in ALT_REPOS],
            "fleet": fleet_description(),
            "variants": args.variants}


def ensure_fleet(count):
    """``fleet.py start`` is idempotent: it only starts what is missing or reconfigured."""
    subprocess.run([sys.executable, str(HERE / "fleet.py"), "start", "--at-least", str(count)], check=True)


def wait_for_quiet(limit, timeout):
    if limit <= 0:
        return
    deadline = time.time() + timeout
    while os.getloadavg()[0] > limit and time.time() < deadline:
        print("load %.2f > %.2f, waiting…" % (os.getloadavg()[0], limit), flush=True)
        time.sleep(15)


def wait_for_idle(fraction, timeout, window=2.0):
    """Wait until the machine's busy share of all cores over ``window`` s is below ``fraction``.

    The 1-min load still counts the previous run; this looks at the last seconds only.
    """
    if fraction <= 0:
        return
    deadline = time.time() + timeout
    while True:
        busy0 = busy_seconds()
        time.sleep(window)
        busy = (busy_seconds() - busy0) / (window * (os.cpu_count() or 1))
        if busy < fraction or time.time() > deadline:
            return


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_floor"]:
        return floor_main(argv[1:])
    if argv[:1] == ["_payload"]:
        Path(argv[2]).write_text(floor_payload(Path(argv[1])), encoding="utf-8")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="50,100,200", help="fleet sizes N (comma separated)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--variants", default="audit,floor,naive")
    parser.add_argument("--naive-sizes", default="100",
                        help="the N at which naive variants run (they are slow); 'all' for every N")
    parser.add_argument("--pairs", default="audit/floor,naive/audit",
                        help="ratios to report: numerator/denominator,…")
    parser.add_argument("--label", default="", help="suffix of the results file name")
    parser.add_argument("--wait-load", type=float, default=0.0,
                        help="before starting, wait (up to 10 min) until the 1-min load is below this")
    parser.add_argument("--wait-idle", type=float, default=0.0,
                        help="before each run, wait (up to --wait-idle-max s) until the machine's CPU use over "
                        "2 s is below this fraction (0-1) of all cores: other users' bursts on a shared machine")
    parser.add_argument("--wait-idle-max", type=float, default=180)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--warmup-size", type=int, default=0,
                        help="hosts of the unrecorded warm-up run of each variant (default: smallest N; 0 = that)")
    parser.add_argument("--alt-repo", action="append", default=[],
                        help="another checkout (e.g. with a proposed change); repeatable: variants with "
                        "the preset +alt (+alt2, …) run its playbook, ansible.cfg and collector")
    args = parser.parse_args(argv)
    ALT_REPOS[:] = [Path(p).resolve() for p in args.alt_repo]
    sizes = [int(x) for x in args.sizes.split(",")]
    naive_sizes = sizes if args.naive_sizes == "all" else [int(x) for x in args.naive_sizes.split(",") if x]
    variants = [v for v in args.variants.split(",") if v]
    pairs = [tuple(p.split("/", 1)) for p in args.pairs.split(",") if "/" in p]

    ensure_fleet(max(sizes))
    wait_for_quiet(args.wait_load, 600)
    meta = machine_meta(args)
    become_subreaper()
    scratch = Path(tempfile.mkdtemp(prefix="fepbench-"))
    try:
        inventories = {}
        for count in sizes:
            inventories[count] = (scratch / ("inventory-%d.yml" % count), None)
            addresses = write_inventory(count, inventories[count][0])
            inventories[count] = (inventories[count][0], addresses)
        # warm-up: page cache, .pyc files, sshd re-exec; not recorded
        small = args.warmup_size or min(sizes)
        if small not in inventories:
            inventories[small] = (scratch / ("inventory-%d.yml" % small), None)
            inventories[small] = (inventories[small][0], write_inventory(small, inventories[small][0]))
        for variant in dict.fromkeys(variants):
            if not variant.startswith("naive"):
                run_variant(variant, small, inventories[small][0], inventories[small][1], scratch)
        runs = []
        rng = random.Random(args.seed)
        for rep in range(args.reps):
            for count in sizes:
                order = [v for v in variants if not (v.startswith("naive") and count not in naive_sizes)]
                rng.shuffle(order)
                for variant in order:
                    wait_for_idle(args.wait_idle, args.wait_idle_max)
                    record = run_variant(variant, count, inventories[count][0], inventories[count][1], scratch)
                    record["rep"] = rep
                    runs.append(record)
                    print("rep %d N=%-4d %-22s wall %7.2fs cpu %7.2fs tcpu %6.2fs pss %6.0fMiB ok %d/%d "
                          "foreign %.1fs load %.2f" % (
                              rep, count, variant, record["wall"], record["cpu"], record["tcpu"],
                              record["pss_mb"], record["ok"], count, record["foreign"], record["load1"]),
                          flush=True)
                    if record["ok"] != count:
                        print(record.get("tail", ""), flush=True)
        rows, ratios = summarise(runs, pairs)
        meta["load_after"] = os.getloadavg()[0]
        RESULTS.mkdir(exist_ok=True)
        stem = datetime.datetime.now().strftime("%Y-%m-%d-%H%M") + ("-" + args.label if args.label else "")
        text = markdown(meta, rows, ratios)
        (RESULTS / (stem + ".md")).write_text(text, encoding="utf-8")
        (RESULTS / (stem + ".json")).write_text(json.dumps(
            {"meta": meta, "summary": rows, "ratios": ratios, "runs": runs}, indent=1), encoding="utf-8")
        print()
        print(text)
        print("written: %s.{md,json}" % (RESULTS / stem))
        failed = [r for r in runs if r["ok"] != r["n"]]
        return 1 if failed else 0
    finally:
        shutil.rmtree(str(scratch), ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
