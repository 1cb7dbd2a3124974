"""LoRAs applied for one request and removed afterwards.

Files in kohya (``lora_unet_…``/``lora_te1_…``) and diffusers key formats both load through
diffusers' converters. Several LoRAs apply at once, each with its own UNet (``strength_model``)
and text-encoder (``strength_clip``) weight. After the request they are unloaded, which puts
the original layers back, so the next request draws exactly what it would have without them.

On the compiled path (:func:`loras_merged`) a LoRA set is merged into the weights in place for
the request and the original weights are copied back afterwards: the layers keep their structure,
so compiled blocks and their CUDA graphs are reused for any LoRA set, with no recompilation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import torch

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
        pipe.set_adapters(names, adapter_weights=[_weights(lora) for lora in loras])
        yield
    finally:
        pipe.unload_lora_weights()


@contextmanager
def loras_merged(pipe, loras: list[ResolvedLora]) -> Iterator[None]:
    """Merge ``loras`` into ``pipe``'s weights for the block (same strengths as :func:`loras_applied`),
    then copy the original weights back: exactly the weights of before, and no new layers."""
    if not loras:
        yield
        return
    flags = {parameter: parameter.requires_grad for parameter in _parameters(pipe)}
    saved: list[tuple[torch.Tensor, torch.Tensor]] = []
    try:
        names = [_load(pipe, lora, index) for index, lora in enumerate(loras)]
        pipe.set_adapters(names, adapter_weights=[_weights(lora) for lora in loras])
        saved = [(weight, weight.detach().clone()) for weight in _adapted_weights(pipe)]
        pipe.fuse_lora(components=_lora_components(pipe), adapter_names=names)
        pipe.unload_lora_weights()  # the LoRA layers go; their update stays merged in the weights
        _set_requires_grad(flags)
        yield
    finally:
        pipe.unload_lora_weights()
        with torch.no_grad():
            for weight, original in saved:
                weight.copy_(original)
        _set_requires_grad(flags)


def loras_in(pipe, loras: list[ResolvedLora], *, merged: bool):
    """``loras`` in ``pipe`` for a block: merged into the weights (the compiled path) or as layers."""
    return (loras_merged if merged else loras_applied)(pipe, loras)


def _set_requires_grad(flags: dict[torch.nn.Parameter, bool]) -> None:
    """Put back the flags that loading a LoRA turned off: compiled code guards on them."""
    for parameter, flag in flags.items():
        parameter.requires_grad_(flag)


def _weights(lora: ResolvedLora) -> dict[str, float]:
    return {"unet": lora.strength_model, "text_encoder": lora.strength_clip, "text_encoder_2": lora.strength_clip}


def _lora_components(pipe) -> list[str]:
    return [name for name in pipe._lora_loadable_modules if getattr(pipe, name, None) is not None]


def _parameters(pipe) -> list[torch.nn.Parameter]:
    return [parameter for name in _lora_components(pipe) for parameter in getattr(pipe, name).parameters()]


def _adapted_weights(pipe) -> list[torch.Tensor]:
    """The weights of every layer a loaded LoRA adapts (what merging changes)."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    weights = []
    for name in _lora_components(pipe):
        for module in getattr(pipe, name).modules():
            if isinstance(module, BaseTunerLayer):
                weights.append(cast(torch.Tensor, module.get_base_layer().weight))
    return weights


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
