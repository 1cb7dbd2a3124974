"""The runner of training jobs: train the character LoRA, then draw the test grid of each saved epoch.

Everything a run writes while it trains lives in its own folder (``training/runs/<job id>``): a copy
of the dataset taken when the run first starts, and the trainer's epochs and resume state. A retry of
the job (its worker died, or stopped) finds that folder and the trainer resumes from the last saved
epoch. The LoRA files and grid pictures are copied into the studio's storage. Once the job has ended
for good (succeeded with its rows committed, cancelled or failed) it is never resumed, and its folder
is removed (see ``cleanup``).

The author may stop a run early and keep what it saved: the API marks the run (``stop_requested``), which
reaches the worker through the database wherever it runs; the runner looks at the mark at most once a
second, and the trainer ends at the next step once an epoch is saved. The grid is drawn for the epochs
saved so far and the job succeeds with them.
"""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage as DrawnImage
from stripstudio.jobs.lifecycle import record_progress
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import TrainPayload
from stripstudio.jobs.runners import Outcome
from stripstudio.jobs.storage import store_bytes, store_file
from stripstudio.production.model_inventory import model_locator
from stripstudio.settings import StudioSettings
from stripstudio.training.kohya_layout import staged_directory
from stripstudio.training.spec import SavedEpoch, TrainingProgress
from stripstudio.training.test_grid import GridPicture, draw_test_grid
from stripstudio.web.studio import models

PROGRESS_POINTS = 400  # progress events per run at most: the loss curve's resolution, and a bound on the stream
STOP_POLL_SECONDS = 1.0  # how often the trainer's question "stop early?" reaches the database at most


def run_folder(settings: StudioSettings, job_id: object) -> Path:
    """The working folder of the training job ``job_id``."""
    return settings.training_dir / "runs" / str(job_id)


def remove_run_folder(job_id: object) -> None:
    """Remove the working folder of a training job that ended for good, or whose run was deleted."""
    from django.conf import settings

    shutil.rmtree(run_folder(settings.STRIPSTUDIO, job_id), ignore_errors=True)


def run_training(runtime, job: Job, payload: TrainPayload, report, cancel) -> Outcome:
    """Train (or resume) the LoRA, draw the test grid, and keep each saved epoch's file and pictures."""
    from stripstudio.training.buckets import planned_steps
    from stripstudio.training.dataset import load_dataset
    from stripstudio.training.trainer import train

    folder = run_folder(runtime.settings, job.pk)
    dataset = load_dataset(
        _snapshot(Path(payload.dataset), folder / "dataset"), payload.trigger, payload.class_word, payload.repeats
    )
    settings = payload.settings
    total = planned_steps(dataset, settings.resolution, settings.batch_size, settings.epochs)  # buckets' short batches
    grid_total = len(settings.saved_epochs()) * len(payload.grid.prompts)
    report(JobEvent(kind=EventKind.STARTED, total=total + grid_total, message=f"training {total} steps"))
    progress = ProgressRelay(report, total + grid_total, every=max(1, total // PROGRESS_POINTS))
    stop = StopRequest(job.pk)
    # A cancel raises TrainingCancelled (a JobCancelled): the job ends cancelled, or, when the worker
    # is stopping, goes back to the queue and its retry resumes from the last saved epoch.
    saved = train(
        dataset,
        settings,
        folder / "lora",
        on_progress=progress.trained,
        on_epoch_saved=progress.saved,
        should_stop=cancel.is_set,
        should_finish=stop,
        device=runtime.settings.device,
        locator=model_locator(runtime.settings),
    )
    epochs = _stored_epochs(saved)
    record_progress(report.lease, results=epochs)
    _draw_grid(runtime, job, payload, report, cancel, saved, epochs, offset=total)
    data: dict[str, Any] = {"epochs": [entry["epoch"] for entry in epochs]}
    message = f"{len(epochs)} epoch(s) saved"
    if stop.heard:
        data["stopped_early_after"] = saved[-1].epoch
        message = f"stopped early after epoch {saved[-1].epoch}: {message}"
    return Outcome(lambda: _commit(job, epochs), message=message, data=data)


class StopRequest:
    """The trainer's ``should_finish``: whether the author asked to stop the run of ``job_id`` early.

    The mark is on the run's row, so it reaches a worker in any process; it is read at most once every
    ``interval`` seconds (the trainer asks before every step). ``heard`` is True once it answered yes: the
    trainer asks only after an epoch is saved, and ends at that answer.
    """

    def __init__(self, job_id: UUID | str, interval: float = STOP_POLL_SECONDS) -> None:
        self.job_id, self.interval = job_id, interval
        self.heard = False
        self._read_at: float | None = None

    def __call__(self) -> bool:
        """True when the author asked to stop (read from the database when the last read is old enough)."""
        now = time.monotonic()
        if not self.heard and (self._read_at is None or now - self._read_at >= self.interval):
            self._read_at = now
            self.heard = models.TrainingRun.objects.filter(job_id=self.job_id, stop_requested=True).exists()
        return self.heard


class ProgressRelay:
    """Turns the trainer's callbacks into job events: a progress event every ``every`` steps (and the
    last), with the loss, speed, time left and GPU memory in its data; one event per saved epoch."""

    def __init__(self, report, total: int, every: int) -> None:
        self.report, self.total, self.every = report, total, every

    def trained(self, progress: TrainingProgress) -> None:
        """One optimizer step done."""
        if progress.step % self.every and progress.step != progress.total_steps:
            return
        data = {"phase": "train", **progress.model_dump(exclude={"step", "total_steps"})}
        message = (
            f"epoch {progress.epoch}/{progress.epochs}, loss {progress.loss:.4f}, "
            f"{progress.steps_per_second:.2f} it/s, {_duration(progress.eta_seconds)} left"
        )
        self.report(JobEvent.progress(progress.step, self.total, 0, message=message, data=data))

    def saved(self, epoch: SavedEpoch) -> None:
        """An epoch's LoRA was written."""
        data = {"phase": "epoch", "epoch": epoch.epoch}
        self.report(JobEvent.progress(epoch.step, self.total, 0, message=f"epoch {epoch.epoch} saved", data=data))


def _draw_grid(runtime, job: Job, payload: TrainPayload, report, cancel, saved, epochs, offset: int) -> None:
    """Draw the grid; each picture goes into its epoch's entry of the job's results as soon as it is stored."""
    by_epoch = {entry["epoch"]: entry for entry in epochs}

    def on_picture(picture: GridPicture, pictures: int) -> None:
        by_epoch[picture.epoch]["grid"].append(picture.model_dump(exclude={"epoch"}))
        record_progress(report.lease, results=epochs)
        done = sum(len(entry["grid"]) for entry in epochs)
        message = f"test grid: epoch {picture.epoch}, {picture.label}"
        report(JobEvent.progress(offset + done, offset + pictures, 0, message=message, data={"phase": "grid"}))

    engine = runtime.engine(payload.engine)
    draw_test_grid(engine, payload.grid, saved, _store_picture, on_picture, cancel)


def _commit(job: Job, epochs: list[dict[str, Any]]) -> None:
    """The run's epoch rows (the working folder goes once the job's end is committed: see ``cleanup``)."""
    run = models.TrainingRun.objects.filter(job_id=job.pk).first()
    if run is not None:
        models.TrainingEpoch.objects.bulk_create(
            models.TrainingEpoch(
                owner_id=job.owner_id,
                run=run,
                epoch=entry["epoch"],
                step=entry["step"],
                lora_file=entry["lora"],
                grid=entry["grid"],
            )
            for entry in epochs
        )


def _stored_epochs(saved: list[SavedEpoch]) -> list[dict[str, Any]]:
    return [
        {"epoch": epoch.epoch, "step": epoch.step, "lora": store_file(epoch.path, ".safetensors")[0], "grid": []}
        for epoch in saved
    ]


def _store_picture(drawn: DrawnImage) -> str:
    buffer = io.BytesIO()
    drawn.image.save(buffer, format="PNG", pnginfo=drawn.png_info())
    return store_bytes(buffer.getvalue(), ".png")[0]


def _snapshot(source: Path, target: Path) -> Path:
    """A copy of the dataset the run keeps to itself, taken once: caption edits made while it trains
    (or before a retry resumes it) change the next run, not this one. Copied aside, then renamed."""
    if target.is_dir():
        return target
    if not source.is_dir():
        raise FileNotFoundError(f"the training dataset {source.name!r} is gone: prepare it again")
    with staged_directory(target) as staging:
        shutil.copytree(source, staging, dirs_exist_ok=True)
    return target


def _duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"
