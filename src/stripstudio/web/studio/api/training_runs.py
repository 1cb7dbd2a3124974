"""Training runs: the settings a run starts from and what they come to, start, follow, cancel or stop early
keeping the saved epochs, and pick the epoch whose LoRA the character keeps."""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from django.db import transaction
from django.http import Http404
from ninja import Path, Router, Status

from stripstudio.generation.errors import InvalidRequest, ModelNotFound
from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import TrainPayload
from stripstudio.jobs.submit import request_cancel, submit_job
from stripstudio.production.model_inventory import check_model
from stripstudio.training.buckets import planned_steps
from stripstudio.training.spec import Dataset, TrainingSettings
from stripstudio.training.test_grid import GRID_SEED, TestGrid, grid_prompts
from stripstudio.web.studio import models
from stripstudio.web.studio import training_datasets as folders
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.files import file_response
from stripstudio.web.studio.api.schemas import ErrorOut
from stripstudio.web.studio.api.serialize import asset_out, job_out
from stripstudio.web.studio.api.server_paths import check_checkpoint
from stripstudio.web.studio.api.training_schemas import (
    DefaultsOut,
    EpochOut,
    EstimateOut,
    GridPictureOut,
    PickOut,
    RunIn,
    RunOut,
)
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.quota import check_storage
from stripstudio.web.studio.training_pick import attach_epoch

router = Router(tags=["training"])
Epoch = Annotated[int, Path(ge=1, le=2**31 - 1)]  # bounded: a number the database can compare
RUNS_PER_DATASET = 50
# The design's goal for one H100 at 1024 px; smaller pictures go faster, up to a point.
GPU_STEPS_PER_SECOND_AT_1024 = 4.0
GPU_STEPS_PER_SECOND_MAX = 20.0


@router.get("/training-datasets/{dataset_id}/defaults", response=DefaultsOut)
def training_defaults(request, dataset_id: int):
    """The settings a run starts from (the thesis' best), for this dataset and the comic's model."""
    dataset_row = owned(request, models.TrainingDataset, dataset_id)
    comic = checked_comic(dataset_row.character.comic)
    model = comic.style.checkpoint or settings.STRIPSTUDIO.default_model
    defaults = TrainingSettings(model=model, resolution=dataset_row.resolution)
    return DefaultsOut(settings=defaults, estimate=_estimate(folders.prepared(dataset_row), defaults))


@router.post("/training-datasets/{dataset_id}/estimate", response=EstimateOut)
def estimate(request, dataset_id: int, payload: RunIn):
    """Total steps, saved epochs and a rough duration of a run with these settings."""
    dataset_row = owned(request, models.TrainingDataset, dataset_id)
    _check_names(payload.settings)
    return _estimate(folders.prepared(dataset_row), payload.settings)


@router.post("/training-datasets/{dataset_id}/runs", response={202: RunOut, 429: ErrorOut})
def start_run(request, dataset_id: int, payload: RunIn):
    """Queue training with these settings (the lowest priority: panels being drawn go first)."""
    dataset_row = owned(request, models.TrainingDataset, dataset_id)
    dataset = _ready(dataset_row)
    if dataset_row.runs.count() >= RUNS_PER_DATASET:
        raise invalid("dataset", f"a dataset keeps at most {RUNS_PER_DATASET} runs: delete it and start anew")
    check_storage(request.user.pk, what="a training run")
    _check_model(payload.settings)
    job_payload = _payload(dataset_row, dataset, payload.settings)
    with transaction.atomic():
        job = submit_job(request.user, job_payload, comic_id=dataset_row.character.comic_id)
        run = models.TrainingRun.objects.create(
            owner=request.user,
            dataset=dataset_row,
            job=job,
            settings=payload.settings.model_dump(mode="json"),
            total_steps=_total_steps(dataset, payload.settings),
        )
    return Status(202, run_out(run))


@router.get("/training-datasets/{dataset_id}/runs", response=list[RunOut])
def list_runs(request, dataset_id: int):
    """The dataset's runs, newest first."""
    dataset_row = owned(request, models.TrainingDataset, dataset_id)
    runs = mine(request, models.TrainingRun).filter(dataset=dataset_row).select_related("job", "dataset", "lora")
    return [run_out(run) for run in runs]


@router.get("/training-runs/{run_id}", response=RunOut)
def get_run(request, run_id: int):
    """A run's state, progress and saved epochs (each with its test grid)."""
    return run_out(owned(request, models.TrainingRun, run_id))


@router.post("/training-runs/{run_id}/cancel", response=RunOut)
def cancel_run(request, run_id: int):
    """Cancel the run (a running one stops within one training step)."""
    run = owned(request, models.TrainingRun, run_id)
    if run.job is not None:
        request_cancel(run.job)
    return run_out(run)


@router.post("/training-runs/{run_id}/stop-early", response=RunOut)
def stop_run_early(request, run_id: int):
    """Stop training and keep the epochs saved so far: their test grid is drawn and the run ends well.

    Training ends at the next step once an epoch is saved; asked before the first one is saved, it goes
    on until it is. A 422 naming ``run`` when the run is not training (waiting for a worker, or ended).
    """
    run = owned(request, models.TrainingRun, run_id)
    _check_stoppable(run.job)
    models.TrainingRun.objects.filter(pk=run.pk).update(stop_requested=True)
    run.refresh_from_db()
    return run_out(run)


@router.get("/training-runs/{run_id}/epochs/{epoch}/grid/{row}/file", response={200: bytes})
def grid_file(request, run_id: int, epoch: Epoch, row: Annotated[int, Path(ge=0, le=2**31 - 1)]):
    """One picture of an epoch's test grid."""
    run = owned(request, models.TrainingRun, run_id)
    for entry in _epochs(run):
        for picture in entry["grid"] if entry["epoch"] == epoch else ():
            if picture["row"] == row:
                return file_response(picture["file"])
    raise Http404("that picture is not drawn yet")


@router.post("/training-runs/{run_id}/epochs/{epoch}/pick", response=PickOut)
def pick_epoch(request, run_id: int, epoch: Epoch):
    """Keep this epoch's LoRA: it becomes one of the author's models and the character uses it, with its trigger."""
    run = owned(request, models.TrainingRun, run_id)
    saved = run.epochs.filter(epoch=epoch).first()
    if saved is None:
        raise invalid("epoch", f"epoch {epoch} is not saved by this run (yet): pick one of its saved epochs")
    lora_name, trigger_words = attach_epoch(request.user, run, saved)
    run.refresh_from_db()
    return PickOut(run=run_out(run), lora_name=lora_name, trigger_words=trigger_words)


def _check_stoppable(job: Job | None) -> None:
    """A 422 naming ``run`` unless its job is training and not being cancelled."""
    if job is None:
        raise invalid("run", "the run's job is gone: there is no training left to stop")
    if job.status == Job.Status.QUEUED:
        raise invalid("run", "the run has not started training, so it has no saved epoch: cancel it instead")
    if job.status != Job.Status.RUNNING:
        raise invalid("run", f"the run has already ended ({job.status}): there is no training left to stop")
    if job.cancel_requested:
        raise invalid("run", "the run is being cancelled: its epochs are not kept")


def run_out(run: models.TrainingRun) -> RunOut:
    """A run with its job and its saved epochs so far."""
    job = run.job
    grid_rows = [prompt["label"] for prompt in job.request.get("grid", {}).get("prompts", [])] if job else []
    return RunOut(
        id=run.pk,
        dataset_id=run.dataset_id,
        character_id=run.dataset.character_id,
        settings=TrainingSettings.model_validate(run.settings),
        total_steps=run.total_steps,
        job=job_out(job) if job else None,
        grid_rows=grid_rows,
        epochs=[_epoch_out(run, entry) for entry in _epochs(run)],
        picked_epoch=run.picked_epoch,
        lora=asset_out(run.lora) if run.lora else None,
        stop_requested=run.stop_requested,
    )


def _epochs(run: models.TrainingRun) -> list[dict]:
    """The saved epochs: from the run's rows once the job ended well, else from what the job wrote so far."""
    rows = [dict(row) for row in run.epochs.values("epoch", "step", "grid")]
    if rows or run.job is None or run.job.status == Job.Status.SUCCEEDED:
        return rows
    return [entry for entry in run.job.results if isinstance(entry, dict) and "epoch" in entry]


def _epoch_out(run: models.TrainingRun, entry: dict) -> EpochOut:
    base = f"/api/training-runs/{run.pk}/epochs/{entry['epoch']}/grid"
    grid = [GridPictureOut(row=p["row"], label=p["label"], url=f"{base}/{p['row']}/file") for p in entry["grid"]]
    return EpochOut(epoch=entry["epoch"], step=entry["step"], grid=grid, picked=run.picked_epoch == entry["epoch"])


def _ready(dataset_row: models.TrainingDataset) -> Dataset:
    """The prepared dataset to train; a 422 naming ``photos`` unless it is prepared and current (preparation
    already refuses too few usable photos)."""
    dataset = folders.prepared(dataset_row)
    if dataset is None or folders.is_stale(dataset_row):
        raise invalid("photos", "prepare the dataset first: photos changed since it was prepared")
    return dataset


def _check_names(training: TrainingSettings) -> None:
    """422 when the settings name a place on the server's disk (the studio's author is not on it)."""
    check_checkpoint(training.model, "settings.model")
    if training.model_config_dir is not None:
        message = "the studio reads a checkpoint's layout from the file itself: leave this empty"
        raise invalid("settings.model_config_dir", message)


def _check_model(training: TrainingSettings) -> None:
    """A 422 naming ``settings.model`` when the checkpoint to train on is a path, or cannot be found or read."""
    _check_names(training)
    reference = training.model
    try:
        check_model(settings.STRIPSTUDIO, reference)
    except (ModelNotFound, InvalidRequest) as error:
        raise invalid("settings.model", str(error)) from None


def _total_steps(dataset: Dataset, training: TrainingSettings) -> int:
    """The steps the run will take, as the trainer counts them (each bucket's short last batch included)."""
    return planned_steps(dataset, training.resolution, training.batch_size, training.epochs)


def _estimate(dataset: Dataset | None, training: TrainingSettings) -> EstimateOut:
    if dataset is None:
        return EstimateOut(
            total_steps=0,
            saved_epochs=training.saved_epochs(),
            images=0,
            repeats=0,
            regularisation_images=0,
            rough_seconds=0,
        )
    steps = _total_steps(dataset, training)
    speed = min(GPU_STEPS_PER_SECOND_MAX, GPU_STEPS_PER_SECOND_AT_1024 * (1024 / training.resolution) ** 2)
    return EstimateOut(
        total_steps=steps,
        saved_epochs=training.saved_epochs(),
        images=len(dataset.images),
        repeats=dataset.repeats,
        regularisation_images=len(dataset.regularisation),
        rough_seconds=steps / speed,
    )


def _payload(dataset_row: models.TrainingDataset, dataset: Dataset, training: TrainingSettings) -> TrainPayload:
    """The job: the dataset's folder, the settings and the test grid drawn like the comic's panels."""
    comic = checked_comic(dataset_row.character.comic)
    defaults = comic.generation
    template = GenerationRequest(
        model=ModelRef(checkpoint=training.model, vae=comic.style.vae),
        width=defaults.width,
        height=defaults.height,
        seed=GRID_SEED,
        num_inference_steps=defaults.steps,
        guidance_scale=defaults.cfg,
        sampler=defaults.sampler,
        scheduler=defaults.scheduler,
    )
    return TrainPayload(
        dataset=str(folders.dataset_folder(dataset_row)),
        trigger=dataset.trigger,
        class_word=dataset.class_word,
        repeats=dataset.repeats,
        settings=training,
        grid=TestGrid(prompts=grid_prompts(dataset.trigger, dataset.class_word, comic.style), template=template),
        engine="diffusers",  # the LoRA files are on this machine, where training runs
    )
