"""fep.osinfo against real-shaped os-release files and snapshot roots."""
import os
from pathlib import Path

import pytest

from fep.osinfo import classify_os, gather_os, parse_os_release, parse_release_line
from fep.sysread import SysReader

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "os-release"

KYLIN = "Kylin Linux Advanced Server"


def _kylin_server(codename, release):
    return {
        "name": KYLIN, "version": f"V10 ({codename})", "version_id": "V10", "id": "kylin",
        "pretty_name": f"{KYLIN} V10 ({codename})", "codename": codename, "platform_id": None,
        "category": "kylin", "server_edition": True, "pkg_mgr_family": "rpm", "pkg_mgr": "dnf",
        "edition_note": f"{KYLIN} V10 {release} ({codename})",
    }


def _openeuler(version, version_id, note):
    return {
        "name": "openEuler", "version": version, "version_id": version_id, "id": "openEuler",
        "pretty_name": f"openEuler {version}", "codename": None, "platform_id": None,
        "category": "openeuler", "server_edition": True, "pkg_mgr_family": "rpm",
        "pkg_mgr": "dnf", "edition_note": note,
    }


def _uos_server(name, codename, platform_id, note):
    return {
        "name": name, "version": "20", "version_id": "20", "id": "uos", "pretty_name": name,
        "codename": codename, "platform_id": platform_id, "category": "uos",
        "server_edition": True, "pkg_mgr_family": "rpm", "pkg_mgr": "dnf", "edition_note": note,
    }


def _plain(name, version, version_id, os_id, pretty, codename, platform_id, category,
           server, family, manager):
    return {
        "name": name, "version": version, "version_id": version_id, "id": os_id,
        "pretty_name": pretty, "codename": codename, "platform_id": platform_id,
        "category": category, "server_edition": server, "pkg_mgr_family": family,
        "pkg_mgr": manager, "edition_note": None,
    }


UOS_E_NOTE = "UOS Server 20 e-edition (openEuler based, fuyu)"

EXPECTED = {
    "kylin_v10_sp1_tercel": _kylin_server("Tercel", "SP1"),
    "kylin_v10_sp2_sword": _kylin_server("Sword", "SP2"),
    "kylin_v10_sp3_lance": _kylin_server("Lance", "SP3"),
    "kylin_v10_sp3_2403_halberd": _kylin_server("Halberd", "SP3-2403"),
    "kylin_desktop_v10": {
        "name": "Kylin", "version": "银河麒麟桌面操作系统V10 (SP1)", "version_id": "v10",
        "id": "kylin", "pretty_name": "Kylin V10 SP1", "codename": "kylin", "platform_id": None,
        "category": "kylin", "server_edition": False, "pkg_mgr_family": "deb", "pkg_mgr": "apt",
        "edition_note": "Kylin desktop edition (Debian based): not a server edition",
    },
    "openeuler_20.03_lts": _openeuler("20.03 (LTS)", "20.03", "openEuler 20.03 LTS"),
    "openeuler_22.03_lts_ga": _openeuler("22.03 LTS", "22.03", "openEuler 22.03 LTS"),
    "openeuler_22.03_lts_sp3": _openeuler("22.03 (LTS-SP3)", "22.03", "openEuler 22.03 LTS-SP3"),
    "openeuler_24.03_lts": _openeuler("24.03 (LTS)", "24.03", "openEuler 24.03 LTS"),
    "uos_server_20_1050a": _uos_server("UnionTech OS Server 20", "kongzi", "platform:uelc20",
                                       "UOS Server 20 a-edition (Anolis based, kongzi)"),
    "uos_server_20_1060e": _uos_server("UOS Server 20", "fuyu", "platform:uel20", UOS_E_NOTE),
    "uos_server_20_1070e": _uos_server("UOS Server 20", "fuyu", "platform:uel20", UOS_E_NOTE),
    "uos_desktop_20": {
        "name": "uos", "version": "20", "version_id": "20", "id": "uos",
        "pretty_name": "UnionTech OS Desktop 20 Pro", "codename": "eagle", "platform_id": None,
        "category": "uos", "server_edition": False, "pkg_mgr_family": "deb", "pkg_mgr": "apt",
        "edition_note": "UOS desktop edition: not a server edition",
    },
    "anolis_8": _plain("Anolis OS", "8.8", "8.8", "anolis", "Anolis OS 8.8", None,
                       "platform:an8", "other_domestic", True, "rpm", "dnf"),
    "opencloudos_8": _plain("OpenCloudOS", "8.8", "8.8", "opencloudos", "OpenCloudOS 8.8", None,
                            "platform:oc8", "other_domestic", True, "rpm", "dnf"),
    "centos_7": _plain("CentOS Linux", "7 (Core)", "7", "centos", "CentOS Linux 7 (Core)", "Core",
                       None, "non_domestic", None, "rpm", "yum"),
    "rocky_9": _plain("Rocky Linux", "9.3 (Blue Onyx)", "9.3", "rocky",
                      "Rocky Linux 9.3 (Blue Onyx)", "Blue Onyx", "platform:el9", "non_domestic",
                      None, "rpm", "dnf"),
    "ubuntu_22.04": _plain("Ubuntu", "22.04.4 LTS (Jammy Jellyfish)", "22.04", "ubuntu",
                           "Ubuntu 22.04.4 LTS", "jammy", None, "non_domestic", None, "deb", "apt"),
    "debian_12": _plain("Debian GNU/Linux", "12 (bookworm)", "12", "debian",
                        "Debian GNU/Linux 12 (bookworm)", "bookworm", None, "non_domestic", None,
                        "deb", "apt"),
}


def _fixture(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def test_every_fixture_is_covered():
    assert sorted(os.listdir(FIXTURES)) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_classify_os(name):
    assert classify_os(parse_os_release(_fixture(name))) == EXPECTED[name]


def _root(tmp_path, files):
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return SysReader(str(tmp_path))


KERNEL_FILES = {
    "proc/sys/kernel/osrelease": "4.19.90-52.22.v2207.ky10.aarch64\n",
    "proc/sys/kernel/hostname": "his-fep-01\n",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_gather_os_from_a_snapshot(tmp_path, name):
    reader = _root(tmp_path, dict(KERNEL_FILES, **{"etc/os-release": _fixture(name)}))
    expected = dict(EXPECTED[name], source="/etc/os-release",
                    kernel="4.19.90-52.22.v2207.ky10.aarch64", hostname="his-fep-01")
    assert gather_os(reader) == expected
    assert reader.unknown == {}


def test_usr_lib_os_release_when_etc_has_none(tmp_path):
    reader = _root(tmp_path, dict(KERNEL_FILES, **{
        "usr/lib/os-release": _fixture("openeuler_22.03_lts_sp3")}))
    facts = gather_os(reader)
    assert (facts["category"], facts["source"]) == ("openeuler", "/usr/lib/os-release")


def test_absolute_symlink_stays_inside_the_snapshot(tmp_path):
    reader = _root(tmp_path, dict(KERNEL_FILES, **{"usr/lib/os-release": _fixture("kylin_v10_sp3_lance")}))
    (tmp_path / "etc").mkdir()
    # as on the real system; followed naively it would read the auditing machine's file
    os.symlink("/usr/lib/os-release", str(tmp_path / "etc" / "os-release"))
    facts = gather_os(reader)
    assert (facts["category"], facts["codename"]) == ("kylin", "Lance")
    assert facts["source"] == "/etc/os-release"


@pytest.mark.parametrize("rel, text, expected", [
    ("etc/kylin-release", "Kylin Linux Advanced Server release V10 (Lance)\n",
     {"name": KYLIN, "version": "V10 (Lance)", "version_id": "V10", "id": "kylin",
      "codename": "Lance", "category": "kylin", "server_edition": True, "pkg_mgr": "dnf",
      "edition_note": f"{KYLIN} V10 SP3 (Lance)"}),
    ("etc/openEuler-release", "openEuler release 22.03 (LTS-SP3)\n",
     {"name": "openEuler", "version": "22.03 (LTS-SP3)", "version_id": "22.03", "id": "openEuler",
      "codename": None, "category": "openeuler", "server_edition": True, "pkg_mgr": "dnf",
      "edition_note": "openEuler 22.03 LTS-SP3"}),
    ("etc/uos-release", "UnionTech OS Server release 20 (kongzi)\n",
     {"name": "UnionTech OS Server", "version": "20 (kongzi)", "version_id": "20", "id": "uos",
      "codename": "kongzi", "platform_id": None, "category": "uos", "server_edition": True,
      "pkg_mgr_family": "rpm", "pkg_mgr": "dnf",
      "edition_note": "UOS Server 20 a-edition (Anolis based, kongzi)"}),
])
def test_vendor_release_file_fallback(tmp_path, rel, text, expected):
    reader = _root(tmp_path, dict(KERNEL_FILES, **{rel: text}))
    facts = gather_os(reader)
    assert {key: facts[key] for key in expected} == expected
    assert facts["source"] == "/" + rel
    assert reader.unknown == {}


def test_nothing_to_read_is_unknown_with_reasons(tmp_path):
    reader = SysReader(str(tmp_path))
    facts = gather_os(reader)
    assert facts["category"] == "unknown"
    assert (facts["server_edition"], facts["pkg_mgr"], facts["source"]) == (None, None, None)
    assert (facts["kernel"], facts["hostname"]) == (None, None)
    assert reader.unknown == {
        "os": "no /etc/os-release, /usr/lib/os-release or vendor release file",
        "os.kernel": "/proc/sys/kernel/osrelease is missing or empty",
        "os.hostname": "/proc/sys/kernel/hostname is missing or empty",
    }


def test_os_release_that_is_a_directory_falls_through(tmp_path):
    reader = _root(tmp_path, dict(KERNEL_FILES, **{"usr/lib/os-release": _fixture("anolis_8")}))
    (tmp_path / "etc" / "os-release").mkdir(parents=True)
    assert gather_os(reader)["category"] == "other_domestic"


# -- pure parsers ----------------------------------------------------------------------

def test_parse_os_release_quoting_comments_and_junk():
    text = (
        "# written by hand\n"
        "\n"
        "NAME='Single Quoted'\n"
        'PRETTY_NAME="Say \\"hi\\" \\$HOME"\n'
        "ID=bare\n"
        "   VERSION_ID=\"1.0\"   \n"
        "EMPTY=\n"
        "not a key value line\n"
        "BAD KEY=x\n"
        'UNBALANCED="oops\n'
        "=novalue\n"
    )
    assert parse_os_release(text) == {
        "NAME": "Single Quoted", "PRETTY_NAME": 'Say "hi" $HOME', "ID": "bare",
        "VERSION_ID": "1.0", "EMPTY": "", "UNBALANCED": "oops",
    }


@pytest.mark.parametrize("text", [None, "", "\x00\x01garbage"])
def test_parse_os_release_never_raises(text):
    assert parse_os_release(text) == {}


@pytest.mark.parametrize("text", [None, "", "no release word here\n"])
def test_parse_release_line_without_a_release_line(text):
    assert parse_release_line(text, "kylin") == {}


@pytest.mark.parametrize("fields, expected", [
    ({}, ("unknown", None, None, None, "no ID in os-release")),
    ({"ID": "someos", "ID_LIKE": "rhel fedora", "VERSION_ID": "7"},
     ("unknown", None, "rpm", "yum", "ID 'someos' is not a distribution this audit knows")),
    ({"ID": "tencentos", "VERSION_ID": "3.1", "PLATFORM_ID": "platform:el8"},
     ("other_domestic", True, "rpm", "dnf", None)),
    ({"ID": "euleros", "VERSION_ID": "2.0"}, ("other_domestic", True, "rpm", "yum", None)),
    ({"ID": "FusionOS", "VERSION_ID": "23"}, ("other_domestic", True, "rpm", "dnf", None)),
    ({"ID": "deepin", "VERSION_ID": "20.9"}, ("other_domestic", False, "deb", "apt", None)),
    ({"ID": "sles", "VERSION_ID": "15.5"}, ("non_domestic", None, "rpm", "zypper", None)),
    ({"ID": "kylin", "NAME": "Kylin", "VERSION_ID": "V10"},
     ("kylin", None, "rpm", "dnf", "Kylin edition not stated in os-release")),
    ({"ID": "uos", "NAME": "UnionTech OS Server 20 Enterprise-C", "VERSION_ID": "20"},
     ("uos", True, "deb", "apt", "UOS Server without PLATFORM_ID (Debian based edition)")),
    ({"ID": "uos", "NAME": "uos", "VERSION_ID": "20"},
     ("uos", None, None, None, "UOS edition not stated in os-release")),
])
def test_classify_os_edge_cases(fields, expected):
    result = classify_os(fields)
    assert (result["category"], result["server_edition"], result["pkg_mgr_family"],
            result["pkg_mgr"], result["edition_note"]) == expected
