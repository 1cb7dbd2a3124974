"""Every request, wherever it is made (API, CLI, scripts), has a bounded prompt: a prompt that would
make an unbounded job is refused at the field, saying what to shorten."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stripstudio.domain import Character, Comic, Panel
from stripstudio.generation import GenerationRequest, ModelRef, Region
from stripstudio.generation.request import PROMPT_MAX_CHARS
from stripstudio.production.panel_request import build_panel_request

MODEL = ModelRef(checkpoint="tiny-random-sdxl")


@pytest.mark.parametrize("field", ["prompt", "negative_prompt"])
def test_a_million_character_prompt_is_refused_at_its_field(field):
    with pytest.raises(ValidationError) as refused:
        GenerationRequest(model=MODEL, **{field: "x" * 1_000_000})
    (problem,) = refused.value.errors()
    assert problem["loc"] == (field,)
    assert "1,000,000 characters long; at most 32,000 are allowed" in problem["msg"]
    assert "shorten it (or the panel, character and style descriptions" in problem["msg"]


def test_the_limit_itself_is_accepted_and_region_prompts_are_bounded_too():
    assert len(GenerationRequest(model=MODEL, prompt="x" * PROMPT_MAX_CHARS).prompt) == PROMPT_MAX_CHARS
    with pytest.raises(ValidationError) as refused:
        GenerationRequest(model=MODEL, regions=(Region(prompt="y" * (PROMPT_MAX_CHARS + 1), box=(0, 0, 1, 1)),))
    assert refused.value.errors()[0]["loc"][-1] == "prompt"


def test_a_panel_whose_composed_prompt_is_too_long_is_refused_before_it_is_drawn():
    cast = [Character(name=f"c{i}", description=f"person {i} " + "tall " * 700) for i in range(10)]
    comic = Comic(
        title="t", characters=cast, panels=[Panel(description="all of them", characters=[c.name for c in cast])]
    )
    with pytest.raises(ValidationError) as refused:
        build_panel_request(comic, 0, "tiny-random-sdxl")
    assert refused.value.errors()[0]["loc"] == ("prompt",)
    assert "at most 32,000 are allowed" in refused.value.errors()[0]["msg"]
