"""Fast drafts: distilled SDXL weights or LoRAs that draw a panel in 1–8 steps.

A comic (or one panel) in fast mode draws its drafts with a *fast profile*: a distilled LoRA added
to the comic's checkpoint (SDXL-Lightning, Hyper-SD, LCM-LoRA, TCD) or a distilled checkpoint
(SDXL-Turbo), with the sampler, schedule, step count and guidance that weight was distilled for.
Switching fast mode off draws the finals with the comic's own settings again. LoRA files are looked
up in the model folders like any LoRA; one that is not installed is refused at its field before
anything is queued, naming the file and where it comes from.
"""

from __future__ import annotations

from pydantic import Field

from stripstudio.domain.base import NAME_MAX, PATH_MAX, DomainModel
from stripstudio.domain.lora import lora_key


class FastProfile(DomainModel):
    """How a distilled model draws: its LoRA (or checkpoint), sampler, schedule, steps and guidance."""

    name: str = Field(max_length=NAME_MAX)
    title: str = Field(max_length=NAME_MAX)
    lora: str | None = Field(None, max_length=PATH_MAX, description="LoRA file added to the comic's checkpoint.")
    checkpoint: str | None = Field(None, max_length=PATH_MAX, description="A distilled checkpoint used instead.")
    source: str = Field(max_length=PATH_MAX, description="Where the weights come from.")
    steps: int = Field(ge=1, le=8)
    cfg: float = Field(ge=0, le=2)
    sampler: str = Field(max_length=NAME_MAX)
    scheduler: str = Field(max_length=NAME_MAX)


FAST_PROFILES: dict[str, FastProfile] = {
    profile.name: profile
    for profile in (
        FastProfile(
            name="lightning",
            title="SDXL-Lightning, 4 steps",
            lora="sdxl_lightning_4step_lora.safetensors",
            source="ByteDance/SDXL-Lightning on Hugging Face",
            steps=4,
            cfg=1.0,
            sampler="euler",
            scheduler="sgm_uniform",
        ),
        FastProfile(
            name="hyper",
            title="Hyper-SD, 8 steps",
            lora="Hyper-SDXL-8steps-lora.safetensors",
            source="ByteDance/Hyper-SD on Hugging Face",
            steps=8,
            cfg=1.0,
            sampler="ddim",
            scheduler="sgm_uniform",
        ),
        FastProfile(
            name="lcm",
            title="LCM-LoRA, 4 steps",
            lora="lcm-lora-sdxl.safetensors",
            source="latent-consistency/lcm-lora-sdxl on Hugging Face (rename pytorch_lora_weights.safetensors)",
            steps=4,
            cfg=1.5,
            sampler="lcm",
            scheduler="sgm_uniform",
        ),
        FastProfile(
            name="tcd",
            title="TCD, 4 steps (in-process engine)",
            lora="TCD-SDXL-LoRA.safetensors",
            source="h1t/TCD-SDXL-LoRA on Hugging Face (rename pytorch_lora_weights.safetensors)",
            steps=4,
            cfg=1.0,
            sampler="tcd",
            scheduler="sgm_uniform",
        ),
        FastProfile(
            name="turbo",
            title="SDXL-Turbo, 4 steps",
            checkpoint="stabilityai/sdxl-turbo",
            source="stabilityai/sdxl-turbo on Hugging Face (drawn best at 512x512)",
            steps=4,
            cfg=0.0,
            sampler="euler_ancestral",
            scheduler="sgm_uniform",
        ),
    )
}
DEFAULT_FAST_PROFILE = "lightning"


def profile_drawn(
    steps: int, cfg: float, sampler: str, scheduler: str, loras: list[str], checkpoint: str
) -> str | None:
    """The profile a picture was drawn with: its schedule (steps, guidance, sampler and schedule) and its
    distilled weights (the profile's LoRA among ``loras``, or its checkpoint). A final that only shares a
    profile's schedule is not one of its drafts."""
    for profile in FAST_PROFILES.values():
        if (profile.steps, profile.cfg, profile.sampler, profile.scheduler) != (steps, cfg, sampler, scheduler):
            continue
        if (
            profile.lora and lora_key(profile.lora) in {lora_key(name) for name in loras}
        ) or checkpoint == profile.checkpoint:
            return profile.name
    return None


def fast_profile(name: str) -> FastProfile:
    """The built-in profile called ``name``; ValueError naming the choices otherwise."""
    try:
        return FAST_PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown fast profile {name!r}: choose one of {', '.join(FAST_PROFILES)}") from None
