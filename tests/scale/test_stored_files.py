"""The stored-files check of the scaled and restart tests finds each way a file can be wrong."""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.scale.stored_files import stored_file_problems, stored_names


def _store(files_dir: Path, data: bytes, extension: str = ".png") -> str:
    sha = hashlib.sha256(data).hexdigest()
    name = f"objects/{sha[:2]}/{sha[2:4]}/{sha}{extension}"
    (files_dir / name).parent.mkdir(parents=True, exist_ok=True)
    (files_dir / name).write_bytes(data)
    return name


def test_files_named_once_each_are_fine(tmp_path: Path) -> None:
    first, second, export = _store(tmp_path, b"one"), _store(tmp_path, b"two"), _store(tmp_path, b"cbz", ".cbz")
    rows = [("job-1", 0, first), ("job-1", 1, second), ("job-2", 0, first)]  # equal pictures share a file
    assert stored_file_problems(tmp_path, rows, [export]) == []
    assert stored_names(tmp_path) == sorted([first, second, export])


def test_each_problem_is_reported(tmp_path: Path) -> None:
    kept, orphan, changed = _store(tmp_path, b"kept"), _store(tmp_path, b"orphan"), _store(tmp_path, b"changed")
    (tmp_path / changed).write_bytes(b"something else")
    missing = "objects/00/00/" + "0" * 64 + ".png"
    partial = Path(kept).parent / ".partial-abc123"
    (tmp_path / partial).write_bytes(b"half")
    rows = [("job-1", 0, kept), ("job-1", 0, kept), ("job-1", 1, missing), ("job-2", 0, changed)]

    problems = stored_file_problems(tmp_path, rows)

    assert sorted(problems) == sorted(
        [
            "job job-1 candidate 0 has 2 image rows",
            f"{missing} is named by a row but missing on disk",
            f"{changed} does not hold the bytes its name promises",
            f"{orphan} is stored but no row names it",
            f"{partial.as_posix()} is a half-written file left behind",
        ]
    )
