# -*- coding: utf-8 -*-
"""Audit one hospital server in a single round trip.

The collector (``plugins/module_utils/fep/*.py``, standard library, Python 3.6+) is
piped through the connection to ``python3 -`` on the target, like ``raw`` or
``script`` do, so it runs where ansible-core's module wrapper would refuse
(Kylin V10 / openEuler 20.03 ship Python 3.7, UOS 1050a 3.6) and costs one
exec and no temporary files.  The checks then run here on the controller
against the returned facts.

Its inputs are the host's inventory variables (``ARG_VARIABLES``: ``fep_root``,
``fep_ports`` …), read and templated here unless the task passes them as
arguments; the playbook passes none (docs/performance.md: per-host cost).

In the audit playbook the host's full outcome (facts, every check) goes to the
run's spool on the controller (``__fep_run.spool``, registered by fep_validate;
report/spool.py) and the task returns a lean result, ≤ 4 KiB: its job event is
what AWX stores per host.  The playbook's rescue calls this action again with
``failure`` (the failed result) so that a host that failed or hung is spooled too;
an unreachable host is spooled here.
"""
import base64
import gc
import json
import os
import re
import time
import zlib

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure, AnsibleError
from ansible.plugins.action import ActionBase
from ansible_collections.fepkit.fep.plugins.module_utils.fep import archive as fep_archive
from ansible_collections.fepkit.fep.plugins.module_utils.fep import checks as fep_checks
from ansible_collections.fepkit.fep.plugins.module_utils.fep.checks.inputs import ARG_VARIABLES, validate_inputs
from ansible_collections.fepkit.fep.plugins.module_utils.fep.collector import RESULT_BEGIN, RESULT_END
from ansible_collections.fepkit.fep.plugins.module_utils.fep.payload import collector_sources
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.results import OUTCOME_KEY, lean_result
from ansible_collections.fepkit.fep.plugins.module_utils.fep.report.spool import write_record

# Interpreters tried in order when ansible_python_interpreter is not set.
# /usr/libexec/platform-python is RHEL 8 style (Kylin/UOS-a ship it too).
PYTHON_CANDIDATES = ("python3", "/usr/libexec/platform-python", "/usr/bin/python3.6", "python")
NO_PYTHON = "FEP_NO_PYTHON"

BOOTSTRAP = r'''
import sys
if sys.version_info < (3, 6):
    MSG = "Python %%d.%%d on the target: the fepkit collector needs 3.6+" %% sys.version_info[:2]
    sys.stdout.write('\nFEP_RESULT_BEGIN\n{"failed": true, "msg": "%%s"}\nFEP_RESULT_END\n' %% MSG)
    sys.exit(0)
import base64, importlib.util, json, zlib
SOURCES = json.loads(zlib.decompress(base64.b64decode("%(sources)s")).decode("utf-8"))
CONFIG = json.loads(%(config)r)

class SourceImporter(object):  # finder + loader by protocol: importlib.abc costs ~14 ms to import
    """Import the embedded fep package from memory: nothing is written on the server."""
    def find_spec(self, fullname, path=None, target=None):
        if fullname in SOURCES:
            return importlib.util.spec_from_loader(fullname, self, is_package=(fullname == "fep"))
        return None
    def create_module(self, spec):
        return None
    def exec_module(self, module):
        if module.__name__ == "fep":
            module.__path__ = []
        exec(compile(SOURCES[module.__name__], "fep/" + module.__name__, "exec"), module.__dict__)

sys.meta_path.insert(0, SourceImporter())
from fep.collector import run_payload
run_payload(CONFIG)
'''


def find_package_dir():
    """The ``fep`` package this plugin imported (plugins/module_utils/fep of the collection)."""
    path = os.path.dirname(os.path.dirname(os.path.abspath(fep_checks.__file__)))
    if not os.path.isfile(os.path.join(path, "collector.py")):
        raise AnsibleActionFail("fepkit: %s has no collector.py; the collection is incomplete" % path)
    return path


_PACKED = {}


def packed_sources(package_dir):
    """The collector's sources, compressed once per process (zlib -9 costs ~7 ms)."""
    if package_dir not in _PACKED:
        sources = json.dumps(collector_sources(package_dir)).encode("utf-8")
        _PACKED[package_dir] = base64.b64encode(zlib.compress(sources, 9)).decode("ascii")
    return _PACKED[package_dir]


def build_payload(config, package_dir=None):
    """The Python program piped to the target's interpreter."""
    packed = packed_sources(package_dir or find_package_dir())
    return BOOTSTRAP % {"sources": packed, "config": json.dumps(config)}


# Ansible's main process imports this plugin before it forks a worker per host. Two things are
# done here once for all of them:
# * gc.freeze(): every worker's cyclic garbage collector would otherwise walk, and so write to,
#   each object the main process made (inventory, playbook, plugins), copying its memory pages
#   (copy-on-write) in every fork; frozen objects are skipped. Only cyclic garbage made before
#   this point is never collected, a bounded cost for a one-shot command (3 % wall, 4 % controller
#   CPU at N = 100, docs/performance.md);
# * packing the sources, which spares every worker (host) the compression.
gc.freeze()
try:
    packed_sources(find_package_dir())
except AnsibleActionFail:  # pragma: no cover - reported when the action runs
    pass


WATCHDOG_SHARE = 0.8


def collector_config(inputs):
    """What the collector on the target needs of the validated inputs (validate_inputs)."""
    return {
        "root": inputs["root"],
        "agents": inputs["security_agents"],
        "probes": inputs["probes"],
        "opengauss_data_dir": inputs["opengauss_data_dir"],
        # the collector gives up before the task's timeout (fep_audit_timeout) kills it without a word,
        # so that the host's result says where it was stuck
        "deadline": round(inputs["audit_timeout"] * WATCHDOG_SHARE, 1),
    }


def archive_facts(host, inputs):
    """``(facts, level, probes)`` of a host audited from its archive (``fep_snapshot``), on the
    controller: nothing connects to the host.  Level and probe targets fall back to what the
    hospital gave tools/fep_snapshot.py when the inventory has none."""
    path = os.path.expanduser(inputs["snapshot"])
    if not os.path.isfile(path):
        raise AnsibleActionFail("host %s: fep_snapshot: %s is not a file on the control node" % (host, path))
    try:
        facts, manifest, probes = fep_archive.collect(path, collector_config(inputs))
    except fep_archive.ArchiveError as exc:
        raise AnsibleActionFail("host %s: fep_snapshot %s refused: %s" % (host, path, exc))
    level = inputs["level"] if inputs["level"] is not None else fep_archive.metadata(manifest)[1]
    return facts, level, probes


def python_command(interpreter):
    if interpreter:
        return "%s -" % interpreter
    loop = " ".join(PYTHON_CANDIDATES)
    return ('for fep_py in %s; do if command -v "$fep_py" >/dev/null 2>&1; then '
            'exec "$fep_py" -; fi; done; echo %s; exit 127' % (loop, NO_PYTHON))


# ssh failures that another attempt would not change: wrong key or host key, unknown name, a
# server that does not answer or refuses. Anything else (a connection closed or reset during the
# handshake, a session that stalled until ServerAliveInterval gave up, ssh's bare exit 255) is a
# dropped link: tried once more, unless it took longer than DROP_SECONDS.
PERMANENT_SSH_FAILURES = re.compile(
    r"Permission denied|Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|"
    r"Could not resolve hostname|Name or service not known|timed out|No route to host|"
    r"Connection refused|Too many authentication failures|Unable to negotiate", re.IGNORECASE)
DROP_SECONDS = 120  # a stalled session ends after ServerAliveInterval 15 s x 3 (the audit play's ssh args)
RETRY_PAUSE = 1.0


def dropped_connection(message, seconds):
    """True when an ssh failure looks like a dropped link (worth one more try), not a dead host."""
    return seconds < DROP_SECONDS and not PERMANENT_SSH_FAILURES.search(message or "")


def parse_output(stdout):
    """The JSON document between the result markers, or None."""
    begin = stdout.rfind(RESULT_BEGIN)
    end = stdout.rfind(RESULT_END)
    if begin < 0 or end < begin:
        return None
    try:
        return json.loads(stdout[begin + len(RESULT_BEGIN):end])
    except ValueError:
        return None


# what a spooled failure keeps of the failed result (the message, and the timeout that ended it)
FAILURE_KEYS = ("msg", "unreachable", "timedout")
MESSAGE_LIMIT = 300  # of the failure message repeated in the rescue's (lean) result


def spool_of(task_vars):
    """The run's spool (fep_validate's result registered as ``__fep_run``), or None outside
    the audit playbook: then the outcome travels in the result, as ``fep_outcome``."""
    run = task_vars.get("__fep_run")
    return run.get("spool") if isinstance(run, dict) else None


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True  # read-only: check mode runs the same audit

    def audit_arguments(self, task_vars):
        """The task's arguments, else the host's inventory variables (``ARG_VARIABLES``).

        Reading the variables here instead of mapping them in the playbook
        (``root: "{{ fep_root | default('/') }}"`` …) spares every host's worker
        compiling 14 Jinja templates (~30 ms of controller CPU per host).  Only
        the variables that are set are templated: plain data costs a walk.
        """
        args = {}
        for name, variable in ARG_VARIABLES.items():
            if name in self._task.args or variable not in task_vars:
                continue
            try:
                args[name] = self._templar.template(task_vars[variable])
            except AnsibleError as exc:
                raise AnsibleActionFail("host %s: %s: %s" % (
                    task_vars.get("inventory_hostname", "?"), variable, str(exc).splitlines()[0]))
        args.update(self._task.args)
        return args

    def execute_once_more_if_dropped(self, host, command, payload, result):
        """Pipe the collector; a dropped link (dropped_connection) is tried once more.

        The audit only reads, so a second attempt is safe.  A host that is down,
        refuses or rejects the key fails at once, and a connect timeout is not
        repeated (it would double the wait for every dead server of a region).
        """
        started = time.monotonic()
        try:
            return self._low_level_execute_command(command, in_data=payload)
        except AnsibleConnectionFailure as exc:
            message = str(exc)
            if not dropped_connection(message, time.monotonic() - started):
                raise
            self._display.vvv("fep_audit %s: connection dropped, trying once more: %s" % (host, message))
        time.sleep(RETRY_PAUSE)
        outcome = self._low_level_execute_command(command, in_data=payload)
        result.setdefault("warnings", []).append(
            "host %s: the ssh connection dropped during the audit and succeeded on a second attempt" % host)
        return outcome

    def collect_live(self, host, inputs, result):
        """The facts the collector piped to the host's Python returns."""
        payload = build_payload(collector_config(inputs))
        command = python_command(inputs["python"])
        outcome = self.execute_once_more_if_dropped(host, command, payload.encode("utf-8"), result)
        document = parse_output(outcome.get("stdout", ""))
        if document is None:
            stderr = (outcome.get("stderr") or "").strip()
            if NO_PYTHON in outcome.get("stdout", ""):
                reason = "no Python 3 interpreter found on the host (tried %s)" % ", ".join(PYTHON_CANDIDATES)
            else:
                reason = "collector produced no result (rc=%s): %s" % (
                    outcome.get("rc"), stderr.splitlines()[-1] if stderr else "no output")
            raise AnsibleActionFail("host %s: %s" % (host, reason))
        if document.get("failed"):
            raise AnsibleActionFail("host %s: %s" % (host, document.get("msg")))
        return document["fep"]

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result["changed"] = False
        task_vars = task_vars or {}
        host = task_vars.get("inventory_hostname", "?")
        spool = spool_of(task_vars)
        if "failure" in self._task.args:
            return self.record_failure(host, spool, self._task.args["failure"], result)
        try:
            return self.audit(host, spool, task_vars, result)
        except AnsibleConnectionFailure as exc:
            # unreachable (ignore_unreachable: the playbook's rescue does not see it): spooled here
            if spool:
                write_record(spool, host, {"unreachable": True, "msg": str(exc)})
            raise

    def record_failure(self, host, spool, failure, result):
        """Spool why the audit of ``host`` failed (the rescue passes ``ansible_failed_result``)."""
        failure = failure if isinstance(failure, dict) else {"msg": str(failure)}
        record = {key: failure[key] for key in FAILURE_KEYS if key in failure}
        record["failed"] = True
        if spool:
            write_record(spool, host, record)
        result["msg"] = "audit failed, recorded: %s" % str(record.get("msg") or "failed")[:MESSAGE_LIMIT]
        return result

    def audit(self, host, spool, task_vars, result):
        inputs, errors = validate_inputs(self.audit_arguments(task_vars))
        if errors:
            raise AnsibleActionFail("host %s: invalid inventory value(s): %s" % (host, "; ".join(errors)))

        if inputs["snapshot"]:
            facts, level, probes = archive_facts(host, inputs)
        else:
            facts = self.collect_live(host, inputs, result)
            level, probes = inputs["level"], inputs["probes"]
        ctx = fep_checks.Context(
            level=level, thresholds=inputs["thresholds"], ports=inputs["ports"],
            declared=inputs["declared"], probes=probes,
            frontend_processes=inputs["frontend_processes"],
            extra={"firewall_zones": inputs["survey"]["firewall_zones"]})
        checks = fep_checks.run_checks(facts, ctx, skip=inputs["skip"], select=inputs["select"])
        python_version = facts["collector"]["python"]["version"]
        outcome = {
            "level": level,
            "checks": checks,
            "python": fep_checks.python_profile(python_version),
            "limited": fep_checks.limited_by_privilege(facts),
            "inventory": inputs["survey"],  # what the survey form states as the inventory says it
            "facts": facts,
        }
        if inputs["publish_facts"]:
            # for plays that use the facts after the audit; off by default: Ansible cleans, copies
            # and caches a fact tree per host, ~6 % of the audit's controller CPU (docs/performance.md)
            result["ansible_facts"] = {"fep": facts}
        if spool:
            # the outcome (facts and checks, ≈ 30–45 KB) stays on the controller; the job event
            # carries the verdict (docs/performance.md, "Job events")
            write_record(spool, host, {"outcome": outcome})
            result.update(lean_result(outcome))
        else:
            # One string, not a tree: Ansible's main process copies, converts and strips every
            # node of a result several times, serially, per host (docs/performance.md); the
            # facts and checks are ~40 KB that only fep_results reads (report/results.py).
            result[OUTCOME_KEY] = json.dumps(outcome, ensure_ascii=False, separators=(",", ":"))
        for warning in facts.get("warnings") or []:
            self._display.vvv("fep_audit %s: %s" % (host, warning))
        return result
