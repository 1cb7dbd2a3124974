"""The SDXL refiner as a second stage: the base model denoises part of the way, the refiner finishes.

As in diffusers' "ensemble of expert denoisers": the base pipeline stops at ``switch`` of the
denoising (``denoising_end``) and hands its latents, still noisy, to the refiner's image-to-image
pipeline, which starts at the same point (``denoising_start``). The refiner reads the prompt with
its own (second) text encoder.
"""

from __future__ import annotations

from typing import Any

import torch
from PIL import Image

from stripstudio.engines.diffusers.families import SDXL_REFINER
from stripstudio.engines.diffusers.progress import StepReporter
from stripstudio.engines.diffusers.sampling import TaskContext, draw_batch
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest, ModelRef


def sample_refined(context: TaskContext, pipe, request: GenerationRequest, call_kwargs: dict) -> list[Image.Image]:
    """Each candidate (seed + k) drawn by the base model to the switch point and finished by the refiner."""
    spec = request.refiner
    if spec is None or context.load_model is None:
        raise InvalidRequest("this run has no refiner to finish with", field="refiner")
    # 1. The refiner, loaded like any checkpoint, and its image-to-image pipeline.
    refiner_model = context.load_model(ModelRef(checkpoint=spec.checkpoint))
    if refiner_model.family != SDXL_REFINER:
        raise InvalidRequest(
            f"{spec.checkpoint!r} is not an SDXL refiner (it has the first text encoder): name the refiner "
            "checkpoint, e.g. stabilityai/stable-diffusion-xl-refiner-1.0",
            field="refiner.checkpoint",
        )
    refiner = refiner_model.pipeline_for("image")
    # 2. Progress counts both stages of every candidate.
    reporter = StepReporter(context.on_event, context.cancel, request.num_images, request.previews)
    reporter.parts = 2
    base_config, refiner_config = dict(pipe.scheduler.config), dict(refiner.scheduler.config)
    images = []
    with context.conditioning(pipe, request) as embeddings:
        refiner_embeddings = context.embeddings(refiner, request).as_kwargs()
        for batch in context.batches(request, request.width, request.height):
            # 3. The base model's share of the denoising, kept as latents (one per candidate of the batch).
            base = {**embeddings, **call_kwargs, "denoising_end": spec.switch, "output_type": "latent"}
            latents: Any = draw_batch(pipe, request, base, batch, reporter, base_config)  # tensors, not pictures
            # 4. The refiner finishes the whole batch from where the base stopped.
            finish = {**refiner_embeddings, "image": torch.stack(latents), "denoising_start": spec.switch}
            refined = draw_batch(refiner, request, finish, batch, reporter, refiner_config)
            for index, image in zip(batch, refined, strict=True):
                context.on_image(index, image)
                images.append(image)
    return images
