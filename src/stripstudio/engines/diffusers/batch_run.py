"""Several requests drawn in shared batches (a worker batching the jobs of several authors).

Requests whose :func:`~stripstudio.generation.batching.batch_key` agrees (task, model, size, steps,
guidance, sampler and LoRA set) are drawn together: their candidates become the images of batched
runs, each image with its own request's prompt embeddings, seed (the request's seed + k) and init
image. Each request keeps its own events, images and cancel: a request cancelled during a run stops
receiving events and ends with JobCancelled while the others finish; a request whose inputs or event
sink fail ends with that error alone. Should a batched run itself fail, the requests still drawing
are drawn again one by one, so that one bad request cannot fail the others.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import torch
from PIL import Image

from stripstudio.engines.diffusers.batching import batches
from stripstudio.engines.diffusers.embeddings import PromptEmbeddings
from stripstudio.engines.diffusers.image_to_image import init_picture
from stripstudio.engines.diffusers.lora import ResolvedLora, loras_in
from stripstudio.engines.diffusers.models import LoadedModel
from stripstudio.engines.diffusers.progress import StepReporter
from stripstudio.engines.diffusers.runtime import denormals_flushed
from stripstudio.engines.diffusers.sampling import TaskContext, candidate_generator, run_scheduler
from stripstudio.engines.diffusers.text_to_image import size_arguments
from stripstudio.engines.diffusers.tiny import TINY_MODEL_NOTE
from stripstudio.generation.batching import BatchJob, BatchOutcome, batch_key, run_each
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.request import Task

if TYPE_CHECKING:
    from stripstudio.engines.diffusers.engine import DiffusersEngine

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Member:
    """One request of a shared batch: its job, progress, conditioning and what it has come to."""

    job: BatchJob
    reporter: StepReporter = field(init=False)
    embeddings: PromptEmbeddings | None = None
    init: Image.Image | None = None
    images: list[GeneratedImage] = field(default_factory=list)
    error: BaseException | None = None

    def __post_init__(self) -> None:
        request = self.job.request
        self.reporter = StepReporter(self.emit, None, request.num_images, request.previews)

    def emit(self, event: JobEvent) -> None:
        """Pass ``event`` to the job's sink; a sink that fails ends this request only."""
        if self.error is not None:
            return
        try:
            self.job.on_event(event)
        except Exception as error:
            self.error = error

    def stopped(self) -> bool:
        """True once this request has ended (cancelled by its author, or failed)."""
        if self.error is None and self.job.cancel is not None and self.job.cancel.is_set():
            self.error = JobCancelled("cancelled by the user")
        return self.error is not None

    def outcome(self) -> BatchOutcome:
        """The images, or the error that ended the request."""
        return BatchOutcome(error=self.error) if self.error is not None else BatchOutcome(images=self.images)


def run_batch(engine: DiffusersEngine, jobs: Sequence[BatchJob]) -> list[BatchOutcome]:
    """Draw ``jobs``: those sharing a batch key together, the others alone; one outcome per job, in order."""
    outcomes: dict[int, BatchOutcome] = {}
    groups: dict[str, list[tuple[int, list[ResolvedLora]]]] = {}
    for index, job in enumerate(jobs):
        try:  # what the engine cannot honour is refused per request, as for a request alone
            loras = engine.checked_loras(job.request)
        except Exception as error:
            outcomes[index] = BatchOutcome(error=error)
            continue
        groups.setdefault(batch_key(job.request) or f"alone {index}", []).append((index, loras))
    for group in groups.values():
        members = [_Member(jobs[index]) for index, _ in group]
        if len(members) == 1:
            outcomes[group[0][0]] = run_each(engine, [members[0].job])[0]
            continue
        _draw_group(engine, members, group[0][1])
        outcomes.update((index, member.outcome()) for (index, _), member in zip(group, members, strict=True))
    return [outcomes[index] for index in range(len(jobs))]


def _draw_group(engine: DiffusersEngine, members: list[_Member], loras: list[ResolvedLora]) -> None:
    """Draw the members together; if a batched run fails, draw each unfinished member alone."""
    try:
        with engine._lock, denormals_flushed(engine.device):
            _draw(engine, members, loras)
    except Exception as error:
        log.warning("a batch of %d requests failed (%s); drawing each alone", len(members), error, exc_info=True)
        for member in members:
            if not member.stopped():
                outcome = run_each(engine, [member.job])[0]
                member.images, member.error = outcome.images, outcome.error


def _draw(engine: DiffusersEngine, members: list[_Member], loras: list[ResolvedLora]) -> None:
    first = members[0].job.request
    model = engine.cache.get(first.model)
    for member in members:
        note = TINY_MODEL_NOTE if model.is_random else ""
        member.emit(JobEvent(kind=EventKind.STARTED, message=note, total=member.job.request.num_images))
    with loras_in(model.base, loras, merged=model.acceleration.merge_loras):
        pipe = model.pipeline_for("text" if first.task is Task.TEXT_TO_IMAGE else "image")
        for member in members:
            _prepare(member, model, engine, pipe)
        scheduler_config = dict(pipe.scheduler.config)
        size = engine.sizer.size_for(first.width, first.height, first.sampler)
        for run in _runs(members, size):
            _draw_run(engine, model, pipe, run, scheduler_config)


def _prepare(member: _Member, model: LoadedModel, engine: DiffusersEngine, pipe) -> None:
    """The member's prompt embeddings (LoRAs on the text encoders included) and init image."""
    request = member.job.request
    try:
        context = TaskContext(model=model, loader=engine.loader, on_event=member.emit, cancel=None, on_image=_unused)
        member.embeddings = context.embeddings(pipe, request)
        if request.task is Task.IMAGE_TO_IMAGE:
            member.init = init_picture(request)
    except Exception as error:
        member.error = error


def _unused(index: int, image: Image.Image) -> None:
    raise AssertionError("a shared batch delivers its images itself")


def _runs(members: list[_Member], size: int) -> list[list[tuple[_Member, int]]]:
    """(member, candidate) pairs in runs of at most ``size``; prompts of one embedding length per run."""
    by_length: dict[tuple, list[tuple[_Member, int]]] = {}
    for member in members:
        if member.embeddings is None or member.stopped():
            continue
        shape = tuple(member.embeddings.prompt_embeds.shape)
        by_length.setdefault(shape, []).extend((member, k) for k in range(member.job.request.num_images))
    return [list(run) for items in by_length.values() for run in batches(items, size)]


def _draw_run(engine, model: LoadedModel, pipe, run: list[tuple[_Member, int]], scheduler_config: dict) -> None:
    """One pipeline call drawing every (member, candidate) of ``run`` still wanted, then their images."""
    items = [(member, k) for member, k in run if not member.stopped()]
    if not items:
        return
    rows = _rows(items)
    for member, (start, end) in rows.items():
        member.reporter.start_run(tuple(k for _, k in items[start:end]))
    request = items[0][0].job.request
    pipe.scheduler = run_scheduler(request, items[0][1], scheduler_config)
    arguments = size_arguments(model.family, request)
    if request.task is Task.IMAGE_TO_IMAGE:
        arguments = {"image": [member.init for member, _ in items], "strength": request.strength}
    generators = [candidate_generator(member.job.request, k) for member, k in items]
    try:
        result = pipe(
            **_stacked([member.embeddings for member, _ in items if member.embeddings is not None]),
            **arguments,
            num_inference_steps=request.num_inference_steps,
            guidance_scale=request.guidance_scale,
            num_images_per_prompt=1,
            generator=generators,
            callback_on_step_end=_FanOut(rows),
        )
    except JobCancelled:  # every member of the run was cancelled: nothing to deliver
        return
    for (member, k), image in zip(items, result.images, strict=True):
        if not member.stopped():
            drawn = engine.generated(member.job.request, k, image, model.source.display_name)
            member.images.append(drawn)
            member.emit(JobEvent(kind=EventKind.IMAGE, candidate=k, image=drawn, data={"seed": drawn.seed}))
    for member in rows:
        member.reporter.end_run()


def _rows(items: list[tuple[_Member, int]]) -> dict[_Member, tuple[int, int]]:
    """Each member's rows (start, end) in the run: its candidates are next to each other."""
    rows: dict[_Member, tuple[int, int]] = {}
    for row, (member, _) in enumerate(items):
        start = rows.get(member, (row, row))[0]
        rows[member] = (start, row + 1)
    return rows


def _stacked(embeddings: list[PromptEmbeddings]) -> dict[str, torch.Tensor]:
    """One row of prompt embeddings per image of the run."""
    parts = [part.as_kwargs() for part in embeddings]
    return {name: torch.cat([part[name] for part in parts]) for name in parts[0]}


class _FanOut:
    """The step hook of a shared run: each member's progress and previews from its own rows; a member
    cancelled meanwhile is left out, and the run stops only when every member of it has stopped."""

    def __init__(self, rows: dict[_Member, tuple[int, int]]):
        self.rows = rows

    def __call__(self, pipe, step_index: int, timestep, callback_kwargs: dict) -> dict:
        latents = callback_kwargs.get("latents")
        for member, (start, end) in self.rows.items():
            if not member.stopped():
                rows = latents[start:end] if latents is not None else None
                member.reporter.report(step_index, pipe.num_timesteps, rows)
        if all(member.stopped() for member in self.rows):
            raise JobCancelled("every request of the batch has stopped")
        return callback_kwargs
