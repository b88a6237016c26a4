# -*- coding: utf-8 -*-
"""The fep_firewall role's interface is consistent: defaults, argument_specs, docs, vars."""
import re
from pathlib import Path

import pytest
import yaml

from fep.checks.sheet import DEFAULT_PORTS
from tests.role_vars import firewall_vars

REPO = Path(__file__).resolve().parents[2]
ROLE = REPO / "roles" / "fep_firewall"
DEFAULTS = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
SPEC = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"]


def test_every_default_is_in_the_argument_spec_with_the_same_default():
    for name, value in DEFAULTS.items():
        assert name in SPEC, name
        if "default" in SPEC[name]:
            assert SPEC[name]["default"] == value, name


def test_every_input_but_the_audit_s_port_map_has_a_default():
    assert set(SPEC) - set(DEFAULTS) == {"fep_ports"}


def test_service_names_in_the_spec_are_the_audit_s():
    services = list(DEFAULT_PORTS)
    assert list(SPEC["fep_ports"]["options"]) == services
    for zone in ("intranet", "extranet"):
        assert SPEC["fep_firewall_zones"]["options"][zone]["options"]["ports"]["choices"] == services
        assert SPEC["fep_firewall_zone_ports"]["options"][zone]["choices"] == services


def test_zone_ports_are_the_sheet_s():
    # 附件1 二、: hospital systems (API, DB) and doctors on the intranet; the platform and doctors outside
    assert DEFAULTS["fep_firewall_zone_ports"] == {"intranet": ["data_api", "database", "web"],
                                                   "extranet": ["config_update", "monitoring", "web"]}


@pytest.mark.parametrize("doc", ["docs/firewall.md", "roles/fep_firewall/README.md"])
def test_every_variable_is_documented(doc):
    documented = set(re.findall(r"`(fep_[a-z_]+)`", (REPO / doc).read_text()))
    assert set(SPEC) - documented == set()


def test_the_helper_script_is_posix_sh():
    text = (ROLE / "templates" / "fepkit-firewall.sh.j2").read_text()
    assert text.startswith("#!/bin/sh\n")
    assert "[[" not in text and "function " not in text


def test_the_helper_script_renders_to_valid_sh(tmp_path):
    import subprocess

    import jinja2

    # what Kylin V10 gets (tests/unit/test_role_os_vars.py: every OS's paths)
    variables = dict(firewall_vars({"distribution": "Kylin Linux Advanced Server", "os_family": "RedHat",
                                    "distribution_major_version": "V10"}), **DEFAULTS)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["quote"] = lambda s: "'" + str(s).replace("'", "'\"'\"'") + "'"
    script = tmp_path / "fepkit-firewall"
    script.write_text(env.from_string((ROLE / "templates" / "fepkit-firewall.sh.j2").read_text()).render(variables))
    proc = subprocess.run(["sh", "-n", str(script)], stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "NFT_FILES='/etc/nftables/fepkit.nft /etc/sysconfig/nftables.conf " \
           "/etc/systemd/system/fepkit-firewall.service'" in script.read_text()
