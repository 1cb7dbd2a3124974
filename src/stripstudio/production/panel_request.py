"""From a panel of a comic to the GenerationRequest that draws it."""

from __future__ import annotations

from dataclasses import dataclass

from stripstudio.domain import Comic, LoraRef
from stripstudio.generation.request import ControlInput, GenerationRequest, LoraSpec, ModelRef, Task
from stripstudio.prompting import compose_panel_prompt

SEED_STRIDE = 1000  # panel N without its own seed draws with base seed + N * 1000


@dataclass(frozen=True)
class PanelOverrides:
    """What the person running a render may change for every panel (None = keep the comic's)."""

    model: str | None = None
    model_config: str | None = None
    candidates: int | None = None
    steps: int | None = None
    width: int | None = None
    height: int | None = None


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
    fields: dict = {
        "task": Task.TEXT_TO_IMAGE,
        "model": ModelRef(
            checkpoint=overrides.model or comic.style.checkpoint or default_model,
            vae=comic.style.vae,
            config=overrides.model_config,
        ),
        "prompt": composed.prompt,
        "negative_prompt": composed.negative_prompt,
        "loras": tuple(_lora_spec(lora) for lora in composed.loras),
        "width": overrides.width or panel.width or defaults.width,
        "height": overrides.height or panel.height or defaults.height,
        "num_images": overrides.candidates or panel.candidates or defaults.candidates,
        "seed": panel_seed(comic, index),
        "num_inference_steps": overrides.steps or defaults.steps,
        "guidance_scale": defaults.cfg,
        "sampler": defaults.sampler,
        "scheduler": defaults.scheduler,
    }
    if panel.sketch:
        fields["task"] = Task.SKETCH_TO_IMAGE
        fields["controls"] = (ControlInput.from_follow_sketch(panel.sketch, panel.follow_sketch),)
    return GenerationRequest(**fields)


def _lora_spec(lora: LoraRef) -> LoraSpec:
    return LoraSpec(name=lora.name, strength_model=lora.strength_model, strength_clip=lora.strength_clip)
