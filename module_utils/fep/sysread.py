# -*- coding: utf-8 -*-
"""The single I/O seam of the collector.

Every file the collector reads goes through a ``SysReader``, which resolves
paths under a root directory: ``/`` for a live host, or a *snapshot* (a tree
mirroring ``proc/``, ``sys/`` and ``etc/`` of a real server, see
docs/snapshot-layout.md).  Unit tests point the reader at fixture trees; the
parsers themselves are pure functions over text.

Commands are only run on a live host (root ``/``): a snapshot has no running
system to ask, so command-based facts become unknown with a reason.

Standard library only, Python 3.6+: this code runs on hospital servers.
"""
import json
import os
import subprocess

# What tools/fep_snapshot.py observed on the running server and a copy of files cannot hold
# (rule sets, free space, probes): a JSON document inside the snapshot (docs/snapshot-layout.md).
LIVE_RECORD = "fepkit/live.json"

# procfs allocates the size a read asks for: /proc/sys refuses a 4 MiB read with ENOMEM on
# 6.x kernels, so every file is read in chunks of this size up to its limit.
READ_CHUNK = 65536


def read_limited(handle, limit):
    """At most ``limit`` bytes of ``handle``, read ``READ_CHUNK`` bytes at a time."""
    chunks, size = [], 0
    while size < limit:
        chunk = handle.read(min(READ_CHUNK, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


class SysReader(object):
    """Read files under ``root`` and remember why something was unreadable."""

    def __init__(self, root="/", allow_commands=None):
        self.root = os.path.abspath(root or "/")
        self.live = self.root == "/"
        self.allow_commands = self.live if allow_commands is None else allow_commands
        self.warnings = []
        # dotted fact path -> human reason; the checks turn these into "unknown"
        self.unknown = {}
        self._recorded = None

    # -- paths -------------------------------------------------------------
    def path(self, rel):
        """Absolute path of ``rel`` (e.g. ``proc/cpuinfo``) under the root."""
        return os.path.join(self.root, rel.lstrip("/"))

    def exists(self, rel):
        return os.path.lexists(self.path(rel))

    def isdir(self, rel):
        return os.path.isdir(self.path(rel))

    # -- reading -----------------------------------------------------------
    def read_text(self, rel, default=None, limit=4 * 1024 * 1024):
        """Text of a file, or ``default`` when it is missing or unreadable."""
        data = self.read_bytes(rel, limit=limit)
        return default if data is None else data.decode("utf-8", "replace")

    def read_bytes(self, rel, default=None, limit=4 * 1024 * 1024):
        try:
            with open(self.path(rel), "rb") as handle:
                return read_limited(handle, limit)
        except (IOError, OSError):
            return default

    def read_value(self, rel, default=None):
        """First line of a small sysfs/procfs attribute, stripped."""
        text = self.read_text(rel, limit=65536)
        if text is None:
            return default
        text = text.strip()
        return text.splitlines()[0].strip() if text else ""

    def read_int(self, rel, default=None, base=10):
        value = self.read_value(rel)
        if value is None or value == "":
            return default
        try:
            return int(value, base)
        except ValueError:
            return default

    def listdir(self, rel):
        """Sorted entries of a directory; empty list when missing."""
        try:
            return sorted(os.listdir(self.path(rel)))
        except (IOError, OSError):
            return []

    def readlink(self, rel, default=None):
        try:
            return os.readlink(self.path(rel))
        except (IOError, OSError):
            return default

    def can_read(self, rel):
        """True when the file exists *and* can be opened (root-only files)."""
        try:
            with open(self.path(rel), "rb"):
                return True
        except (IOError, OSError):
            return False

    def recorded(self, section):
        """A section of the snapshot's live record (``LIVE_RECORD``), or None (a live host, or
        a snapshot without one); always a mapping when present."""
        if self.live:
            return None
        if self._recorded is None:
            try:
                document = json.loads(self.read_text(LIVE_RECORD, default="{}", limit=16 * 1024 * 1024))
            except ValueError:
                document = None
            self._recorded = document if isinstance(document, dict) else {}
        value = self._recorded.get(section)
        return value if isinstance(value, dict) else None

    # -- commands (live hosts only) ----------------------------------------
    def run(self, argv, timeout=10):
        """Run a command with a C locale; ``(rc, stdout, stderr)``.

        Returns ``(None, "", reason)`` when commands are not allowed (a
        snapshot) or the program is missing, so callers never need a
        try/except of their own.
        """
        if not self.allow_commands:
            return None, "", "commands are not run against a snapshot root"
        env = dict(os.environ)
        env.update({"LC_ALL": "C", "LANG": "C"})
        try:
            proc = subprocess.Popen(
                argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL, env=env, universal_newlines=True,
                errors="replace")
        except (IOError, OSError) as exc:
            return None, "", "%s: %s" % (argv[0], exc.strerror or exc)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None, "", "%s timed out after %ss" % (argv[0], timeout)
        return proc.returncode, out, err

    # -- bookkeeping ---------------------------------------------------------
    def mark_unknown(self, fact, reason, warn=True):
        """Record why ``fact`` (dotted path) could not be determined."""
        if fact not in self.unknown:
            self.unknown[fact] = reason
            if warn:
                self.warnings.append("%s: %s" % (fact, reason))

    def is_root_user(self):
        return hasattr(os, "geteuid") and os.geteuid() == 0
