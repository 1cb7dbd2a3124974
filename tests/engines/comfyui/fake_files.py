"""The fake server's input/, output/ and temp/ folders, kept in memory.

Paths follow ComfyUI's ``folder_paths`` rules: a subfolder may not leave its folder, LoadImage
names may carry a subfolder (``stripstudio/panel.png``) or a folder annotation
(``panel.png [output]``), and saved files are numbered ``<prefix>_<counter:05>_.png`` after the
highest counter already in the folder.
"""

from __future__ import annotations

import posixpath
import re
import threading

FOLDERS = ("input", "output", "temp")
ANNOTATIONS = {" [input]": "input", " [output]": "output", " [temp]": "temp"}


class PathEscapes(ValueError):
    """A subfolder or name that would leave its folder."""


def normalise_subfolder(subfolder: str) -> str:
    """``os.path.normpath`` of a subfolder, "" for the folder itself; raises PathEscapes outside it."""
    if not subfolder:
        return ""
    normal = posixpath.normpath(subfolder)
    if normal == ".":
        return ""
    if normal.startswith("/") or normal == ".." or normal.startswith("../"):
        raise PathEscapes(subfolder)
    return normal


def annotated(name: str) -> tuple[str, str | None]:
    """``("panel.png", "output")`` for ``"panel.png [output]"``; no folder when not annotated."""
    for suffix, folder in ANNOTATIONS.items():
        if name.endswith(suffix):
            return name[: -len(suffix)], folder
    return name, None


class FileStore:
    """``{(folder, subfolder, name): bytes}`` with the lookups the routes and nodes need."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str, str], bytes] = {}
        self._lock = threading.Lock()

    def put(self, folder: str, subfolder: str, name: str, data: bytes) -> None:
        """Store ``data`` as ``folder/subfolder/name`` (replacing any file there)."""
        with self._lock:
            self._files[(folder, normalise_subfolder(subfolder), name)] = data

    def get(self, folder: str, subfolder: str, name: str) -> bytes | None:
        """The file's bytes, or None if there is none (or the subfolder escapes)."""
        try:
            key = (folder, normalise_subfolder(subfolder), name)
        except PathEscapes:
            return None
        with self._lock:
            return self._files.get(key)

    def names(self, folder: str, subfolder: str = "") -> list[str]:
        """Sorted names of the files directly in ``folder/subfolder``."""
        subfolder = normalise_subfolder(subfolder)
        with self._lock:
            return sorted(name for f, sub, name in self._files if f == folder and sub == subfolder)

    def clear(self, folder: str) -> None:
        """Delete every file of ``folder`` (temp/ is wiped when the server starts)."""
        with self._lock:
            for key in [key for key in self._files if key[0] == folder]:
                del self._files[key]

    # -- LoadImage names -------------------------------------------------------------------
    def read_annotated(self, name: str) -> bytes | None:
        """The file a LoadImage ``image`` value names (input/ unless annotated), or None."""
        if not isinstance(name, str):
            return None
        path, folder = annotated(name)
        subfolder, base = posixpath.split(path)
        return self.get(folder or "input", subfolder, base)

    def exists_annotated(self, name: str) -> bool:
        """ComfyUI's ``exists_annotated_filepath``: what LoadImage's VALIDATE_INPUTS checks."""
        return self.read_annotated(name) is not None

    # -- uploads and saves -----------------------------------------------------------------
    def upload_name(self, folder: str, subfolder: str, filename: str, data: bytes, overwrite: bool) -> tuple[str, bool]:
        """The name an upload is stored under and whether it duplicates the file already there.

        Without ``overwrite`` an existing different file makes ``name (1).png``, ``name (2).png``…;
        a file with identical bytes is reused under its name.
        """
        if overwrite:
            return filename, False
        stem, ext = posixpath.splitext(filename)
        name, counter = filename, 1
        while (existing := self.get(folder, subfolder, name)) is not None:
            if existing == data:
                return name, True
            name, counter = f"{stem} ({counter}){ext}", counter + 1
        return name, False

    def next_counter(self, folder: str, subfolder: str, prefix: str) -> int:
        """One more than the highest ``<prefix>_NNNNN_`` counter in the folder, 1 if none."""
        pattern = re.compile(re.escape(prefix) + r"_(\d+)_", re.IGNORECASE)
        counters = [int(m.group(1)) for name in self.names(folder, subfolder) if (m := pattern.match(name))]
        return max(counters, default=0) + 1
