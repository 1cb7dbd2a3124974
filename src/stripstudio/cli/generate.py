"""``stripstudio generate``: one prompt, one or more images."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from stripstudio.cli.cancelling import cancel_on_ctrl_c
from stripstudio.cli.common import ModelFamily, console, parse_lora, parse_size, refuse_problems, user_errors
from stripstudio.cli.environment import load_settings, make_engine
from stripstudio.cli.progress import JobProgressBars
from stripstudio.generation.capabilities import check_request
from stripstudio.generation.request import (
    ControlInput,
    GenerationRequest,
    LoraSpec,
    MaskSpec,
    ModelRef,
    OutpaintSpec,
    Task,
)
from stripstudio.generation.running import run_job
from stripstudio.prompting import compose_prompt


def generate(
    prompt: Annotated[str, typer.Argument(help="Prompt; (word:1.3) weights and <lora:NAME:W> tags work.")],
    negative: Annotated[str, typer.Option("--negative", help="Negative prompt.")] = "",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Folder for the images.")] = None,
    model: Annotated[
        str | None, typer.Option(help="Checkpoint: built-in id, .safetensors file, folder or hub id.")
    ] = None,
    model_config: Annotated[
        Path | None, typer.Option(help="Config folder for a non-SDXL-base-shaped single file.")
    ] = None,
    model_family: Annotated[
        ModelFamily | None,
        typer.Option(help="The checkpoint's family when it cannot be read here (a ComfyUI server's file)."),
    ] = None,
    num_images: Annotated[int, typer.Option("--num-images", "-n", min=1, max=16)] = 1,
    seed: Annotated[int, typer.Option(min=0, max=2**32 - 1)] = 0,
    steps: Annotated[int, typer.Option(min=1, max=200)] = 20,
    cfg: Annotated[float, typer.Option(min=0, max=30)] = 8.0,
    sampler: Annotated[str, typer.Option(help="ComfyUI sampler name.")] = "dpmpp_2m",
    scheduler: Annotated[str, typer.Option(help="ComfyUI scheduler name.")] = "karras",
    size: Annotated[
        str | None, typer.Option(help="WIDTHxHEIGHT (default: the init image's size, else 1024x1024).")
    ] = None,
    lora: Annotated[list[str] | None, typer.Option(help="NAME, NAME:W or NAME:MODEL:CLIP (repeatable).")] = None,
    init_image: Annotated[Path | None, typer.Option(help="Start from this image (img2img).")] = None,
    strength: Annotated[float, typer.Option(min=0, max=1, help="How much of the init image is repainted.")] = 0.6,
    mask: Annotated[Path | None, typer.Option(help="Repaint only the white part of this mask (inpaint).")] = None,
    extend: Annotated[str | None, typer.Option(help="Outpaint: SIDE:PIXELS, e.g. right:256.")] = None,
    sketch: Annotated[Path | None, typer.Option(help="Black-on-white drawing to follow.")] = None,
    follow_sketch: Annotated[float, typer.Option(min=0, max=1)] = 0.8,
    engine: Annotated[str | None, typer.Option(help="Engine: diffusers or comfyui (default from settings).")] = None,
    comfyui_url: Annotated[
        list[str] | None, typer.Option(help="ComfyUI server for --engine comfyui (repeatable: a pool).")
    ] = None,
) -> None:
    """Draw NUM_IMAGES images for PROMPT (seeds SEED, SEED+1, …) and save them with their parameters."""
    settings = load_settings(comfyui_urls=comfyui_url or None)
    width, height = parse_size(size) or _init_image_size(init_image) or (1024, 1024)
    with user_errors():
        composed = compose_prompt(prompt, negative)
        loras = [
            LoraSpec(name=lo.name, strength_model=lo.strength_model, strength_clip=lo.strength_clip)
            for lo in composed.loras
        ]
        loras += [LoraSpec(name=n, strength_model=m, strength_clip=c) for n, m, c in map(parse_lora, lora or [])]
        fields = dict(
            model=ModelRef(
                checkpoint=model or settings.default_model,
                config=str(model_config) if model_config else None,
                family=model_family.value if model_family else None,
            ),
            prompt=composed.prompt,
            negative_prompt=composed.negative_prompt,
            loras=tuple(loras),
            width=width,
            height=height,
            num_images=num_images,
            seed=seed,
            num_inference_steps=steps,
            guidance_scale=cfg,
            sampler=sampler,
            scheduler=scheduler,
        )
        fields.update(_task_fields(init_image, strength, mask, extend, sketch, follow_sketch))
        request = GenerationRequest(**fields)
        engine_instance = make_engine(settings, engine)
        refuse_problems([("", problem) for problem in check_request(engine_instance, request)])
        folder = out or settings.data_dir / "generations"
        with cancel_on_ctrl_c() as cancel, JobProgressBars(console) as bars:
            images = run_job(engine_instance, request, lambda event: bars.on_event("generate", event), cancel)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for image in images:
            path = image.save(folder / f"{stamp}-{image.seed}.png")
            console.print(f"[green]saved[/] {path}")


def _init_image_size(init_image: Path | None) -> tuple[int, int] | None:
    """The init image's size rounded down to multiples of 8, if there is a readable init image."""
    if init_image is None or not init_image.is_file():
        return None
    from PIL import Image

    with Image.open(init_image) as image:
        return max(64, image.width // 8 * 8), max(64, image.height // 8 * 8)


def _task_fields(init_image, strength, mask, extend, sketch, follow_sketch) -> dict:
    """Which task the options ask for, and its inputs."""
    if sketch:
        return {
            "task": Task.SKETCH_TO_IMAGE,
            "controls": (ControlInput.from_follow_sketch(str(sketch), follow_sketch),),
        }
    if (mask or extend) and not init_image:
        raise typer.BadParameter("--mask and --extend need --init-image", param_hint="--init-image")
    if extend:
        side, _, pixels = extend.partition(":")
        if side not in ("left", "top", "right", "bottom") or not pixels.isdigit():
            raise typer.BadParameter("write SIDE:PIXELS, e.g. right:256", param_hint="--extend")
        return {
            "task": Task.OUTPAINT,
            "init_image": str(init_image),
            "outpaint": OutpaintSpec(**{side: int(pixels)}),
        }
    if mask:
        return {
            "task": Task.INPAINT,
            "init_image": str(init_image),
            "mask": MaskSpec(image=str(mask)),
            "strength": 1.0,
        }
    if init_image:
        return {"task": Task.IMAGE_TO_IMAGE, "init_image": str(init_image), "strength": strength}
    return {}
