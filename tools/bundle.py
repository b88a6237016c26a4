#!/usr/bin/env python3
"""The offline bundle: everything a control node with no network needs, in one tarball.

    bundle.py build --dist dist --python .venv/bin/python      -> dist/fepkit-bundle-<version>.tar.gz
    bundle.py unpack BUNDLE --into DIR                          verify, extract: DIR/<bundle name>/

Layout inside ``fepkit-bundle-<version>/``:

    SHA256SUMS                         sha256 of every other file (``sha256sum -c`` format)
    wheels/<profile>/<arch>/*.whl      requirements<-legacy>.txt pinned by constraints, for
                                       CPython 3.11 on manylinux2014 x86_64 and aarch64 (Kunpeng)
    collections/<profile>/*.tar.gz     the pinned collections (install_collections.py --export)
                                       and fepkit.fep
    images/fepkit-ee-<version>.tar     both EE tags (podman save -m, docker-archive)
    source/fepkit-<version>.tar.gz     the repository at the commit the bundle was built from

``make bundle`` reuses the tarball when the hash of its inputs (wheel names, the collections'
MANIFEST/FILES.json, the image ids, the source commit) has not changed. ``make setup
OFFLINE=<bundle>`` unpacks it (refusing any file whose sha256 differs from SHA256SUMS, any file
it does not list and any member leaving the folder) and installs from it alone.
"""
import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

ARCHES = ("x86_64", "aarch64")
MANIFEST = "SHA256SUMS"


class BundleError(Exception):
    """An expected failure, reported as one line."""


def log(message):
    print("bundle: " + message, flush=True)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def run(argv, **kwargs):
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, **kwargs)
    if result.returncode != 0:
        raise BundleError("%s failed: %s" % (" ".join(argv[:3]), result.stdout.strip()[-800:]))
    return result.stdout


def write_manifest(folder):
    """SHA256SUMS over every file below folder (sorted, relative paths)."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        lines.append("%s  %s" % (sha256(path), path.relative_to(folder).as_posix()))
    (folder / MANIFEST).write_text("\n".join(lines) + "\n")


def verify(folder):
    """Every file listed with its sha256, nothing else present: else BundleError naming it."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise BundleError("%s has no %s: not a fepkit bundle" % (folder, MANIFEST))
    listed = {}
    for line in manifest.read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*")
               if p.is_file() and p.name != MANIFEST}
    for name in sorted(set(listed) - present):
        raise BundleError("%s: missing from the bundle" % name)
    for name in sorted(present - set(listed)):
        raise BundleError("%s: in the bundle but not in %s" % (name, MANIFEST))
    for name, digest in sorted(listed.items()):
        if sha256(folder / name) != digest:
            raise BundleError("%s: sha256 differs from %s (damaged or altered)" % (name, MANIFEST))
    return len(listed)


def unpack(bundle, into):
    """Extract the bundle into into/<name>/ (members may not leave it) and verify it."""
    bundle, into = Path(bundle).resolve(), Path(into).resolve()
    if not bundle.is_file():
        raise BundleError("%s: no such bundle" % bundle)
    name = bundle.name[:-len(".tar.gz")] if bundle.name.endswith(".tar.gz") else bundle.stem
    target = into / name
    stamp = into / (name + ".verified")
    if stamp.is_file() and stamp.read_text() == "%s %d" % (bundle, bundle.stat().st_mtime):
        return target
    shutil.rmtree(str(target), ignore_errors=True)
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(str(bundle)) as archive:
        for member in archive.getmembers():
            path = os.path.normpath(os.path.join(str(into), member.name))
            if not (path + os.sep).startswith(str(target) + os.sep) or not (
                    member.isfile() or member.isdir()):
                raise BundleError("%s: member %s is not a file or folder under %s/"
                                  % (bundle.name, member.name, name))
        archive.extractall(str(into))
    count = verify(target)
    stamp.write_text("%s %d" % (bundle, bundle.stat().st_mtime))
    log("%s: %d files verified against %s" % (name, count, MANIFEST))
    return target


def build(dist, python):
    # the build side needs the venv (PyYAML) and podman; unpack runs on the system Python alone
    import build_ee

    started = time.time()
    name = "fepkit-bundle-%s" % build_ee.version()
    stage = dist / "bundle" / name
    shutil.rmtree(str(stage), ignore_errors=True)
    stage.mkdir(parents=True)
    inputs = hashlib.sha256()
    for profile in ("default", "legacy"):
        for arch in ARCHES:
            wheels = build_ee.download_wheels(profile, stage / "wheels" / profile / arch, python,
                                              platform="manylinux2014_" + arch)
            inputs.update(" ".join(sorted(p.name for p in wheels.glob("*.whl"))).encode())
        # the EE build wrote them: dist/ee/<profile>/collections (make bundle runs make ee first)
        source = dist / "ee" / profile / "collections"
        tarballs = sorted(source.glob("*.tar.gz"))
        if not tarballs:
            raise BundleError("%s is empty: run `make ee` first" % source)
        target = stage / "collections" / profile
        target.mkdir(parents=True)
        for tarball in tarballs:
            shutil.copy2(str(tarball), str(target / tarball.name))
            inputs.update(tarball.name.encode() + build_ee.collection_digest(tarball).encode())
    tags = [build_ee.image_tag(profile) for profile in ("default", "legacy")]
    ids = [build_ee.image_id(tag) for tag in tags]
    commit = run(["git", "-C", str(REPO), "rev-parse", "HEAD"]).strip()
    inputs.update((" ".join(ids) + commit).encode())
    wanted = inputs.hexdigest()[:16]
    output = dist / (name + ".tar.gz")
    stamp = dist / (name + ".inputs")
    if output.is_file() and stamp.is_file() and stamp.read_text() == wanted:
        shutil.rmtree(str(stage), ignore_errors=True)
        log("%s is up to date (inputs %s)" % (output, wanted))
        return output
    (stage / "images").mkdir()
    run(["podman", "save", "-m", "--format", "docker-archive", "-o",
         str(stage / "images" / ("fepkit-ee-%s.tar" % build_ee.version()))] + tags)
    (stage / "source").mkdir()
    run(["git", "-C", str(REPO), "archive", "--format", "tar.gz", "--prefix",
         "fepkit-%s/" % build_ee.version(), "-o",
         str(stage / "source" / ("fepkit-%s.tar.gz" % build_ee.version())), "HEAD"])
    write_manifest(stage)
    partial = output.with_name(output.name + ".part")
    # gzip -1: the images are most of the bytes and compress little more at higher levels
    run(["tar", "-C", str(stage.parent), "-I", "gzip -1", "-cf", str(partial), name])
    os.replace(str(partial), str(output))
    (dist / (name + ".tar.gz.sha256")).write_text("%s  %s\n" % (sha256(output), output.name))
    stamp.write_text(wanted)
    shutil.rmtree(str(stage), ignore_errors=True)
    log("wrote %s (%.0f MB) in %.0f s" % (output, output.stat().st_size / 1e6,
                                          time.time() - started))
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="action", required=True)
    command = commands.add_parser("build", help="write dist/fepkit-bundle-<version>.tar.gz")
    command.add_argument("--dist", default=str(REPO / "dist"))
    command.add_argument("--python", default=sys.executable)
    command = commands.add_parser("unpack", help="verify and extract a bundle")
    command.add_argument("bundle")
    command.add_argument("--into", required=True)
    args = parser.parse_args(argv)
    try:
        if args.action == "build":
            try:
                build(Path(args.dist).resolve(), args.python)
            except Exception as error:  # podman/git failures from the lab helpers: one line
                if type(error).__name__ != "LabError":
                    raise
                raise BundleError(str(error))
        else:
            print(unpack(args.bundle, args.into))
    except BundleError as error:
        print("bundle: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
