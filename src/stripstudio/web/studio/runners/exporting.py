"""The runner of export jobs: letter the picked panels, lay them out, write the chosen formats."""

from __future__ import annotations

import itertools
import tempfile
import threading
import zipfile
from pathlib import Path

from PIL import Image

from stripstudio.domain.panel import panel_label
from stripstudio.export import ExportError
from stripstudio.export.episode import ExportOptions, export_episode
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import ExportPayload
from stripstudio.jobs.runners import Outcome
from stripstudio.jobs.storage import store_file, stored_name, stored_path
from stripstudio.layout import Checkpoint
from stripstudio.production.export_comic import LetteredPanels, check_export_size, file_stem
from stripstudio.web.studio import models
from stripstudio.web.studio.convert import domain_comic


def run_export(runtime, job: Job, payload: ExportPayload, report, cancel) -> Outcome:
    """Export the job's comic in the payload's formats; each file becomes an Export on success.

    Panels are read and lettered page by page; a cancel stops the export at its next checkpoint
    (between panels, pages and bands of rows) and leaves no file behind.
    """
    comic_row = models.Comic.objects.filter(pk=job.comic_id).first() if job.comic_id is not None else None
    if comic_row is None:
        raise ExportError("this export's comic no longer exists", setting="comic")
    chosen = finished_panels(comic_row, skip_unfinished=payload.skip_unfinished)
    whole = domain_comic(comic_row)
    comic = whole.model_copy(update={"panels": [whole.panels[index] for index, _image in chosen]})
    check_export_size(comic)
    images = [image for _index, image in chosen]
    checkpoint = stop_when(cancel)
    total = len(images) + 1
    report(JobEvent(kind=EventKind.STARTED, total=total, message=f"lettering {len(images)} panels"))
    lettered = itertools.count(1)
    art = LetteredPanels(
        comic,
        lambda index: _open(images[index]),
        on_panel=lambda _id: report(JobEvent.progress(min(next(lettered), total - 1), total, 0)),
        checkpoint=checkpoint,
    )
    name = file_stem(comic.title)
    options = ExportOptions(name=name, formats=frozenset(payload.formats) or None)
    with tempfile.TemporaryDirectory(prefix="stripstudio-export-") as folder:
        written = export_episode(comic, art, Path(folder) / "out", options, checkpoint)
        checkpoint()
        files = _stored_files(written, Path(folder), name)
    report(JobEvent.progress(total, total, 0, message="export written"))

    def commit() -> None:
        models.Export.objects.bulk_create(
            models.Export(owner_id=job.owner_id, comic_id=comic_row.pk, job=job, warnings=list(written.warnings), **f)
            for f in files
        )

    return Outcome(commit, message=", ".join(f["name"] for f in files), data={"files": [f["name"] for f in files]})


def stop_when(cancel: threading.Event) -> Checkpoint:
    """A checkpoint that raises :class:`JobCancelled` once ``cancel`` is set."""

    def checkpoint() -> None:
        if cancel.is_set():
            raise JobCancelled("the export was cancelled")

    return checkpoint


def chosen_images(comic: models.Comic) -> list[models.GeneratedImage]:
    """Each panel's picked image, else its newest first candidate; ExportError naming the panels without one."""
    return [image for _index, image in finished_panels(comic)]


def finished_panels(comic: models.Comic, *, skip_unfinished: bool = False) -> list[tuple[int, models.GeneratedImage]]:
    """The place (from 0) and picture of every panel that has one: its pick, else its newest first candidate.

    Panels without any picture are an ExportError naming them (counted from 1, with their names),
    unless ``skip_unfinished`` leaves them out; a comic left with no picture at all is always one.
    """
    rows = list(comic.panels.all())
    if not rows:
        raise ExportError("the comic has no panels: add at least one", setting="panels")
    chosen, missing = [], []
    for index, panel in enumerate(rows):
        image = panel.images.filter(picked=True).first() or panel.images.order_by("-created_at", "candidate").first()
        if image is None:
            missing.append(panel_label(index, panel.spec.get("name") or panel.spec.get("id")))
        else:
            chosen.append((index, image))
    if missing and not skip_unfinished:
        names = ", ".join(missing)
        raise ExportError(
            f"{names} {'has' if len(missing) == 1 else 'have'} no picture yet: generate "
            f"{'it' if len(missing) == 1 else 'them'} first, or export with “skip unfinished panels”",
            setting="panels",
        )
    if not chosen:
        raise ExportError("no panel has a picture yet: generate at least one panel first", setting="panels")
    return chosen


def _open(image: models.GeneratedImage) -> Image.Image:
    with Image.open(stored_path(stored_name(image.file))) as picture:
        return picture.convert("RGB")


def _stored_files(written, folder: Path, name: str) -> list[dict]:
    """Store what the export wrote: the slices zipped into one download, the other files as they are."""
    files = []
    if written.slices:
        archive = folder / f"{name}-webtoon.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
            for path in written.slices:
                bundle.write(path, path.name)
        files.append(("webtoon", archive))
    others = (("png", written.strip_png), ("pdf", written.pdf), ("cbz", written.cbz))
    files += [(fmt, path) for fmt, path in others if path]
    stored = []
    for fmt, path in files:
        storage_name, _sha = store_file(path, path.suffix)
        stored.append({"format": fmt, "file": storage_name, "name": path.name, "size": path.stat().st_size})
    return stored
