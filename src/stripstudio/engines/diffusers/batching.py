"""How many candidates one sampling run draws at once, and the runs a list of candidates splits into.

Candidates are drawn in batches: one pipeline call with one generator per candidate (seed + k),
so candidate ``k`` starts from the noise a one-image request with seed ``seed + k`` starts from.
A batch is as large as the setting allows and, on a GPU, as free memory allows; on the CPU a
small fixed size keeps the memory of a 1024² batch modest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import torch

CPU_BATCH_SIZE = 4
MAX_BATCH_SIZE = 16
# Peak working memory per image of one megapixel (UNet activations with classifier-free guidance,
# and the VAE decode), for 2-byte dtypes; float32 needs twice as much. Measured peaks of SDXL at
# 1024² in fp16 are below this; the margin covers attention implementations without flash kernels.
GIB_PER_MEGAPIXEL_IMAGE = 3.0
FREE_MEMORY_SHARE = 0.8
# Samplers whose noise comes from one seed per run rather than per candidate generator: a batch
# could not give candidate k the noise of seed + k, so they draw one candidate per run.
SOLO_SAMPLERS = frozenset({"dpmpp_sde"})
_Item = TypeVar("_Item")


@dataclass(frozen=True)
class BatchSizer:
    """Picks the batch size of a run: ``limit`` when set (1 turns batching off), else from memory."""

    device: torch.device
    dtype: torch.dtype
    limit: int = 0

    def size_for(self, width: int, height: int, sampler: str) -> int:
        """The most candidates of ``width`` x ``height`` one run of ``sampler`` may draw."""
        if sampler in SOLO_SAMPLERS:
            return 1
        if self.limit:
            return self.limit
        if self.device.type != "cuda":
            return CPU_BATCH_SIZE
        return min(
            MAX_BATCH_SIZE, max(1, int(FREE_MEMORY_SHARE * _free_bytes(self.device) // self._per_image(width, height)))
        )

    def _per_image(self, width: int, height: int) -> float:
        scale = 2.0 if self.dtype.itemsize >= 4 else 1.0
        return GIB_PER_MEGAPIXEL_IMAGE * scale * 2**30 * (width * height) / 1024**2


def _free_bytes(device: torch.device) -> int:
    free, _total = torch.cuda.mem_get_info(device)
    return int(free)


def batches(candidates: Sequence[_Item], size: int) -> list[tuple[_Item, ...]]:
    """``candidates`` (or any items) cut into runs of at most ``size``, in order."""
    size = max(1, size)
    return [tuple(candidates[start : start + size]) for start in range(0, len(candidates), size)]
