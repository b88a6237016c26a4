#!/usr/bin/env python3
"""Install only the collections fepkit uses, at pinned versions, without Galaxy.

The PyPI ``ansible`` wheel carries about a hundred collections (~200 MB unpacked); fepkit's roles
use three (see the requirements file). This tool takes the pinned ``ansible`` wheel (downloaded
with pip, or found in ``--wheel-dir`` for offline installs), extracts just the pinned collections,
checks that each carries the pinned version, and installs them with
``ansible-galaxy collection install --offline`` into ``--into`` (the venv's site-packages, where
ansible-core finds ``ansible_collections`` on sys.path without any configuration).

    install_collections.py --requirements requirements.yml --ansible-version 12.3.0 \
        --into .venv/lib/python3.11/site-packages [--wheel-dir DIR] [--galaxy .venv/bin/ansible-galaxy]

``--export DIR`` writes the pinned collections as ``DIR/<ns>-<name>-<version>.tar.gz`` instead
(for the execution environment and the offline bundle, which install them with ``type: file``
requirements): a collection folder from the wheel carries MANIFEST.json and FILES.json, and such
a folder tarred without a ``./`` prefix is a collection artifact ``ansible-galaxy`` installs.
``--from-dir DIR`` installs from such tarballs (the offline bundle) instead of the wheel.

Exit status 0 when every pinned collection is installed at its pinned version, 1 with a message
naming the collection otherwise (never a traceback for an expected failure).
"""
import argparse
import glob
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile

import yaml


class InstallError(Exception):
    """An expected failure, reported as one line to the user."""


def read_pins(requirements_path):
    """[(namespace.name, version)] from a Galaxy requirements file with exact versions."""
    with open(requirements_path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    pins = []
    for entry in data.get("collections") or []:
        name = entry.get("name", "") if isinstance(entry, dict) else ""
        version = str(entry.get("version", "")) if isinstance(entry, dict) else ""
        if name.count(".") != 1 or not version or not version[0].isdigit():
            raise InstallError(
                "%s: every collection needs a name ns.name and an exact version (got %r)"
                % (requirements_path, entry))
        pins.append((name, version))
    if not pins:
        raise InstallError("%s lists no collections" % requirements_path)
    return pins


def find_wheel(wheel_dir, ansible_version):
    matches = sorted(glob.glob(os.path.join(wheel_dir, "ansible-%s-*.whl" % ansible_version)))
    return matches[0] if matches else None


def download_wheel(wheel_dir, ansible_version, python):
    """pip download the ansible wheel alone (no dependencies: ansible-core is pinned separately)."""
    command = [python, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
               "--dest", wheel_dir, "ansible==%s" % ansible_version]
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True)
    wheel = find_wheel(wheel_dir, ansible_version)
    if result.returncode != 0 or wheel is None:
        raise InstallError("could not download ansible==%s (offline? pass --wheel-dir with the "
                           "wheel): %s" % (ansible_version, result.stdout.strip()[-400:]))
    return wheel


def extract_collection(wheel, fqcn, version, dest):
    """Extract ansible_collections/<ns>/<name>/ from the wheel into dest/<ns>/<name>."""
    namespace, name = fqcn.split(".")
    prefix = "ansible_collections/%s/%s/" % (namespace, name)
    target = os.path.join(dest, namespace, name)
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if m.startswith(prefix)]
        if not members:
            raise InstallError("%s does not contain %s" % (os.path.basename(wheel), fqcn))
        for member in members:
            relative = member[len(prefix):]
            # The wheel comes from PyPI under a pinned hash-free version: still never follow
            # a member out of the target.
            path = os.path.normpath(os.path.join(target, relative))
            if not path.startswith(target + os.sep) and path != target:
                raise InstallError("%s: member %s escapes the collection" % (wheel, member))
            if member.endswith("/"):
                os.makedirs(path, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with archive.open(member) as source, open(path, "wb") as out:
                shutil.copyfileobj(source, out)
    found = manifest_version(target)
    if found != version:
        raise InstallError("%s in ansible wheel is %s, requirements pin %s: change the pin or "
                           "the ansible version together" % (fqcn, found, version))
    return target


def manifest_version(collection_dir):
    try:
        with open(os.path.join(collection_dir, "MANIFEST.json"), encoding="utf-8") as handle:
            return json.load(handle)["collection_info"]["version"]
    except (OSError, ValueError, KeyError) as error:
        raise InstallError("%s: no readable MANIFEST.json (%s)" % (collection_dir, error))


def installed_versions(into, pins):
    """{fqcn: version} of the pinned collections already installed under into."""
    found = {}
    for fqcn, _ in pins:
        namespace, name = fqcn.split(".")
        path = os.path.join(into, "ansible_collections", namespace, name)
        if os.path.isdir(path):
            try:
                found[fqcn] = manifest_version(path)
            except InstallError:
                pass
    return found


def artifact_name(fqcn, version):
    """The file name ansible-galaxy gives a built collection: ns-name-version.tar.gz."""
    return "%s-%s.tar.gz" % (fqcn.replace(".", "-"), version)


def _reproducible(member):
    """Same bytes for the same content: no owner, no timestamps (the EE cache hashes inputs)."""
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    member.mtime = 0
    return member


def tar_collection(collection_dir, tarball):
    """Tar a collection folder (MANIFEST.json at the top, no ./ prefix) into a galaxy artifact."""
    entries = []
    for top, dirs, files in os.walk(collection_dir):
        dirs.sort()
        for name in dirs + sorted(files):
            entries.append(os.path.relpath(os.path.join(top, name), collection_dir))
    with open(tarball, "wb") as raw:
        # gzip's own header carries a timestamp: zero it too
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as compressed:
            with tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive:
                for entry in entries:
                    archive.add(os.path.join(collection_dir, entry), arcname=entry,
                                recursive=False, filter=_reproducible)
    return tarball


def trim_files_json(collection_dir):
    """Make FILES.json list only what the folder holds, and MANIFEST.json carry its new checksum.

    The ansible wheel ships the collections without their tests and CI files but keeps the
    upstream FILES.json, which still lists them; ansible-galaxy extracts a tarball entry by entry
    from FILES.json and fails on the first one missing (".azure-pipelines"). The checksums of the
    files that are shipped stay as upstream computed them (checked here).
    """
    files_path = os.path.join(collection_dir, "FILES.json")
    manifest_path = os.path.join(collection_dir, "MANIFEST.json")
    with open(files_path, encoding="utf-8") as handle:
        files = json.load(handle)
    kept = []
    for entry in files["files"]:
        path = os.path.join(collection_dir, entry["name"])
        if entry["ftype"] == "dir" and os.path.isdir(path):
            kept.append(entry)
        elif entry["ftype"] == "file" and os.path.isfile(path):
            with open(path, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != entry["chksum_sha256"]:
                    raise InstallError("%s: %s does not match its FILES.json checksum"
                                       % (collection_dir, entry["name"]))
            kept.append(entry)
    files["files"] = kept
    data = json.dumps(files, indent=4, sort_keys=True).encode("utf-8")
    with open(files_path, "wb") as handle:
        handle.write(data)
    with open(manifest_path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    manifest["file_manifest_file"]["chksum_sha256"] = hashlib.sha256(data).hexdigest()
    with open(manifest_path, "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=4, sort_keys=True)


def ansible_wheel(args):
    """(wheel path, folder to remove afterwards or None)."""
    wheel_dir = args.wheel_dir or tempfile.mkdtemp(prefix="fep-ansible-wheel-")
    os.makedirs(wheel_dir, exist_ok=True)
    wheel = find_wheel(wheel_dir, args.ansible_version) or download_wheel(
        wheel_dir, args.ansible_version, args.python)
    return wheel, (None if args.wheel_dir else wheel_dir)


def export(args):
    """Write each pinned collection as a tarball into args.export; print their paths."""
    pins = read_pins(args.requirements)
    os.makedirs(args.export, exist_ok=True)
    wanted = [os.path.join(args.export, artifact_name(fqcn, version)) for fqcn, version in pins]
    if all(os.path.isfile(path) for path in wanted):
        print("\n".join(wanted))
        return
    wheel, scratch_wheels = ansible_wheel(args)
    with tempfile.TemporaryDirectory(prefix="fep-collections-") as scratch:
        for (fqcn, version), tarball in zip(pins, wanted):
            folder = extract_collection(wheel, fqcn, version, scratch)
            trim_files_json(folder)
            # written beside, then renamed: an interrupted export leaves no half tarball
            tar_collection(folder, tarball + ".part")
            os.replace(tarball + ".part", tarball)
    if scratch_wheels:
        shutil.rmtree(scratch_wheels, ignore_errors=True)
    print("\n".join(wanted))


def collection_sources(args, pins, scratch):
    """What to hand ansible-galaxy: the bundle's tarballs, or folders extracted from the wheel."""
    if args.from_dir:
        sources = [os.path.join(args.from_dir, artifact_name(fqcn, version)) for fqcn, version in pins]
        missing = [path for path in sources if not os.path.isfile(path)]
        if missing:
            raise InstallError("not in %s: %s" % (args.from_dir, ", ".join(
                os.path.basename(path) for path in missing)))
        return sources
    wheel, scratch_wheels = ansible_wheel(args)
    sources = [extract_collection(wheel, fqcn, version, scratch) for fqcn, version in pins]
    if scratch_wheels:
        shutil.rmtree(scratch_wheels, ignore_errors=True)
    return sources


def install(args):
    pins = read_pins(args.requirements)
    if all(installed_versions(args.into, pins).get(fqcn) == version for fqcn, version in pins):
        print("collections already installed: %s" % ", ".join("%s %s" % pin for pin in pins))
        return
    with tempfile.TemporaryDirectory(prefix="fep-collections-") as scratch:
        sources = collection_sources(args, pins, scratch)
        command = [args.galaxy, "collection", "install", "--offline", "--force",
                   "--no-deps", "-p", args.into] + sources
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True)
        if result.returncode != 0:
            raise InstallError("ansible-galaxy collection install failed: %s"
                               % result.stdout.strip()[-800:])
    missing = [fqcn for fqcn, version in pins
               if installed_versions(args.into, pins).get(fqcn) != version]
    if missing:
        raise InstallError("not installed after ansible-galaxy: %s" % ", ".join(missing))
    print("installed from %s: %s" % (args.from_dir or "ansible %s" % args.ansible_version,
                                     ", ".join("%s %s" % pin for pin in pins)))


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requirements", required=True,
                        help="Galaxy requirements file with exact collection versions")
    parser.add_argument("--ansible-version", required=True,
                        help="version of the PyPI ansible wheel to take the collections from")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--into", help="collections path (the venv's site-packages)")
    target.add_argument("--export", help="write the collections as tarballs into this folder")
    parser.add_argument("--from-dir", default="",
                        help="install from the tarballs --export wrote here (no wheel needed)")
    parser.add_argument("--wheel-dir", default="",
                        help="folder holding (or receiving) the ansible wheel; offline installs "
                             "put the wheel here beforehand")
    bindir = os.path.dirname(sys.executable)
    parser.add_argument("--galaxy", default=os.path.join(bindir, "ansible-galaxy"))
    parser.add_argument("--python", default=sys.executable)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        export(args) if args.export else install(args)
    except InstallError as error:
        print("install_collections: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
