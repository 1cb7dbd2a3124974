"""The studio's stored files held against the database rows that name them.

Generated images, exports and uploads are stored content-addressed under ``<data>/files/objects``
(a file's name is the SHA-256 of its bytes). After a run, every row's file must be on disk with the
bytes its name promises, no (job, candidate) may have two image rows, and no stored file may be left
that no row names (a job's own list of drawn files counts too: it is what the job shows while it
runs, and a failed job keeps it).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

__all__ = ["stored_file_problems", "stored_names"]

PARTIAL_PREFIX = ".partial-"  # a write interrupted before its rename


def stored_names(files_dir: Path) -> list[str]:
    """Every file under ``files_dir/objects`` as its storage name (``objects/ab/cd/….png``)."""
    objects = files_dir / "objects"
    return sorted(path.relative_to(files_dir).as_posix() for path in objects.rglob("*") if path.is_file())


def stored_file_problems(
    files_dir: Path, image_rows: Iterable[tuple[str, int, str]], other_files: Iterable[str] = ()
) -> list[str]:
    """What is wrong between the stored files and the rows; empty when each file is there exactly once.

    ``image_rows`` are (job id, candidate, storage name) of every generated image row; ``other_files``
    the storage names of every other row that names a file (exports, uploads, jobs' drawn files).
    """
    image_rows = list(image_rows)
    problems = [
        f"job {job} candidate {candidate} has {count} image rows"
        for (job, candidate), count in Counter((job, candidate) for job, candidate, _ in image_rows).items()
        if count > 1
    ]
    named = {name for _, _, name in image_rows} | set(other_files)
    for name in sorted(named):
        path = files_dir / name
        if not path.is_file():
            problems.append(f"{name} is named by a row but missing on disk")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != Path(name).stem:
            problems.append(f"{name} does not hold the bytes its name promises")
    for name in stored_names(files_dir):
        if Path(name).name.startswith(PARTIAL_PREFIX):
            problems.append(f"{name} is a half-written file left behind")
        elif name not in named:
            problems.append(f"{name} is stored but no row names it")
    return problems
