"""Style presets: a style LoRA and the prompt words around every panel, per look.

No preset names a checkpoint: a comic made from one draws with the studio's default model until
the author picks a checkpoint. Style LoRAs are file names looked up in the model folders; one
that is not installed is reported at its field before generating, and the author may put the
file there, generate without it, or change the comic's LoRA. The prompt words follow the thesis:
a weighted style phrase before the panel, quality words after it.
"""

from __future__ import annotations

from stripstudio.domain.lora import LoraRef
from stripstudio.domain.style import Style

COMMON_NEGATIVE = "lowres, blurry, bad anatomy, extra fingers, deformed hands, watermark, text, signature"

STYLE_PRESETS: dict[str, Style] = {
    "cartoon": Style(
        name="cartoon",
        loras=[LoraRef(name="cartoon_style_xl", strength_model=0.8, strength_clip=0.8)],
        prompt_prefix="((cartoon style)), bold outlines, flat colours,",
        prompt_suffix="high quality, clean lineart",
        negative_prompt=f"photo, realistic, 3d render, {COMMON_NEGATIVE}",
    ),
    "manga": Style(
        name="manga",
        loras=[LoraRef(name="manga_lineart_xl", strength_model=0.9, strength_clip=0.9)],
        prompt_prefix="((manga style)), monochrome, screentone, ink lineart,",
        prompt_suffix="high contrast, detailed",
        negative_prompt=f"colour, photo, 3d render, {COMMON_NEGATIVE}",
    ),
    "webtoon-3d": Style(
        name="webtoon-3d",
        loras=[LoraRef(name="webtoon_3d_xl", strength_model=0.7, strength_clip=0.7)],
        prompt_prefix="((webtoon style)), soft 3d shading, vibrant colours,",
        prompt_suffix="cinematic lighting, high quality",
        negative_prompt=f"sketch, monochrome, {COMMON_NEGATIVE}",
    ),
    "comic-ink": Style(
        name="comic-ink",
        loras=[LoraRef(name="comic_ink_xl", strength_model=0.8, strength_clip=0.8)],
        prompt_prefix="((american comic book style)), heavy ink, halftone shading,",
        prompt_suffix="dynamic composition, high quality",
        negative_prompt=f"photo, anime, {COMMON_NEGATIVE}",
    ),
    "realistic": Style(
        name="realistic",
        loras=[],
        prompt_prefix="photograph, realistic,",
        prompt_suffix="35mm, natural light, sharp focus",
        negative_prompt=f"cartoon, drawing, anime, {COMMON_NEGATIVE}",
    ),
}
