"""Writing project archives: a comic, the files it names and its picked pictures into one zip."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from stripstudio import __version__
from stripstudio.domain import Comic
from stripstudio.production.project_archive.fields import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_ENTRY,
    PNG_SIGNATURE,
    SCRIPT_ENTRY,
    FileField,
    ProjectArchiveError,
    asset_name,
    file_fields,
    picked_entry,
)
from stripstudio.script import ScriptError, dump_comic, load_comic
from stripstudio.script.paths import relative_path

_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same project gives the same entries


def write_project_archive(
    comic: Comic,
    destination: str | os.PathLike[str] | BinaryIO,
    *,
    read_file: Callable[[str], bytes],
    picked: Mapping[str, bytes] | None = None,
) -> None:
    """Pack ``comic``, the files it refers to and the ``picked`` pictures into one zip.

    ``read_file(path)`` gets a path exactly as the comic writes it and returns the file's bytes;
    it raises FileNotFoundError (or KeyError) for a missing file. ``picked`` maps panel ids
    (``Comic.panel_id``) to PNG bytes. A path destination is written atomically (a temporary
    file renamed into place); a stream is written as is. ProjectArchiveError names the field
    of a missing file or the panel id of a bad picked picture.
    """
    packed, assets = _packed_comic(comic, read_file)
    entries = {SCRIPT_ENTRY: dump_comic(packed).encode("utf-8"), **assets}
    entries.update(_picked_entries(comic, picked or {}))
    entries[MANIFEST_ENTRY] = _manifest(entries)
    if isinstance(destination, str | os.PathLike):
        _write_atomically(Path(destination), entries)
    else:
        _write_zip(destination, entries)


def _packed_comic(comic: Comic, read_file: Callable[[str], bytes]) -> tuple[Comic, dict[str, bytes]]:
    """A copy of ``comic`` naming its files by archive path, and those files by archive path."""
    packed = comic.model_copy(deep=True)
    assets: dict[str, bytes] = {}
    for file_field in file_fields(packed):
        data = _read_referenced(file_field, read_file)
        name = asset_name(data, file_field.path)
        assets[name] = data
        file_field.replace(name)
    return packed, assets


def _read_referenced(file_field: FileField, read_file: Callable[[str], bytes]) -> bytes:
    try:
        data = read_file(file_field.path)
    except (FileNotFoundError, KeyError):
        raise ProjectArchiveError(
            f"{file_field.label}: file {file_field.path!r} not found (put the file there or fix the path)"
        ) from None
    except OSError as error:
        raise ProjectArchiveError(f"{file_field.label}: cannot read file {file_field.path!r}: {error}") from error
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"read_file({file_field.path!r}) returned {type(data).__name__}, not bytes")
    return bytes(data)


def _picked_entries(comic: Comic, picked: Mapping[str, bytes]) -> dict[str, bytes]:
    ids = [comic.panel_id(index) for index in range(len(comic.panels))]
    entries = {}
    for panel_id, data in picked.items():
        if panel_id not in ids:
            raise ProjectArchiveError(
                f"picked[{panel_id!r}]: no panel has this id (panel ids: {', '.join(ids) or 'none'})"
            )
        if not bytes(data[:8]) == PNG_SIGNATURE:
            raise ProjectArchiveError(f"picked[{panel_id!r}]: not a PNG picture (save the picked image as PNG)")
        entries[picked_entry(panel_id)] = bytes(data)
    return entries


def _manifest(entries: Mapping[str, bytes]) -> bytes:
    """``project.json``: format, version, creation time, stripstudio version, and every entry's checksum."""
    manifest = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "stripstudio_version": __version__,
        "files": [
            {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(entries.items())
        ],
    }
    return (json.dumps(manifest, indent=2) + "\n").encode("utf-8")


def _write_zip(stream: BinaryIO, entries: Mapping[str, bytes]) -> None:
    with zipfile.ZipFile(stream, "w") as archive:
        for name in [SCRIPT_ENTRY, MANIFEST_ENTRY, *sorted(set(entries) - {SCRIPT_ENTRY, MANIFEST_ENTRY})]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, entries[name])


def _write_atomically(path: Path, entries: Mapping[str, bytes]) -> None:
    """Write the zip next to ``path`` and rename it into place, so ``path`` is never half written."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w+b") as stream:
            _write_zip(stream, entries)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pack_script_folder(
    script_path: str | os.PathLike[str],
    destination: str | os.PathLike[str] | BinaryIO,
    *,
    picked: Mapping[str, bytes] | None = None,
) -> None:
    """Pack the comic script at ``script_path`` with the files it names (taken from its folder).

    An invalid script raises ProjectArchiveError with the script's problems; see
    ``write_project_archive`` for the rest.
    """
    script_path = Path(script_path)
    try:
        comic = load_comic(script_path, check_files=False)
    except ScriptError as error:
        raise ProjectArchiveError(f"{script_path} is not a valid comic script:\n{error}", error.problems) from None
    folder = script_path.parent
    for file_field in file_fields(comic):  # as the script writes them, for messages naming them
        file_field.replace(relative_path(file_field.path, folder))

    def read_file(path: str) -> bytes:
        return (folder / Path(path).expanduser()).read_bytes()

    write_project_archive(comic, destination, read_file=read_file, picked=picked)
