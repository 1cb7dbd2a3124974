"""Requests that redraw part or all of a panel's picture: variations, inpainting and outpainting.

Each starts from the panel's own request (prompts, LoRAs, seed, sampling) and changes only what
the edit needs, so an edit stays in the character's and the comic's style.
"""

from __future__ import annotations

from stripstudio.generation.request import GenerationRequest, MaskSpec, OutpaintSpec, Task


def variation_request(base: GenerationRequest, image: str, size: tuple[int, int], strength: float) -> GenerationRequest:
    """Redraw ``image`` (its ``size`` in pixels) keeping its composition; ``strength`` 0 keeps it, 1 redraws it."""
    return _edit(base, Task.IMAGE_TO_IMAGE, image, size, strength=strength)


def inpaint_request(
    base: GenerationRequest,
    image: str,
    size: tuple[int, int],
    mask: str,
    *,
    grow: int = 32,
    feather: int = 8,
    strength: float = 1.0,
    prompt: str | None = None,
) -> GenerationRequest:
    """Repaint the white part of ``mask`` over ``image``, optionally with a prompt of its own."""
    return _edit(
        base,
        Task.INPAINT,
        image,
        size,
        strength=strength,
        mask=MaskSpec(image=mask, grow=grow, feather=feather),
        **({"prompt": prompt} if prompt else {}),
    )


def outpaint_request(
    base: GenerationRequest, image: str, size: tuple[int, int], sides: OutpaintSpec, prompt: str | None = None
) -> GenerationRequest:
    """Extend ``image`` by ``sides`` pixels and paint the new area to match."""
    return _edit(base, Task.OUTPAINT, image, size, outpaint=sides, **({"prompt": prompt} if prompt else {}))


FACE_DETAIL_DENOISE = 0.45  # the thesis' value: 0.9 changes the person


def face_detail_request(
    base: GenerationRequest, image: str, size: tuple[int, int], *, seed: int, strength: float = FACE_DETAIL_DENOISE
) -> GenerationRequest:
    """Redraw the faces of ``image`` (one candidate, drawn with ``seed``) with the panel's prompts.

    Regions stay, so each face gets the description of the character it belongs to. Reference
    images are not used by face detail (yet), so they are left out rather than ignored.
    """
    return _edit(base, Task.FACE_DETAIL, image, size, strength=strength, num_images=1, seed=seed, reference_images=())


def _edit(base: GenerationRequest, task: Task, image: str, size: tuple[int, int], **changes) -> GenerationRequest:
    width, height = (_multiple_of_8(side) for side in size)
    data = base.model_dump()
    data.update(task=task, init_image=image, width=width, height=height, controls=(), refiner=None, **changes)
    return GenerationRequest.model_validate(data)


def _multiple_of_8(pixels: int) -> int:
    return max(64, min(4096, pixels - pixels % 8))
