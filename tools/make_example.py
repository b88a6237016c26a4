#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""Build docs/examples/: the reports of an audit of the example region, without real servers.

Each host of inventories/example/ gets the snapshot root of a realistic server
profile (tests/builders/profiles.py); one host is made unreachable (loopback
port 1).  playbooks/audit.yml runs through ansible-runner, as AWX would, with
the example inventory plus an override layer:

    -i inventories/example -i <tmp>/override.yml

The reports the audit wrote are then copied to docs/examples/ (the temporary
snapshot folder is shown as /srv/fep-snapshots in results.json and the
reports are rendered again from that file, which is exactly what
``make report`` does).  The contact mobiles of the example inventory are fake,
but the script still fails if one appears in the HTML, JUnit or roll-up.

    .venv/bin/python tools/make_example.py [--out docs/examples]
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import zipfile

import ansible_runner
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
for path in (os.path.join(REPO, "plugins", "module_utils"), REPO):
    sys.path.insert(0, path)

from fep.report.render import render_reports  # noqa: E402
from tests.builders.profiles import build_root  # noqa: E402

INVENTORY = os.path.join(REPO, "inventories", "example")
SNAPSHOTS = "/srv/fep-snapshots"
# example host -> server profile; None = unreachable
HOSTS = {
    "jc-renmin-fep": "kunpeng-kylin-l3",       # compliant level-3 Kunpeng/Kylin (declarations)
    "jc-zhongyi-fep": None,                    # cannot be reached
    "xs-renmin-fep": "hygon-uos-l2-short",     # level 2: too little memory, one NIC, no firewall
    "hy-zhongxin-fep": "phytium-openeuler-8884",  # port 8884 taken by nginx
    "hy-fuyou-fep": "intel-centos",            # Intel + CentOS: not domestic; waiver, port 18884
}
REPORTS = ("results.json", "report.html", "junit.xml", "rollup.xlsx")


def override_inventory(base):
    """The layer that turns the example region into local snapshot audits."""
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    hosts = {}
    for host, profile in HOSTS.items():
        if profile is None:
            # nothing listens on loopback port 1: the connection is refused at once
            hosts[host] = {"ansible_host": "127.0.0.1", "ansible_port": 1}
            continue
        root = os.path.join(base, "roots", host)
        build_root(root, profile)
        hosts[host] = {"ansible_connection": "local", "ansible_python_interpreter": python, "fep_root": root}
    path = os.path.join(base, "override.yml")
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump({"all": {"hosts": hosts}}, handle, allow_unicode=True)
    return path


def run_audit(base, report_dir):
    os.makedirs(os.path.join(base, "runner"))
    runner = ansible_runner.run(
        private_data_dir=os.path.join(base, "runner"),
        project_dir=REPO,
        playbook=os.path.join(REPO, "playbooks", "audit.yml"),
        inventory=[INVENTORY, override_inventory(base)],
        extravars={"fep_report_dir": report_dir, "fep_fail_on_findings": False},
        envvars={"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
                 "ANSIBLE_CONFIG": os.path.join(REPO, "ansible.cfg"),
                 "ANSIBLE_HOST_KEY_CHECKING": "False"},
        quiet=True,
    )
    if runner.status != "successful":
        sys.stdout.write(runner.stdout.read())
        raise SystemExit("make_example: the audit did not finish (%s)" % runner.status)
    return runner


def normalise(results, base):
    """Show the temporary snapshot folder as a stable path."""
    text = json.dumps(results, ensure_ascii=False, indent=2)
    text = text.replace(os.path.join(base, "roots"), SNAPSHOTS)
    return json.loads(text)


def example_mobiles():
    mobiles = []
    for name in sorted(os.listdir(os.path.join(INVENTORY, "host_vars"))):
        with open(os.path.join(INVENTORY, "host_vars", name), encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        mobile = ((data.get("fep_hospital") or {}).get("contact") or {}).get("mobile")
        if mobile:
            mobiles.append(str(mobile))
    return mobiles


def leaked_mobiles(out):
    """``[(file, mobile)]`` for every mobile found where none may be (every HTML page, JUnit, the roll-up)."""
    leaks = []
    names = ["junit.xml", "rollup.xlsx"] + sorted(
        os.path.relpath(os.path.join(folder, name), out)
        for folder, _, files in os.walk(out) for name in files if name.endswith(".html"))
    for name in names:
        path = os.path.join(out, name)
        if not os.path.exists(path):
            continue
        if name.endswith(".xlsx"):
            with zipfile.ZipFile(path) as archive:
                text = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        leaks.extend((name, mobile) for mobile in example_mobiles() if mobile in text)
    return leaks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "docs", "examples"))
    args = parser.parse_args(argv)
    base = tempfile.mkdtemp(prefix="fep-example-")
    try:
        report_dir = os.path.join(base, "reports")
        run_audit(base, report_dir)
        # the audit itself wrote every report (fep_results -> render_reports)
        missing = [name for name in REPORTS if not os.path.exists(os.path.join(report_dir, name))]
        surveys = sorted(os.listdir(os.path.join(report_dir, "survey"))) \
            if os.path.isdir(os.path.join(report_dir, "survey")) else []
        if missing or len(surveys) != len(HOSTS):
            raise SystemExit("make_example: the audit did not write %s" % (missing or "every survey form"))
        with open(os.path.join(report_dir, "results.json"), encoding="utf-8") as handle:
            results = normalise(json.load(handle), base)

        out = args.out
        if os.path.isdir(out):
            for name in ("survey", "report", "en"):
                shutil.rmtree(os.path.join(out, name), ignore_errors=True)
            for name in REPORTS + ("report.en.html",):
                if os.path.exists(os.path.join(out, name)):
                    os.remove(os.path.join(out, name))
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "results.json"), "w", encoding="utf-8") as handle:
            handle.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
        written = render_reports(results, out, "zh")
        # the English HTML report: its overview and city pages in en/ (the pages link relatively)
        english = os.path.join(base, "en")
        render_reports(results, english, "en", errors=[])
        os.makedirs(os.path.join(out, "en"))
        shutil.copy(os.path.join(english, "report.html"), os.path.join(out, "en", "report.html"))
        shutil.copytree(os.path.join(english, "report"), os.path.join(out, "en", "report"))
        english_pages = sorted(os.path.join(folder, name) for folder, _, files in os.walk(os.path.join(out, "en"))
                               for name in files)
        # documentation, not private data: readable like the rest of the repository
        for folder, _, files in os.walk(out):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        leaks = leaked_mobiles(out)
        if leaks:
            raise SystemExit("make_example: mobile numbers in %s" % ", ".join(sorted({f for f, _ in leaks})))
        for path in [os.path.join(out, "results.json")] + written + english_pages:
            print(os.path.relpath(path, REPO))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
