"""Seeds: the same seed draws the same pixels; candidate k is the image of seed + k."""

from __future__ import annotations

from .helpers import pixels


def test_same_seed_gives_identical_pixels(run):
    first, _ = run(seed=42)
    second, _ = run(seed=42)
    assert pixels(first[0]) == pixels(second[0])


def test_another_seed_gives_different_pixels(run):
    first, _ = run(seed=42)
    other, _ = run(seed=43)
    assert pixels(first[0]) != pixels(other[0])


def test_candidate_k_is_the_image_of_seed_plus_k(run):
    batch, _ = run(seed=7, num_images=3)
    alone, _ = run(seed=9)
    assert pixels(batch[2]) == pixels(alone[0])
    assert batch[2].request.seed == 9 and batch[2].request.num_images == 1


def test_generated_image_request_redraws_it(engine, run):
    batch, _ = run(seed=11, num_images=2)
    redrawn = engine.run(batch[1].request, lambda event: None)
    assert pixels(redrawn[0]) == pixels(batch[1])


def test_sde_sampler_is_reproducible(run):
    first, _ = run(seed=5, sampler="dpmpp_sde", num_inference_steps=3)
    second, _ = run(seed=5, sampler="dpmpp_sde", num_inference_steps=3)
    assert pixels(first[0]) == pixels(second[0])
