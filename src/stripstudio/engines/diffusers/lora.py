"""LoRAs applied for one request and removed afterwards.

Files in kohya (``lora_unet_…``/``lora_te1_…``) and diffusers key formats both load through
diffusers' converters. Several LoRAs apply at once, each with its own UNet (``strength_model``)
and text-encoder (``strength_clip``) weight. After the request they are unloaded, which puts
the original layers back, so the next request draws exactly what it would have without them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from stripstudio.generation.errors import InvalidRequest


@dataclass(frozen=True)
class ResolvedLora:
    """A LoRA file with its two strengths."""

    name: str
    path: Path
    strength_model: float
    strength_clip: float


@contextmanager
def loras_applied(pipe, loras: list[ResolvedLora]) -> Iterator[None]:
    """Load ``loras`` into ``pipe`` for the duration of the block, then unload them all."""
    if not loras:
        yield
        return
    try:
        names = [_load(pipe, lora, index) for index, lora in enumerate(loras)]
        weights = [
            {
                "unet": lora.strength_model,
                "text_encoder": lora.strength_clip,
                "text_encoder_2": lora.strength_clip,
            }
            for lora in loras
        ]
        pipe.set_adapters(names, adapter_weights=weights)
        yield
    finally:
        pipe.unload_lora_weights()


def _load(pipe, lora: ResolvedLora, index: int) -> str:
    adapter_name = f"lora{index}_{re.sub(r'[^A-Za-z0-9_]', '_', lora.name)}"
    try:
        pipe.load_lora_weights(str(lora.path), adapter_name=adapter_name)
    except (ValueError, KeyError, RuntimeError, OSError) as error:
        raise InvalidRequest(
            f"LoRA {str(lora.path)!r} cannot be applied to this model ({error}); "
            "check that it is an SDXL LoRA in kohya or diffusers format",
            field="loras",
        ) from error
    return adapter_name
