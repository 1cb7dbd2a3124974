"""Face detail (the thesis' Face Detailer): redraw every face larger, then paste it back.

Faces are found offline (:mod:`stripstudio.faces`); each is cropped with padding, scaled so the
crop is ``draw_size`` pixels on its longer side, repainted image-to-image with the request's
prompt (a face description that keeps the gender), sampler and denoise (``strength``, 0.45 is the
thesis' value), scaled back and pasted through its grown face box feathered inward. Every pixel
outside those boxes keeps its exact value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from stripstudio.engines.diffusers.batching import batches
from stripstudio.engines.diffusers.inputs import feathered, load_image
from stripstudio.engines.diffusers.progress import StepReporter
from stripstudio.engines.diffusers.sampling import TaskContext, draw_batch
from stripstudio.faces import Face, FaceDetectorUnavailable, detect_faces
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.events import JobEvent
from stripstudio.generation.request import FaceDetailSpec, GenerationRequest, Region

Box = tuple[int, int, int, int]  # left, top, right, bottom in pixels


@dataclass(frozen=True)
class FacePlan:
    """Where one face is redrawn: the crop, the size it is drawn at, and the paste mask (crop-sized)."""

    face: Face
    crop: Box
    draw_size: tuple[int, int]
    mask: Image.Image


def run_face_detail(context: TaskContext, request: GenerationRequest) -> list[Image.Image]:
    """Every face of the init image redrawn, for each candidate (seed + k); no face: the image unchanged."""
    spec = request.face_detail or FaceDetailSpec()
    if request.reference_images:
        raise InvalidRequest(
            "face detail does not use reference images yet: draw the panel with them, then fix its faces without",
            field="reference_images",
        )
    # 1. The picture at its own size, and its faces (model files may come from the model folders).
    picture = load_image(request.source_image, "init_image")
    model_dirs = tuple(context.loader.locator.search_dirs)
    plans = [plan_face(face, picture.size, spec) for face in find_faces(picture, spec, model_dirs)]
    context.on_event(JobEvent.progress(0, 1, 0, message=_found(plans)))
    # 2. The img2img pipeline sharing the checkpoint's weights, and each face's prompt: the request's,
    #    plus the description of the region (character) the face is in.
    pipe = context.model.pipeline_for("image")
    prompts = [face_prompt(request, plan.face, picture.size) for plan in plans]
    embeddings = {
        text: context.embeddings(pipe, request.model_copy(update={"prompt": text})).as_kwargs() for text in set(prompts)
    }
    reporter = StepReporter(context.on_event, context.cancel, request.num_images, request.previews)
    reporter.parts = max(1, len(plans))
    scheduler_config = dict(pipe.scheduler.config)
    # 3. Each face redrawn for every candidate (seed + k) and pasted back; the crops of one drawing size
    #    and prompt are drawn in batches, whichever candidate and face they belong to.
    results = [picture.copy() for _ in range(request.num_images)]
    for (draw_size, prompt), items in _groups(plans, prompts, request.num_images).items():
        run = context.sizer.size_for(draw_size[0], draw_size[1], request.sampler)
        for batch in batches(items, run):
            crops = [picture.crop(plans[part].crop).resize(draw_size, Image.Resampling.LANCZOS) for _, part in batch]
            call = {**embeddings[prompt], "image": crops, "strength": request.strength}
            candidates = tuple(index for index, _ in batch)
            redrawn = draw_batch(pipe, request, call, candidates, reporter, scheduler_config)
            for (index, part), image in zip(batch, redrawn, strict=True):
                _paste(results[index], picture, plans[part], image)
    for index, result in enumerate(results):
        context.on_image(index, result)
    return results


def _groups(plans: list[FacePlan], prompts: list[str], candidates: int) -> dict[tuple, list[tuple[int, int]]]:
    """(candidate, face) pairs by (drawing size, prompt): the crops that can share a sampling run."""
    groups: dict[tuple, list[tuple[int, int]]] = {}
    for part, plan in enumerate(plans):
        groups.setdefault((plan.draw_size, prompts[part]), []).extend((index, part) for index in range(candidates))
    return groups


def _paste(result: Image.Image, picture: Image.Image, plan: FacePlan, redrawn: Image.Image) -> None:
    """Scale a redrawn face back to its crop and paste it into ``result`` through the face's mask."""
    size = (plan.crop[2] - plan.crop[0], plan.crop[3] - plan.crop[1])
    patch = Image.composite(redrawn.resize(size, Image.Resampling.LANCZOS), picture.crop(plan.crop), plan.mask)
    result.paste(patch, plan.crop[:2])


def face_prompt(request: GenerationRequest, face: Face, size: tuple[int, int]) -> str:
    """The request's prompt, followed by the prompt of the region whose box holds the face's centre."""
    centre_x, centre_y = (face.left + face.width / 2) / size[0], (face.top + face.height / 2) / size[1]
    for index, region in enumerate(request.regions):
        if _holds(region, index, centre_x, centre_y):
            return f"{request.prompt}, {region.prompt}" if request.prompt else region.prompt
    return request.prompt


def _holds(region: Region, index: int, x: float, y: float) -> bool:
    """True when the point (fractions of the picture) lies in the region's mask, or else its box."""
    if region.mask:
        mask = load_image(region.mask, f"regions[{index}].mask", mode="L")
        column, row = min(mask.width - 1, int(x * mask.width)), min(mask.height - 1, int(y * mask.height))
        return bool(np.asarray(mask)[row, column] >= 128)
    left, top, width, height = region.box
    return left <= x < left + width and top <= y < top + height


def find_faces(picture: Image.Image, spec: FaceDetailSpec, model_dirs: tuple[Path, ...] = ()) -> list[Face]:
    """The faces to redraw; a detector that cannot run is the request's error, at its field."""
    try:
        return detect_faces(picture, spec.detector, min_size=spec.min_size, model_dirs=model_dirs)
    except FaceDetectorUnavailable as error:
        raise InvalidRequest(str(error), field="face_detail.detector") from error


def plan_face(face: Face, size: tuple[int, int], spec: FaceDetailSpec) -> FacePlan:
    """The padded crop around ``face`` (inside the picture), its drawing size and its paste mask."""
    width, height = size
    grown = _clamped(
        (face.left - spec.dilation, face.top - spec.dilation),
        (face.left + face.width + spec.dilation, face.top + face.height + spec.dilation),
        size,
    )
    side = max(face.width, face.height) * spec.padding
    centre_x, centre_y = face.left + face.width / 2, face.top + face.height / 2
    crop_width, crop_height = min(width, round(side)), min(height, round(side))
    left = int(min(max(0, round(centre_x - crop_width / 2)), width - crop_width))
    top = int(min(max(0, round(centre_y - crop_height / 2)), height - crop_height))
    crop = (left, top, left + crop_width, top + crop_height)
    # The grown face box must lie inside the crop for the mask to cover it.
    crop = (min(crop[0], grown[0]), min(crop[1], grown[1]), max(crop[2], grown[2]), max(crop[3], grown[3]))
    hard = np.zeros((crop[3] - crop[1], crop[2] - crop[0]), dtype=np.uint8)
    hard[grown[1] - crop[1] : grown[3] - crop[1], grown[0] - crop[0] : grown[2] - crop[0]] = 255
    mask = feathered(Image.fromarray(hard, mode="L"), spec.feather)
    return FacePlan(face, crop, _drawing_size(crop, spec.draw_size), mask)


def _clamped(top_left: tuple[int, int], bottom_right: tuple[int, int], size: tuple[int, int]) -> Box:
    return (max(0, top_left[0]), max(0, top_left[1]), min(size[0], bottom_right[0]), min(size[1], bottom_right[1]))


def _drawing_size(crop: Box, draw_size: int) -> tuple[int, int]:
    """The crop scaled to ``draw_size`` on its longer side, each side a multiple of 8 (at least 64)."""
    width, height = crop[2] - crop[0], crop[3] - crop[1]
    scale = draw_size / max(width, height)
    return tuple(max(64, round(side * scale / 8) * 8) for side in (width, height))  # type: ignore[return-value]


def _found(plans: list[FacePlan]) -> str:
    if not plans:
        return "no faces found: the picture is returned unchanged"
    return f"{len(plans)} face{'s' if len(plans) != 1 else ''} found"
