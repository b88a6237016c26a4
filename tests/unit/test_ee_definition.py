"""execution-environment.yml stays in step with the default profile's pins (tools/build_ee.py)."""
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_ee  # noqa: E402


def test_the_definition_pins_what_requirements_txt_pins():
    data = yaml.safe_load((ROOT / "execution-environment.yml").read_text(encoding="utf-8"))
    pins = build_ee.pip_pins("default")
    assert data["version"] == 3
    assert data["dependencies"]["ansible_core"]["package_pip"] == pins["ansible-core"]
    assert data["dependencies"]["ansible_runner"]["package_pip"] == pins["ansible-runner"]
    assert data["options"]["tags"] == [build_ee.image_tag("default")]


def test_the_legacy_definition_takes_the_legacy_pins_and_tag():
    data = build_ee.definition("legacy", "requirements.yml", "collections", "wheels")
    pins = build_ee.pip_pins("legacy")
    assert data["dependencies"]["ansible_core"]["package_pip"] == pins["ansible-core"] \
        == "ansible-core==2.16.19"
    assert data["options"]["tags"] == ["localhost/fepkit-ee:%s-legacy" % build_ee.version()]
    assert {"src": "collections", "dest": "collections"} in data["additional_build_files"]
    # the build installs from the wheels in its context only: no index, no network
    assert "ENV PIP_NO_INDEX=1 PIP_FIND_LINKS=/wheels" in data["additional_build_steps"]["prepend_base"]
