"""Every request, wherever it is made (API, CLI, scripts), has a bounded prompt: a prompt that would
make an unbounded job is refused at the field, saying what to shorten."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from stripstudio.generation import GenerationRequest, ModelRef, Region
from stripstudio.generation.request import PROMPT_MAX_CHARS

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
