"""Choosing the torch device and dtype from the settings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}


def pick_device(setting: str = "auto") -> torch.device:
    """``auto`` takes CUDA, then Apple's MPS, then the CPU; anything else is passed to torch."""
    if setting != "auto":
        return torch.device(setting)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def pick_dtype(setting: str, device: torch.device) -> torch.dtype:
    """``auto`` is float16 on GPUs (half the memory, same pictures) and float32 on the CPU."""
    if setting != "auto":
        return _DTYPES[setting]
    return torch.float16 if device.type in ("cuda", "mps") else torch.float32


@contextmanager
def denormals_flushed(device: torch.device) -> Iterator[None]:
    """On the CPU, flush denormal floats to zero while the block runs.

    Random or nearly-zero weights otherwise run 10-30x slower on CPUs. The setting is global to
    the process, so it is switched off again afterwards for code that needs IEEE subnormals.
    """
    if device.type != "cpu" or not torch.set_flush_denormal(True):
        yield
        return
    try:
        yield
    finally:
        torch.set_flush_denormal(False)
