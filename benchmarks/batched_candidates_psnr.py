#!/usr/bin/env python3
"""How closely a candidate drawn alone matches the same candidate drawn in a batch (PSNR, dB).

Draws a request of ``--candidates`` candidates in one batch, then each candidate k alone (its
image's own request: seed + k, one image), and prints the PSNR of each pair per sampler and size.
"identical" means not one pixel differs. Runs the diffusers engine on the built-in tiny random
model by default (``--model`` for another checkpoint, ``--device`` for a GPU).

  python benchmarks/batched_candidates_psnr.py                # tiny-random-sdxl on the CPU
  python benchmarks/batched_candidates_psnr.py --model PATH --device cuda --sizes 1024 --steps 20
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")  # reproducible CPU kernels, as in the tests

from stripstudio.engines.diffusers.engine import DiffusersEngine  # noqa: E402
from stripstudio.generation import GenerationRequest, ModelRef  # noqa: E402
from stripstudio.settings import StudioSettings  # noqa: E402


def psnr(first, second) -> float:
    """PSNR of two 8-bit pictures in dB; inf when identical."""
    error = float(((np.asarray(first, dtype=np.float64) - np.asarray(second, dtype=np.float64)) ** 2).mean())
    return math.inf if error == 0 else 10 * math.log10(255**2 / error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="tiny-random-sdxl")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128])
    parser.add_argument("--steps", type=int, nargs="+", default=[4, 8], help="steps for each size, in order")
    parser.add_argument("--samplers", nargs="+", default=["dpmpp_2m", "euler_ancestral", "dpmpp_2m_sde"])
    parser.add_argument("--candidates", type=int, default=4)
    args = parser.parse_args()
    engine = DiffusersEngine(StudioSettings(data_dir=Path(tempfile.mkdtemp()), device=args.device, offline=True))
    print(
        f"{args.model} on {engine.device} in {engine.dtype}: "
        f"PSNR of candidate k alone vs in a batch of {args.candidates}"
    )
    for size, steps in zip(args.sizes, args.steps, strict=True):
        for sampler in args.samplers:
            request = GenerationRequest(
                model=ModelRef(checkpoint=args.model),
                prompt="a young man reading a book",
                width=size,
                height=size,
                num_inference_steps=steps,
                num_images=args.candidates,
                seed=3,
                sampler=sampler,
            )
            batch = engine.run(request, lambda event: None)
            values = [psnr(image.image, engine.run(image.request, lambda event: None)[0].image) for image in batch]
            shown = ", ".join("identical" if math.isinf(v) else f"{v:.1f}" for v in values)
            print(f"{size}x{size}, {steps} steps, {sampler:<16} {shown}", flush=True)


if __name__ == "__main__":
    main()
