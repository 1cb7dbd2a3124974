"""A whole comic project in one zip file, to move it between studios (web, CLI, scripts).

A project archive holds:

- ``comic.yaml``: the comic script, in the canonical form the script writer produces;
- ``assets/<sha256[:16]><ext>``: every file the comic refers to (panel sketches, character
  reference images, LoRA and font files given by path), named after their content, with the
  script rewritten to point at them;
- ``picked/<panel id>.png``: the picture picked for each panel, where there is one;
- ``project.json``: the format name and version, when and by which stripstudio it was written,
  and the size and SHA-256 of every other entry.

What is not a file of the project stays as written: LoRAs given by bare name (looked up in the
model folders), font family names, and the checkpoint and VAE, which are studio-wide models.

``write_project_archive`` packs a Comic, ``read_project_archive`` checks an archive from anyone
(no path escapes, no zip bombs, no symlinks, checksums verified, script validated) and gives a
``ProjectFiles`` back; ``pack_script_folder`` and ``unpack_project`` do the same from and to a
folder holding a script, so ``stripstudio render folder/comic.yaml`` works on an unpacked project.
Every problem raises ``ProjectArchiveError`` naming the entry or field and what to do about it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from stripstudio import __version__
from stripstudio.domain import Comic
from stripstudio.lettering.fonts import FONT_SUFFIXES
from stripstudio.script import ScriptError, ScriptProblem, dump_comic, load_comic, load_comic_text
from stripstudio.script.paths import relative_path

FORMAT_NAME = "stripstudio-project"
FORMAT_VERSION = 1
SCRIPT_ENTRY = "comic.yaml"
MANIFEST_ENTRY = "project.json"
ASSETS_DIR = "assets"
PICKED_DIR = "picked"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_TEXT_BYTES = 16 * 1024**2  # comic.yaml and project.json are small; more is not a project
_MAX_RATIO = 100  # an entry that inflates more than this ...
_RATIO_MIN_BYTES = 1024**2  # ... and is at least this large is a zip bomb
_CHUNK = 1024**2
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same project gives the same entries
_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_PANEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
_DRIVE = re.compile(r"^[A-Za-z]:")
# Where comic.yaml "is" while it is validated, so that its relative paths can be taken back.
_VIRTUAL_ROOT = os.path.abspath(os.path.join(os.sep, "stripstudio-project"))


class ProjectArchiveError(Exception):
    """A project archive cannot be written or read; the message names the entry or field and the fix.

    ``script_problems`` lists the problems of an invalid ``comic.yaml`` (file, line, field,
    message), as the script loader reports them; it is empty for other problems.
    """

    def __init__(self, message: str, script_problems: list[ScriptProblem] | None = None) -> None:
        super().__init__(message)
        self.script_problems: list[ScriptProblem] = list(script_problems or [])


@dataclass
class ProjectFiles:
    """A project read from an archive.

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


@dataclass(frozen=True)
class FileField:
    """One field of a comic that names a file: where it is, what it says, and how to change it."""

    name: str
    path: str
    replace: Callable[[str], None]


# --- the fields that name files ------------------------------------------------------------------


def file_fields(comic: Comic) -> Iterator[FileField]:
    """Every field of ``comic`` naming a file of the project, in script order; ``replace`` edits ``comic``."""
    for i, lora in enumerate(comic.style.loras):
        if _is_lora_path(lora.name):
            yield FileField(f"style.loras[{i}].name", lora.name, _setter(lora, "name"))
    for i, character in enumerate(comic.characters):
        for j, lora in enumerate(character.loras):
            if _is_lora_path(lora.name):
                yield FileField(f"characters[{i}].loras[{j}].name", lora.name, _setter(lora, "name"))
        for j, image in enumerate(character.reference_images):
            yield FileField(f"characters[{i}].reference_images[{j}]", image, _list_setter(character, j))
    for i, panel in enumerate(comic.panels):
        if panel.sketch:
            yield FileField(f"panels[{i}].sketch", panel.sketch, _setter(panel, "sketch"))
        for j, bubble in enumerate(panel.bubbles):
            if bubble.font and _is_font_path(bubble.font):
                yield FileField(f"panels[{i}].bubbles[{j}].font", bubble.font, _setter(bubble, "font"))


def _setter(model: Any, attribute: str) -> Callable[[str], None]:
    return lambda value: setattr(model, attribute, value)


def _list_setter(character: Any, index: int) -> Callable[[str], None]:
    def replace(value: str) -> None:
        images = list(character.reference_images)
        images[index] = value
        character.reference_images = images

    return replace


def _is_lora_path(name: str) -> bool:
    """A LoRA given by path (a file of the project), not by a name looked up in the model folders."""
    return "/" in name or "\\" in name or name.startswith("~") or os.path.isabs(name)


def _is_font_path(font: str) -> bool:
    """A font file (as the lettering reads it), not a family name."""
    return font.lower().endswith(FONT_SUFFIXES) or "/" in font or "\\" in font


# --- writing -------------------------------------------------------------------------------------


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
            f"{file_field.name}: file {file_field.path!r} not found (put the file there or fix the path)"
        ) from None
    except OSError as error:
        raise ProjectArchiveError(f"{file_field.name}: cannot read file {file_field.path!r}: {error}") from error
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"read_file({file_field.path!r}) returned {type(data).__name__}, not bytes")
    return bytes(data)


def asset_name(data: bytes, original_path: str) -> str:
    """The archive path of a file: ``assets/<first 16 hex digits of its SHA-256><its suffix>``."""
    suffix = PurePosixPath(original_path.replace("\\", "/")).suffix.lower()
    return f"{ASSETS_DIR}/{hashlib.sha256(data).hexdigest()[:16]}{suffix if _SUFFIX.match(suffix) else ''}"


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
        entries[f"{PICKED_DIR}/{panel_id}.png"] = bytes(data)
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


# --- reading -------------------------------------------------------------------------------------


def read_project_archive(
    source: str | os.PathLike[str] | BinaryIO | bytes,
    *,
    max_total_bytes: int = 2 * 1024**3,
    max_files: int = 10_000,
) -> ProjectFiles:
    """Read and check a project archive (a path, an open binary stream or the zip's bytes).

    Refuses, with ProjectArchiveError: entries outside ``comic.yaml``, ``project.json``,
    ``assets/`` and ``picked/``; paths that could escape a folder; symlinks; duplicate names;
    more than ``max_files`` entries or ``max_total_bytes`` unpacked; entries that inflate like a
    zip bomb; checksums that differ from ``project.json``; an invalid ``comic.yaml`` (with the
    script loader's problems, by line and field); files the comic names that the archive lacks.
    """
    label = f"project archive {os.fspath(source)!r}" if isinstance(source, str | os.PathLike) else "project archive"
    with _open_zip(source, label) as archive:
        infos = _checked_infos(archive, max_total_bytes, max_files)
        entries = _read_entries(archive, infos, max_total_bytes)
    _check_manifest(entries)
    comic = _load_script(entries[SCRIPT_ENTRY])
    files = _files_of(comic, entries)
    return ProjectFiles(comic=comic, files=files, picked=_picked_of(comic, entries))


def _open_zip(source: str | os.PathLike[str] | BinaryIO | bytes, label: str) -> zipfile.ZipFile:
    if isinstance(source, bytes | bytearray | memoryview):
        source = io.BytesIO(bytes(source))
    try:
        return zipfile.ZipFile(source if not isinstance(source, str | os.PathLike) else Path(source))
    except FileNotFoundError:
        raise ProjectArchiveError(f"{label}: no such file") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ProjectArchiveError(f"{label}: not a readable zip file ({error}); export the project again") from None


def _checked_infos(archive: zipfile.ZipFile, max_total_bytes: int, max_files: int) -> list[zipfile.ZipInfo]:
    """The file entries, after checking names, kinds and declared sizes; directory entries are skipped."""
    infos = archive.infolist()
    if len(infos) > max_files:
        raise ProjectArchiveError(f"the archive has {len(infos)} entries, more than the {max_files} allowed")
    seen: set[str] = set()
    files = []
    for info in infos:
        _check_entry(info)
        if info.filename.casefold() in seen:
            raise ProjectArchiveError(f"{info.filename}: the archive holds this name twice; export the project again")
        seen.add(info.filename.casefold())
        if not info.is_dir():
            files.append(info)
    declared = sum(info.file_size for info in files)
    if declared > max_total_bytes:
        raise ProjectArchiveError(
            f"the archive unpacks to {declared} bytes, more than the {max_total_bytes} allowed "
            "(a zip bomb, or a project too large for this studio)"
        )
    return files


def _check_entry(info: zipfile.ZipInfo) -> None:
    """Refuse an entry with an unsafe or unexpected name, a symlink, encryption or a zip-bomb ratio."""
    name = info.filename
    problem = _name_problem(name)
    if problem:
        raise ProjectArchiveError(f"{name!r}: {problem}; only comic.yaml, project.json, assets/ and picked/ may be")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ProjectArchiveError(f"{name}: is a symbolic link, which a project never holds; export it again")
    if info.flag_bits & 0x1:
        raise ProjectArchiveError(f"{name}: is encrypted; export the project again without a password")
    if info.file_size >= _RATIO_MIN_BYTES and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
        raise ProjectArchiveError(
            f"{name}: inflates {info.file_size} bytes from {info.compress_size} (over {_MAX_RATIO} times): "
            "a zip bomb, not a project"
        )


def _name_problem(name: str) -> str | None:
    """Why ``name`` may not be in a project archive, or None when it may."""
    if "\\" in name or name.startswith("/") or _DRIVE.match(name) or "\x00" in name:
        return "is an absolute or Windows path"
    parts = name.rstrip("/").split("/") if name.endswith("/") else name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "is a path that could lead outside the project folder"
    if name in (SCRIPT_ENTRY, MANIFEST_ENTRY) or name in (f"{ASSETS_DIR}/", f"{PICKED_DIR}/"):
        return None
    if len(parts) == 2 and parts[0] == ASSETS_DIR and _ASSET_NAME.match(parts[1]) and not name.endswith("/"):
        return None
    if len(parts) == 2 and parts[0] == PICKED_DIR and name.endswith(".png") and _PANEL_ID.match(parts[1][:-4]):
        return None
    return "is not an entry of a stripstudio project"


def _read_entries(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], max_total_bytes: int) -> dict[str, bytes]:
    """Every entry's bytes, counted while inflating, so no entry gives more than it declares."""
    entries: dict[str, bytes] = {}
    total = 0
    for info in infos:
        data = _read_entry(archive, info)
        total += len(data)
        if total > max_total_bytes:
            raise ProjectArchiveError(f"{info.filename}: the archive unpacks to more than {max_total_bytes} bytes")
        entries[info.filename] = data
    return entries


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    chunks = []
    count = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                count += len(chunk)
                if count > info.file_size:
                    raise ProjectArchiveError(
                        f"{info.filename}: inflates to more than the {info.file_size} bytes it declares (a zip bomb)"
                    )
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        raise ProjectArchiveError(
            f"{info.filename}: is damaged or not the size it declares ({error}); export the project again"
        ) from None
    if count != info.file_size:
        raise ProjectArchiveError(f"{info.filename}: holds {count} bytes, not the {info.file_size} it declares")
    return b"".join(chunks)


def _check_manifest(entries: Mapping[str, bytes]) -> None:
    """Check ``project.json``: the format, the version, and the size and checksum of every entry."""
    manifest = _parsed_manifest(entries)
    listed: dict[str, dict[str, Any]] = {}
    for item in manifest.get("files") or []:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise ProjectArchiveError(f"{MANIFEST_ENTRY}: 'files' holds {item!r}, not {{path, sha256, size}}")
        listed[item["path"]] = item
    for name, data in entries.items():
        if name == MANIFEST_ENTRY:
            continue
        item = listed.pop(name, None)
        if item is None:
            raise ProjectArchiveError(f"{name}: not listed in {MANIFEST_ENTRY}; the archive was changed after export")
        if item.get("size") != len(data) or item.get("sha256") != hashlib.sha256(data).hexdigest():
            raise ProjectArchiveError(
                f"{name}: its checksum differs from the one in {MANIFEST_ENTRY} (a damaged or altered archive); "
                "export the project again"
            )
    if listed:
        raise ProjectArchiveError(f"{sorted(listed)[0]}: listed in {MANIFEST_ENTRY} but missing from the archive")


def _parsed_manifest(entries: Mapping[str, bytes]) -> dict[str, Any]:
    for name in (MANIFEST_ENTRY, SCRIPT_ENTRY):
        if name not in entries:
            raise ProjectArchiveError(f"{name}: missing; this is not a stripstudio project archive")
        if len(entries[name]) > _MAX_TEXT_BYTES:
            raise ProjectArchiveError(f"{name}: {len(entries[name])} bytes, more than a project ever needs")
    try:
        manifest = json.loads(entries[MANIFEST_ENTRY].decode("utf-8"))
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


def _files_of(comic: Comic, entries: Mapping[str, bytes]) -> dict[str, bytes]:
    """The bytes of every file ``comic`` names; each must be an ``assets/`` entry of the archive."""
    files = {}
    for file_field in file_fields(comic):
        if not file_field.path.startswith(f"{ASSETS_DIR}/") or file_field.path not in entries:
            raise ProjectArchiveError(
                f"{SCRIPT_ENTRY}: {file_field.name}: file {file_field.path!r} is not in the archive "
                f"(every file a project uses is stored under {ASSETS_DIR}/); export the project again"
            )
        files[file_field.path] = entries[file_field.path]
    return files


def _picked_of(comic: Comic, entries: Mapping[str, bytes]) -> dict[str, bytes]:
    ids = {comic.panel_id(index) for index in range(len(comic.panels))}
    picked = {}
    for name, data in entries.items():
        if not name.startswith(f"{PICKED_DIR}/"):
            continue
        panel_id = name[len(PICKED_DIR) + 1 : -len(".png")]
        if panel_id not in ids:
            raise ProjectArchiveError(f"{name}: no panel of {SCRIPT_ENTRY} has the id {panel_id!r}")
        if data[:8] != PNG_SIGNATURE:
            raise ProjectArchiveError(f"{name}: not a PNG picture; export the project again")
        picked[panel_id] = data
    return picked


# --- unpacking into a folder ---------------------------------------------------------------------


def unpack_project(source: str | os.PathLike[str] | BinaryIO | bytes, folder: str | os.PathLike[str]) -> Path:
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
    return [(f"{PICKED_DIR}/{panel_id}.png", data) for panel_id, data in sorted(picked.items())]
