"""Only the collections fepkit uses, at pinned versions (tools/install_collections.py)."""
import json
import os
import re
import shutil
import subprocess
import sys
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


@pytest.mark.skipif(shutil.which("unshare") is None or os.geteuid() != 0,
                    reason="needs root and unshare -n to prove the install is offline")
def test_offline_install_from_a_wheel_folder_with_the_real_ansible_galaxy(tmp_path):
    """The real ansible-galaxy installs the pinned collections from a local wheel, no network."""
    wheel_dir = tmp_path / "wheels"
    wheel_dir.mkdir()
    # a wheel holding the collections this venv runs (their real files), as PyPI's would
    with zipfile.ZipFile(wheel_dir / "ansible-12.3.0-py3-none-any.whl", "w") as wheel:
        for fqcn in ("ansible.posix", "community.general"):
            namespace, name = fqcn.split(".")
            source = next(Path(p) / "ansible_collections" / namespace / name for p in sys.path
                          if (Path(p) / "ansible_collections" / namespace / name).is_dir())
            for path in source.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    wheel.write(path, "ansible_collections/%s/%s/%s"
                                % (namespace, name, path.relative_to(source)))
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
