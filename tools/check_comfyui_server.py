#!/usr/bin/env python3
"""Run every panel task through a real ComfyUI server with stripstudio's ComfyUI engine, and report.

    python tools/check_comfyui_server.py --url http://127.0.0.1:8188 --model sd_xl_base_1.0.safetensors

Uses small images and few steps so that it also finishes on a CPU server. Each task prints its
time, the image sizes and progress counts, or the error the engine reported. LoRA, sketch and
face-detail checks use the first LoRA / a control model / the Impact Pack nodes the server has,
and say so when it has none.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw

from stripstudio.engines.comfyui.check import input_choices
from stripstudio.engines.comfyui.engine import ComfyUIEngine
from stripstudio.generation import (
    ControlInput,
    EngineUnavailable,
    EventKind,
    GenerationRequest,
    LoraSpec,
    MaskSpec,
    ModelRef,
    OutpaintSpec,
    Task,
)
from stripstudio.settings import StudioSettings


def inputs(folder: Path) -> dict[str, str]:
    """A picture, a flat picture, a mask and a black-on-white sketch to feed the image tasks."""
    picture, mask, sketch = folder / "picture.png", folder / "mask.png", folder / "sketch.png"
    face = folder / "face.png"
    Image.linear_gradient("L").resize((64, 64)).convert("RGB").save(picture)
    Image.new("RGB", (64, 64), (128, 128, 128)).save(face)
    white = Image.new("L", (64, 64), 0)
    white.paste(255, (16, 16, 48, 48))
    white.save(mask)
    drawing = Image.new("L", (64, 64), 255)
    ImageDraw.Draw(drawing).rectangle((8, 8, 56, 56), outline=0, width=3)
    drawing.save(sketch)
    return {"picture": str(picture), "mask": str(mask), "sketch": str(sketch), "face": str(face)}


def cases(files: dict[str, str], lora: str | None) -> dict[str, dict]:
    found = {
        "text_to_image": {},
        "image_to_image": {"task": Task.IMAGE_TO_IMAGE, "init_image": files["picture"], "strength": 0.6},
        "inpaint (erase)": {
            "task": Task.INPAINT,
            "init_image": files["picture"],
            "mask": MaskSpec(image=files["mask"], grow=8, feather=4),
        },
        "inpaint (strength 0.6)": {
            "task": Task.INPAINT,
            "init_image": files["picture"],
            "strength": 0.6,
            "mask": MaskSpec(image=files["mask"], grow=8, feather=4),
        },
        "outpaint": {"task": Task.OUTPAINT, "init_image": files["picture"], "outpaint": OutpaintSpec(right=32)},
        "sketch (scribble)": {
            "task": Task.SKETCH_TO_IMAGE,
            "controls": (ControlInput.from_follow_sketch(files["sketch"], 0.8, "scribble"),),
        },
        # A flat picture: a random-weight face detector finds dozens of "faces" in a gradient.
        "face_detail": {"task": Task.FACE_DETAIL, "init_image": files["face"], "strength": 0.45},
    }
    if lora:
        found["text_to_image + LoRA"] = {"loras": (LoraSpec(name=lora, strength_model=0.8, strength_clip=0.8),)}
    return found


SERVER_DOWN = 2  # exit status when the server cannot be checked at all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8188")
    parser.add_argument("--model", required=True, help="checkpoint name as the server lists it")
    parser.add_argument("--plain-text-encode", action="store_true", help="CLIPTextEncode (for SD 1.5 checkpoints)")
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="run only the cases whose label starts with one of these")
    args = parser.parse_args()
    try:
        return check(args)
    except EngineUnavailable as error:
        print(
            f"Cannot check the ComfyUI server: {error}. Start ComfyUI (python main.py --listen 127.0.0.1 "
            "--port 8188) or give the address of a running one with --url.",
            file=sys.stderr,
        )
        return SERVER_DOWN


def check(args: argparse.Namespace) -> int:
    """Run every case on the server at ``args.url``; 1 when any failed."""
    settings = StudioSettings(
        comfyui_urls=[args.url], comfyui_text_encode="plain" if args.plain_text_encode else "sdxl"
    )
    engine = ComfyUIEngine(settings)
    engine.pool.clients[0].system_stats()  # a server that is not there stops the check here
    capabilities = engine.capabilities()
    print("tasks:", ", ".join(t.value for t in capabilities.tasks), "| notes:", "; ".join(capabilities.notes))
    client = engine.pool.clients[0]
    loras = input_choices(client.object_info(), "LoraLoader", "lora_name")
    failures = 0
    with tempfile.TemporaryDirectory() as folder:
        base = dict(
            model=ModelRef(checkpoint=args.model),
            prompt="((cartoon style)), a (lighthouse:1.2) [blurry]",
            negative_prompt="ugly",
            width=64,
            height=64,
            num_images=2,
            num_inference_steps=args.steps,
            seed=11,
        )
        for label, fields in cases(inputs(Path(folder)), loras[0] if loras else None).items():
            if args.only and not label.startswith(tuple(args.only)):
                continue
            failures += run_case(engine, label, GenerationRequest(**{**base, **fields}))
    return 1 if failures else 0


def run_case(engine: ComfyUIEngine, label: str, request: GenerationRequest) -> int:
    events = []
    start = time.monotonic()
    try:
        images = engine.run(request, events.append)
    except Exception as error:  # report every kind of failure and go on with the next task
        print(f"{label:24} FAILED after {time.monotonic() - start:.1f} s: {type(error).__name__}: {error}")
        return 1
    progress = sum(event.kind is EventKind.PROGRESS for event in events)
    sizes = sorted({image.image.size for image in images})
    print(
        f"{label:24} ok in {time.monotonic() - start:.1f} s: {len(images)} image(s) {sizes}, "
        f"{progress} progress events, seeds {[image.seed for image in images]}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
