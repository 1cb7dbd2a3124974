#!/usr/bin/env python3
"""Panel latency: stripstudio's diffusers engine against stock diffusers StableDiffusionXLPipeline.

Both draw with the SAME random-weight SDXL (full size from the shipped SDXL base configs, or
``--tiny``), the same prompt, dpmpp_2m + karras, 20 steps, cfg 8, and are timed side by side in
one process. The ratio engine / stock shows what the engine adds (weighted prompt encoding,
per-step events, per-candidate seeds, PNG metadata) or saves.

  GPU:  python benchmarks/panel_latency.py                 # full size, fp16, 1024x1024
  CPU:  python benchmarks/panel_latency.py --tiny          # tiny model, 512x512

Prints one line per measurement and a final ``RESULT {json}`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import torch  # noqa: E402

PROMPT = (
    "((cartoon style)), young adult man, 25, is reading a book sitting on the floor against a wall in his "
    "bedroom, black eyes, medium-length black hair, rectangular black glasses, cyan t-shirt, high quality"
)
NEGATIVE = "bad face, ugly, deformed face, bad quality, beard, earring"


def build_components(tiny: bool, device: torch.device, dtype: torch.dtype) -> dict:
    """SDXL components with random weights: tiny ones, or full size from the shipped configs."""
    from stripstudio.engines.diffusers import tiny as tiny_model

    components = tiny_model.build_tiny_components() if tiny else _full_size_components(device)
    for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
        components[name] = components[name].to(device=device, dtype=dtype).eval()
    return components


def _full_size_components(device: torch.device) -> dict:
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from stripstudio.engines.diffusers.configs import (
        SDXL_BASE_CONFIG_DIR,
        load_clip_tokenizers,
        sdxl_scheduler_config,
    )

    tokenizer, tokenizer_2 = load_clip_tokenizers()
    torch.manual_seed(0)
    with torch.device(device):
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(SDXL_BASE_CONFIG_DIR / "unet"))
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(SDXL_BASE_CONFIG_DIR / "vae"))
        vae.register_to_config(force_upcast=False)  # as sdxl-vae-fp16-fix: decode in fp16
        text_encoder = CLIPTextModel(CLIPTextConfig.from_json_file(SDXL_BASE_CONFIG_DIR / "text_encoder/config.json"))
        text_encoder_2 = CLIPTextModelWithProjection(
            CLIPTextConfig.from_json_file(SDXL_BASE_CONFIG_DIR / "text_encoder_2/config.json")
        )
    return {
        "unet": unet,
        "vae": vae,
        "text_encoder": text_encoder,
        "text_encoder_2": text_encoder_2,
        "tokenizer": tokenizer,
        "tokenizer_2": tokenizer_2,
        "scheduler": EulerDiscreteScheduler.from_config(sdxl_scheduler_config()),
    }


def timed(function, repeat: int, sync) -> float:
    """Median wall time of ``repeat`` calls after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        sync()
        start = time.perf_counter()
        function()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    args = parse_args()
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    tiny = args.tiny or device.type == "cpu"
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    size = args.size or (1024 if not tiny else 512)
    if device.type == "cpu":
        torch.set_flush_denormal(True)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    from diffusers import DPMSolverMultistepScheduler, StableDiffusionXLPipeline

    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.generation import GenerationRequest, ModelRef
    from stripstudio.settings import StudioSettings

    components = build_components(tiny, device, dtype)
    stock = StableDiffusionXLPipeline(**components).to(device)
    stock.scheduler = DPMSolverMultistepScheduler.from_config(
        stock.scheduler.config,
        algorithm_type="dpmsolver++",
        solver_order=2,
        use_karras_sigmas=True,
        timestep_spacing="linspace",
    )
    stock.set_progress_bar_config(disable=True)

    engine = DiffusersEngine(StudioSettings(data_dir=Path("/tmp/stripstudio-bench"), device=str(device)))
    ref = ModelRef(checkpoint="benchmark-random-sdxl")
    engine.cache.adopt(ref, StableDiffusionXLPipeline(**components), "benchmark-random-sdxl")

    result = {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu x{torch.get_num_threads()}",
        "model": "tiny random SDXL" if tiny else "full-size random SDXL",
        "size": size,
        "steps": args.steps,
        "cfg": args.cfg,
        "dtype": str(dtype).removeprefix("torch."),
    }
    for images in sorted({1, args.candidates}):

        def run_stock(images=images):
            generators = [torch.Generator("cpu").manual_seed(seed) for seed in range(images)]
            stock(
                PROMPT,
                negative_prompt=NEGATIVE,
                width=size,
                height=size,
                num_inference_steps=args.steps,
                guidance_scale=args.cfg,
                num_images_per_prompt=images,
                generator=generators,
            )

        request = GenerationRequest(
            model=ref,
            prompt=PROMPT,
            negative_prompt=NEGATIVE,
            width=size,
            height=size,
            num_images=images,
            num_inference_steps=args.steps,
            guidance_scale=args.cfg,
        )
        stock_s = timed(run_stock, args.repeat, sync)
        engine_s = timed(lambda request=request: engine.run(request, lambda event: None), args.repeat, sync)
        result[f"{images}_image"] = {
            "stock_s": round(stock_s, 3),
            "engine_s": round(engine_s, 3),
            "engine_over_stock": round(engine_s / stock_s, 3),
        }
        print(
            f"{images} image(s): stock diffusers {stock_s:.3f} s, stripstudio engine {engine_s:.3f} s, "
            f"ratio {engine_s / stock_s:.3f}",
            flush=True,
        )
    print("RESULT " + json.dumps(result), flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tiny", action="store_true", help="tiny random model (the default on CPU)")
    parser.add_argument("--device", default=None, help="cuda, cpu … (default: cuda if available)")
    parser.add_argument("--size", type=int, default=None, help="square image side (default 1024, tiny 512)")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--cfg", type=float, default=8.0)
    parser.add_argument("--candidates", type=int, default=2, help="also time a panel with this many candidates")
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args()


if __name__ == "__main__":
    main()
