"""Model families the in-process engine draws with, and the diffusers pipeline of each task per family."""

from __future__ import annotations

import diffusers

SDXL = "sdxl"
SD1 = "sd1"

# The pipeline class of each kind of run, per family.
PIPELINES = {
    SDXL: {
        "text": "StableDiffusionXLPipeline",
        "image": "StableDiffusionXLImg2ImgPipeline",
        "inpaint": "StableDiffusionXLInpaintPipeline",
        "adapter": "StableDiffusionXLAdapterPipeline",
        "controlnet": "StableDiffusionXLControlNetPipeline",
    },
    SD1: {
        "text": "StableDiffusionPipeline",
        "image": "StableDiffusionImg2ImgPipeline",
        "inpaint": "StableDiffusionInpaintPipeline",
        "adapter": "StableDiffusionAdapterPipeline",
        "controlnet": "StableDiffusionControlNetPipeline",
    },
}
# The size each family was trained at: what a panel is drawn at unless it says otherwise.
NATIVE_SIZE = {SDXL: 1024, SD1: 512}


def family_of(pipe) -> str:
    """SDXL for pipelines with two text encoders, SD 1.x for those with one."""
    return SDXL if getattr(pipe, "text_encoder_2", None) is not None or "XL" in type(pipe).__name__ else SD1


def pipeline_class(family: str, kind: str):
    """The diffusers pipeline class that runs ``kind`` (text, image, inpaint, adapter, controlnet) for ``family``."""
    return getattr(diffusers, PIPELINES[family][kind])
