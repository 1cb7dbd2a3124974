"""Image to image: a variation of an existing picture (``strength`` = how much is repainted)."""

from __future__ import annotations

from PIL import Image

from stripstudio.engines.diffusers.inputs import cover, load_image
from stripstudio.engines.diffusers.sampling import TaskContext, sample_candidates
from stripstudio.generation.request import GenerationRequest


def run_image_to_image(context: TaskContext, request: GenerationRequest) -> list[Image.Image]:
    """Repaint the init image with ``strength`` (0 keeps it, 1 ignores it)."""
    # 1. The init image at the requested size.
    init = init_picture(request)
    # 2. The img2img pipeline sharing the checkpoint's weights.
    pipe = context.model.pipeline_for("image")
    # 3. One variation per seed.
    return sample_candidates(context, pipe, request, {"image": init, "strength": request.strength})


def init_picture(request: GenerationRequest) -> Image.Image:
    """The init image at the requested size (scaled to cover, centre-cropped: never stretched)."""
    return cover(load_image(request.source_image, "init_image"), request.width, request.height)
