"""Only the collections fepkit uses, at pinned versions (tools/install_collections.py)."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import install_collections as ic  # noqa: E402

FQCN = re.compile(r"^([a-z_]+)\.([a-z_]+)\.[a-z_]+$")


def task_modules(node):
    """FQCN keys of every task (a mapping with a name) found anywhere in a YAML document."""
    if isinstance(node, list):
        for item in node:
            yield from task_modules(item)
    elif isinstance(node, dict):
        if "name" in node:
            yield from (key for key in node if isinstance(key, str) and FQCN.match(key))
        for value in node.values():
            yield from task_modules(value)


def used_collections():
    """Collections whose modules the roles, playbooks and molecule scenarios call."""
    found = set()
    for folder in ("roles", "playbooks", "molecule"):
        for path in (ROOT / folder).rglob("*.yml"):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            found.update(".".join(FQCN.match(key).groups()) for key in task_modules(document))
    found -= {"ansible.builtin", "fepkit.fep"}  # fepkit.fep: this repository itself
    return found


def pins(requirements):
    return dict(ic.read_pins(str(ROOT / requirements)))


def test_every_collection_the_content_uses_is_pinned_in_both_profiles():
    used = used_collections()
    assert {"ansible.posix", "community.general"} <= used
    for requirements in ("requirements.yml", "requirements-legacy.yml"):
        assert used <= set(pins(requirements)), requirements
    assert set(pins("requirements.yml")) == set(pins("requirements-legacy.yml"))


def test_awx_reads_the_same_pins_as_make_setup():
    assert (ROOT / "collections" / "requirements.yml").resolve() == ROOT / "requirements.yml"


def installed_manifest(fqcn):
    namespace, name = fqcn.split(".")
    for entry in sys.path:
        manifest = Path(entry) / "ansible_collections" / namespace / name / "MANIFEST.json"
        if manifest.is_file():
            return json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]
    return None


def test_the_test_venv_runs_the_pinned_versions():
    profile = "requirements-legacy.yml" if "legacy" in sys.prefix else "requirements.yml"
    for fqcn, version in pins(profile).items():
        info = installed_manifest(fqcn)
        assert info is not None, fqcn
        assert info["version"] == version, fqcn


def fake_ansible_wheel(path, collections):
    """An ansible wheel's layout: ansible_collections/<ns>/<name>/… with a MANIFEST.json."""
    with zipfile.ZipFile(path, "w") as wheel:
        for fqcn, (version, extra) in collections.items():
            namespace, name = fqcn.split(".")
            prefix = "ansible_collections/%s/%s/" % (namespace, name)
            wheel.writestr(prefix + "MANIFEST.json", json.dumps({"collection_info": {
                "namespace": namespace, "name": name, "version": version}}))
            for member, text in extra.items():
                wheel.writestr(prefix + member, text)
        wheel.writestr("ansible-12.3.0.dist-info/METADATA", "Name: ansible\n")
    return path


def test_a_wheel_whose_collection_differs_from_the_pin_is_refused(tmp_path):
    wheel = fake_ansible_wheel(tmp_path / "ansible-12.3.0-py3-none-any.whl",
                               {"ansible.posix": ("2.0.0", {})})
    with pytest.raises(ic.InstallError, match=r"ansible.posix in ansible wheel is 2\.0\.0, "
                                              r"requirements pin 2\.1\.0"):
        ic.extract_collection(str(wheel), "ansible.posix", "2.1.0", str(tmp_path / "x"))


def test_a_member_leaving_the_collection_is_refused(tmp_path):
    wheel = fake_ansible_wheel(tmp_path / "ansible-12.3.0-py3-none-any.whl",
                               {"ansible.posix": ("2.1.0", {"../../../evil.py": "x"})})
    with pytest.raises(ic.InstallError, match="escapes the collection"):
        ic.extract_collection(str(wheel), "ansible.posix", "2.1.0", str(tmp_path / "x"))
    assert not (tmp_path / "evil.py").exists()


def test_pins_without_an_exact_version_are_refused(tmp_path):
    requirements = tmp_path / "requirements.yml"
    requirements.write_text("collections:\n  - name: ansible.posix\n    version: '>=1.5.0'\n")
    with pytest.raises(ic.InstallError, match="exact version"):
        ic.read_pins(str(requirements))


def test_an_installed_set_is_not_downloaded_again(tmp_path, monkeypatch, capsys):
    into = tmp_path / "site"
    for fqcn, version in pins("requirements.yml").items():
        namespace, name = fqcn.split(".")
        folder = into / "ansible_collections" / namespace / name
        folder.mkdir(parents=True)
        (folder / "MANIFEST.json").write_text(json.dumps({"collection_info": {"version": version}}))

    def no_download(*_):
        raise AssertionError("downloaded although installed")
    monkeypatch.setattr(ic, "download_wheel", no_download)
    args = ic.parse_args(["--requirements", str(ROOT / "requirements.yml"),
                          "--ansible-version", "12.3.0", "--into", str(into)])
    ic.install(args)
    assert "already installed" in capsys.readouterr().out


def wheel_of_the_venv_collections(wheel_dir, fqcns):
    """A wheel holding the collections this venv runs (their real files), as PyPI's would.

    Like PyPI's, its FILES.json lists files the wheel leaves out (CI scripts, tests).
    """
    wheel_dir.mkdir(exist_ok=True)
    with zipfile.ZipFile(wheel_dir / "ansible-12.3.0-py3-none-any.whl", "w") as wheel:
        for fqcn in fqcns:
            namespace, name = fqcn.split(".")
            source = next(Path(p) / "ansible_collections" / namespace / name for p in sys.path
                          if (Path(p) / "ansible_collections" / namespace / name).is_dir())
            prefix = "ansible_collections/%s/%s/" % (namespace, name)
            for path in source.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts \
                        and path.name not in ("FILES.json", "MANIFEST.json"):
                    wheel.write(path, prefix + str(path.relative_to(source)))
            # upstream's FILES.json (which ansible-galaxy rewrote on install) with an entry the
            # wheel leaves out, and the MANIFEST.json checksum of that FILES.json
            files = json.loads((source / "FILES.json").read_text(encoding="utf-8"))
            files["files"].append({"name": ".azure-pipelines/scripts/run-tests.sh", "ftype": "file",
                                   "chksum_type": "sha256", "chksum_sha256": "0" * 64,
                                   "format": 1})
            files_data = json.dumps(files).encode()
            manifest = json.loads((source / "MANIFEST.json").read_text(encoding="utf-8"))
            manifest["file_manifest_file"]["chksum_sha256"] = hashlib.sha256(files_data).hexdigest()
            wheel.writestr(prefix + "FILES.json", files_data)
            wheel.writestr(prefix + "MANIFEST.json", json.dumps(manifest))
    return wheel_dir


def profile_requirements(tmp_path, fqcns):
    """A requirements file pinning fqcns at the versions this venv's profile runs."""
    profile_pins = pins("requirements-legacy.yml" if "legacy" in sys.prefix else "requirements.yml")
    requirements = tmp_path / "requirements.yml"
    requirements.write_text(yaml.safe_dump({"collections": [
        {"name": k, "version": profile_pins[k]} for k in fqcns]}))
    return requirements, {k: profile_pins[k] for k in fqcns}


@pytest.mark.skipif(shutil.which("unshare") is None or os.geteuid() != 0,
                    reason="needs root and unshare -n to prove the install is offline")
def test_exported_tarballs_install_offline_and_are_reproducible(tmp_path):
    """--export writes galaxy artifacts (for the EE and the bundle); --from-dir installs them.

    The wheel's FILES.json lists .azure-pipelines/… which the wheel does not ship: exported as is,
    ansible-galaxy refuses the tarball ("Unable to extract '.azure-pipelines'").
    """
    wheel_dir = wheel_of_the_venv_collections(tmp_path / "wheels", ["ansible.posix"])
    requirements, wanted = profile_requirements(tmp_path, ["ansible.posix"])
    common = [sys.executable, str(ROOT / "tools" / "install_collections.py"),
              "--requirements", str(requirements), "--ansible-version", "12.3.0"]
    digests = []
    for attempt in ("one", "two"):
        export = tmp_path / attempt
        result = subprocess.run(common + ["--wheel-dir", str(wheel_dir), "--export", str(export)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                universal_newlines=True, timeout=300)
        assert result.returncode == 0, result.stdout
        tarball = export / ("ansible-posix-%s.tar.gz" % wanted["ansible.posix"])
        assert result.stdout.split() == [str(tarball)]
        digests.append(tarball.read_bytes())
    assert digests[0] == digests[1]  # the EE's input hash sees the same bytes for the same pins
    with tarfile.open(str(tarball)) as archive:
        names = archive.getnames()
        listed = json.load(archive.extractfile("FILES.json"))["files"]
    assert "MANIFEST.json" in names and not any(n.startswith("./") for n in names)
    assert {e["name"] for e in listed if e["ftype"] == "file"} <= set(names)
    into = tmp_path / "into"
    result = subprocess.run(["unshare", "-n"] + common + ["--from-dir", str(tmp_path / "one"),
                                                          "--into", str(into)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, timeout=300)
    assert result.returncode == 0, result.stdout
    installed = into / "ansible_collections" / "ansible" / "posix"
    assert json.loads((installed / "MANIFEST.json").read_text())["collection_info"]["version"] \
        == wanted["ansible.posix"]
    assert (installed / "plugins" / "modules" / "firewalld.py").is_file()


def test_install_from_a_folder_missing_a_tarball_names_it(tmp_path):
    args = ic.parse_args(["--requirements", str(ROOT / "requirements.yml"), "--ansible-version",
                          "12.3.0", "--from-dir", str(tmp_path), "--into", str(tmp_path / "x")])
    with pytest.raises(ic.InstallError, match=r"not in .*: ansible-posix-2\.1\.0\.tar\.gz"):
        ic.install(args)


@pytest.mark.skipif(shutil.which("unshare") is None or os.geteuid() != 0,
                    reason="needs root and unshare -n to prove the install is offline")
def test_offline_install_from_a_wheel_folder_with_the_real_ansible_galaxy(tmp_path):
    """The real ansible-galaxy installs the pinned collections from a local wheel, no network."""
    wheel_dir = wheel_of_the_venv_collections(tmp_path / "wheels",
                                              ["ansible.posix", "community.general"])
    requirements = tmp_path / "requirements.yml"
    wanted = {k: v for k, v in pins("requirements.yml").items()
              if k in ("ansible.posix", "community.general")}
    profile_pins = pins("requirements-legacy.yml" if "legacy" in sys.prefix
                        else "requirements.yml")
    requirements.write_text(yaml.safe_dump({"collections": [
        {"name": k, "version": profile_pins[k]} for k in wanted]}))
    into = tmp_path / "into"
    result = subprocess.run(
        ["unshare", "-n", sys.executable, str(ROOT / "tools" / "install_collections.py"),
         "--requirements", str(requirements), "--ansible-version", "12.3.0",
         "--wheel-dir", str(wheel_dir), "--into", str(into)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    assert result.returncode == 0, result.stdout
    for fqcn in wanted:
        namespace, name = fqcn.split(".")
        manifest = into / "ansible_collections" / namespace / name / "MANIFEST.json"
        assert json.loads(manifest.read_text())["collection_info"]["version"] == profile_pins[fqcn]
    assert (into / "ansible_collections" / "ansible" / "posix" / "plugins" / "modules"
            / "firewalld.py").is_file()
