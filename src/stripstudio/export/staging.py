"""All-or-nothing writes: files go to temporary names beside their targets and are moved into place
together once every one of them is complete.

A failed export removes its temporary files (and folders it created), so the target folders look
as they did before.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


class Staging:
    """Files waiting to be moved into place; see :func:`staged`."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._created_dirs: list[Path] = []
        self._obsolete: list[Path] = []

    def write(self, target: Path, data: bytes) -> Path:
        """Write ``data`` under a temporary name in ``target``'s folder; returns ``target``."""
        with self.open(target) as handle:
            handle.write(data)
        return Path(target)

    @contextlib.contextmanager
    def open(self, target: Path) -> Iterator[BinaryIO]:
        """A file to write ``target``'s bytes into, piece by piece, under a temporary name."""
        target = Path(target)
        self._make_dirs(target.parent)
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        # os.open rather than mkstemp: the finished file gets the usual umask permissions, not 0600.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        self._pending.append((temp, target))
        with os.fdopen(fd, "wb") as handle:
            yield handle

    def remove_on_commit(self, path: Path) -> None:
        """Delete ``path`` (an output of an earlier export that this one replaces) when committing."""
        self._obsolete.append(Path(path))

    def commit(self) -> None:
        """Move every staged file onto its target, then delete the obsolete files."""
        for temp, target in self._pending:
            os.replace(temp, target)
        self._pending.clear()
        for path in self._obsolete:
            path.unlink(missing_ok=True)

    def discard(self) -> None:
        """Delete the staged files and the folders this staging created."""
        for temp, _target in self._pending:
            temp.unlink(missing_ok=True)
        self._pending.clear()
        for folder in reversed(self._created_dirs):
            with contextlib.suppress(OSError):
                folder.rmdir()

    def _make_dirs(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self._created_dirs.append(path)


@contextlib.contextmanager
def staged_file(target: Path, staging: Staging | None = None) -> Iterator[BinaryIO]:
    """:meth:`Staging.open` on ``staging`` if given, else on a staging of its own committed at the end."""
    if staging is not None:
        with staging.open(target) as handle:
            yield handle
        return
    with staged() as own, own.open(target) as handle:
        yield handle


@contextlib.contextmanager
def staged() -> Iterator[Staging]:
    """A :class:`Staging` committed when the block ends normally and discarded when it raises."""
    staging = Staging()
    try:
        yield staging
    except BaseException:
        staging.discard()
        raise
    staging.commit()
