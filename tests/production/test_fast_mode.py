"""Fast drafts: a comic or one panel in fast mode draws with its fast profile, and finals draw as before."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stripstudio.domain import FAST_PROFILES, Comic, GenerationDefaults, Panel, Style
from stripstudio.domain.fast import profile_drawn
from stripstudio.generation import LoraSpec
from stripstudio.production.panel_request import PanelOverrides, build_panel_request, draws_fast
from stripstudio.script import load_comic_text


def comic(generation: GenerationDefaults | None = None, **panel_fields) -> Comic:
    return Comic(
        title="t",
        style=Style(checkpoint="style.safetensors", refiner="refiner.safetensors"),
        generation=generation or GenerationDefaults(steps=30, cfg=7.0),
        panels=[Panel(description="a street", **panel_fields)],
    )


def test_finals_keep_the_comics_own_settings():
    request = build_panel_request(comic(), 0, "default")
    assert (request.num_inference_steps, request.guidance_scale, request.sampler) == (30, 7.0, "dpmpp_2m")
    assert request.refiner is not None and request.loras == ()


def test_a_comic_in_fast_mode_draws_every_panel_with_the_lightning_lora_in_four_steps():
    request = build_panel_request(comic(GenerationDefaults(fast=True)), 0, "default")
    assert request.loras == (LoraSpec(name="sdxl_lightning_4step_lora.safetensors"),)
    assert (request.num_inference_steps, request.guidance_scale) == (4, 1.0)
    assert (request.sampler, request.scheduler) == ("euler", "sgm_uniform")
    assert request.model.checkpoint == "style.safetensors"
    assert request.refiner is None


def test_a_panels_own_choice_wins_over_the_comics_and_a_render_override_over_both():
    fast_comic = comic(GenerationDefaults(fast=True), fast=False)
    assert not draws_fast(fast_comic, 0)
    assert build_panel_request(fast_comic, 0, "default").num_inference_steps == 20
    assert draws_fast(comic(fast=True), 0)
    assert draws_fast(fast_comic, 0, PanelOverrides(fast=True))
    assert not draws_fast(comic(fast=True), 0, PanelOverrides(fast=False))


@pytest.mark.parametrize("name", sorted(FAST_PROFILES))
def test_every_profile_is_a_distilled_schedule_of_at_most_eight_steps(name):
    profile = FAST_PROFILES[name]
    request = build_panel_request(comic(GenerationDefaults(fast=True, fast_profile=name)), 0, "default")
    assert request.num_inference_steps == profile.steps <= 8
    assert request.guidance_scale == profile.cfg <= 2
    assert (request.sampler, request.scheduler) == (profile.sampler, profile.scheduler)
    assert (profile.lora is None) != (profile.checkpoint is None)


def test_the_turbo_profile_swaps_the_checkpoint_unless_the_render_names_one():
    turbo = comic(GenerationDefaults(fast=True, fast_profile="turbo"))
    assert build_panel_request(turbo, 0, "default").model.checkpoint == "stabilityai/sdxl-turbo"
    chosen = build_panel_request(turbo, 0, "default", PanelOverrides(model="mine.safetensors"))
    assert chosen.model.checkpoint == "mine.safetensors"


def test_an_own_file_replaces_the_profiles_lora_and_the_lcm_profile_keeps_cfg():
    generation = GenerationDefaults(fast=True, fast_profile="lcm", fast_lora="loras/my-lcm.safetensors")
    request = build_panel_request(comic(generation), 0, "default")
    assert request.loras == (LoraSpec(name="loras/my-lcm.safetensors"),)
    assert (request.sampler, request.guidance_scale) == ("lcm", 1.5)


def test_an_unknown_profile_is_refused_at_its_field_with_the_choices():
    with pytest.raises(ValidationError) as refused:
        GenerationDefaults(fast_profile="warp")
    assert refused.value.errors()[0]["loc"] == ("fast_profile",)
    assert "lightning" in str(refused.value) and "turbo" in str(refused.value)


def test_a_script_turns_fast_mode_on_for_the_comic_and_off_for_one_panel():
    script = """
title: Drafts
generation: {fast: true, fast_profile: hyper}
panels:
  - description: a street
  - description: the final splash
    fast: false
"""
    loaded = load_comic_text(script)
    first, second = (build_panel_request(loaded, index, "default") for index in (0, 1))
    assert first.loras == (LoraSpec(name="Hyper-SDXL-8steps-lora.safetensors"),) and first.num_inference_steps == 8
    assert second.loras == () and second.num_inference_steps == 20


@pytest.mark.parametrize(
    "named", ["Hyper-SDXL-8steps-lora.safetensors", "loras/hyper-sdxl-8steps-lora", "C:\\loras\\HYPER-SDXL-8STEPS-LORA"]
)
def test_a_draft_is_known_by_its_lora_however_the_file_is_written(named):
    hyper = FAST_PROFILES["hyper"]
    schedule = (hyper.steps, hyper.cfg, hyper.sampler, hyper.scheduler)
    assert profile_drawn(*schedule, loras=[named], checkpoint="sdxl") == "hyper"
    assert profile_drawn(*schedule, loras=["another.safetensors"], checkpoint="sdxl") is None
