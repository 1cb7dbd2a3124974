"""The checks an archive from anyone passes before a single entry is inflated.

Everything here reads only the zip's central directory: entry names, kinds, flags and the
sizes each entry declares. Declared sizes can lie, so the reader also counts the real bytes
while it inflates (see ``reading``); these checks make sure that even the declared sizes stay
within bounds, and that no entry inflates like a zip bomb.
"""

from __future__ import annotations

import re
import stat
import zipfile
from dataclasses import dataclass

from stripstudio.production.project_archive.fields import (
    ASSETS_DIR,
    MANIFEST_ENTRY,
    PICKED_DIR,
    SCRIPT_ENTRY,
    ProjectArchiveError,
)
from stripstudio.uploads.limits import human_size

RATIO_ALLOWANCE = 4096
"""Bytes an entry may inflate to regardless of its ratio (a tiny entry cannot be a bomb)."""

_ASSET_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_PANEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on what a project archive may hold; all are checked before any entry is inflated.

    ``max_entry_bytes`` (the whole ``max_total_bytes`` when None) bounds one entry;
    ``max_ratio`` bounds how many times larger than its compressed size any entry may inflate.
    """

    max_total_bytes: int = 2 * 1024**3
    max_files: int = 10_000
    max_entry_bytes: int | None = None
    max_ratio: int = 100

    @property
    def entry_bytes(self) -> int:
        """The largest size one entry may have."""
        return min(self.max_total_bytes, self.max_entry_bytes or self.max_total_bytes)


def checked_infos(
    archive: zipfile.ZipFile, limits: ArchiveLimits, *, project_layout: bool = True
) -> dict[str, zipfile.ZipInfo]:
    """The file entries by name, after checking names, kinds and declared sizes; folder entries are skipped.

    Without ``project_layout`` any safe relative name is allowed (a zip of a script's folder).
    """
    infos = archive.infolist()
    if len(infos) > limits.max_files:
        raise ProjectArchiveError(f"the archive has {len(infos)} entries, more than the {limits.max_files} allowed")
    seen: set[str] = set()
    files: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        check_entry(info, limits, project_layout=project_layout)
        if info.filename.casefold() in seen:
            raise ProjectArchiveError(f"{info.filename}: the archive holds this name twice; export the project again")
        seen.add(info.filename.casefold())
        if not info.is_dir():
            files[info.filename] = info
    declared = sum(info.file_size for info in files.values())
    if declared > limits.max_total_bytes:
        raise ProjectArchiveError(
            f"the archive unpacks to {declared} bytes ({human_size(declared)}), more than the "
            f"{limits.max_total_bytes} allowed (a zip bomb, or a project too large for this studio)"
        )
    return files


def check_entry(info: zipfile.ZipInfo, limits: ArchiveLimits, *, project_layout: bool = True) -> None:
    """Refuse an entry with an unsafe or unexpected name, a symlink, encryption, or a size or ratio too large."""
    name = info.filename
    if not project_layout:
        problem = path_problem(name)
        if problem:
            raise ProjectArchiveError(f"{name!r}: {problem}; zip the script's folder again")
    elif problem := name_problem(name):
        raise ProjectArchiveError(f"{name!r}: {problem}; only comic.yaml, project.json, assets/ and picked/ may be")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise ProjectArchiveError(f"{name}: is a symbolic link, which a project never holds; export it again")
    if info.flag_bits & 0x1:
        raise ProjectArchiveError(f"{name}: is encrypted; export the project again without a password")
    if info.file_size > limits.entry_bytes:
        raise ProjectArchiveError(
            f"{name}: unpacks to {info.file_size} bytes, more than the {limits.entry_bytes} one file may have"
        )
    if info.file_size > limits.max_ratio * info.compress_size + RATIO_ALLOWANCE:
        raise ProjectArchiveError(
            f"{name}: inflates {info.file_size} bytes from {info.compress_size} (over {limits.max_ratio} times): "
            "a zip bomb, not a project"
        )


def path_problem(name: str) -> str | None:
    """Why ``name`` could lead outside the folder it is unpacked into, or None when it cannot."""
    if "\\" in name or name.startswith("/") or _DRIVE.match(name) or "\x00" in name:
        return "is an absolute or Windows path"
    parts = name.rstrip("/").split("/") if name.endswith("/") else name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "is a path that could lead outside the project folder"
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` may not be in a project archive, or None when it may."""
    if problem := path_problem(name):
        return problem
    parts = name.rstrip("/").split("/") if name.endswith("/") else name.split("/")
    if name in (SCRIPT_ENTRY, MANIFEST_ENTRY) or name in (f"{ASSETS_DIR}/", f"{PICKED_DIR}/"):
        return None
    if len(parts) == 2 and parts[0] == ASSETS_DIR and _ASSET_NAME.match(parts[1]) and not name.endswith("/"):
        return None
    if len(parts) == 2 and parts[0] == PICKED_DIR and name.endswith(".png") and _PANEL_ID.match(parts[1][:-4]):
        return None
    return "is not an entry of a stripstudio project"
