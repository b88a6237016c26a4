# -*- coding: utf-8 -*-
"""Controller-side: audit a server from the archive tools/fep_snapshot.py made on it.

Archives come from hospitals: untrusted input, and the control node often runs
as root.  ``extract`` never writes outside its folder (no absolute names, no
``..``, nothing under a link, links that resolve inside only, no device files,
FIFOs or hard links), stops at size and member-count limits before reading
further, and verifies the manifest: every member listed with its sha256, and
nothing listed missing.  The tree is then read by the collector like any
snapshot (``fep_root``, docs/snapshot-layout.md).
"""
import hashlib
import json
import os
import shutil
import tarfile
import tempfile

from .. import collector
from ..checks.inputs import validate_inputs

MANIFEST = "fepkit/manifest.json"
# Generous for a real server (typically < 1 MiB compressed, a few thousand members).
LIMITS = {"members": 50000, "bytes": 256 * 1024 * 1024, "member_bytes": 64 * 1024 * 1024}
MANIFEST_BYTES = 32 * 1024 * 1024


class ArchiveError(Exception):
    """The archive is refused: the message names the member and the rule."""


class LimitedReader(object):
    """A file object that refuses to give more than ``limit`` decompressed bytes (a gzip bomb)."""

    def __init__(self, handle, limit):
        self.handle, self.left = handle, limit

    def read(self, size=-1):
        if size is None or size < 0:
            size = self.left + 1
        data = self.handle.read(min(size, self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise ArchiveError("more than %d MiB once decompressed" % (LIMITS["bytes"] // 2 ** 20))
        return data


def member_name(info):
    """The member's path inside the archive, or ArchiveError for a name that could leave it."""
    name = info.name
    if "\0" in name or "\\" in name:
        raise ArchiveError("member %r: unusable characters in its name" % name)
    if name.startswith("/"):
        raise ArchiveError("member %r: absolute path" % name)
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if not parts or ".." in parts:
        raise ArchiveError("member %r: leaves the archive ('..' or empty)" % name)
    return "/".join(parts)


def _safe_parent(dest, name):
    """Create the folders of ``name`` under ``dest``; refuse any existing component that is not a folder."""
    current = dest
    for part in name.split("/")[:-1]:
        current = os.path.join(current, part)
        if os.path.lexists(current):
            if os.path.islink(current) or not os.path.isdir(current):
                raise ArchiveError("member %r: lies under %r, which is not a folder" % (name, part))
        else:
            os.mkdir(current, 0o755)
    return current


def _inside(dest, path):
    real = os.path.realpath(path)
    return real == dest or real.startswith(dest + os.sep)


def _unpack(tar, dest, limits):  # noqa: C901 - one pass over untrusted members, each refusal next to its test
    """Write the members; returns ``{name: ("file", sha256, size) | ("link", target) | ("dir",)}``."""
    members, links, total = {}, {}, 0
    for count, info in enumerate(tar, 1):
        if count > limits["members"]:
            raise ArchiveError("more than %d members" % limits["members"])
        name = member_name(info)
        if name in members or name in links:
            raise ArchiveError("member %r: appears twice" % name)
        if info.isdir():
            _safe_parent(dest, name + "/-")
            members[name] = ("dir",)
            continue
        if info.issym():
            target = info.linkname
            if target.startswith("/") or "\0" in target:
                raise ArchiveError("member %r: link to an absolute path %r" % (name, target))
            links[name] = target
            continue
        if not info.isfile():
            raise ArchiveError("member %r: %s not allowed (only files, folders and links)" % (
                name, "hard link" if info.islnk() else "device, FIFO or other special file"))
        if info.size > limits["member_bytes"]:
            raise ArchiveError("member %r: %d bytes, more than %d" % (name, info.size, limits["member_bytes"]))
        total += info.size
        if total > limits["bytes"]:
            raise ArchiveError("more than %d MiB in total" % (limits["bytes"] // 2 ** 20))
        parent = _safe_parent(dest, name)
        path = os.path.join(parent, name.rsplit("/", 1)[-1])
        digest = hashlib.sha256()
        source = tar.extractfile(info)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(path, flags, 0o644), "wb") as handle:
            while True:
                chunk = source.read(65536)
                if not chunk:
                    break
                digest.update(chunk)
                handle.write(chunk)
        members[name] = ("file", digest.hexdigest(), info.size)
    # links last, so that no member is ever written through one; then each must resolve inside
    folders = set()
    for name in list(members) + list(links):
        parts = name.split("/")
        folders.update("/".join(parts[:i]) for i in range(1, len(parts)))
    for name, target in sorted(links.items()):
        if name in folders:
            raise ArchiveError("member %r: a link with other members under it" % name)
        os.symlink(target, os.path.join(_safe_parent(dest, name), name.rsplit("/", 1)[-1]))
        members[name] = ("link", target)
    for name, target in sorted(links.items()):
        if not _inside(dest, os.path.join(dest, name)):
            raise ArchiveError("member %r: link %r leads outside the archive" % (name, target))
    return members


def verify_manifest(dest, members):
    """The manifest, after checking it lists exactly the members with their sha256."""
    if members.get(MANIFEST, ("",))[0] != "file":
        raise ArchiveError("no %s: not an archive of tools/fep_snapshot.py" % MANIFEST)
    if members[MANIFEST][2] > MANIFEST_BYTES:
        raise ArchiveError("%s too large" % MANIFEST)
    try:
        with open(os.path.join(dest, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArchiveError("%s is not valid JSON: %s" % (MANIFEST, exc))
    listed = manifest.get("members") if isinstance(manifest, dict) else None
    version = ((manifest.get("collector") or {}) if isinstance(manifest, dict) else {}).get("version")
    if not isinstance(listed, dict) or not isinstance(version, str):
        raise ArchiveError("%s has no member list or collector version" % MANIFEST)
    for name, member in sorted(members.items()):
        if name == MANIFEST or member[0] == "dir":
            continue
        entry = listed.get(name)
        if not isinstance(entry, dict):
            raise ArchiveError("member %r is not in the manifest" % name)
        if member[0] == "file" and (entry.get("type"), entry.get("sha256"), entry.get("size")) != member:
            raise ArchiveError("member %r: sha256 or size differs from the manifest" % name)
        if member[0] == "link" and (entry.get("type"), entry.get("target")) != member:
            raise ArchiveError("member %r: link target differs from the manifest" % name)
    for name, entry in sorted(listed.items()):
        if (entry or {}).get("type") != "dir" and name not in members:
            raise ArchiveError("member %r is in the manifest but not in the archive" % name)
    return manifest


def extract(path, dest, limits=None):
    """Unpack the archive at ``path`` into the empty folder ``dest``; returns its verified manifest.

    On any refusal the folder is emptied and ArchiveError says why.
    """
    limits = dict(LIMITS, **(limits or {}))
    dest = os.path.realpath(dest)
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
            raw.seek(0)
            if magic == b"\x1f\x8b":
                import gzip
                stream = gzip.GzipFile(fileobj=raw, mode="rb")
            else:
                stream = raw
            # headers and padding count too: a bound slightly above the members' bytes
            reader = LimitedReader(stream, limits["bytes"] + 1024 * limits["members"])
            with tarfile.open(fileobj=reader, mode="r|") as tar:
                members = _unpack(tar, dest, limits)
        return verify_manifest(dest, members)
    except ArchiveError:
        _empty(dest)
        raise
    except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
        _empty(dest)
        raise ArchiveError("not a readable .tar.gz: %s" % (getattr(exc, "strerror", None) or exc))


def _empty(dest):
    for entry in os.listdir(dest):
        path = os.path.join(dest, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def read_manifest(path):
    """The manifest of an archive (unverified: for inventory metadata before the audit).

    Extracts into a temporary folder with every check, so a hostile archive is refused here too.
    """
    dest = tempfile.mkdtemp(prefix="fep-manifest-")
    try:
        return extract(path, dest)
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def collect(path, options):
    """``(facts, manifest, probes)`` of the server an archive was taken on.

    Without probe targets in ``options`` (the inventory), those given to the tool on
    the server are the ones judged (``probes``: the audit's probe configuration).
    """
    dest = tempfile.mkdtemp(prefix="fep-snapshot-")
    try:
        manifest = extract(path, dest)
        options = dict(options)
        errors = []
        if not options.get("probes"):
            inputs, errors = validate_inputs(recorded_probe_args(manifest))
            options["probes"] = {} if errors else inputs["probes"]
        facts = collector.collect(dest, options)
        if errors:  # never silently: the probes the hospital ran are not judged, and why
            reason = "%s options.probes unusable (%s)" % (MANIFEST, "; ".join(errors))
            facts.setdefault("unknown", {}).setdefault("probes", reason)
            facts.setdefault("warnings", []).append("probes: " + reason)
    finally:
        shutil.rmtree(dest, ignore_errors=True)
    host = manifest.get("host") if isinstance(manifest.get("host"), dict) else {}
    info = facts["collector"]
    info["root"] = os.path.abspath(path)
    # what ran on the server: the tool's Python and privileges, not the controller's
    info["python"] = {"version": str(host.get("python") or "unknown"), "executable": None,
                      "implementation": "CPython"}
    info["privileged"] = host.get("privileged") is True
    info["archive"] = {"path": os.path.abspath(path), "collector_version": manifest["collector"]["version"],
                       "created": str(manifest.get("created") or ""), "hostname": str(host.get("hostname") or "")}
    return facts, manifest, options["probes"]


def recorded_probe_args(manifest):
    """The probe targets given to tools/fep_snapshot.py, as audit arguments (fep_national_platform …)."""
    probes = ((manifest.get("options") or {}).get("probes") or {}) if isinstance(manifest, dict) else {}
    if not isinstance(probes, dict):
        return {}
    args = {}
    if probes.get("egress"):
        args["national_platform"] = probes["egress"]
    targets = {kind: probes[kind] for kind in ("gov_extranet", "health_private") if probes.get(kind)}
    if targets:
        args["probe_targets"] = targets
    if probes.get("bandwidth_url"):
        args["bandwidth_probe_url"] = probes["bandwidth_url"]
    if probes.get("timeout"):
        args["probe_timeout"] = probes["timeout"]
    return args


def metadata(manifest):
    """``(fep_hospital, fep_hospital_level)`` as the hospital gave them to the tool (None when absent)."""
    hospital = manifest.get("hospital") if isinstance(manifest, dict) else None
    level = manifest.get("level") if isinstance(manifest, dict) else None
    return (hospital or None), (level if level in (2, 3) else None)


def host_metadata(variables, read=read_manifest):
    """``(fep_hospital, fep_hospital_level, error)`` of an inventory host: its own variables,
    else (for a host audited from ``fep_snapshot``) what the archive's manifest says."""
    hospital, level = variables.get("fep_hospital"), variables.get("fep_hospital_level")
    path = variables.get("fep_snapshot")
    if not path or (hospital not in (None, "") and level not in (None, "")):
        return hospital, level, None
    try:
        recorded_hospital, recorded_level = metadata(read(os.path.expanduser(str(path))))
    except (ArchiveError, OSError) as exc:
        return hospital, level, "fep_snapshot %s refused: %s" % (path, getattr(exc, "strerror", None) or exc)
    return (hospital if hospital not in (None, "") else recorded_hospital,
            level if level not in (None, "") else recorded_level, None)
