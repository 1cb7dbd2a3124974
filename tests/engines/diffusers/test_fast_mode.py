"""Fast drafts on the in-process engine: the distilled samplers, and a fast profile drawn for real."""

from __future__ import annotations

import diffusers
import pytest

from stripstudio.domain import Comic, GenerationDefaults, Panel
from stripstudio.engines.diffusers.configs import sdxl_scheduler_config
from stripstudio.engines.diffusers.schedulers import SAMPLER_NAMES, make_scheduler
from stripstudio.generation import InvalidRequest
from stripstudio.production.panel_request import PanelOverrides, build_panel_request

from .helpers import pixels
from .model_files import write_tiny_lora


@pytest.mark.parametrize(("sampler", "cls"), [("lcm", diffusers.LCMScheduler), ("tcd", diffusers.TCDScheduler)])
def test_the_distilled_samplers_step_on_the_trailing_grid(sampler, cls):
    assert sampler in SAMPLER_NAMES
    scheduler = make_scheduler(sampler, "sgm_uniform", sdxl_scheduler_config())
    assert type(scheduler) is cls
    scheduler.set_timesteps(4)
    assert scheduler.timesteps.tolist()[0] == 999  # trailing: the first step starts from pure noise


@pytest.mark.parametrize("schedule", ["karras", "exponential"])
def test_a_distilled_sampler_with_respaced_noise_levels_is_refused_at_the_scheduler(schedule):
    with pytest.raises(InvalidRequest) as refused:
        make_scheduler("lcm", schedule, sdxl_scheduler_config())
    assert refused.value.field == "scheduler" and "sgm_uniform" in str(refused.value)


@pytest.mark.parametrize("sampler", ["lcm", "tcd"])
def test_the_distilled_samplers_draw_reproducibly_and_differently_from_euler(run, sampler):
    first = pixels(run(sampler=sampler, scheduler="sgm_uniform", num_inference_steps=4, guidance_scale=1.0)[0][0])
    again = pixels(run(sampler=sampler, scheduler="sgm_uniform", num_inference_steps=4, guidance_scale=1.0)[0][0])
    euler = pixels(run(sampler="euler", scheduler="sgm_uniform", num_inference_steps=4, guidance_scale=1.0)[0][0])
    assert first == again and first != euler


def test_a_fast_draft_draws_with_its_lora_and_the_final_without_it(engine, tmp_path):
    lora = write_tiny_lora(tmp_path / "lightning.safetensors", key_format="kohya", seed=5)
    draft_comic = Comic(
        title="t",
        generation=GenerationDefaults(fast=True, fast_lora=str(lora), width=64, height=64, candidates=1),
        panels=[Panel(description="a young man reading a book")],
    )
    draft = build_panel_request(draft_comic, 0, "tiny-random-sdxl")
    final = build_panel_request(draft_comic, 0, "tiny-random-sdxl", PanelOverrides(fast=False, steps=4))
    plain_euler = draft.model_copy(update={"loras": ()})
    events: list = []
    drawn = pixels(engine.run(draft, events.append)[0])
    assert max(event.total or 0 for event in events if event.kind == "progress") == 4  # four steps, one image
    assert drawn != pixels(engine.run(plain_euler, lambda event: None)[0])  # the LoRA acts
    assert drawn != pixels(engine.run(final, lambda event: None)[0])


def test_a_missing_fast_lora_is_refused_naming_the_file(engine):
    draft_comic = Comic(
        title="t",
        generation=GenerationDefaults(fast=True, width=64, height=64),
        panels=[Panel(description="a street")],
    )
    request = build_panel_request(draft_comic, 0, "tiny-random-sdxl")
    problems = engine.request_problems(request)
    assert any(p.field == "loras[0]" and "sdxl_lightning_4step_lora" in p.message for p in problems)
