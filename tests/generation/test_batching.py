"""Which requests may share a batch, and running a batch on an engine that draws one request at a time."""

from __future__ import annotations

import threading

from stripstudio.generation import ControlInput, GenerationRequest, JobCancelled, LoraSpec, ModelRef, Region
from stripstudio.generation.batching import BatchJob, batch_key, run_batch
from tests.fakes import FakeEngine


def request(**fields) -> GenerationRequest:
    defaults = dict(model=ModelRef(checkpoint="fake"), prompt="a robot", width=64, height=64, num_inference_steps=2)
    return GenerationRequest(**{**defaults, **fields})


def test_prompts_seeds_and_candidate_counts_may_differ_within_a_batch():
    key = batch_key(request())
    assert key is not None
    assert batch_key(request(prompt="a cat", negative_prompt="blurry", seed=7, num_images=4, previews=True)) == key


def test_anything_a_run_shares_makes_another_batch():
    key = batch_key(request())
    for change in (
        {"width": 128},
        {"num_inference_steps": 3},
        {"guidance_scale": 4.0},
        {"sampler": "euler"},
        {"scheduler": "normal"},
        {"model": ModelRef(checkpoint="other")},
        {"model": ModelRef(checkpoint="fake", vae="vae.safetensors")},
        {"loras": (LoraSpec(name="ink"),)},
        {"prompt": "a robot <lora:ink:0.8>"},
        {"task": "image_to_image", "init_image": "a.png"},
    ):
        assert batch_key(request(**change)) != key, change
    assert batch_key(request(prompt="<lora:ink:0.8> a cat")) == batch_key(
        request(loras=(LoraSpec(name="ink", strength_model=0.8, strength_clip=0.8),))
    )
    image = {"task": "image_to_image", "strength": 0.5}
    assert batch_key(request(init_image="a.png", **image)) == batch_key(request(init_image="b.png", **image))
    assert batch_key(request(init_image="a.png", **image)) != batch_key(
        request(init_image="a.png", task="image_to_image", strength=0.6)
    )


def test_requests_that_change_the_models_layers_are_drawn_alone():
    assert batch_key(request(regions=(Region(prompt="a cat", box=(0, 0, 0.5, 1)),))) is None
    sketch = ControlInput(kind="sketch", image="s.png")
    assert batch_key(request(task="sketch_to_image", controls=(sketch,))) is None
    assert batch_key(request(task="inpaint", init_image="a.png", mask={"image": "m.png"})) is None


def test_an_engine_without_batches_runs_each_request_with_its_own_outcome():
    engine = FakeEngine(fail_on_prompt="broken")
    cancelled = threading.Event()
    cancelled.set()
    events: list[list] = [[], [], []]
    jobs = [
        BatchJob(request(prompt="broken"), events[0].append),
        BatchJob(request(num_images=2), events[1].append, cancelled),
        BatchJob(request(seed=5), events[2].append),
    ]
    outcomes = run_batch(engine, jobs)
    assert isinstance(outcomes[0].error, RuntimeError)
    assert isinstance(outcomes[1].error, JobCancelled)
    assert outcomes[2].error is None and [image.seed for image in outcomes[2].images] == [5]
    assert len(engine.requests) == 3
