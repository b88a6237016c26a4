"""The EE image's /etc/ansible/ansible.cfg is the repository's, without the checkout's paths
(tools/build_ee.py image_config): AWX and ansible-navigator run projects with no ansible.cfg."""
import configparser
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_ee  # noqa: E402


def parsed(text):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read_string(text)
    return {section: dict(parser[section]) for section in parser.sections()}


def test_the_image_config_is_the_repository_config_without_its_paths():
    repo = parsed((ROOT / "ansible.cfg").read_text(encoding="utf-8"))
    image = parsed(build_ee.image_config())
    for section, key in build_ee.CHECKOUT_ONLY:
        assert key in repo[section]  # a renamed key would silently stay in the image
        del repo[section][key]
    assert image == repo
    assert image["defaults"]["callbacks_enabled"] == "fepkit.fep.progress"
    assert image["defaults"]["forks"] == "50"
    assert image["ssh_connection"]["pipelining"] == "True"


def test_the_definition_copies_it_to_etc_ansible():
    for data in (yaml.safe_load((ROOT / "execution-environment.yml").read_text(encoding="utf-8")),
                 build_ee.definition("legacy", "requirements.yml", "collections", "wheels")):
        sources = {entry["dest"]: entry["src"] for entry in data["additional_build_files"]}
        assert sources["configs"].endswith("ansible.cfg")
        assert "COPY _build/configs/ansible.cfg /etc/ansible/ansible.cfg" in \
            data["additional_build_steps"]["append_final"]
