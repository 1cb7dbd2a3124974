"""Model families the in-process engine draws with, and the diffusers pipeline of each task per family."""

from __future__ import annotations

import diffusers

from stripstudio.generation.errors import InvalidRequest

SDXL = "sdxl"
SDXL_REFINER = "sdxl-refiner"
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
    SDXL_REFINER: {"image": "StableDiffusionXLImg2ImgPipeline"},
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
    """SDXL with both text encoders, the SDXL refiner with only the second, SD 1.x with one CLIP-L."""
    if getattr(pipe, "text_encoder_2", None) is None:
        return SD1
    return SDXL if getattr(pipe, "text_encoder", None) is not None else SDXL_REFINER


def pipeline_class(family: str, kind: str):
    """The diffusers pipeline class that runs ``kind`` (text, image, inpaint, adapter, controlnet) for ``family``."""
    if kind not in PIPELINES[family]:
        raise InvalidRequest(
            "the SDXL refiner only finishes pictures: draw with an SDXL base checkpoint and name the refiner "
            "in refiner.checkpoint",
            field="model",
        )
    return getattr(diffusers, PIPELINES[family][kind])
