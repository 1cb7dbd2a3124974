#!/usr/bin/env python3
"""Panel latency: stripstudio's diffusers engine in each speed mode against stock diffusers.

Every mode runs in a fresh subprocess on the SAME random-weight SDXL (full size from the shipped
SDXL base configs, seed 0, or ``--tiny``), with the same prompt, seeds, dpmpp_2m + karras, steps
and cfg. Stock ``StableDiffusionXLPipeline`` runs in the eager subprocess on the very same
modules, with the same batch semantics as the engine: batch 1 (seed S) and 4 candidates
(``num_images_per_prompt=4``, one generator per image, seeds S..S+3).

Reported per mode: seconds per panel (batch 1), images/s with 4 candidates, ratio to stock,
PSNR of its images against the eager engine's (same seeds), peak GPU memory, and the time from
process start to the first image; for the memory modes also the peak of image to image, inpaint
and a sketch through a full-size ControlNet. The eager engine's images are checked against stock's.
The compiled mode also starts twice more in fresh processes, with an empty and then a warm
compile cache (``STRIPSTUDIO_DATA_DIR/compile-cache``), to time a worker's cold start.

  GPU:  python benchmarks/panel_latency.py                 # full size, fp16, 1024x1024, 20 steps
  CPU:  python benchmarks/panel_latency.py --tiny          # tiny model: correctness, not speed

``fast`` draws with the default fast profile's schedule (4 steps, no CFG; see
``fast_mode_request``). Modes that resolve to eager on this device (the acceleration modes on a
CPU) are listed as skipped. Prints a table and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROCESS_START = time.perf_counter()
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

PROMPT = "cartoon style, young adult man reading a book sitting on the floor against a wall in his bedroom"
NEGATIVE = "bad face, ugly, deformed face, bad quality"
SEED = 1234
CANDIDATES = 4
# name -> (STRIPSTUDIO_ACCELERATE, STRIPSTUDIO_MEMORY_MODE, STRIPSTUDIO_QUANTIZE)
MODES = {
    "eager": ("off", "full", "none"),
    "basic": ("basic", "full", "none"),
    "compile": ("compile", "full", "none"),
    "compile-int8": ("compile", "full", "int8"),
    "compile-fp8": ("compile", "full", "fp8"),
    "low-12gb": ("auto", "low", "none"),
    "minimal-8gb": ("auto", "minimal", "none"),
    "fast": ("auto", "full", "none"),
}
MEMORY_MODES = {"eager", "low-12gb", "minimal-8gb"}  # their peaks are measured for every task too
EAGER_ON_CPU = {"eager", "low-12gb", "minimal-8gb", "fast"}  # the modes that differ from eager off CUDA


def fast_mode_request(request):
    """HOOK for the fast (draft) mode: ``request`` drawn with the default fast profile's schedule
    (steps, guidance, sampler, schedule). Its distilled LoRA is left out: on random weights it would
    distil nothing, and on the compiled path it is merged into the weights, so it costs no step time."""
    from stripstudio.domain.fast import DEFAULT_FAST_PROFILE, fast_profile

    profile = fast_profile(DEFAULT_FAST_PROFILE)
    changes = {"num_inference_steps": profile.steps, "guidance_scale": profile.cfg}
    return request.model_copy(update={**changes, "sampler": profile.sampler, "scheduler": profile.scheduler})


# -- the child: one mode in one process --------------------------------------------------------------


def timed(function, repeat: int, sync) -> float:
    """Median wall time of ``repeat`` calls (after the caller's own warm-up)."""
    times = []
    for _ in range(repeat):
        sync()
        start = time.perf_counter()
        function()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run_child(args: argparse.Namespace) -> dict:
    """Measure one mode; images go to ``args.out`` as PNG files for the parent's PSNR."""
    import torch
    from diffusers import StableDiffusionXLPipeline
    from random_sdxl import build_components

    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.generation import GenerationRequest, ModelRef
    from stripstudio.settings import StudioSettings

    device = torch.device(args.device)
    cuda = device.type == "cuda"
    dtype = torch.float16 if cuda else torch.float32
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    if not cuda:
        torch.set_flush_denormal(True)
    accelerate, memory_mode, quantize = MODES[args.child]
    build_start = time.perf_counter()
    components = build_components(args.tiny, device, dtype)
    sync()
    result: dict = {"mode": args.child, "build_s": time.perf_counter() - build_start}
    settings = StudioSettings(
        data_dir=Path(args.data_dir),
        device=str(device),
        accelerate=accelerate,
        memory_mode=memory_mode,
        quantize=quantize,
        default_model="benchmark-random-sdxl",
        warmup_sizes=[(args.size, args.size)],
    )
    engine = DiffusersEngine(settings)  # the compiled path loads saved compile artifacts here
    result.update(acceleration=engine.acceleration.mode, memory=engine.memory.mode)
    ref = ModelRef(checkpoint=settings.default_model)
    engine.cache.adopt(ref, StableDiffusionXLPipeline(**components), "benchmark-random-sdxl")
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    warm_up_start = time.perf_counter()
    result["warm_up_sizes"] = engine.warm_up()  # as a worker does at start (compiles; eager: nothing)
    result["warm_up_s"] = time.perf_counter() - warm_up_start

    def request(images: int) -> GenerationRequest:
        drawn = GenerationRequest(
            model=ref,
            prompt=PROMPT,
            negative_prompt=NEGATIVE,
            width=args.size,
            height=args.size,
            num_images=images,
            seed=SEED,
            num_inference_steps=args.steps,
            guidance_scale=args.cfg,
        )
        return fast_mode_request(drawn) if args.child == "fast" else drawn

    out = Path(args.out)
    for images in (1, CANDIDATES):
        drawn = engine.run(request(images), lambda event: None)
        if images == 1:
            sync()
            result["first_image_s"] = time.perf_counter() - PROCESS_START
        for item in drawn:
            item.image.save(out / f"{args.child}-{images}-{item.index}.png")
    result["batch1_s"] = timed(lambda: engine.run(request(1), lambda event: None), args.repeat, sync)
    batch_s = timed(lambda: engine.run(request(CANDIDATES), lambda event: None), args.repeat, sync)
    result["candidates_images_per_s"] = CANDIDATES / batch_s
    result["peak_gib"] = torch.cuda.max_memory_allocated() / 2**30 if cuda else None
    if args.child in MEMORY_MODES:
        result["task_peak_gib"] = task_peaks(engine, request(1), components["unet"], out / f"{args.child}-1-0.png")
    if args.child == "eager":
        result["stock"] = run_stock(components, device, args, sync, out)
    return result


def task_peaks(engine, base_request, unet, picture: Path) -> dict:
    """Peak GPU memory (GiB; None on the CPU) of the other panel tasks, one candidate each:
    image to image, inpaint, and a sketch through a ControlNet of the UNet's size."""
    import torch
    from diffusers import ControlNetModel

    from stripstudio.generation import ControlInput, MaskSpec

    folder = Path(tempfile.mkdtemp(prefix="stripstudio-bench-controlnet-"))
    # A ControlNet of the UNet's configuration with random weights (the UNet's may be offloaded).
    ControlNetModel.from_unet(unet, load_weights_from_unet=False).to(unet.dtype).save_pretrained(folder)
    mask = picture.with_name("mask.png")
    _centre_square(picture, mask)
    tasks = {
        "image_to_image": {"task": "image_to_image", "init_image": str(picture), "strength": 0.6},
        "inpaint": {"task": "inpaint", "init_image": str(picture), "mask": MaskSpec(image=str(mask))},
        "controlnet": {
            "task": "sketch_to_image",
            "controls": (ControlInput(kind="scribble", image=str(mask), model=str(folder)),),
        },
    }
    peaks = {}
    for name, fields in tasks.items():
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        engine.run(type(base_request).model_validate({**base_request.model_dump(), **fields}), lambda event: None)
        peaks[name] = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else None
    return peaks


def _centre_square(picture: Path, mask: Path) -> None:
    from PIL import Image, ImageDraw

    width, height = Image.open(picture).size
    drawn = Image.new("L", (width, height), 0)
    ImageDraw.Draw(drawn).rectangle((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=255)
    drawn.save(mask)


def run_stock(components: dict, device, args: argparse.Namespace, sync, out: Path) -> dict:
    """Stock diffusers on the same modules: batch 1 and 4 candidates, one generator per image."""
    import torch
    from random_sdxl import stock_pipeline

    stock = stock_pipeline(components, device)

    def draw(images: int):
        generators = [torch.Generator("cpu").manual_seed(SEED + k) for k in range(images)]
        return stock(
            PROMPT,
            negative_prompt=NEGATIVE,
            width=args.size,
            height=args.size,
            num_inference_steps=args.steps,
            guidance_scale=args.cfg,
            num_images_per_prompt=images,
            generator=generators,
        ).images

    for images in (1, CANDIDATES):
        for index, image in enumerate(draw(images)):
            image.save(out / f"stock-{images}-{index}.png")
    batch_s = timed(lambda: draw(CANDIDATES), args.repeat, sync)
    return {"batch1_s": timed(lambda: draw(1), args.repeat, sync), "candidates_images_per_s": CANDIDATES / batch_s}


# -- the parent: every mode, cold starts, the table ------------------------------------------------


def psnr(first: Path, second: Path) -> float:
    """PSNR in dB of two 8-bit pictures (inf when identical)."""
    import numpy as np
    from PIL import Image

    a = np.asarray(Image.open(first).convert("RGB"), dtype=np.float64)
    b = np.asarray(Image.open(second).convert("RGB"), dtype=np.float64)
    mse = float(np.mean((a - b) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


def worst_psnr(out: Path, name: str, reference: str) -> float | None:
    """The lowest PSNR over the batch-1 image and the 4 candidates of ``name`` against ``reference``."""
    pairs = [(1, 0)] + [(CANDIDATES, k) for k in range(CANDIDATES)]
    paths = [(out / f"{name}-{n}-{k}.png", out / f"{reference}-{n}-{k}.png") for n, k in pairs]
    if not all(a.exists() and b.exists() for a, b in paths):
        return None
    return min(psnr(a, b) for a, b in paths)


def spawn(args: argparse.Namespace, mode: str, out: Path, data_dir: Path) -> dict:
    """Run ``mode`` in a fresh interpreter and return its measurements (or its error)."""
    command = [sys.executable, __file__, "--child", mode, "--out", str(out), "--data-dir", str(data_dir)]
    command += ["--device", args.device, "--size", str(args.size), "--steps", str(args.steps)]
    command += ["--cfg", str(args.cfg), "--repeat", str(args.repeat)] + (["--tiny"] if args.tiny else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return {"mode": mode, "error": f"timed out after {args.timeout} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("CHILD "):
            return json.loads(line.removeprefix("CHILD "))
    return {"mode": mode, "error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def cold_starts(args: argparse.Namespace, out: Path) -> dict:
    """Time to the first compiled image from a fresh process: empty compile cache, then warm."""
    cache_home = Path(tempfile.mkdtemp(prefix="stripstudio-compile-cache-"))
    empty = spawn(args, "compile", out / "cold", cache_home)
    warm = spawn(args, "compile", out / "warm", cache_home)
    return {
        "empty_cache_first_image_s": empty.get("first_image_s"),
        "warm_cache_first_image_s": warm.get("first_image_s"),
        "weights_build_s": warm.get("build_s"),
        "error": empty.get("error") or warm.get("error"),
    }


def table(rows: list[dict], stock: dict) -> str:
    """The printed table: one line per mode, ratios against stock diffusers."""
    header = f"{'mode':<14}{'s/panel':>9}{'x stock':>9}{'img/s x4':>10}{'x stock':>9}{'PSNR dB':>9}{'peak GiB':>10}"
    lines = [header, "-" * len(header)]
    lines.append(
        f"{'stock':<14}{stock['batch1_s']:>9.3f}{1.0:>9.2f}{stock['candidates_images_per_s']:>10.2f}{1.0:>9.2f}"
        f"{'':>9}{'':>10}"
    )
    for row in rows:
        if "skipped" in row or "error" in row:
            lines.append(f"{row['mode']:<14}{row.get('skipped') or 'error: ' + row['error']}")
            continue
        speedup = stock["batch1_s"] / row["batch1_s"]
        throughput = row["candidates_images_per_s"] / stock["candidates_images_per_s"]
        quality = (
            "-" if row["psnr_db"] is None else "exact" if row["psnr_db"] == float("inf") else f"{row['psnr_db']:.1f}"
        )
        peak = "-" if row["peak_gib"] is None else f"{row['peak_gib']:.2f}"
        lines.append(
            f"{row['mode']:<14}{row['batch1_s']:>9.3f}{speedup:>9.2f}{row['candidates_images_per_s']:>10.2f}"
            f"{throughput:>9.2f}{quality:>9}{peak:>10}"
        )
    return "\n".join(lines)


def run_parent(args: argparse.Namespace) -> dict:
    import torch

    out = Path(tempfile.mkdtemp(prefix="stripstudio-panel-latency-"))
    for folder in ("cold", "warm"):
        (out / folder).mkdir()
    cuda = args.device.startswith("cuda")
    rows = []
    for mode in args.modes:
        if not cuda and mode not in EAGER_ON_CPU:
            rows.append({"mode": mode, "skipped": f"skipped: resolves to eager on {args.device}"})
            continue
        row = spawn(args, mode, out, Path(tempfile.mkdtemp(prefix="stripstudio-bench-data-")))
        if "error" not in row:  # the fast mode draws other pictures (fewer steps): no PSNR
            row["psnr_db"] = None if mode == "fast" else worst_psnr(out, mode, "eager")
        rows.append(row)
        print(f"measured {mode}: {json.dumps(row)}", flush=True)
    eager = next((row for row in rows if row["mode"] == "eager" and "error" not in row), None)
    if eager is None:
        raise SystemExit("the eager mode did not run; nothing to compare with")
    result = {
        "device": torch.cuda.get_device_name() if cuda else f"cpu x{torch.get_num_threads()}",
        "torch": torch.__version__,
        "model": "tiny random SDXL" if args.tiny else "full-size random SDXL",
        "size": args.size,
        "steps": args.steps,
        "cfg": args.cfg,
        "eager_vs_stock_psnr_db": worst_psnr(out, "eager", "stock"),
        "modes": rows,
        "stock": eager["stock"],
        "cold_start": cold_starts(args, out) if cuda and "compile" in args.modes else "n/a: nothing compiles here",
    }
    print(table(rows, eager["stock"]))
    match = result["eager_vs_stock_psnr_db"]
    print(f"eager engine vs stock diffusers, same seeds: PSNR {match} dB (inf = identical pixels)")
    for row in rows:
        if "task_peak_gib" in row:
            print(f"peak GiB per task, {row['mode']}: {json.dumps(row['task_peak_gib'])}")
    print(f"cold start: {result['cold_start']}")
    return result


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="tiny random model (the default on CPU)")
    parser.add_argument("--device", default=None, help="cuda, cpu … (default: cuda if available)")
    parser.add_argument("--size", type=int, default=None, help="square panel side (default 1024, tiny 256)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--cfg", type=float, default=8.0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement (median)")
    parser.add_argument("--modes", nargs="+", default=list(MODES), choices=list(MODES))
    parser.add_argument("--timeout", type=int, default=1800, help="seconds one mode's process may take")
    parser.add_argument("--child", choices=list(MODES), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.device is None:
        import torch

        args.device = "cuda" if torch.cuda.is_available() else "cpu"
    args.tiny = args.tiny or args.device == "cpu"
    args.size = args.size or (256 if args.tiny else 1024)
    if "eager" not in args.modes:
        args.modes = ["eager", *args.modes]
    return args


def main() -> None:
    args = parse_args()
    if args.child:
        print("CHILD " + json.dumps(run_child(args)), flush=True)
        return
    print("RESULT " + json.dumps(run_parent(args)), flush=True)


if __name__ == "__main__":
    main()
