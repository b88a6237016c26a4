"""The offline bundle is installed only when every file matches its SHA256SUMS (tools/bundle.py)."""
import io
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import bundle  # noqa: E402


def make_bundle(tmp_path, tamper=None):
    """A small bundle with the real layout; tamper(folder) alters it after SHA256SUMS is written."""
    folder = tmp_path / "stage" / "fepkit-bundle-0.1.0"
    wheels = folder / "wheels" / "default" / "x86_64"
    wheels.mkdir(parents=True)
    (wheels / "ansible_core-2.19.14-py3-none-any.whl").write_bytes(b"wheel bytes")
    (folder / "collections" / "default").mkdir(parents=True)
    (folder / "collections" / "default" / "ansible-posix-2.1.0.tar.gz").write_bytes(b"tarball")
    bundle.write_manifest(folder)
    if tamper:
        tamper(folder)
    output = tmp_path / "fepkit-bundle-0.1.0.tar.gz"
    with tarfile.open(str(output), "w:gz") as archive:
        archive.add(str(folder), arcname=folder.name)
    return output


def test_an_intact_bundle_unpacks_and_verifies(tmp_path):
    target = bundle.unpack(make_bundle(tmp_path), tmp_path / "offline")
    assert (target / "wheels" / "default" / "x86_64" / "ansible_core-2.19.14-py3-none-any.whl").is_file()
    manifest = (target / "SHA256SUMS").read_text()
    assert "  collections/default/ansible-posix-2.1.0.tar.gz\n" in manifest


def test_an_altered_file_is_refused_by_name(tmp_path):
    def alter(folder):
        (folder / "collections" / "default" / "ansible-posix-2.1.0.tar.gz").write_bytes(b"evil")
    with pytest.raises(bundle.BundleError, match=r"collections/default/ansible-posix-2\.1\.0\.tar\.gz: "
                                                 r"sha256 differs"):
        bundle.unpack(make_bundle(tmp_path, alter), tmp_path / "offline")


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path):
    def add(folder):
        (folder / "wheels" / "default" / "x86_64" / "extra-1.0-py3-none-any.whl").write_bytes(b"x")
    with pytest.raises(bundle.BundleError, match=r"extra-1\.0-py3-none-any\.whl: in the bundle but not"):
        bundle.unpack(make_bundle(tmp_path, add), tmp_path / "offline")


def test_a_missing_file_is_refused(tmp_path):
    def remove(folder):
        (folder / "wheels" / "default" / "x86_64" / "ansible_core-2.19.14-py3-none-any.whl").unlink()
    with pytest.raises(bundle.BundleError, match=r"ansible_core-2\.19\.14-py3-none-any\.whl: missing"):
        bundle.unpack(make_bundle(tmp_path, remove), tmp_path / "offline")


@pytest.mark.parametrize("name,kind", [("fepkit-bundle-0.1.0/../../escape", tarfile.REGTYPE),
                                       ("fepkit-bundle-0.1.0/link", tarfile.SYMTYPE)])
def test_members_leaving_the_folder_or_links_are_refused_before_extracting(tmp_path, name, kind):
    output = tmp_path / "fepkit-bundle-0.1.0.tar.gz"
    with tarfile.open(str(output), "w:gz") as archive:
        member = tarfile.TarInfo(name)
        member.type = kind
        member.linkname = "/etc/passwd" if kind == tarfile.SYMTYPE else ""
        archive.addfile(member, io.BytesIO(b""))
    with pytest.raises(bundle.BundleError, match="is not a file or folder under"):
        bundle.unpack(output, tmp_path / "offline" / "x")
    assert not [p for p in (tmp_path / "offline").rglob("*") if not p.is_dir()]
    assert not (tmp_path / "escape").exists()
