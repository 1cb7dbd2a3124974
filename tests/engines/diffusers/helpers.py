"""Helpers for engine tests on the tiny random model."""

from __future__ import annotations

import math

import numpy as np

from stripstudio.generation import GenerationRequest, ModelRef

TINY = ModelRef(checkpoint="tiny-random-sdxl")
# Candidate k drawn alone vs in a batch: the bound documented in docs/performance.md ("Batched
# candidates"). On the tiny model on the CPU the measured PSNR is 86 dB or more (often identical).
PSNR_BOUND_DB = 40.0


def tiny_request(**fields) -> GenerationRequest:
    """A small, fast request on the tiny model: 64x64, 2 steps, unless ``fields`` say otherwise."""
    defaults = dict(model=TINY, prompt="a young man reading a book", width=64, height=64, num_inference_steps=2)
    return GenerationRequest(**{**defaults, **fields})


def pixels(image) -> bytes:
    """The raw RGB bytes of a GeneratedImage or PIL image."""
    picture = image.image if hasattr(image, "image") else image
    return picture.convert("RGB").tobytes()


def psnr(first, second) -> float:
    """Peak signal-to-noise ratio of two 8-bit pictures (GeneratedImage or PIL) in dB; inf when identical."""
    a = np.asarray(first.image if hasattr(first, "image") else first, dtype=np.float64)
    b = np.asarray(second.image if hasattr(second, "image") else second, dtype=np.float64)
    error = float(((a - b) ** 2).mean())
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)
