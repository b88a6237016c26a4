# -*- coding: utf-8 -*-
"""The one writer of results.json, the reports and the survey forms (report/private.py)."""
import os
import stat

import pytest

from fep.report.private import private_dir, write_private


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


@pytest.mark.parametrize("content,expected", [("江城市第一人民医院\n", "江城市第一人民医院\n".encode("utf-8")),
                                              (b"PK\x03\x04", b"PK\x03\x04")])
def test_text_and_bytes_are_written_private_whatever_the_umask(tmp_path, content, expected):
    path = tmp_path / "results.json"
    path.write_text("old")
    os.chmod(str(path), 0o644)
    old = os.umask(0)
    try:
        assert write_private(str(path), content) == str(path)
    finally:
        os.umask(old)
    assert path.read_bytes() == expected
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["results.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("the previous run's report")
    with pytest.raises(TypeError):
        write_private(str(path), 42)  # neither text nor bytes: fails while writing
    assert path.read_text() == "the previous run's report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_folders_are_made_private_and_existing_ones_left_alone(tmp_path):
    made = tmp_path / "reports" / "20261126-010203"
    old = os.umask(0)
    try:
        private_dir(str(made))
    finally:
        os.umask(old)
    assert mode(made) == 0o700
    existing = tmp_path / "shared"
    existing.mkdir()
    os.chmod(str(existing), 0o750)
    private_dir(str(existing))
    assert mode(existing) == 0o750
