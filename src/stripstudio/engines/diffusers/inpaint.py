"""Inpainting: repaint the masked part of a picture and keep every other pixel as it was."""

from __future__ import annotations

from PIL import Image

from stripstudio.engines.diffusers.inputs import cover, inpaint_masks, load_image, paste_outside_mask
from stripstudio.engines.diffusers.sampling import TaskContext, sample_candidates
from stripstudio.generation.request import GenerationRequest


def run_inpaint(context: TaskContext, request: GenerationRequest) -> list[Image.Image]:
    """Repaint the white part of the mask (grown, then feathered) in ``num_images`` candidates."""
    init = cover(load_image(request.source_image, "init_image"), request.width, request.height)
    mask = request.inpaint_mask
    hard_mask, soft_mask = inpaint_masks(mask.image, init.size, mask.grow, mask.feather)
    return inpaint_image(context, request, init, hard_mask, soft_mask)


def inpaint_image(
    context: TaskContext,
    request: GenerationRequest,
    init: Image.Image,
    hard_mask: Image.Image,
    soft_mask: Image.Image,
) -> list[Image.Image]:
    """Inpaint ``init`` under ``hard_mask`` and blend each result back through ``soft_mask``."""
    # 1. The inpaint pipeline sharing the checkpoint's weights.
    pipe = context.model.pipeline_for("inpaint")
    # 2. One candidate per seed, sampled where the grown mask is white. The pipeline also changes
    #    pixels outside the mask (VAE round trip), so each result is blended back into the original.
    width, height = init.size
    return sample_candidates(
        context,
        pipe,
        request,
        {
            "image": init,
            "mask_image": hard_mask,
            "strength": request.strength,
            "width": width,
            "height": height,
        },
        finish=lambda image: paste_outside_mask(init, image.resize(init.size), soft_mask),
    )
