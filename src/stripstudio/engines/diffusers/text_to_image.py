"""Text to image: a new picture from the prompt alone."""

from __future__ import annotations

from PIL import Image

from stripstudio.engines.diffusers.families import SDXL
from stripstudio.engines.diffusers.refiner import sample_refined
from stripstudio.engines.diffusers.sampling import TaskContext, sample_candidates
from stripstudio.generation.request import GenerationRequest


def run_text_to_image(context: TaskContext, request: GenerationRequest) -> list[Image.Image]:
    """Draw ``request.num_images`` candidates of ``width`` x ``height`` from the prompt."""
    # 1. The base pipeline of the loaded checkpoint.
    pipe = context.model.pipeline_for("text")
    # 2. One image per seed, at the requested size.
    arguments = size_arguments(context.model.family, request)
    if request.refiner is not None:
        return sample_refined(context, pipe, request, arguments)
    return sample_candidates(context, pipe, request, arguments)


def size_arguments(family: str, request: GenerationRequest) -> dict:
    """The output size as pipeline arguments; SDXL's size conditioning says "a whole picture of this size"."""
    arguments: dict = {"width": request.width, "height": request.height}
    if family == SDXL:
        arguments |= {"original_size": (request.height, request.width), "target_size": (request.height, request.width)}
    return arguments
