"""Helpers for engine tests on the tiny random model."""

from __future__ import annotations

from stripstudio.generation import GenerationRequest, ModelRef

TINY = ModelRef(checkpoint="tiny-random-sdxl")


def tiny_request(**fields) -> GenerationRequest:
    """A small, fast request on the tiny model: 64x64, 2 steps, unless ``fields`` say otherwise."""
    defaults = dict(model=TINY, prompt="a young man reading a book", width=64, height=64, num_inference_steps=2)
    return GenerationRequest(**{**defaults, **fields})


def pixels(image) -> bytes:
    """The raw RGB bytes of a GeneratedImage or PIL image."""
    picture = image.image if hasattr(image, "image") else image
    return picture.convert("RGB").tobytes()
