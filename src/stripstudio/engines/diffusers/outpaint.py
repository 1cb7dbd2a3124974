"""Outpainting: extend the canvas on one or more sides and paint the new area."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from stripstudio.engines.diffusers.inpaint import inpaint_image
from stripstudio.engines.diffusers.inputs import feathered, load_image
from stripstudio.engines.diffusers.sampling import TaskContext
from stripstudio.generation.request import GenerationRequest, OutpaintSpec


def outpaint_geometry(width: int, height: int, spec: OutpaintSpec) -> tuple[int, int, int, int]:
    """(left, top, new width, new height): the extension, with right/bottom rounded up to a multiple of 8."""
    new_width = -(-(width + spec.left + spec.right) // 8) * 8
    new_height = -(-(height + spec.top + spec.bottom) // 8) * 8
    return spec.left, spec.top, new_width, new_height


def run_outpaint(context: TaskContext, request: GenerationRequest) -> list[Image.Image]:
    """Extend the init image by ``request.outpaint`` and inpaint the new strip (plus a small overlap)."""
    # 1. The init image as it is (its own size, not the request's: outpainting adds to it).
    init = load_image(request.source_image, "init_image")
    left, top, new_width, new_height = outpaint_geometry(*init.size, request.outpaint_sides)
    # 2. A larger canvas: the old picture in place, its border pixels stretched over the new area
    #    so the sampler starts from matching colours.
    pixels = np.asarray(init)
    right, bottom = new_width - init.width - left, new_height - init.height - top
    canvas = Image.fromarray(cv2.copyMakeBorder(pixels, top, bottom, left, right, cv2.BORDER_REPLICATE))
    # 3. Repaint the new area and `overlap` pixels of the old one, fading into the old picture.
    overlap = request.outpaint_sides.overlap
    keep = np.zeros((new_height, new_width), dtype=np.uint8)
    keep[top + overlap : top + init.height - overlap, left + overlap : left + init.width - overlap] = 255
    keep[top : top + init.height, left : left + init.width][
        _inner_edges(init.size, request.outpaint_sides, overlap)
    ] = 255
    hard_mask = Image.fromarray(255 - keep, mode="L")
    soft_mask = feathered(hard_mask, overlap)
    resized = request.model_copy(update={"width": new_width, "height": new_height})
    return inpaint_image(context, resized, canvas, hard_mask, soft_mask)


def _inner_edges(size: tuple[int, int], spec: OutpaintSpec, overlap: int) -> np.ndarray:
    """Mask of the old picture's border pixels on the sides that are NOT extended (kept as they are)."""
    width, height = size
    edges = np.zeros((height, width), dtype=bool)
    if not spec.left:
        edges[:, :overlap] = True
    if not spec.right:
        edges[:, width - overlap :] = True
    if not spec.top:
        edges[:overlap, :] = True
    if not spec.bottom:
        edges[height - overlap :, :] = True
    return edges
