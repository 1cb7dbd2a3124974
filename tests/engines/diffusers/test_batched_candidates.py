"""Candidates drawn in batches: each starts from its own seed's noise, a redraw is identical, and a
candidate drawn alone matches its batched self to within the numerics of batching (PSNR bound)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from stripstudio.engines.diffusers.batching import BatchSizer, batches
from stripstudio.generation import ControlInput, MaskSpec
from stripstudio.generation.request import ReferenceSpec, RefinerSpec, Region

from .helpers import PSNR_BOUND_DB, TINY, pixels, psnr, tiny_request

CANDIDATES = 3


def run(engine, request):
    return engine.run(request, lambda event: None)


def assert_batched_matches_alone(engine, request, unet_batches: list[int]) -> None:
    """All candidates drawn in one run, each within the bound of its one-image redraw."""
    batched = run(engine, request)
    assert set(unet_batches) == {2 * CANDIDATES}, unet_batches  # one batched run (guidance doubles it)
    for image in batched:
        alone = run(engine, image.request)
        assert psnr(image, alone[0]) >= PSNR_BOUND_DB


def test_batched_initial_latents_equal_the_solo_ones_exactly(engine, monkeypatch):
    pipe = engine.cache.get(TINY).pipeline_for("text")
    prepare, recorded = pipe.prepare_latents, []
    monkeypatch.setattr(pipe, "prepare_latents", lambda *a, **k: recorded.append(prepare(*a, **k)) or recorded[-1])
    request = tiny_request(seed=40, num_images=4)
    run(engine, request)
    (batched,) = recorded
    for index in range(4):
        run(engine, request.for_candidate(index))
        assert torch.equal(batched[index : index + 1], recorded[-1])


def test_a_redraw_of_a_batched_request_is_byte_identical(engine):
    request = tiny_request(seed=8, num_images=4, num_inference_steps=3)
    assert [pixels(i) for i in run(engine, request)] == [pixels(i) for i in run(engine, request)]


def test_candidate_k_alone_matches_its_batched_self(engine, unet_batches):
    request = tiny_request(seed=21, num_images=CANDIDATES, num_inference_steps=4, sampler="euler_ancestral")
    assert_batched_matches_alone(engine, request, unet_batches)


def test_batches_split_at_the_limit_give_the_same_images(engine, monkeypatch, unet_batches):
    request = tiny_request(seed=5, num_images=4, num_inference_steps=2)
    whole = run(engine, request)
    monkeypatch.setattr(engine, "sizer", BatchSizer(engine.device, engine.dtype, limit=3))
    unet_batches.clear()
    split = run(engine, request)
    assert unet_batches == [6, 6, 2, 2]  # runs of 3 and 1 candidates, two steps each
    assert [image.seed for image in split] == [5, 6, 7, 8]
    assert all(psnr(a, b) >= PSNR_BOUND_DB for a, b in zip(whole, split, strict=True))


def test_a_limit_of_one_draws_one_candidate_per_run(engine, monkeypatch, unet_batches):
    monkeypatch.setattr(engine, "sizer", BatchSizer(engine.device, engine.dtype, limit=1))
    run(engine, tiny_request(num_images=2))
    assert unet_batches == [2, 2, 2, 2]


def test_dpmpp_sde_draws_one_candidate_per_run(engine, unet_batches):
    """Its Brownian noise has one seed per run: batched, candidate k could not be seed + k's image."""
    first = run(engine, tiny_request(num_images=2, sampler="dpmpp_sde", num_inference_steps=2, seed=4))
    assert set(unet_batches) == {2}
    assert pixels(first[1]) == pixels(run(engine, first[1].request)[0])


def test_image_to_image_batches(engine, picture, unet_batches):
    request = tiny_request(task="image_to_image", init_image=picture, strength=0.7, num_images=CANDIDATES, seed=2)
    assert_batched_matches_alone(engine, request, unet_batches)


def test_inpaint_batches_and_keeps_pixels_outside_the_mask(engine, picture, square_mask, unet_batches):
    mask = MaskSpec(image=square_mask, grow=0, feather=0)
    request = tiny_request(task="inpaint", init_image=picture, mask=mask, num_images=CANDIDATES, seed=9)
    assert_batched_matches_alone(engine, request, unet_batches)
    original = np.asarray(run(engine, request)[0].image)[:16, :16]
    assert (original == np.asarray(Image.open(picture).convert("RGB"))[:16, :16]).all()


@pytest.mark.parametrize("kind", ["sketch", "scribble"])  # T2I-Adapter and ControlNet
def test_sketch_batches(engine, sketch, unet_batches, kind):
    control = ControlInput(kind=kind, image=sketch, strength=1.0, end_percent=1.0)
    request = tiny_request(task="sketch_to_image", controls=(control,), num_images=CANDIDATES, seed=6)
    assert_batched_matches_alone(engine, request, unet_batches)


def test_regions_batch(engine, unet_batches):
    regions = (
        Region(prompt="a tall man with red hair", box=(0.0, 0.0, 0.5, 1.0)),
        Region(prompt="a short woman in yellow", box=(0.5, 0.0, 0.5, 1.0)),
    )
    request = tiny_request(prompt="two friends", regions=regions, num_images=CANDIDATES, seed=12)
    assert_batched_matches_alone(engine, request, unet_batches)


def test_reference_images_batch_with_their_region(engine, picture, unet_batches):
    regions = (Region(prompt="Mia", box=(0, 0, 0.5, 1)), Region(prompt="Leo", box=(0.5, 0, 0.5, 1)))
    reference = ReferenceSpec(images=(picture,), strength=0.9, region=0)
    request = tiny_request(regions=regions, reference_images=(reference,), num_images=CANDIDATES, seed=13)
    assert_batched_matches_alone(engine, request, unet_batches)


def test_the_refiner_finishes_a_batch(engine, monkeypatch):
    monkeypatch.setattr(engine.cache, "capacity", 2)
    refiner = RefinerSpec(checkpoint="tiny-random-sdxl-refiner", switch=0.5)
    request = tiny_request(refiner=refiner, num_images=CANDIDATES, num_inference_steps=4, seed=14)
    batched = run(engine, request)
    assert len({pixels(image) for image in batched}) == CANDIDATES
    for image in batched:
        assert psnr(image, run(engine, image.request)[0]) >= PSNR_BOUND_DB


def test_previews_come_for_every_candidate_of_a_batch(engine):
    events = []
    engine.run(tiny_request(num_images=CANDIDATES, num_inference_steps=4, previews=True), events.append)
    assert {event.candidate for event in events if event.kind == "preview"} == set(range(CANDIDATES))


def test_batch_sizes_follow_the_setting_the_sampler_and_free_memory(monkeypatch):
    cpu, cuda = torch.device("cpu"), torch.device("cuda")
    assert BatchSizer(cpu, torch.float32).size_for(1024, 1024, "euler") == 4
    assert BatchSizer(cpu, torch.float32, limit=2).size_for(1024, 1024, "euler") == 2
    assert BatchSizer(cpu, torch.float32, limit=8).size_for(64, 64, "dpmpp_sde") == 1
    monkeypatch.setattr("stripstudio.engines.diffusers.batching._free_bytes", lambda device: 16 * 2**30)
    assert BatchSizer(cuda, torch.float16).size_for(1024, 1024, "euler") == 4  # 0.8 x 16 GiB / 3 GiB
    assert BatchSizer(cuda, torch.float32).size_for(1024, 1024, "euler") == 2
    assert BatchSizer(cuda, torch.float16).size_for(512, 512, "euler") == 16  # capped
    monkeypatch.setattr("stripstudio.engines.diffusers.batching._free_bytes", lambda device: 2**30)
    assert BatchSizer(cuda, torch.float16).size_for(1024, 1024, "euler") == 1
    assert batches(range(5), 2) == [(0, 1), (2, 3), (4,)]
