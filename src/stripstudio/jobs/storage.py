"""Content-addressed files in the studio's storage: a file's name is the SHA-256 of its bytes.

Names never come from the client, the same bytes are stored once, and a job that runs twice
writes the same names again instead of leaving copies behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile

CHUNK = 1024 * 1024


def object_name(sha256: str, extension: str) -> str:
    """The storage name of the bytes with hash ``sha256``: ``objects/ab/cd/abcd….ext``."""
    return f"objects/{sha256[:2]}/{sha256[2:4]}/{sha256}{extension.lower()}"


def store_bytes(data: bytes, extension: str) -> tuple[str, str]:
    """Store ``data``; returns (storage name, sha256). Writing the same bytes again changes nothing."""
    sha256 = hashlib.sha256(data).hexdigest()
    name = object_name(sha256, extension)
    target = Path(default_storage.path(name))
    if not _touched(target):
        _write_atomically(target, lambda handle: handle.write(data))
    return name, sha256


def store_file(source: Path, extension: str) -> tuple[str, str]:
    """Store the file at ``source`` (hashed and copied in chunks); returns (storage name, sha256)."""
    digest = hashlib.sha256()
    with open(source, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    sha256 = digest.hexdigest()
    name = object_name(sha256, extension)
    target = Path(default_storage.path(name))
    if not _touched(target):
        with open(source, "rb") as handle:
            _write_atomically(target, lambda out: shutil.copyfileobj(handle, out, CHUNK))
    return name, sha256


def stored_name(field: FieldFile) -> str:
    """The storage name of a row's file field; a row without its file is a broken row."""
    if not field.name:
        raise FileNotFoundError(f"{field.instance!r} has no stored file")
    return field.name


def stored_path(name: str) -> Path:
    """The local path of a stored file (the file-system storage is the one the worker reads)."""
    return Path(default_storage.path(name))


def _touched(target: Path) -> bool:
    """Mark an already stored file as just written (garbage collection then keeps it); False if it is absent."""
    try:
        os.utime(target)
    except FileNotFoundError:
        return False
    return True


def _write_atomically(target: Path, write) -> None:
    """Write through a temporary file in the same folder and rename: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=".partial-", delete=False)  # noqa: SIM115
    try:
        with handle:
            write(handle)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
