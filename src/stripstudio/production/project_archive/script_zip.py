"""A zip of a folder holding one comic script and the files it names, packed as a project archive.

Authors zip the folder they render from (``comic.yaml`` beside ``sketches/``); the studio takes
that zip as it takes a project archive. The zip's directory is checked as a project archive's is
(safe relative names, no symlinks, bounded sizes and ratios), then only the script and the files
it names are inflated into a temporary folder, which ``pack_script_folder`` packs.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from stripstudio.production.project_archive.fields import MANIFEST_ENTRY, FileField, ProjectArchiveError, file_fields
from stripstudio.production.project_archive.limits import ArchiveLimits, checked_infos
from stripstudio.production.project_archive.reading import MAX_TEXT_BYTES, Source, _copy_unlisted, _open_zip
from stripstudio.production.project_archive.writing import pack_script_folder
from stripstudio.script import ScriptError
from stripstudio.script.loader import load_comic

SCRIPT_SUFFIXES = (".yaml", ".yml")


def is_script_zip(source: IO[bytes]) -> bool:
    """True for a readable zip without ``project.json`` (a script's folder); rewinds ``source``."""
    try:
        with zipfile.ZipFile(source) as archive:
            return MANIFEST_ENTRY not in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        source.seek(0)


def pack_script_zip(source: Source, destination: BinaryIO, limits: ArchiveLimits) -> None:
    """Pack the zip of a script's folder at ``source`` as a project archive into ``destination``.

    Refuses, with ProjectArchiveError naming the entry or field: unsafe entries, a zip with no
    script or more than one, a script that names a file outside the zip or missing from it.
    """
    with _open_zip(source, "zip") as archive, tempfile.TemporaryDirectory(prefix="stripstudio-zip-") as temp:
        infos = checked_infos(archive, limits, project_layout=False)
        script_name = _the_script(infos)
        if infos[script_name].file_size > MAX_TEXT_BYTES:
            raise ProjectArchiveError(f"{script_name}: {infos[script_name].file_size} bytes, more than a script needs")
        root = Path(temp).resolve()
        script_path = _extract(archive, infos[script_name], root)
        try:
            comic = load_comic(script_path, check_files=False)
        except ScriptError as error:
            raise ProjectArchiveError(f"{script_name} is not a valid comic script:\n{error}", error.problems) from None
        for field in file_fields(comic):
            entry = _entry_of(field, script_path.parent, root)
            if entry not in infos:
                raise ProjectArchiveError(f"{field.label}: {entry} is not in the zip; add it beside the script")
            _extract(archive, infos[entry], root)
        pack_script_folder(script_path, destination)


def _the_script(infos: dict[str, zipfile.ZipInfo]) -> str:
    """The one comic script in the zip (system files such as __MACOSX/ and ._name left aside)."""
    scripts = [
        name
        for name in infos
        if name.lower().endswith(SCRIPT_SUFFIXES)
        and not name.startswith("__MACOSX/")
        and not PurePosixPath(name).name.startswith(".")
    ]
    if len(scripts) != 1:
        found = f"{len(scripts)}: {', '.join(sorted(scripts)[:5])}" if scripts else "none"  # at most 5 named
        raise ProjectArchiveError(
            f"the zip has no project.json, so it must hold exactly one comic script (.yaml) and the files it "
            f"names; found {found}"
        )
    return scripts[0]


def _entry_of(field: FileField, script_dir: Path, root: Path) -> str:
    """The zip entry that ``field``'s path names, refused when it leads outside the zip's folder."""
    resolved = (script_dir / Path(field.path)).resolve()
    if root not in resolved.parents:
        raise ProjectArchiveError(
            f"{field.label}: {field.path} is outside the zipped folder; put the file beside the script"
        )
    return resolved.relative_to(root).as_posix()


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, root: Path) -> Path:
    """Inflate one checked entry under ``root`` (its size counted as it inflates); returns its path."""
    target = root.joinpath(*info.filename.split("/"))
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as sink:
        _copy_unlisted(archive, info, sink)
    return target
