"""Several requests drawn together: which requests may share a batch, and running them on any engine.

Requests with the same :func:`batch_key` differ only in what a batched run can give each image
of its own (prompts, seeds, number of candidates, init image): an engine that can draw them in
one batch does so through its ``run_batch``; any other engine runs them one after another. Each
request keeps its own event sink, cancel signal, images and error either way.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from stripstudio.generation.engine import CancelSignal, Engine, EventSink
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.loras import request_loras
from stripstudio.generation.request import GenerationRequest, Task

# Tasks whose per-request inputs a batch can carry image by image. Controls, regions and reference
# images change the model's layers for the whole batch, so their requests are drawn on their own.
BATCHABLE_TASKS = (Task.TEXT_TO_IMAGE, Task.IMAGE_TO_IMAGE)


@dataclass
class BatchJob:
    """One request of a batch, with the event sink and cancel signal of its own job."""

    request: GenerationRequest
    on_event: EventSink
    cancel: CancelSignal | None = None


@dataclass
class BatchOutcome:
    """What one request of a batch came to: its images, or the error that ended it (cancel included)."""

    images: list[GeneratedImage] = field(default_factory=list)
    error: BaseException | None = None


def batch_key(request: GenerationRequest) -> str | None:
    """Requests with equal keys may be drawn in one batch; None when this request is drawn alone.

    The key holds everything one batched run shares: task, model, size, steps, guidance, sampler,
    schedule, clip skip, denoise strength and the LoRA set with its strengths.
    """
    if request.task not in BATCHABLE_TASKS:
        return None
    if request.controls or request.regions or request.reference_images or request.refiner is not None:
        return None
    shared = {
        "task": request.task.value,
        "model": request.model.model_dump(mode="json"),
        "size": [request.width, request.height],
        "steps": request.num_inference_steps,
        "cfg": request.guidance_scale,
        "sampler": [request.sampler, request.scheduler],
        "clip_skip": request.clip_skip,
        "strength": request.strength if request.task is Task.IMAGE_TO_IMAGE else None,
        "loras": sorted([lora.name, lora.strength_model, lora.strength_clip] for lora in request_loras(request)),
    }
    return json.dumps(shared, sort_keys=True)


def run_batch(engine: Engine, jobs: Sequence[BatchJob]) -> list[BatchOutcome]:
    """Draw ``jobs`` on ``engine``: in one batch where the engine can (``run_batch``), else one by one.

    Never raises for a job's error: each outcome carries its own.
    """
    batched = getattr(engine, "run_batch", None)
    if batched is not None and len(jobs) > 1:
        return batched(jobs)
    return run_each(engine, jobs)


def run_each(engine: Engine, jobs: Sequence[BatchJob]) -> list[BatchOutcome]:
    """Run each job alone on ``engine``; one job's error is its outcome and does not stop the others."""
    outcomes = []
    for job in jobs:
        try:
            outcomes.append(BatchOutcome(images=engine.run(job.request, job.on_event, job.cancel)))
        except Exception as error:
            outcomes.append(BatchOutcome(error=error))
    return outcomes
