# -*- coding: utf-8 -*-
"""What each supported OS ends up with from the roles' layered OS data.

Both roles load a base and then the more specific vars files that exist, each
over the one before (tests/role_vars.py mirrors the order of their tasks).  The
effective values of every OS the molecule scenarios, the lab and the os-release
fixtures cover are spelled out here in full, so that removing an override (or
changing a base under an OS that relies on it) fails; an override that repeats
what the layers below give on every OS that loads it, or a vars file no OS loads,
fails too.

os-release files: tests/fixtures/os-release (real files of those releases).
ansible_facts of the firewall: what ansible-core's distribution facts report on
those systems (Kylin's major version is "V10"; older ansible-core reports UOS as
os_family Debian, newer as RedHat).
"""
import os

import pytest
import yaml

from fep.osinfo import parse_os_release
from tests import role_vars

FIXTURES = os.path.join(role_vars.REPO, "tests", "fixtures", "os-release")
OG = "__fep_opengauss_prereqs_"


def fields(name):
    with open(os.path.join(FIXTURES, name), encoding="utf-8") as handle:
        return parse_os_release(handle.read())


# -- fep_opengauss_prereqs ----------------------------------------------------------------------------

RPM = {
    "packages": {"bzip2": "bzip2", "libaio": "libaio", "libedit": "libedit", "libxml2": "libxml2",
                 "lz4": "lz4", "numactl": "numactl", "unixODBC": "unixODBC"},
    "documented_packages": ["libaio-devel", "flex", "bison", "ncurses-devel", "glibc-devel", "patch",
                            "redhat-lsb-core", "readline-devel"],
    "documented_packages_arch": {},
    "chrony_service": "chronyd",
    "chrony_conf": "/etc/chrony.conf",
    "locale_file": "/etc/locale.conf",
    "locale_packages": [],
    "locale_generate": False,
    "timezone_file": None,
}
DEB = {
    "packages": {"bzip2": "bzip2", "libaio": "libaio1", "libedit": "libedit2", "libxml2": "libxml2",
                 "lz4": "liblz4-1", "numactl": "libnuma1", "unixODBC": "unixodbc"},
    "documented_packages": ["libaio-dev", "flex", "bison", "libncurses-dev", "libc6-dev", "patch",
                            "lsb-release", "libreadline-dev"],
    "documented_packages_arch": {},
    "chrony_service": "chrony",
    "chrony_conf": "/etc/chrony/chrony.conf",
    "locale_file": "/etc/default/locale",
    "locale_packages": ["locales"],
    "locale_generate": True,
    "timezone_file": "/etc/timezone",
}
# openEuler and the UOS e-editions built on it: the installation guide adds libnsl on x86_64
OPENEULER = dict(RPM, documented_packages_arch={"x86_64": ["libnsl"]})
# UOS a-editions (Anolis OS 8, EL8): locales come in a langpack
UOS_A = dict(RPM, locale_packages=["glibc-langpack-en"])

# os-release fixture: (layers loaded, least specific first; effective OS values)
OPENGAUSS = {
    "kylin_v10_sp1_tercel": (["rpm.yml"], RPM),
    "kylin_v10_sp2_sword": (["rpm.yml"], RPM),
    "kylin_v10_sp3_lance": (["rpm.yml"], RPM),
    "kylin_v10_sp3_2403_halberd": (["rpm.yml"], RPM),
    "openeuler_20.03_lts": (["rpm.yml", "openeuler.yml"], OPENEULER),
    "openeuler_22.03_lts_ga": (["rpm.yml", "openeuler.yml"], OPENEULER),
    "openeuler_22.03_lts_sp3": (["rpm.yml", "openeuler.yml"], OPENEULER),
    "openeuler_24.03_lts": (["rpm.yml", "openeuler.yml"], OPENEULER),
    "uos_server_20_1050a": (["rpm.yml", "uos-20a.yml"], UOS_A),
    "uos_server_20_1060e": (["rpm.yml", "uos-20e.yml"], OPENEULER),
    "uos_server_20_1070e": (["rpm.yml", "uos-20e.yml"], OPENEULER),
    "centos_7": (["rpm.yml"], RPM),
    "rocky_9": (["rpm.yml"], RPM),
    "anolis_8": (["rpm.yml"], RPM),
    "opencloudos_8": (["rpm.yml"], RPM),
    "debian_12": (["deb.yml"], DEB),
    "ubuntu_22.04": (["deb.yml"], DEB),
    # desktops (the audit refuses them; the role would treat them as the Debian family they are)
    "kylin_desktop_v10": (["deb.yml"], DEB),
    "uos_desktop_20": (["deb.yml"], DEB),
}


def opengauss_constants():
    with open(os.path.join(role_vars.OPENGAUSS_ROLE, "vars", "main.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.mark.parametrize("fixture", sorted(OPENGAUSS))
def test_each_os_gets_its_opengauss_data_from_its_layers(fixture):
    layers, expected = OPENGAUSS[fixture]
    assert role_vars.opengauss_layers(fields(fixture)) == layers
    effective = role_vars.opengauss_vars(fields(fixture))
    assert {key[len(OG):]: value for key, value in effective.items() if key[len(OG):] in RPM} == expected
    # the role's constants reach every OS, and no layer adds a key the others lack
    constants = opengauss_constants()
    assert set(effective) == set(constants) | {OG + key for key in RPM}
    assert all(effective[key] == value for key, value in constants.items())


def test_every_opengauss_vars_file_is_loaded_by_some_os():
    used = {name for layers, _ in OPENGAUSS.values() for name in layers} | {"main.yml"}
    assert sorted(os.listdir(os.path.join(role_vars.OPENGAUSS_ROLE, "vars"))) == sorted(used)


def needless_values(role, chains):
    """``file: key`` of every value that no OS needs: without it, each OS that loads the file
    ends up with the same data (a copy of what the layers below give)."""
    def load(name):
        with open(os.path.join(role, "vars", name), encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}

    def effective(layers, drop=None):
        values = load("main.yml")
        for name in layers:
            values.update({key: value for key, value in load(name).items() if (name, key) != drop})
        return values

    files = {name for layers in chains for name in layers}
    return sorted("%s: %s" % (name, key) for name in files for key in load(name)
                  if all(effective(layers) == effective(layers, (name, key)) for layers in chains if name in layers))


def test_opengauss_overrides_only_say_what_differs():
    chains = {tuple(layers) for layers, _ in OPENGAUSS.values()}
    assert needless_values(role_vars.OPENGAUSS_ROLE, chains) == []


# -- fep_firewall ---------------------------------------------------------------------------------

SYSCONFIG = ("/etc/sysconfig/nftables.conf", "/etc/nftables/fepkit.nft")
UPSTREAM = ("/etc/nftables.conf", "/etc/nftables.d/fepkit.nft")

# (distribution, os_family, distribution_major_version): (layers loaded, nftables main config and fepkit's file)
FIREWALL = {
    ("Kylin Linux Advanced Server", "RedHat", "V10"): (["RedHat.yml"], SYSCONFIG),
    ("openEuler", "RedHat", "20"): (["RedHat.yml"], SYSCONFIG),
    ("openEuler", "RedHat", "22"): (["RedHat.yml"], SYSCONFIG),
    # older ansible-core: UOS is os_family Debian, yet RPM based
    ("Uos", "Debian", "20"): (["Uos.yml"], SYSCONFIG),
    ("Uos", "RedHat", "20"): (["RedHat.yml", "Uos.yml"], SYSCONFIG),
    ("CentOS", "RedHat", "7"): (["RedHat.yml"], SYSCONFIG),
    ("RedHat", "RedHat", "9"): (["RedHat.yml"], SYSCONFIG),
    ("Rocky", "RedHat", "9"): (["RedHat.yml"], SYSCONFIG),
    ("Debian", "Debian", "12"): ([], UPSTREAM),
    ("Ubuntu", "Debian", "22"): ([], UPSTREAM),
    ("openSUSE Leap", "Suse", "15"): ([], UPSTREAM),
}


def facts(key):
    return dict(zip(("distribution", "os_family", "distribution_major_version"), key))


@pytest.mark.parametrize("key", sorted(FIREWALL), ids=lambda key: "-".join(key))
def test_each_os_gets_its_nftables_layout_from_its_layers(key):
    layers, (main_config, nft_file) = FIREWALL[key]
    assert role_vars.firewall_layers(facts(key)) == layers
    effective = role_vars.firewall_vars(facts(key))
    assert (effective["__fep_firewall_nft_main_config"], effective["__fep_firewall_nft_file"]) == \
        (main_config, nft_file)


def test_every_firewall_vars_file_is_loaded_by_some_os():
    used = {name for layers, _ in FIREWALL.values() for name in layers} | {"main.yml"}
    assert sorted(os.listdir(os.path.join(role_vars.FIREWALL_ROLE, "vars"))) == sorted(used)


def test_firewall_overrides_only_say_what_differs():
    chains = {tuple(layers) for layers, _ in FIREWALL.values()}
    assert needless_values(role_vars.FIREWALL_ROLE, chains) == []
