"""Reading a project archive from anyone: checked before anything is inflated, then streamed entry by entry.

The order matters. First the zip's directory: names, kinds, declared sizes and ratios (see
``limits``). Then ``project.json``, which must list every other entry with its size and
checksum, and ``comic.yaml``, validated by the script loader. Only then are the entries the
comic names (and its picked pictures) read, one at a time, in chunks, each counted while it
inflates and checked against its checksum; entries nobody names are never inflated.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from stripstudio import __version__
from stripstudio.domain import Comic
from stripstudio.production.project_archive.fields import (
    ASSETS_DIR,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST_ENTRY,
    PICKED_DIR,
    PNG_SIGNATURE,
    SCRIPT_ENTRY,
    ProjectArchiveError,
    file_fields,
    picked_entry,
)
from stripstudio.production.project_archive.limits import ArchiveLimits, checked_infos
from stripstudio.script import ScriptError, load_comic_text
from stripstudio.script.paths import relative_path

MAX_TEXT_BYTES = 4 * 1024**2
"""The largest ``comic.yaml`` or ``project.json``: both are small text (a script imported alone may be as large)."""

_CHUNK = 1024**2
# Where comic.yaml "is" while it is validated, so that its relative paths can be taken back.
_VIRTUAL_ROOT = os.path.abspath(os.path.join(os.sep, "stripstudio-project"))
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)

Source = str | os.PathLike[str] | IO[bytes] | bytes


@dataclass
class ProjectFiles:
    """A project read from an archive into memory.

    ``comic`` refers to its files by archive paths (``assets/…``); ``files`` maps each of those
    paths to the file's bytes; ``picked`` maps a panel id to the PNG bytes of its picked picture.
    """

    comic: Comic
    files: dict[str, bytes] = field(default_factory=dict)
    picked: dict[str, bytes] = field(default_factory=dict)

    def read_file(self, path: str) -> bytes:
        """The bytes of a file the comic refers to; a ``read_file`` for ``write_project_archive``."""
        try:
            return self.files[path]
        except KeyError:
            raise FileNotFoundError(path) from None


class ProjectReader:
    """An open project archive whose directory, manifest and script have been checked.

    ``comic`` names its files by archive path; ``file_paths`` lists those paths and
    ``picked_ids`` the panels that have a picked picture. ``copy_entry`` streams one of them.
    """

    def __init__(self, archive: zipfile.ZipFile, limits: ArchiveLimits) -> None:
        self._archive = archive
        self._infos = checked_infos(archive, limits)
        self._listed = _listed_entries(self._read_text(MANIFEST_ENTRY), self._infos)
        self.comic = _load_script(self._read_text(SCRIPT_ENTRY))
        self.file_paths = _file_paths(self.comic, self._listed)
        self.picked_ids = _picked_ids(self.comic, self._listed)

    def entry_size(self, name: str) -> int:
        """The size ``project.json`` gives for an entry (the zip declares the same)."""
        return int(self._listed[name]["size"])

    def copy_entry(self, name: str, sink: BinaryIO) -> int:
        """Inflate entry ``name`` into ``sink`` in chunks; returns its size.

        The bytes are counted as they come, so an entry that inflates past its declared size is
        stopped there, and the checksum is compared with ``project.json`` at the end. On a
        refusal ``sink`` holds part of the entry: write to a temporary file and drop it.
        """
        info = self._infos[name]
        digest, count = hashlib.sha256(), 0
        try:
            with self._archive.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    count += len(chunk)
                    if count > info.file_size:
                        raise ProjectArchiveError(
                            f"{name}: inflates to more than the {info.file_size} bytes it declares (a zip bomb)"
                        )
                    digest.update(chunk)
                    sink.write(chunk)
        except _READ_ERRORS as error:
            raise ProjectArchiveError(
                f"{name}: is damaged or not the size it declares ({error}); export the project again"
            ) from None
        if count != info.file_size:
            raise ProjectArchiveError(f"{name}: holds {count} bytes, not the {info.file_size} it declares")
        if digest.hexdigest() != self._listed[name].get("sha256"):
            raise ProjectArchiveError(
                f"{name}: its checksum differs from the one in {MANIFEST_ENTRY} (a damaged or altered archive); "
                "export the project again"
            )
        return count

    def read_entry(self, name: str) -> bytes:
        """The bytes of entry ``name``, checked as ``copy_entry`` checks them."""
        buffer = io.BytesIO()
        self.copy_entry(name, buffer)
        return buffer.getvalue()

    def _read_text(self, name: str) -> bytes:
        """``project.json`` or ``comic.yaml``: present, small, and (the script) as the manifest lists it."""
        info = self._infos.get(name)
        if info is None:
            raise ProjectArchiveError(f"{name}: missing; this is not a stripstudio project archive")
        if info.file_size > MAX_TEXT_BYTES:
            raise ProjectArchiveError(f"{name}: {info.file_size} bytes, more than a project ever needs")
        if name == MANIFEST_ENTRY:  # it cannot list its own checksum
            buffer = io.BytesIO()
            _copy_unlisted(self._archive, info, buffer)
            return buffer.getvalue()
        return self.read_entry(name)


@contextmanager
def open_project_archive(source: Source, limits: ArchiveLimits | None = None) -> Iterator[ProjectReader]:
    """Open and check a project archive (a path, an open binary stream or the zip's bytes).

    Refuses, with ProjectArchiveError, before inflating any file the comic uses: entries outside
    ``comic.yaml``, ``project.json``, ``assets/`` and ``picked/``; paths that could escape a
    folder; symlinks; duplicate names; anything past ``limits`` (entry count, one entry's size,
    total size, compression ratio); entries ``project.json`` does not list, or lists with another
    size; an invalid ``comic.yaml`` (with the script loader's problems, by line and field); files
    the comic names that the archive lacks; picked pictures of panels the comic lacks.
    """
    label = f"project archive {os.fspath(source)!r}" if isinstance(source, str | os.PathLike) else "project archive"
    with _open_zip(source, label) as archive:
        yield ProjectReader(archive, limits or ArchiveLimits())


def read_project_archive(
    source: Source,
    *,
    max_total_bytes: int = 2 * 1024**3,
    max_files: int = 10_000,
) -> ProjectFiles:
    """Read and check a whole project archive into memory (see ``open_project_archive`` for the checks)."""
    limits = ArchiveLimits(max_total_bytes=max_total_bytes, max_files=max_files)
    with open_project_archive(source, limits) as reader:
        files = {path: reader.read_entry(path) for path in reader.file_paths}
        picked = {panel_id: reader.read_entry(picked_entry(panel_id)) for panel_id in reader.picked_ids}
    for panel_id, data in picked.items():
        if data[:8] != PNG_SIGNATURE:
            raise ProjectArchiveError(f"{picked_entry(panel_id)}: not a PNG picture; export the project again")
    return ProjectFiles(comic=reader.comic, files=files, picked=picked)


def _open_zip(source: Source, label: str) -> zipfile.ZipFile:
    if isinstance(source, bytes | bytearray | memoryview):
        source = io.BytesIO(bytes(source))
    try:
        return zipfile.ZipFile(source if not isinstance(source, str | os.PathLike) else Path(source))
    except FileNotFoundError:
        raise ProjectArchiveError(f"{label}: no such file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ProjectArchiveError(f"{label}: not a readable zip file ({error}); export the project again") from None


def _copy_unlisted(archive: zipfile.ZipFile, info: zipfile.ZipInfo, sink: BinaryIO) -> None:
    count = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                count += len(chunk)
                if count > info.file_size:
                    raise ProjectArchiveError(f"{info.filename}: inflates to more than the size it declares")
                sink.write(chunk)
    except _READ_ERRORS as error:
        raise ProjectArchiveError(f"{info.filename}: is damaged ({error}); export the project again") from None


def _listed_entries(manifest_bytes: bytes, infos: dict[str, zipfile.ZipInfo]) -> dict[str, dict[str, Any]]:
    """The entries ``project.json`` lists, by path, after checking they are exactly the archive's files."""
    manifest = _parsed_manifest(manifest_bytes)
    listed: dict[str, dict[str, Any]] = {}
    for item in manifest.get("files") or []:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str) or not _is_size(item.get("size")):
            raise ProjectArchiveError(f"{MANIFEST_ENTRY}: 'files' holds {item!r}, not {{path, sha256, size}}")
        listed[item["path"]] = item
    for name, info in infos.items():
        if name == MANIFEST_ENTRY:
            continue
        if name not in listed:
            raise ProjectArchiveError(f"{name}: not listed in {MANIFEST_ENTRY}; the archive was changed after export")
        if listed[name]["size"] != info.file_size:
            raise ProjectArchiveError(
                f"{name}: declares {info.file_size} bytes but {MANIFEST_ENTRY} lists {listed[name]['size']} "
                "(a damaged or altered archive); export the project again"
            )
    missing = sorted(set(listed) - set(infos))
    if missing:
        raise ProjectArchiveError(f"{missing[0]}: listed in {MANIFEST_ENTRY} but missing from the archive")
    return listed


def _is_size(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _parsed_manifest(data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProjectArchiveError(f"{MANIFEST_ENTRY}: not valid JSON ({error}); export the project again") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
        raise ProjectArchiveError(f"{MANIFEST_ENTRY}: not a {FORMAT_NAME} manifest; this is not a project archive")
    version = manifest.get("version")
    if not isinstance(version, int) or version > FORMAT_VERSION or version < 1:
        raise ProjectArchiveError(
            f"{MANIFEST_ENTRY}: format version {version!r} is not one this stripstudio ({__version__}) reads "
            f"(it reads version {FORMAT_VERSION}); update stripstudio"
        )
    return manifest


def _load_script(data: bytes) -> Comic:
    """The comic in ``comic.yaml``, validated by the script loader; its file paths stay archive paths."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProjectArchiveError(f"{SCRIPT_ENTRY}: not UTF-8 text ({error}); save the script as UTF-8") from None
    try:
        comic = load_comic_text(text, filename=SCRIPT_ENTRY, base_dir=_VIRTUAL_ROOT, check_files=False)
    except ScriptError as error:
        raise ProjectArchiveError(
            f"{SCRIPT_ENTRY} in the archive is not a valid comic script:\n{error}", error.problems
        ) from None
    for file_field in file_fields(comic):
        file_field.replace(relative_path(file_field.path, _VIRTUAL_ROOT))
    return comic


def _file_paths(comic: Comic, listed: dict[str, dict[str, Any]]) -> list[str]:
    """The archive paths of the files ``comic`` names, each an ``assets/`` entry of the archive, in order."""
    paths: list[str] = []
    for file_field in file_fields(comic):
        if not file_field.path.startswith(f"{ASSETS_DIR}/") or file_field.path not in listed:
            raise ProjectArchiveError(
                f"{SCRIPT_ENTRY}: {file_field.label}: file {file_field.path!r} is not in the archive "
                f"(every file a project uses is stored under {ASSETS_DIR}/); export the project again"
            )
        if file_field.path not in paths:
            paths.append(file_field.path)
    return paths


def _picked_ids(comic: Comic, listed: dict[str, dict[str, Any]]) -> list[str]:
    ids = {comic.panel_id(index) for index in range(len(comic.panels))}
    picked = []
    for name in sorted(listed):
        if not name.startswith(f"{PICKED_DIR}/"):
            continue
        panel_id = name[len(PICKED_DIR) + 1 : -len(".png")]
        if panel_id not in ids:
            raise ProjectArchiveError(f"{name}: no panel of {SCRIPT_ENTRY} has the id {panel_id!r}")
        picked.append(panel_id)
    return picked
