"""From a panel of a comic to the GenerationRequest that draws it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stripstudio.domain import Comic, LoraRef, Panel, default_regions, fast_profile
from stripstudio.engines.diffusers.builtin_ids import TINY_SD15_ID
from stripstudio.generation.request import (
    ControlInput,
    GenerationRequest,
    LoraSpec,
    ModelRef,
    ReferenceSpec,
    RefinerSpec,
    Region,
    Task,
)
from stripstudio.modelfiles import BadModelFile
from stripstudio.models.families import Family, detect_file
from stripstudio.prompting import compose_panel_prompt

SD1_NATIVE_SIZE = 512  # SD 1.x was trained at 512x512
SEED_STRIDE = 1000  # panel N without its own seed draws with base seed + N * 1000


@dataclass(frozen=True)
class PanelOverrides:
    """What the person running a render may change for every panel (None = keep the comic's)."""

    model: str | None = None
    model_config: str | None = None
    model_family: Literal["sd1", "sd2", "sdxl"] | None = None
    candidates: int | None = None
    steps: int | None = None
    width: int | None = None
    height: int | None = None
    fast: bool | None = None


def draws_fast(comic: Comic, index: int, overrides: PanelOverrides | None = None) -> bool:
    """True when panel ``index`` is drawn as a fast draft: the override, else the panel's choice, else the comic's."""
    for choice in (overrides.fast if overrides else None, comic.panels[index].fast):
        if choice is not None:
            return choice
    return comic.generation.fast


def seed_is_locked(comic: Comic, index: int) -> bool:
    """True when panel ``index`` or one of its characters has a seed of its own (the author locked it)."""
    panel = comic.panels[index]
    return panel.seed is not None or any(comic.character(name).seed is not None for name in panel.characters)


def panel_seed(comic: Comic, index: int) -> int:
    """The panel's seed, else the seed of its first character that has one, else base + index * 1000."""
    panel = comic.panels[index]
    if panel.seed is not None:
        return panel.seed
    for name in panel.characters:
        seed = comic.character(name).seed
        if seed is not None:
            return seed
    return (comic.generation.seed + index * SEED_STRIDE) % 2**32


def build_panel_request(
    comic: Comic, index: int, default_model: str, overrides: PanelOverrides | None = None
) -> GenerationRequest:
    """The request for panel ``index``: composed prompts, LoRAs, size, seed, and the sketch if any."""
    overrides = overrides or PanelOverrides()
    panel = comic.panels[index]
    defaults = comic.generation
    composed = compose_panel_prompt(comic, panel)
    checkpoint = overrides.model or comic.style.checkpoint or default_model
    fields: dict = {
        "task": Task.TEXT_TO_IMAGE,
        "model": ModelRef(
            checkpoint=checkpoint,
            vae=comic.style.vae,
            config=overrides.model_config,
            family=overrides.model_family,
        ),
        "prompt": composed.prompt,
        "negative_prompt": composed.negative_prompt,
        "loras": tuple(_lora_spec(lora) for lora in composed.loras),
        "width": overrides.width or panel.width or _default_side(comic, "width", checkpoint),
        "height": overrides.height or panel.height or _default_side(comic, "height", checkpoint),
        "num_images": overrides.candidates or panel.candidates or defaults.candidates,
        "seed": panel_seed(comic, index),
        "num_inference_steps": overrides.steps or panel.steps or defaults.steps,
        "guidance_scale": defaults.cfg if panel.cfg is None else panel.cfg,
        "sampler": panel.sampler or defaults.sampler,
        "scheduler": panel.scheduler or defaults.scheduler,
    }
    if panel.sketch:
        fields["task"] = Task.SKETCH_TO_IMAGE
        fields["controls"] = (ControlInput.from_follow_sketch(panel.sketch, panel.follow_sketch),)
    elif comic.style.refiner:
        fields["refiner"] = RefinerSpec(checkpoint=comic.style.refiner, switch=comic.style.refiner_switch)
    fields["regions"], fields["reference_images"] = character_conditioning(comic, panel, composed.character_prompts)
    if draws_fast(comic, index, overrides):
        _draw_fast(fields, comic, overrides)
    return GenerationRequest(**fields)


def fast_lora_name(comic: Comic) -> str | None:
    """The LoRA the comic's fast drafts add: the author's own file, else the profile's (None: a checkpoint)."""
    return comic.generation.fast_lora or fast_profile(comic.generation.fast_profile).lora


def _draw_fast(fields: dict, comic: Comic, overrides: PanelOverrides) -> None:
    """Turn the request's fields into a fast draft: the profile's LoRA or checkpoint, sampler and steps.
    A checkpoint chosen for this render still wins over the profile's; the refiner is left out."""
    profile = fast_profile(comic.generation.fast_profile)
    lora = fast_lora_name(comic)
    if lora:
        fields["loras"] = (*fields["loras"], LoraSpec(name=lora))
    if profile.checkpoint and not overrides.model:
        fields["model"] = ModelRef(checkpoint=profile.checkpoint, vae=comic.style.vae)
    fields.pop("refiner", None)
    fields.update(
        num_inference_steps=profile.steps,
        guidance_scale=profile.cfg,
        sampler=profile.sampler,
        scheduler=profile.scheduler,
    )


def _default_side(comic: Comic, side: str, checkpoint: str) -> int:
    """The comic's width or height; when the comic leaves it unset, the checkpoint family's native size."""
    if side in comic.generation.model_fields_set:
        return int(getattr(comic.generation, side))
    return SD1_NATIVE_SIZE if checkpoint_is_sd1(checkpoint) else int(getattr(comic.generation, side))


def checkpoint_is_sd1(checkpoint: str) -> bool:
    """True for the built-in SD 1.5 model and for SD 1.x checkpoint files on this machine."""
    if checkpoint == TINY_SD15_ID:
        return True
    path = Path(checkpoint).expanduser()
    try:
        return path.is_file() and detect_file(path).family is Family.SD1
    except (BadModelFile, OSError):
        return False


def character_conditioning(
    comic: Comic, panel: Panel, character_prompts: dict[str, str]
) -> tuple[tuple[Region, ...], tuple[ReferenceSpec, ...]]:
    """One region per character of a panel with several (as placed, else side by side), and each present
    character's reference images, confined to its region when it has one."""
    names = list(dict.fromkeys(panel.characters))
    placed = {region.character: region for region in panel.regions}
    regions: list[Region] = []
    region_of: dict[str, int] = {}
    if len(names) >= 2:
        defaults = {region.character: region for region in default_regions(names)}
        for name in names:
            region = placed.get(name, defaults[name])
            region_of[name] = len(regions)
            regions.append(Region(prompt=character_prompts.get(name) or name, box=region.area, mask=region.mask))
    references = [
        ReferenceSpec(
            images=tuple(character.reference_images[:8]),
            strength=character.reference_strength,
            focus=character.reference_focus,
            region=region_of.get(name),
        )
        for name in names
        if (character := comic.character(name)).reference_images
    ]
    return tuple(regions), tuple(references[:4])


def _lora_spec(lora: LoraRef) -> LoraSpec:
    return LoraSpec(name=lora.name, strength_model=lora.strength_model, strength_clip=lora.strength_clip)
