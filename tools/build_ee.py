#!/usr/bin/env python3
"""Build fepkit's execution environment images with ansible-builder and podman, no registry.

    build_ee.py --profile default --ansible-version 12.3.0   -> localhost/fepkit-ee:<version>
    build_ee.py --profile legacy  --ansible-version 9.13.0   -> localhost/fepkit-ee:<version>-legacy

For each profile it writes ``dist/ee/<profile>/``: the pinned collections as tarballs
(tools/install_collections.py --export, from the pinned ``ansible`` wheel), the fepkit.fep
tarball, a ``type: file`` requirements file naming them, and the definition
(execution-environment.yml with the profile's ansible-core/ansible-runner pins). The base is
the lab's debootstrapped Debian 12 (tests/lab/lab.py) under a thin layer (tools/ee/Containerfile).

Images are labelled with a hash of their inputs (the definition, the collections' MANIFEST.json
and FILES.json, the base image) and rebuilt only when it changes, like the lab images: `make
test` builds each once. Test and build plumbing, not used by the audit.
"""
import argparse
import configparser
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.lab.lab import BASE_IMAGE, LabError, build_base_image, image_id, image_label, run  # noqa: E402

EE_BASE_IMAGE = "localhost/fepkit-ee-base:12"
EE_BASE_DIR = REPO / "tools" / "ee"
EE_IMAGE = "localhost/fepkit-ee"
INPUTS_LABEL = "org.fepkit.ee.inputs"
DEFINITION = REPO / "execution-environment.yml"
PROFILES = {"default": "", "legacy": "-legacy"}  # profile -> suffix of requirements*.txt/yml
# settings of the checkout that do not apply in the image: there the collection is installed and
# AWX, ansible-navigator or the user name the inventory
CHECKOUT_ONLY = [("defaults", "inventory"), ("defaults", "collections_path"), ("defaults", "roles_path")]


def log(message):
    print("ee: " + message, flush=True)


def version():
    return yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))["version"]


def image_tag(profile):
    return "%s:%s%s" % (EE_IMAGE, version(), PROFILES[profile])


def pip_pins(profile):
    """{package: 'package==version'} from requirements<suffix>.txt."""
    pins = {}
    for line in (REPO / ("requirements%s.txt" % PROFILES[profile])).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        if match:
            pins[match.group(1).lower()] = match.group(0)
    return pins


def image_config():
    """The image's /etc/ansible/ansible.cfg: the repository's ansible.cfg without its checkout paths.

    AWX runs a job in the project folder and ansible-navigator in the user's; neither has our
    ansible.cfg unless the project is this repository. Without it the audit would run with 5
    forks, no pipelining, interpreter warnings and no progress callback (callbacks_enabled: a
    collection cannot enable its callback itself). In the image's default place, a project's own
    ansible.cfg still replaces it as a whole (docs/distribution.md "Settings in the image").
    """
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keep the keys as written
    parser.read_string((REPO / "ansible.cfg").read_text(encoding="utf-8"))
    for section, key in CHECKOUT_ONLY:
        parser.remove_option(section, key)
    text = io.StringIO()
    parser.write(text)
    return ("# /etc/ansible/ansible.cfg of fepkit's execution environment, written by tools/build_ee.py\n"
            "# from the repository's ansible.cfg (its comments say why each setting is there)\n\n"
            + text.getvalue())


def definition(profile, requirements, collections, wheels, config="ansible.cfg"):
    """execution-environment.yml with the profile's pins and the paths of its build folder."""
    data = yaml.safe_load(DEFINITION.read_text(encoding="utf-8"))
    pins = pip_pins(profile)
    deps = data["dependencies"]
    deps["ansible_core"]["package_pip"] = pins["ansible-core"]
    deps["ansible_runner"]["package_pip"] = pins["ansible-runner"]
    deps["galaxy"] = str(requirements)
    data["additional_build_files"] = [{"src": str(collections), "dest": "collections"},
                                      {"src": str(wheels), "dest": "wheels"},
                                      {"src": str(config), "dest": "configs"}]
    data["options"]["tags"] = [image_tag(profile)]
    return data


def build_ee_base():
    """tools/ee/Containerfile FROM the lab's Debian image, rebuilt when either changes."""
    build_base_image()
    wanted = hashlib.sha256((EE_BASE_DIR / "Containerfile").read_bytes()
                            + image_id(BASE_IMAGE).encode()).hexdigest()[:16]
    if image_label(EE_BASE_IMAGE, INPUTS_LABEL) == wanted:
        return
    run(["podman", "build", "--pull=never", "--quiet", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE,
         "--label", "%s=%s" % (INPUTS_LABEL, wanted), "--tag", EE_BASE_IMAGE, str(EE_BASE_DIR)],
        capture=False)
    log("built %s" % EE_BASE_IMAGE)


def collection_digest(tarball):
    """What a collection tarball holds, independent of its timestamps: MANIFEST + FILES.json."""
    digest = hashlib.sha256()
    with tarfile.open(str(tarball)) as archive:
        for name in ("MANIFEST.json", "FILES.json"):
            digest.update(archive.extractfile(name).read())
    return digest.hexdigest()


# pip installs these inside the build, besides the runtime requirements: ansible-builder's
# builder stage (bindep and what its introspection imports) and final stage (dumb-init)
BUILD_TOOLS = ["bindep", "PyYAML", "packaging", "dumb-init==1.2.5"]


def download_wheels(profile, dest, python, platform="manylinux2014_x86_64", extra=()):
    """pip download the profile's runtime wheels (pinned by its constraints) for a platform.

    Containers here reach PyPI only through an interception proxy their CA store does not
    trust, and a province builds without any network: the EE build installs from these.
    """
    suffix = PROFILES[profile]
    dest.mkdir(parents=True, exist_ok=True)
    run([python, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--platform", platform,
         "--python-version", "3.11", "--implementation", "cp", "--dest", str(dest),
         "-r", str(REPO / ("requirements%s.txt" % suffix)),
         "-c", str(REPO / ("constraints%s.txt" % suffix))] + list(extra))
    return dest


def prepare(profile, ansible_version, dist, python, wheel_dir=""):
    """dist/ee/<profile>/: collections/, wheels/, ansible.cfg, requirements.yml, execution-environment.yml."""
    work = dist / "ee" / profile
    collections = work / "collections"
    shutil.rmtree(str(collections), ignore_errors=True)
    collections.mkdir(parents=True)
    suffix = PROFILES[profile]
    run([python, str(REPO / "tools" / "install_collections.py"),
         "--requirements", str(REPO / ("requirements%s.yml" % suffix)),
         "--ansible-version", ansible_version, "--export", str(collections)]
        + (["--wheel-dir", wheel_dir] if wheel_dir else []))
    galaxy = os.path.join(os.path.dirname(python), "ansible-galaxy")
    run([galaxy, "collection", "build", "--force", "--output-path", str(collections), str(REPO)])
    tarballs = sorted(collections.glob("*.tar.gz"))
    wheels = download_wheels(profile, work / "wheels", python, extra=BUILD_TOOLS)
    (work / "requirements.yml").write_text(yaml.safe_dump({"collections": [
        {"name": "collections/" + t.name, "type": "file"} for t in tarballs]}))
    config = image_config()
    (work / "ansible.cfg").write_text(config, encoding="utf-8")
    data = definition(profile, "requirements.yml", "collections", "wheels", "ansible.cfg")
    (work / "execution-environment.yml").write_text(
        "# written by tools/build_ee.py from execution-environment.yml\n"
        + yaml.safe_dump(data, sort_keys=False))
    inputs = hashlib.sha256(yaml.safe_dump(data, sort_keys=True).encode())
    inputs.update(image_id(EE_BASE_IMAGE).encode())
    inputs.update(config.encode("utf-8"))
    for tarball in tarballs:
        inputs.update(tarball.name.encode() + collection_digest(tarball).encode())
    for wheel in sorted(wheels.glob("*.whl")):  # a wheel's name carries its version and tags
        inputs.update(wheel.name.encode())
    return work, inputs.hexdigest()[:16]


def build(profile, ansible_version, dist, python, wheel_dir=""):
    build_ee_base()
    tag = image_tag(profile)
    work, wanted = prepare(profile, ansible_version, dist, python, wheel_dir)
    if image_label(tag, INPUTS_LABEL) == wanted:
        log("%s is up to date (inputs %s)" % (tag, wanted))
        return tag
    started = time.time()
    builder = os.path.join(os.path.dirname(python), "ansible-builder")
    result = subprocess.run(
        [builder, "build", "--container-runtime", "podman", "-f", "execution-environment.yml",
         "-c", "context", "-t", tag, "-v", "2",
         "--extra-build-cli-args", "--label %s=%s --pull=never" % (INPUTS_LABEL, wanted)],
        cwd=str(work))
    if result.returncode != 0:
        raise LabError("ansible-builder build of %s failed (rc=%d, context %s/context)"
                       % (tag, result.returncode, work))
    run(["podman", "image", "prune", "--force", "--filter", "label=" + INPUTS_LABEL], check=False)
    log("built %s in %.0f s" % (tag, time.time() - started))
    return tag


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), required=True)
    parser.add_argument("--ansible-version", required=True,
                        help="the PyPI ansible release the pinned collections come from")
    parser.add_argument("--dist", default=str(REPO / "dist"))
    parser.add_argument("--python", default=sys.executable, help="the venv with ansible-builder")
    parser.add_argument("--wheel-dir", default="", help="folder holding the ansible wheel (offline)")
    args = parser.parse_args(argv)
    try:
        build(args.profile, args.ansible_version, Path(args.dist).resolve(), args.python,
              args.wheel_dir)
    except LabError as error:
        print("build_ee: %s" % error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
