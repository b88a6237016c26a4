# -*- coding: utf-8 -*-
"""Where a run writes, and the run's spool: each host's full audit outcome, on the controller.

Why a spool: every task result becomes a job event (ansible-runner, AWX), and AWX stores each
one; a host's outcome (facts, every check's messages) is ≈ 30–45 KB, 450 MB in AWX's database
per national run.  So ``fep_audit`` returns a lean result (status, counts, failing check ids)
and writes the outcome here; ``fep_results`` reads it back.  A run that is killed keeps on
disk what the finished hosts gave.

Layout, inside the run's report folder: ``.fep-spool-XXXXXXXX/`` (mode 0700, a new one per
run, so a ``fep_report_dir`` reused by several runs never mixes them) holding ``run.json``
(the audited hosts and their validated hospital metadata, written by ``fep_validate``) and one
``<sha256 of the host name>.json`` per host (mode 0600): host names come from an inventory and
are not trusted as file names (``../x``, ``/``, NUL, 300 characters).  Each record repeats its
host name, checked when read.

Controller-only (not part of the payload piped to the targets).
"""
import datetime
import hashlib
import json
import os
import shutil
import tempfile

from .private import private_dir, write_private

SPOOL_PREFIX = ".fep-spool-"
RUN_FILE = "run.json"
# ansible-runner (and so AWX's execution nodes) sets this to the job's artifact folder, which
# `ansible-runner worker` streams back to `ansible-runner process` at the end of the job
ARTIFACT_ENV = "AWX_ISOLATED_DATA_DIR"
ARTIFACT_SUBDIR = "fep-reports"


def default_report_dir(playbook_dir, now=None, cwd=None):
    """``reports/<YYYYmmdd-HHMMSS>/``, one per run: beside the playbooks folder in a checkout;
    under the current folder when the playbook runs from an installed collection
    (``ansible-playbook fepkit.fep.audit``), whose folder is not the user's to write in."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = os.path.dirname(os.path.abspath(playbook_dir))
    if os.path.isfile(os.path.join(base, "MANIFEST.json")):  # written by ansible-galaxy install
        base = cwd or os.getcwd()
    return os.path.join(base, "reports", stamp)


def report_location(report_dir, environ, playbook_dir, now=None, cwd=None):
    """The run's report folder, absolute: ``fep_report_dir`` when set; under ansible-runner
    (AWX) ``<artifact folder>/fep-reports``, so the reports travel back with the job's artifacts
    instead of staying in the execution node's temporary project copy; else
    default_report_dir()."""
    if report_dir:
        chosen = report_dir
    elif environ.get(ARTIFACT_ENV):
        chosen = os.path.join(environ[ARTIFACT_ENV], ARTIFACT_SUBDIR)
    else:
        chosen = default_report_dir(playbook_dir, now=now, cwd=cwd)
    return os.path.abspath(os.path.expanduser(chosen))


def new_spool(report_dir):
    """Create the report folder (0700) and a fresh spool in it (mkdtemp: 0700); its path."""
    return tempfile.mkdtemp(prefix=SPOOL_PREFIX, dir=private_dir(report_dir))


def record_path(spool, host):
    """The spool file of ``host``: a hash of its name, never a path built from it."""
    digest = hashlib.sha256(str(host).encode("utf-8", "surrogatepass")).hexdigest()
    return os.path.join(spool, digest + ".json")


def _dump(document):
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), default=str)


def write_record(spool, host, record):
    """Spool ``record`` (a dict: ``outcome``, or ``failed``/``unreachable`` and ``msg``) for ``host``."""
    document = dict(record)
    document["host"] = str(host)
    return write_private(record_path(spool, host), _dump(document))


def read_record(spool, host):
    """``host``'s spooled record, or None when it has none (or an unreadable one)."""
    try:
        with open(record_path(spool, host), encoding="utf-8") as handle:
            record = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("host") != str(host):
        return None
    return record


def write_run(spool, hosts, metadata):
    """``run.json``: the audited hosts in play order, and ``{host: {"level", "hospital"}}``."""
    return write_private(os.path.join(spool, RUN_FILE), _dump({"hosts": list(hosts), "metadata": metadata}))


def read_run(spool):
    """``(hosts, metadata)`` that fep_validate wrote; ValueError saying why when unreadable."""
    path = os.path.join(spool, RUN_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            run = json.load(handle)
    except OSError as exc:
        raise ValueError("cannot read %s: %s" % (path, exc.strerror or exc))
    except ValueError as exc:
        raise ValueError("%s is not valid JSON: %s" % (path, str(exc).splitlines()[0]))
    if not isinstance(run, dict) or not isinstance(run.get("hosts"), list):
        raise ValueError("%s has no host list" % path)
    return run["hosts"], run.get("metadata") or {}


def remove_spool(spool):
    """Drop the spool once results.json holds everything (it would double the artifacts)."""
    if os.path.basename(os.path.normpath(spool)).startswith(SPOOL_PREFIX):
        shutil.rmtree(spool, ignore_errors=True)
