"""Style presets: a checkpoint, a style LoRA and the prompt words around every panel, per look.

Checkpoints are public SDXL models by hub id; style LoRAs are file names looked up in the model
folders (put the file there, or change the preset's LoRA in the comic). The prompt words follow
the thesis: a weighted style phrase before the panel, quality words after it.
"""

from __future__ import annotations

from stripstudio.domain.lora import LoraRef
from stripstudio.domain.style import Style

SDXL_BASE = "stabilityai/stable-diffusion-xl-base-1.0"
COMMON_NEGATIVE = "lowres, blurry, bad anatomy, extra fingers, deformed hands, watermark, text, signature"

STYLE_PRESETS: dict[str, Style] = {
    "cartoon": Style(
        name="cartoon",
        checkpoint=SDXL_BASE,
        loras=[LoraRef(name="cartoon_style_xl", strength_model=0.8, strength_clip=0.8)],
        prompt_prefix="((cartoon style)), bold outlines, flat colours,",
        prompt_suffix="high quality, clean lineart",
        negative_prompt=f"photo, realistic, 3d render, {COMMON_NEGATIVE}",
    ),
    "manga": Style(
        name="manga",
        checkpoint=SDXL_BASE,
        loras=[LoraRef(name="manga_lineart_xl", strength_model=0.9, strength_clip=0.9)],
        prompt_prefix="((manga style)), monochrome, screentone, ink lineart,",
        prompt_suffix="high contrast, detailed",
        negative_prompt=f"colour, photo, 3d render, {COMMON_NEGATIVE}",
    ),
    "webtoon-3d": Style(
        name="webtoon-3d",
        checkpoint=SDXL_BASE,
        loras=[LoraRef(name="webtoon_3d_xl", strength_model=0.7, strength_clip=0.7)],
        prompt_prefix="((webtoon style)), soft 3d shading, vibrant colours,",
        prompt_suffix="cinematic lighting, high quality",
        negative_prompt=f"sketch, monochrome, {COMMON_NEGATIVE}",
    ),
    "comic-ink": Style(
        name="comic-ink",
        checkpoint=SDXL_BASE,
        loras=[LoraRef(name="comic_ink_xl", strength_model=0.8, strength_clip=0.8)],
        prompt_prefix="((american comic book style)), heavy ink, halftone shading,",
        prompt_suffix="dynamic composition, high quality",
        negative_prompt=f"photo, anime, {COMMON_NEGATIVE}",
    ),
    "realistic": Style(
        name="realistic",
        checkpoint=SDXL_BASE,
        loras=[],
        prompt_prefix="photograph, realistic,",
        prompt_suffix="35mm, natural light, sharp focus",
        negative_prompt=f"cartoon, drawing, anime, {COMMON_NEGATIVE}",
    ),
}
