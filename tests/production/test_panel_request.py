"""From a comic's panel to its GenerationRequest."""

from __future__ import annotations

from stripstudio.domain import Character, Comic, GenerationDefaults, LoraRef, Panel, Style
from stripstudio.generation import Task
from stripstudio.production.panel_request import PanelOverrides, build_panel_request, panel_seed


def comic(**panel_fields) -> Comic:
    return Comic(
        title="t",
        style=Style(
            checkpoint="style.safetensors",
            prompt_prefix="((cartoon style))",
            negative_prompt="ugly",
            loras=[LoraRef(name="ink", strength_model=0.5)],
        ),
        generation=GenerationDefaults(seed=10, candidates=3, steps=12, width=832, height=1216),
        characters=[
            Character(
                name="Leo",
                description="young man, black hair",
                seed=250,
                loras=[LoraRef(name="leo", strength_clip=0.7)],
            ),
            Character(name="Mia", description="young woman"),
        ],
        panels=[Panel(description="a street"), Panel(description="reading", **panel_fields)],
    )


def test_request_carries_the_comic_defaults_and_composed_prompt():
    request = build_panel_request(comic(characters=["Leo"]), 1, default_model="default")
    assert request.task is Task.TEXT_TO_IMAGE
    assert request.model.checkpoint == "style.safetensors"
    assert request.prompt.startswith("((cartoon style))") and "black hair" in request.prompt
    assert "reading" in request.prompt and request.negative_prompt == "ugly"
    assert [(lo.name, lo.strength_model, lo.strength_clip) for lo in request.loras] == [
        ("ink", 0.5, 1.0),
        ("leo", 1.0, 0.7),
    ]
    assert (request.num_images, request.num_inference_steps, request.width, request.height) == (
        3,
        12,
        832,
        1216,
    )
    assert (request.sampler, request.scheduler, request.guidance_scale) == ("dpmpp_2m", "karras", 8.0)


def test_seed_comes_from_panel_then_character_then_base():
    assert panel_seed(comic(seed=5), 1) == 5
    assert panel_seed(comic(characters=["Mia", "Leo"]), 1) == 250
    assert panel_seed(comic(), 0) == 10 and panel_seed(comic(), 1) == 1010


def test_sketch_makes_a_sketch_request_with_the_single_slider(tmp_path):
    request = build_panel_request(comic(sketch=str(tmp_path / "s.png"), follow_sketch=0.6), 1, default_model="m")
    assert request.task is Task.SKETCH_TO_IMAGE
    control = request.controls[0]
    assert (control.kind, control.strength, control.start_percent, control.end_percent, control.invert) == (
        "sketch",
        0.6,
        0.0,
        0.6,
        True,
    )


def test_overrides_win_over_the_comic():
    overrides = PanelOverrides(model="tiny-random-sdxl", candidates=1, steps=2, width=64, height=128)
    request = build_panel_request(comic(candidates=4), 1, default_model="m", overrides=overrides)
    assert (request.model.checkpoint, request.num_images, request.num_inference_steps) == (
        "tiny-random-sdxl",
        1,
        2,
    )
    assert (request.width, request.height) == (64, 128)


def test_default_model_is_used_when_the_style_names_none():
    plain = Comic(title="t", panels=[Panel(description="x")])
    assert build_panel_request(plain, 0, default_model="hub/model").model.checkpoint == "hub/model"


def test_a_panels_own_sampling_settings_win_over_the_comics_and_the_render_overrides_over_both():
    plain = build_panel_request(comic(), 1, default_model="default")
    assert (plain.num_inference_steps, plain.guidance_scale, plain.sampler, plain.scheduler) == (
        12,
        8.0,
        "dpmpp_2m",
        "karras",
    )
    own = comic(steps=5, cfg=0.0, sampler="euler", scheduler="normal")
    request = build_panel_request(own, 1, default_model="default")
    assert (request.num_inference_steps, request.guidance_scale, request.sampler, request.scheduler) == (
        5,
        0.0,
        "euler",
        "normal",
    )
    assert (
        build_panel_request(own, 1, default_model="default", overrides=PanelOverrides(steps=2)).num_inference_steps == 2
    )
