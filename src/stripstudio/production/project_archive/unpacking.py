"""Unpacking a project archive into a folder holding a script, so the command line can render it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from stripstudio.production.project_archive.fields import (
    SCRIPT_ENTRY,
    ProjectArchiveError,
    file_fields,
    picked_entry,
)
from stripstudio.production.project_archive.reading import ProjectFiles, Source, read_project_archive
from stripstudio.script import dump_comic


def unpack_project(source: Source, folder: str | os.PathLike[str]) -> Path:
    """Check the archive and write ``comic.yaml``, ``assets/`` and ``picked/`` into ``folder``.

    ``folder`` must not exist or be empty: nothing is overwritten. Everything is written into a
    temporary folder beside it first, then renamed into place. LoRA and font paths are written
    absolute (they are read from the working folder, not the script's); sketches and reference
    images stay relative. Returns the path of the script.
    """
    folder = Path(folder).absolute()
    if folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir()))):
        raise ProjectArchiveError(f"{folder}: already exists and is not an empty folder; unpack into a new folder")
    project = read_project_archive(source)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.", suffix=".tmp"))
    try:
        _write_folder(project, staging, folder)
        os.chmod(staging, 0o755)
        if folder.exists():
            folder.rmdir()
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder / SCRIPT_ENTRY


def _write_folder(project: ProjectFiles, staging: Path, folder: Path) -> None:
    """Write the project's files into ``staging``, with a script whose paths hold once it is ``folder``."""
    for relative, data in [*project.files.items(), *_picked_paths(project.picked)]:
        target = staging.joinpath(*relative.split("/"))
        if staging not in target.parents:  # read_project_archive already refused such names
            raise ProjectArchiveError(f"{relative}: would be written outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    comic = project.comic.model_copy(deep=True)
    for file_field in file_fields(comic):
        file_field.replace(str(folder.joinpath(*file_field.path.split("/"))))
    (staging / SCRIPT_ENTRY).write_text(dump_comic(comic, base_dir=folder), encoding="utf-8", newline="\n")


def _picked_paths(picked: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    return [(picked_entry(panel_id), data) for panel_id, data in sorted(picked.items())]
