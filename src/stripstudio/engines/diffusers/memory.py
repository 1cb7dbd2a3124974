"""Fitting SDXL on the GPU at hand: offload, VAE tiling and slicing, attention slicing.

``STRIPSTUDIO_MEMORY_MODE`` names a mode, or ``auto`` chooses one from the GPU's total memory:

- ``full``: every model on the GPU (16 GB and more);
- ``low``: model CPU offload (one model on the GPU at a time) and VAE tiling and slicing (12 GB cards);
- ``minimal``: sequential offload (weights streamed layer by layer), VAE tiling and slicing and
  attention slicing: every task, ControlNet included, stays within an 8 GB card.

The explicit ``STRIPSTUDIO_CPU_OFFLOAD``, ``STRIPSTUDIO_VAE_TILING`` and ``STRIPSTUDIO_VAE_SLICING``
override the mode's choice. Offload only acts on CUDA; on the CPU everything stays where it is.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import torch

GIB = 1024**3
# An SDXL UNet in fp16 is 5.1 GB and a full-size SDXL ControlNet 2.5 GB: with both on the GPU and
# the activations of a 1024x1024 step, model offload needs about 9 GB, and keeping everything
# (text encoders, VAE, image encoder) resident about 12 GB.
FULL_MIN_GIB = 15.0
LOW_MIN_GIB = 11.0
MEMORY_MODES = ("full", "low", "minimal")


@dataclass(frozen=True)
class MemoryOptions:
    """How to trade speed for memory."""

    cpu_offload: str = "none"
    vae_tiling: bool = False
    vae_slicing: bool = False
    attention_slicing: bool = False
    mode: str = "full"

    @property
    def offloaded(self) -> bool:
        """True when models live on the CPU between uses."""
        return self.cpu_offload != "none"


MODE_OPTIONS = {
    "full": MemoryOptions(),
    "low": MemoryOptions(cpu_offload="model", vae_tiling=True, vae_slicing=True, mode="low"),
    "minimal": MemoryOptions(
        cpu_offload="sequential", vae_tiling=True, vae_slicing=True, attention_slicing=True, mode="minimal"
    ),
}


def memory_mode_for(total_bytes: int | None) -> str:
    """The memory mode for a GPU with ``total_bytes`` of memory (None: no GPU, ``full``)."""
    if total_bytes is None:
        return "full"
    gib = total_bytes / GIB
    if gib >= FULL_MIN_GIB:
        return "full"
    return "low" if gib >= LOW_MIN_GIB else "minimal"


def gpu_total_memory(device: torch.device) -> int | None:
    """Total memory of ``device`` in bytes when it is a CUDA GPU, else None."""
    if device.type != "cuda" or not torch.cuda.is_available():
        return None
    return int(torch.cuda.get_device_properties(device).total_memory)


def memory_options(
    mode: str,
    total_bytes: int | None,
    *,
    cpu_offload: str | None = None,
    vae_tiling: bool | None = None,
    vae_slicing: bool | None = None,
) -> MemoryOptions:
    """The options of ``mode`` (``auto``: chosen from ``total_bytes``), with the explicit settings on top."""
    chosen = memory_mode_for(total_bytes) if mode == "auto" else mode
    if chosen not in MODE_OPTIONS:
        raise ValueError(f"memory_mode {mode!r} is not one of auto, {', '.join(MEMORY_MODES)}")
    overrides: dict[str, Any] = {"cpu_offload": cpu_offload, "vae_tiling": vae_tiling, "vae_slicing": vae_slicing}
    return replace(MODE_OPTIONS[chosen], **{key: value for key, value in overrides.items() if value is not None})


def apply_memory_options(pipe, device: torch.device, memory: MemoryOptions) -> None:
    """Move ``pipe`` to ``device`` or set up its CPU offload, and apply the slicing and tiling options."""
    if memory.cpu_offload == "model" and device.type == "cuda":
        pipe.enable_model_cpu_offload(device=device)
    elif memory.cpu_offload == "sequential" and device.type == "cuda":
        pipe.enable_sequential_cpu_offload(device=device)
    else:
        pipe.to(device)
    vae = getattr(pipe, "vae", None)
    if vae is not None:
        (vae.enable_tiling if memory.vae_tiling else vae.disable_tiling)()
        (vae.enable_slicing if memory.vae_slicing else vae.disable_slicing)()
    if memory.attention_slicing:
        pipe.enable_attention_slicing()


def place_module(module: torch.nn.Module, device: torch.device, memory: MemoryOptions) -> torch.nn.Module:
    """Where a model used outside a pipeline (an image encoder) waits: on the CPU when offloading."""
    return module.to("cpu" if memory.offloaded and device.type == "cuda" else device)


@contextlib.contextmanager
def on_device(module: torch.nn.Module, device: torch.device, memory: MemoryOptions) -> Iterator[torch.nn.Module]:
    """``module`` on ``device`` for the block; an offloaded one goes back to the CPU afterwards."""
    if not (memory.offloaded and device.type == "cuda"):
        yield module
        return
    module.to(device)
    try:
        yield module
    finally:
        module.to("cpu")
        torch.cuda.empty_cache()
