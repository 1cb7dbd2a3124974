"""All-or-nothing writes."""

from __future__ import annotations

import stat

import pytest

from stripstudio.export import staged


def test_files_appear_only_when_every_one_is_written(tmp_path):
    (tmp_path / "a.txt").write_text("old")
    with staged() as staging:
        staging.write(tmp_path / "a.txt", b"new")
        staging.write(tmp_path / "sub" / "b.txt", b"b")
        assert (tmp_path / "a.txt").read_text() == "old"
        assert not (tmp_path / "sub" / "b.txt").exists()
    assert (tmp_path / "a.txt").read_text() == "new" and (tmp_path / "sub" / "b.txt").read_text() == "b"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.txt", "b.txt", "sub"]


def test_a_failure_removes_temporary_files_and_new_folders(tmp_path):
    (tmp_path / "a.txt").write_text("old")
    with pytest.raises(RuntimeError), staged() as staging:
        staging.write(tmp_path / "a.txt", b"new")
        staging.write(tmp_path / "x" / "y" / "b.txt", b"b")
        staging.remove_on_commit(tmp_path / "a.txt")
        raise RuntimeError("disk full")
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    assert (tmp_path / "a.txt").read_text() == "old"


def test_finished_files_get_the_permissions_of_any_new_file(tmp_path):
    (tmp_path / "plain.png").write_bytes(b"x")
    with staged() as staging:
        staging.write(tmp_path / "staged.png", b"x")
    assert stat.S_IMODE((tmp_path / "staged.png").stat().st_mode) == stat.S_IMODE(
        (tmp_path / "plain.png").stat().st_mode
    )
