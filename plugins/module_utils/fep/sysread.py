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
import errno
import json
import os
import stat
import subprocess

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


# What tools/fep_snapshot.py observed on the running server and a copy of files cannot hold
# (rule sets, free space, probes): a JSON document inside the snapshot (docs/snapshot-layout.md).
LIVE_RECORD = "fepkit/live.json"

# The kernel gives up on a path after 40 symbolic links (ELOOP); so does the snapshot resolver.
MAX_SYMLINKS = 40
FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
              (stat.S_ISBLK, "a block device"))


class Refused(OSError):
    """A snapshot path the reader will not follow or open; ``reason`` says why."""


def file_kind(mode):
    return next((name for test, name in FILE_KINDS if test(mode)), "not a regular file")


class SysReader(object):
    """Read files under ``root`` and remember why something was unreadable.

    A snapshot is untrusted input, and the controller reading it often runs as
    root: every path is resolved component by component inside the root, as
    ``chroot(root)`` would (Python 3.6 has no ``openat2(RESOLVE_IN_ROOT)``).
    An absolute symlink restarts at the snapshot root (``etc/localtime ->
    /usr/share/zoneinfo/…``), relative ones that stay inside keep working (sysfs
    is made of them), one that climbs above the root is refused.  Only regular
    files are opened: a FIFO, socket or device in a snapshot would block the
    audit or read the controller's hardware.  Refusals are kept in
    ``refused`` (path -> reason) and join the reason of the fact they made unknown.
    """

    def __init__(self, root="/", allow_commands=None):
        self.root = os.path.abspath(root or "/")
        self.live = self.root == "/"
        self.allow_commands = self.live if allow_commands is None else allow_commands
        self.warnings = []
        # dotted fact path -> human reason; the checks turn these into "unknown"
        self.unknown = {}
        self.refused = {}
        self._recorded = None
        # what the collector is doing, for the watchdog's message when it is stuck
        self.section = None
        self.reading = None

    # -- paths -------------------------------------------------------------
    def _refuse(self, rel, reason):
        rel = rel.lstrip("/")
        if rel not in self.refused:
            self.refused[rel] = reason
            self.warnings.append("%s: %s" % (rel, reason))
        raise Refused(reason)

    def locate(self, rel, follow=True):
        """Path on this machine of ``rel`` (e.g. ``proc/cpuinfo``) under the root.

        In a snapshot every symlink is resolved inside the root (``follow``:
        the last component too); raises ``Refused`` for a link that leaves it or
        loops.  A missing component gives a path that does not exist, so the
        caller's own call fails with ENOENT as it would for any missing file.
        """
        self.reading = "/" + rel.lstrip("/")
        if self.live:
            return os.path.join(self.root, rel.lstrip("/"))
        pending = [part for part in reversed(rel.split("/")) if part not in ("", ".")]
        done, links, link = [], 0, None
        while pending:
            part = pending.pop()
            if part == "..":
                if not done:
                    self._refuse(rel, "symbolic link %s -> %s leaves the snapshot root" % link if link
                                 else "path leaves the snapshot root")
                done.pop()
                continue
            path = os.path.join(self.root, *(done + [part]))
            if not pending and not follow:
                return path
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                return os.path.join(path, *reversed(pending))
            if stat.S_ISLNK(mode):
                links += 1
                if links > MAX_SYMLINKS:
                    self._refuse(rel, "more than %d symbolic links (a loop?) resolving it in the snapshot"
                                 % MAX_SYMLINKS)
                target = os.readlink(path)
                link = ("/" + "/".join(done + [part]), target)
                if target.startswith("/"):
                    done = []  # absolute: from the snapshot root, as chroot would
                pending.extend(p for p in reversed(target.split("/")) if p not in ("", "."))
                continue
            done.append(part)
        return os.path.join(self.root, *done)

    def path(self, rel):
        """Absolute path of ``rel`` under the root, symlinks resolved inside it (``locate``)."""
        return self.locate(rel)

    def realpath(self, rel):
        """``os.path.realpath`` of ``rel`` seen from inside the root: ``/sys/devices/…``."""
        try:
            path = self.locate(rel)
        except OSError:
            return None
        if self.live:
            return os.path.realpath(path)
        inside = os.path.relpath(path, self.root)
        return "/" if inside == "." else "/" + inside

    def exists(self, rel):
        try:
            return os.path.lexists(self.locate(rel, follow=False))
        except OSError:
            return False

    def isdir(self, rel):
        try:
            return os.path.isdir(self.locate(rel))
        except OSError:
            return False

    def open(self, rel):
        """A binary file object for ``rel``, only if it is a regular file.

        Checked before opening (``stat``) and again on the open descriptor
        (``fstat``), opened with O_NONBLOCK so a FIFO swapped in between the two
        never blocks, and without following a last symlink in a snapshot.
        """
        path = self.locate(rel)
        mode = os.stat(path).st_mode if self.live else os.lstat(path).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", path)  # unreadable, harmless
        if not stat.S_ISREG(mode):
            self._refuse(rel, "%s, not a regular file: not opened" % file_kind(mode))
        flags = os.O_RDONLY | os.O_NONBLOCK | (0 if self.live else os.O_NOFOLLOW)
        descriptor = os.open(path, flags)
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            os.close(descriptor)
            self._refuse(rel, "%s, not a regular file: not read" % file_kind(mode))
        return os.fdopen(descriptor, "rb")

    # -- reading -----------------------------------------------------------
    def read_text(self, rel, default=None, limit=4 * 1024 * 1024):
        """Text of a file, or ``default`` when it is missing or unreadable."""
        data = self.read_bytes(rel, limit=limit)
        return default if data is None else data.decode("utf-8", "replace")

    def read_bytes(self, rel, default=None, limit=4 * 1024 * 1024):
        try:
            with self.open(rel) as handle:
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
            return sorted(os.listdir(self.locate(rel)))
        except (IOError, OSError):
            return []

    def readlink(self, rel, default=None):
        """The text of a symlink (not followed: callers read names out of it)."""
        try:
            return os.readlink(self.locate(rel, follow=False))
        except (IOError, OSError):
            return default

    def can_read(self, rel):
        """True when the file exists *and* can be opened (root-only files)."""
        try:
            with self.open(rel):
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

    def taken_on_host(self):
        """True for a snapshot that tools/fep_snapshot.py took on the running host (its live
        record names the machine): the tool copies every allowlisted file that exists, so a
        readable file's absence is the host's own, as on a live audit."""
        return bool((self.recorded("uname") or {}).get("machine"))

    # -- commands (live hosts only) ----------------------------------------
    def run(self, argv, timeout=10):
        """Run a command with a C locale; ``(rc, stdout, stderr)``.

        Returns ``(None, "", reason)`` when commands are not allowed (a
        snapshot) or the program is missing, so callers never need a
        try/except of their own.
        """
        if not self.allow_commands:
            return None, "", "commands are not run against a snapshot root"
        self.reading = " ".join(argv)
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
            # a refused snapshot path behind it says more than "unreadable"
            causes = ["%s: %s" % (rel, why) for rel, why in self.refused.items() if rel in reason]
            if causes:
                reason = "%s (%s)" % (reason, "; ".join(causes))
            self.unknown[fact] = reason
            if warn:
                self.warnings.append("%s: %s" % (fact, reason))

    def is_root_user(self):
        return hasattr(os, "geteuid") and os.geteuid() == 0
