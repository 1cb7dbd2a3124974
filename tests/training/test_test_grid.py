"""The test grid: the character alone, in the comic's style and in two other styles, drawn with one fixed
seed and each saved epoch's LoRA; a cancel stops it between pictures."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from stripstudio.domain.presets import STYLE_PRESETS
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.training.spec import SavedEpoch
from stripstudio.training.test_grid import GRID_SEED, TestGrid, draw_test_grid, grid_prompts, grid_request
from tests.fakes import FakeEngine

TEMPLATE = GenerationRequest(
    model=ModelRef(checkpoint="fake"), width=64, height=64, seed=GRID_SEED, num_inference_steps=2
)
EPOCHS = [SavedEpoch(epoch=n, step=10 * n, path=Path(f"/runs/1/lora/epoch-{n}.safetensors")) for n in (1, 2)]


def test_the_prompts_are_the_character_alone_in_the_comics_style_and_in_two_other_styles():
    prompts = grid_prompts("rc_test", "man", STYLE_PRESETS["manga"])
    assert [p.label for p in prompts] == ["alone", "comic style", "comic-ink", "cartoon"]
    assert all("rc_test, man" in p.prompt for p in prompts)
    assert prompts[1].prompt.startswith("((manga style))") and prompts[1].negative_prompt.startswith("colour")
    assert "american comic book style" in prompts[2].prompt
    # A comic without style words: the character alone and two styles.
    assert [p.label for p in grid_prompts("rc_test", "man")] == ["alone", "manga", "comic-ink"]


def test_each_request_draws_one_picture_with_the_epochs_lora_and_the_fixed_seed():
    grid = TestGrid(prompts=grid_prompts("rc_test", "man"), template=TEMPLATE, lora_strength=0.8)
    request = grid_request(grid, 2, "/runs/1/lora/epoch-2.safetensors")
    assert request.seed == GRID_SEED and request.num_images == 1 and request.width == 64
    assert [(lo.name, lo.strength_model, lo.strength_clip) for lo in request.loras] == [
        ("/runs/1/lora/epoch-2.safetensors", 0.8, 0.8)
    ]
    assert request.prompt == grid.prompts[2].prompt


def test_the_grid_draws_every_prompt_with_every_epoch_and_stores_each_picture():
    engine, stored, seen = FakeEngine(), [], []
    grid = TestGrid(prompts=grid_prompts("rc_test", "man"), template=TEMPLATE)

    def store(drawn) -> str:
        stored.append(drawn.image.size)
        return f"objects/{len(stored)}.png"

    pictures = draw_test_grid(
        engine, grid, EPOCHS, store, lambda p, total: seen.append((p.file, total)), threading.Event()
    )
    assert [(p.epoch, p.row, p.label) for p in pictures] == [
        (1, 0, "alone"),
        (1, 1, "manga"),
        (1, 2, "comic-ink"),
        (2, 0, "alone"),
        (2, 1, "manga"),
        (2, 2, "comic-ink"),
    ]
    assert stored == [(64, 64)] * 6 and seen == [(f"objects/{n}.png", 6) for n in range(1, 7)]
    assert [r.loras[0].name for r in engine.requests] == [str(EPOCHS[0].path)] * 3 + [str(EPOCHS[1].path)] * 3
    assert {r.seed for r in engine.requests} == {GRID_SEED}


def test_a_cancel_stops_the_grid_before_the_next_picture():
    engine, cancel = FakeEngine(), threading.Event()
    grid = TestGrid(prompts=grid_prompts("rc_test", "man"), template=TEMPLATE)
    with pytest.raises(JobCancelled):
        draw_test_grid(engine, grid, EPOCHS, lambda drawn: "x", lambda p, total: cancel.set(), cancel)
    assert len(engine.requests) == 1
