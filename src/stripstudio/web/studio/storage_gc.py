"""Freeing stored files no row refers to any more (after assets, comics or jobs are deleted).

Storage is content-addressed and shared: two authors who upload the same picture share one file,
so a file may go only when no row of anyone names it. A file is removed when

- no row names it: not an asset, generated image or export file, and no JSON field (comic,
  character, panel and bubble specs, image parameters, job requests and results) mentions its
  storage name; and
- it is older than the grace period, so a file a running job (or an upload) has just written,
  before its row is committed, is never taken. Writers touch a file they find already stored,
  which makes an old file young again when a new row is about to refer to it.

Removal renames the file aside first and checks its age again: a writer that touched it before
the rename keeps it (it is put back); one that comes after the rename finds no file and writes it
again. Abandoned ``.partial-`` files of interrupted writes go the same way.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import close_old_connections, connection
from django.db import models as django_models

from stripstudio.jobs.models import Job
from stripstudio.web.studio import models

log = logging.getLogger(__name__)

OBJECTS = "objects"
STORED_NAME = re.compile(r"objects/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}(?:\.[A-Za-z0-9]{1,16})?")
FieldsOf = tuple[tuple[type[django_models.Model], str], ...]
FILE_FIELDS: FieldsOf = (
    (models.Asset, "file"),
    (models.GeneratedImage, "file"),
    (models.Export, "file"),
    (models.TrainingPhoto, "file"),
    (models.TrainingEpoch, "lora_file"),
    (models.Portrait, "file"),
)
JSON_FIELDS: FieldsOf = (
    (models.Comic, "spec"),
    (models.Character, "spec"),
    (models.Panel, "spec"),
    (models.Bubble, "spec"),
    (models.GeneratedImage, "parameters"),
    (models.TrainingEpoch, "grid"),
    (Job, "request"),
    (Job, "results"),
)


@dataclass
class Collection:
    """What a pass found: the files it removed (or would, on a dry run) with their sizes, and what it kept."""

    removed: list[tuple[str, int]] = field(default_factory=list)
    kept_referenced: int = 0
    kept_young: int = 0
    dry_run: bool = False

    @property
    def freed_bytes(self) -> int:
        """Bytes the removed files held."""
        return sum(size for _name, size in self.removed)


def referenced_names() -> set[str]:
    """Every storage name some row refers to, by file field or inside a JSON field."""
    names: set[str] = set()
    # JSON first: a finishing job moves its files from Job.results to image and export rows, so
    # reading the rows after the jobs sees each file in one place or the other.
    for model, name in JSON_FIELDS:
        for value in model._default_manager.values_list(name, flat=True).iterator():
            names.update(STORED_NAME.findall(json.dumps(value)))
    for model, name in FILE_FIELDS:
        names.update(model._default_manager.values_list(name, flat=True).iterator())
    return names


def collect_garbage(root: Path, grace_seconds: float, *, dry_run: bool = False) -> Collection:
    """Remove the files under ``root/objects`` that no row names and that are older than ``grace_seconds``."""
    cutoff = time.time() - grace_seconds
    old = list(_old_files(Path(root), cutoff))  # listed before the references are read: see the module notes
    referenced = referenced_names()
    result = Collection(dry_run=dry_run)
    for path, name, size in old:
        if name in referenced:
            result.kept_referenced += 1
        elif dry_run or _remove_if_still_old(path, cutoff):
            result.removed.append((name, size))
        else:
            result.kept_young += 1
    return result


def _old_files(root: Path, cutoff: float) -> Iterator[tuple[Path, str, int]]:
    for folder, _dirs, files in os.walk(root / OBJECTS):
        for file_name in files:
            path = Path(folder) / file_name
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if stat.st_mtime < cutoff:
                yield path, path.relative_to(root).as_posix(), stat.st_size


def _remove_if_still_old(path: Path, cutoff: float) -> bool:
    aside = path.with_name(f".gc-{secrets.token_hex(4)}-{path.name}")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        return False
    if aside.stat().st_mtime >= cutoff:  # a writer touched it since it was listed: it is wanted again
        os.replace(aside, path)  # same name, same bytes: harmless if the writer stored it anew meanwhile
        return False
    aside.unlink()
    return True


class StorageCollector:
    """A background thread that runs :func:`collect_garbage` every ``interval`` seconds, and soon after
    :func:`collect_soon` (called when assets or comics are deleted)."""

    def __init__(self, root: Path, grace_seconds: float, interval: float) -> None:
        self.root, self.grace_seconds, self.interval = Path(root), grace_seconds, interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="storage-gc", daemon=True)

    def start(self) -> StorageCollector:
        """Start collecting; the process's :func:`collect_soon` wakes this collector."""
        global _running
        _running = self
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and wait for a pass in progress."""
        global _running
        _running = None
        self._stop.set()
        self._wake.set()
        self._thread.join()

    def wake(self) -> None:
        """Run a pass now rather than at the next interval."""
        self._wake.set()

    def _loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._wake.wait(self.interval)
                self._wake.clear()
                if self._stop.is_set():
                    return
                self._pass()
        finally:
            connection.close()

    def _pass(self) -> None:
        try:
            result = collect_garbage(self.root, self.grace_seconds)
            if result.removed:
                log.info("storage: freed %d file(s), %d bytes", len(result.removed), result.freed_bytes)
        except Exception:
            log.exception("storage garbage collection failed")
        finally:
            close_old_connections()


_running: StorageCollector | None = None


def collect_soon() -> None:
    """Ask this process's collector (if one runs) for a pass: files just unreferenced and old go now."""
    if _running is not None:
        _running.wake()
