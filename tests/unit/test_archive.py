# -*- coding: utf-8 -*-
"""Archives sent in by hospitals are untrusted: fep.archive.extract refuses every way out."""
import hashlib
import io
import json
import os
import tarfile

import pytest

from fep.archive import ArchiveError, collect, extract

MANIFEST = "fepkit/manifest.json"


def member(name, kind="file", data=b"", target=None, **pax):
    return {"name": name, "kind": kind, "data": data, "target": target, "pax": pax}


def manifest_for(members, **overrides):
    listed = {}
    for m in members:
        if m["kind"] == "file":
            listed[m["name"]] = {"type": "file", "size": len(m["data"]), "sha256": hashlib.sha256(m["data"]).hexdigest()}
        elif m["kind"] == "link":
            listed[m["name"]] = {"type": "link", "target": m["target"]}
    document = {"format": 1, "collector": {"name": "fep_snapshot", "version": "1.0"}, "members": listed}
    document.update(overrides)
    return json.dumps(document).encode("utf-8")


def write_archive(path, members, manifest=None):
    """A .tar.gz of ``members`` (dicts of member()) and, unless given, a manifest listing them."""
    entries = list(members) + [member(MANIFEST, data=manifest_for(members) if manifest is None else manifest)]
    with tarfile.open(str(path), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for m in entries:
            info = tarfile.TarInfo(m["name"])
            if m["pax"]:
                info.pax_headers = m["pax"]
            types = {"dir": tarfile.DIRTYPE, "link": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                     "chr": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}
            if m["kind"] == "file":
                info.size = len(m["data"])
                tar.addfile(info, io.BytesIO(m["data"]))
            else:
                info.type = types[m["kind"]]
                info.linkname = m["target"] or ""
                tar.addfile(info)
    return path


@pytest.fixture()
def box(tmp_path):
    """An extraction folder inside a parent whose other contents must never change."""
    dest = tmp_path / "box" / "dest"
    dest.mkdir(parents=True)
    return dest


def outside(box):
    """Everything under the box's parent except the destination itself."""
    parent = box.parent
    return sorted(str(p.relative_to(parent)) for p in parent.rglob("*") if box not in p.parents and p != box)


def refuse(tmp_path, box, members, match, manifest=None, limits=None):
    archive = write_archive(tmp_path / "hostile.tar.gz", members, manifest)
    with pytest.raises(ArchiveError, match=match):
        extract(str(archive), str(box), limits)
    assert outside(box) == []       # nothing written beside the folder
    assert os.listdir(str(box)) == []  # and the folder emptied


def test_a_well_formed_archive_extracts_with_its_links(tmp_path, box):
    members = [member("etc", "dir"), member("etc/os-release", data=b'ID="kylin"\n'),
               member("usr/share/zoneinfo/Asia/Shanghai", data=b"TZif2"),
               member("etc/localtime", "link", target="../usr/share/zoneinfo/Asia/Shanghai"),
               member("proc/1/fd/3", "link", target="socket:[123]")]
    manifest = extract(str(write_archive(tmp_path / "ok.tar.gz", members)), str(box))
    assert manifest["collector"]["version"] == "1.0"
    assert (box / "etc" / "localtime").read_bytes() == b"TZif2"
    assert os.readlink(str(box / "proc" / "1" / "fd" / "3")) == "socket:[123]"  # dangles inside: kept


@pytest.mark.parametrize("name", ["../evil", "etc/../../evil", "/tmp/evil", "./../evil"])
def test_member_names_that_leave_the_folder_are_refused(tmp_path, box, name):
    refuse(tmp_path, box, [member("etc/ok", data=b"x"), member(name, data=b"pwned")],
           "absolute path|leaves the archive")


@pytest.mark.parametrize("target", ["/etc", "/etc/shadow"])
def test_absolute_links_are_refused(tmp_path, box, target):
    refuse(tmp_path, box, [member("etc/os-release", "link", target=target)], "absolute path")


@pytest.mark.parametrize("links", [
    [("etc/os-release", "../../../../etc/shadow")],
    [("etc/up", "../..")],
    # each target looks inside on its own; followed, z/.. climbs out of the root
    [("z", "."), ("x/y/p", "../../z/..")],
], ids=["dotdot", "parent-of-root", "chain"])
def test_links_that_resolve_outside_are_refused(tmp_path, box, links):
    refuse(tmp_path, box, [member(name, "link", target=target) for name, target in links],
           "leads outside the archive")


def test_a_member_under_a_link_is_refused(tmp_path, box):
    # tar would write sys/x/evil through the link: outside the folder
    refuse(tmp_path, box, [member("sys", "dir"), member("sys/x", "link", target="."), member("sys/x/evil", data=b"1")],
           "a link with other members under it")


@pytest.mark.parametrize("kind,what", [("chr", "device"), ("fifo", "FIFO"), ("hardlink", "hard link")])
def test_special_members_are_refused(tmp_path, box, kind, what):
    refuse(tmp_path, box, [member("proc/meminfo", kind, target="etc/passwd")], what)


def test_too_many_members_is_refused(tmp_path, box):
    refuse(tmp_path, box, [member("proc/%d/comm" % i, data=b"x") for i in range(20)], "more than 10 members",
           limits={"members": 10})


def test_a_member_bigger_than_allowed_is_refused(tmp_path, box):
    refuse(tmp_path, box, [member("proc/cpuinfo", data=b"0" * 4096)], "4096 bytes, more than 1024",
           limits={"member_bytes": 1024})


def test_a_tar_bomb_stops_at_the_total(tmp_path, box):
    refuse(tmp_path, box, [member("f%d" % i, data=b"\0" * 600000) for i in range(4)], "MiB in total",
           limits={"bytes": 1024 * 1024})


def test_a_decompression_bomb_in_a_header_stops_at_the_limit(tmp_path, box):
    # a 5 MiB extended header is read by tarfile itself, before any member is seen
    refuse(tmp_path, box, [member("proc/cpuinfo", data=b"x", comment="A" * (5 * 1024 * 1024))],
           "once decompressed", limits={"bytes": 1024 * 1024, "members": 100})


def test_a_duplicate_member_is_refused(tmp_path, box):
    refuse(tmp_path, box, [member("etc/passwd", data=b"a"), member("etc/passwd", data=b"b")], "appears twice")


def test_without_a_manifest_the_archive_is_refused(tmp_path, box):
    archive = tmp_path / "plain.tar.gz"
    with tarfile.open(str(archive), "w:gz") as tar:
        info = tarfile.TarInfo("proc/meminfo")
        tar.addfile(info, io.BytesIO(b""))
    with pytest.raises(ArchiveError, match=r"no fepkit/manifest\.json"):
        extract(str(archive), str(box))


def test_a_member_changed_after_collection_is_refused(tmp_path, box):
    listed = [member("proc/meminfo", data=b"MemTotal: 1 kB\n")]
    tampered = [member("proc/meminfo", data=b"MemTotal: 999999999 kB\n")]
    refuse(tmp_path, box, tampered, "sha256 or size differs", manifest=manifest_for(listed))


def test_a_member_missing_from_the_manifest_is_refused(tmp_path, box):
    refuse(tmp_path, box, [member("proc/meminfo", data=b"x"), member("proc/extra", data=b"y")],
           "'proc/extra' is not in the manifest", manifest=manifest_for([member("proc/meminfo", data=b"x")]))


def test_a_listed_member_missing_from_the_archive_is_refused(tmp_path, box):
    refuse(tmp_path, box, [member("proc/meminfo", data=b"x")], "'proc/cpuinfo' is in the manifest but not",
           manifest=manifest_for([member("proc/meminfo", data=b"x"), member("proc/cpuinfo", data=b"y")]))


def test_a_manifest_without_version_is_refused(tmp_path, box):
    refuse(tmp_path, box, [member("proc/meminfo", data=b"x")], "no member list or collector version",
           manifest=manifest_for([member("proc/meminfo", data=b"x")], collector={}))


def test_not_an_archive(tmp_path, box):
    path = tmp_path / "x.tar.gz"
    path.write_bytes(b"\x1f\x8bnot gzip at all")
    with pytest.raises(ArchiveError, match=r"not a readable \.tar\.gz"):
        extract(str(path), str(box))


@pytest.mark.parametrize("url,says", [
    ("ftp://mirror.example.cn/10M.bin", "fep_bandwidth_probe_url: must be an http(s) URL, got 'ftp://"),
    (["http://a.example/"], "fep_bandwidth_probe_url: must be an http(s) URL"),
])
def test_unusable_recorded_probe_options_are_said_not_dropped(tmp_path, url, says):
    """The inventory has no probes: the archive's would be judged, but a forged one is refused and said."""
    live = json.dumps({"format": 1, "probes": {"config": {"bandwidth_url": url}, "results": {}}}).encode("utf-8")
    members = [member("fepkit/live.json", data=live)]
    manifest = manifest_for(members, options={"probes": {"bandwidth_url": url}}, host={"hostname": "srv01"})
    path = write_archive(tmp_path / "forged.tar.gz", members, manifest)
    facts, _manifest, probes = collect(str(path), {"probes": {}})
    assert probes == {}
    assert says in facts["unknown"]["probes"] and "fepkit/manifest.json options.probes" in facts["unknown"]["probes"]
