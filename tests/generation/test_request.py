"""The GenerationRequest contract: validation and JSON round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from stripstudio.generation import (
    ControlInput,
    GenerationRequest,
    LoraSpec,
    MaskSpec,
    ModelRef,
    OutpaintSpec,
    ReferenceSpec,
    Region,
    Task,
)

MODEL = ModelRef(checkpoint="tiny-random-sdxl")


def full_request() -> GenerationRequest:
    return GenerationRequest(
        task=Task.INPAINT,
        model=ModelRef(checkpoint="x.safetensors", vae="vae.safetensors"),
        prompt="(a:1.2) cat",
        negative_prompt="ugly",
        loras=(LoraSpec(name="leo", strength_clip=0.5),),
        width=832,
        height=1216,
        num_images=4,
        seed=2**32 - 1,
        num_inference_steps=30,
        guidance_scale=6.5,
        sampler="euler_ancestral",
        scheduler="exponential",
        strength=0.7,
        init_image="/a.png",
        mask=MaskSpec(image="/m.png", grow=16, feather=4),
        controls=(ControlInput(image="/s.png", kind="scribble"),),
        reference_images=(ReferenceSpec(images=("/r.png",), strength=0.5, focus="face", region=0),),
        regions=(Region(prompt="sky", box=(0, 0, 1, 0.3)),),
    )


def test_defaults_are_the_thesis_settings():
    request = GenerationRequest(model=MODEL)
    assert (request.sampler, request.scheduler, request.num_inference_steps, request.guidance_scale) == (
        "dpmpp_2m",
        "karras",
        20,
        8.0,
    )


def test_json_round_trip_keeps_everything():
    request = full_request()
    assert GenerationRequest.from_json(request.to_json()) == request


@given(
    seed=st.integers(0, 2**32 - 1),
    steps=st.integers(1, 200),
    cfg=st.floats(0, 30),
    width=st.integers(8, 512).map(lambda n: n * 8),
    prompt=st.text(),
    n=st.integers(1, 16),
)
def test_json_round_trip_property(seed, steps, cfg, width, prompt, n):
    request = GenerationRequest(
        model=MODEL,
        seed=seed,
        num_inference_steps=steps,
        guidance_scale=cfg,
        width=width,
        prompt=prompt,
        num_images=n,
    )
    assert GenerationRequest.from_json(request.to_json()) == request


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"width": 1001}, "multiple of 8"),
        ({"task": "inpaint", "init_image": "/a.png"}, "needs mask"),
        ({"task": "sketch_to_image"}, "needs controls"),
        ({"task": "outpaint", "init_image": "/a.png", "outpaint": {}}, "at least one side"),
        ({"num_images": 0}, "greater than or equal to 1"),
        ({"controls": [{"image": "s.png", "start_percent": 0.8, "end_percent": 0.2}]}, "start_percent"),
    ],
)
def test_bad_requests_are_refused_with_the_field(fields, message):
    with pytest.raises(ValidationError, match=message):
        GenerationRequest(model=MODEL, **fields)


def test_requests_are_frozen():
    with pytest.raises(ValidationError):
        GenerationRequest(model=MODEL).seed = 3  # type: ignore[misc]


def test_for_candidate_offsets_the_seed_and_wraps():
    request = GenerationRequest(model=MODEL, seed=2**32 - 1, num_images=3)
    assert request.for_candidate(1).seed == 0 and request.for_candidate(1).num_images == 1


def test_outpaint_spec_needs_a_side():
    assert OutpaintSpec(top=64).top == 64
