#!/usr/bin/env python3
"""SDXL character-LoRA training speed and memory: stripstudio's trainer, default and low-memory profile.

Trains a rank-128 LoRA at 1024x1024, batch 1, gradient checkpointing, on FULL-SIZE random-weight
SDXL (built from the shipped SDXL base configs: the real model's shapes and FLOPs) through
``stripstudio.training.trainer.train``, once per memory profile, and prints steps/s and peak GPU
memory side by side. The thesis' run (30 images x 20 repeats x 2 epochs = 1,200 steps) is shown
as minutes at the measured speed.

  GPU:  python benchmarks/lora_training.py                 # full size, bf16, 1024 px
  CPU:  python benchmarks/lora_training.py --tiny          # tiny random model, 64 px, proves it runs

Prints one table row per profile and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import torch  # noqa: E402
from random_sdxl import build_components  # noqa: E402

THESIS_STEPS = 30 * 20 * 2
WARM_UP_STEPS = 3


def make_dataset(folder: Path, size: int, images: int, repeats: int):
    """``images`` photos from scikit-image, resized to ``size``², captioned the thesis' way."""
    from PIL import Image
    from skimage import data

    from stripstudio.training.spec import Dataset, DatasetImage

    photos = [data.astronaut(), data.coffee(), data.chelsea(), data.rocket()]
    entries = []
    for index in range(images):
        path = folder / f"photo-{index}.png"
        Image.fromarray(photos[index % len(photos)]).convert("RGB").resize((size, size)).save(path)
        entries.append(DatasetImage(path=path, caption="rc_test, photo of a man, close up", width=size, height=size))
    return Dataset(trigger="rc_test", class_word="man", repeats=repeats, images=tuple(entries))


def measure(profile: str, args, device: torch.device) -> dict:
    """Train ``args.steps`` steps with ``profile``; steps/s after the warm-up steps, and peak memory."""
    from diffusers import StableDiffusionXLPipeline

    from stripstudio.training.spec import TrainingSettings
    from stripstudio.training.trainer import train

    cuda = device.type == "cuda"
    dtype = torch.bfloat16 if cuda else torch.float32
    pipeline = StableDiffusionXLPipeline(**build_components(args.tiny, device, dtype))
    pipeline.set_progress_bar_config(disable=True)
    images = 4
    times: list[float] = []
    notes: list[str] = []

    def on_progress(progress) -> None:
        times.append(time.perf_counter())
        notes.extend(progress.notes)

    with tempfile.TemporaryDirectory() as folder:
        dataset = make_dataset(Path(folder), args.size, images, math.ceil(args.steps / images))
        settings = TrainingSettings(
            model="benchmark-random-sdxl",
            resolution=args.size,
            network_dim=args.rank,
            network_alpha=16,
            epochs=1,
            save_every_n_epochs=1,
            gradient_checkpointing=True,
            memory_profile=profile,
            mixed_precision="bf16",
        )
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats(device)
        train(dataset, settings, Path(folder) / "out", on_progress=on_progress, device=str(device), pipeline=pipeline)
    timed = times[WARM_UP_STEPS:]
    rate = (len(timed) - 1) / (timed[-1] - timed[0])
    row = {
        "profile": profile,
        "steps_per_second": round(rate, 3),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if cuda else None,
        "thesis_run_minutes": round(THESIS_STEPS / rate / 60, 1),
        "notes": notes,
    }
    del pipeline
    gc.collect()
    if cuda:
        torch.cuda.empty_cache()
    return row


def main() -> None:
    args = parse_args()
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    args.tiny = args.tiny or device.type == "cpu"
    args.size = args.size or (64 if args.tiny else 1024)
    args.rank = args.rank or (4 if args.tiny else 128)
    args.steps = args.steps or (8 if args.tiny else 40)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu x{torch.get_num_threads()}"
    print(
        f"SDXL LoRA training on {name}: {'tiny' if args.tiny else 'full-size'} random SDXL, {args.size} px, "
        f"batch 1, rank {args.rank}, gradient checkpointing, {args.steps} steps ({WARM_UP_STEPS} warm-up)",
        flush=True,
    )
    print(f"{'profile':<10} {'steps/s':>8} {'peak GiB':>9} {'1,200 steps':>12}", flush=True)
    rows = []
    for profile in ("default", "low"):
        row = measure(profile, args, device)
        rows.append(row)
        peak = f"{row['peak_memory_gib']:.2f}" if row["peak_memory_gib"] is not None else "-"
        print(
            f"{profile:<10} {row['steps_per_second']:>8.2f} {peak:>9} {row['thesis_run_minutes']:>9.1f} min",
            flush=True,
        )
        for note in row["notes"]:
            print(f"  {profile}: {note}", flush=True)
    result = {"device": name, "tiny": args.tiny, "size": args.size, "rank": args.rank, "rows": rows}
    print("RESULT " + json.dumps(result), flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="tiny random model at 64 px (the default on CPU)")
    parser.add_argument("--device", default=None, help="cuda, cpu … (default: cuda if available)")
    parser.add_argument("--size", type=int, default=None, help="training side (default 1024, tiny 64)")
    parser.add_argument("--rank", type=int, default=None, help="LoRA rank (default 128, tiny 4)")
    parser.add_argument("--steps", type=int, default=None, help="steps per profile (default 40, tiny 8)")
    return parser.parse_args()


if __name__ == "__main__":
    main()
