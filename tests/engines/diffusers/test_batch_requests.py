"""Several requests drawn in shared batches: one engine call, each request with its own images, events,
cancel and errors; requests that cannot share a batch are drawn apart."""

from __future__ import annotations

import threading

import pytest

from stripstudio.generation import EventKind, InvalidRequest, JobCancelled, JobEvent
from stripstudio.generation.batching import BatchJob

from .helpers import PSNR_BOUND_DB, pixels, psnr, tiny_request


class Sink:
    """Collects one request's events; can raise on an event kind."""

    def __init__(self, raise_on: EventKind | None = None):
        self.events: list[JobEvent] = []
        self.raise_on = raise_on

    def __call__(self, event: JobEvent) -> None:
        if event.kind is self.raise_on:
            raise OSError("disk full")
        self.events.append(event)

    def kinds(self, kind: EventKind) -> list[JobEvent]:
        return [event for event in self.events if event.kind is kind]


def test_compatible_requests_share_one_run_and_keep_their_own_images_and_events(engine, unet_batches):
    ann = tiny_request(prompt="a knight on a horse", seed=3, num_images=2, num_inference_steps=3)
    bob = tiny_request(prompt="a cat asleep on a roof", seed=50, num_inference_steps=3)
    sinks = [Sink(), Sink()]
    outcomes = engine.run_batch([BatchJob(ann, sinks[0]), BatchJob(bob, sinks[1])])
    assert unet_batches == [6, 6, 6]  # three images (2 + 1), one run, three steps
    assert [o.error for o in outcomes] == [None, None]
    assert [[image.seed for image in o.images] for o in outcomes] == [[3, 4], [50]]
    for outcome, request in zip(outcomes, (ann, bob), strict=True):
        for image in outcome.images:
            assert image.request.prompt == request.prompt
            assert psnr(image, engine.run(image.request, lambda event: None)[0]) >= PSNR_BOUND_DB
    ann_events, bob_events = sinks
    assert [e.candidate for e in ann_events.kinds(EventKind.IMAGE)] == [0, 1]
    assert [e.candidate for e in bob_events.kinds(EventKind.IMAGE)] == [0]
    assert ann_events.events[0].kind is EventKind.STARTED and bob_events.events[0].kind is EventKind.STARTED
    assert [(e.step, e.total) for e in bob_events.kinds(EventKind.PROGRESS)] == [(1, 3), (2, 3), (3, 3)]
    assert [(e.step, e.total) for e in ann_events.kinds(EventKind.PROGRESS)] == [(2, 6), (4, 6), (6, 6)]


def test_a_request_cancelled_mid_batch_stops_and_the_other_finishes(engine):
    cancel = threading.Event()
    ann, bob = Sink(), Sink()

    def ann_sink(event: JobEvent) -> None:
        ann(event)
        if event.kind is EventKind.PROGRESS and event.step == 2:
            cancel.set()

    requests = [tiny_request(seed=1, num_inference_steps=4), tiny_request(prompt="a dog", num_inference_steps=4)]
    outcomes = engine.run_batch([BatchJob(requests[0], ann_sink, cancel), BatchJob(requests[1], bob)])
    assert isinstance(outcomes[0].error, JobCancelled) and outcomes[0].images == []
    assert [e.step for e in ann.kinds(EventKind.PROGRESS)] == [1, 2]  # nothing after the cancel
    assert not ann.kinds(EventKind.IMAGE)
    assert outcomes[1].error is None and len(outcomes[1].images) == 1
    assert [e.step for e in bob.kinds(EventKind.PROGRESS)] == [1, 2, 3, 4]
    assert psnr(outcomes[1].images[0], engine.run(requests[1], lambda event: None)[0]) >= PSNR_BOUND_DB


def test_one_requests_failure_leaves_the_other_finished(engine):
    broken_sink, good = Sink(raise_on=EventKind.IMAGE), Sink()
    unknown_sampler = tiny_request(sampler="no_such_sampler")
    outcomes = engine.run_batch(
        [
            BatchJob(tiny_request(seed=2), broken_sink),
            BatchJob(unknown_sampler, Sink()),
            BatchJob(tiny_request(prompt="a lighthouse", seed=9), good),
        ]
    )
    assert isinstance(outcomes[0].error, OSError)
    assert isinstance(outcomes[1].error, InvalidRequest) and "sampler" in str(outcomes[1].error)
    assert outcomes[2].error is None and [image.seed for image in outcomes[2].images] == [9]
    assert len(good.kinds(EventKind.IMAGE)) == 1


def test_incompatible_requests_are_drawn_apart(engine, unet_batches):
    outcomes = engine.run_batch(
        [
            BatchJob(tiny_request(num_inference_steps=2), Sink()),
            BatchJob(tiny_request(num_inference_steps=3), Sink()),
        ]
    )
    assert [o.error for o in outcomes] == [None, None]
    assert unet_batches == [2] * 5  # one image per run: two steps, then three


def test_image_to_image_requests_share_a_run_each_with_its_init_image(engine, picture, sketch, unet_batches):
    fields = dict(task="image_to_image", strength=0.6, num_inference_steps=3)
    requests = [tiny_request(init_image=picture, seed=4, **fields), tiny_request(init_image=sketch, seed=4, **fields)]
    outcomes = engine.run_batch([BatchJob(request, Sink()) for request in requests])
    assert set(unet_batches) == {4}
    first, second = (o.images[0] for o in outcomes)
    assert pixels(first) != pixels(second)  # same seed, different init images
    for image in (first, second):
        assert psnr(image, engine.run(image.request, lambda event: None)[0]) >= PSNR_BOUND_DB


@pytest.mark.parametrize("prompt", ["a very long prompt " * 20])  # two 75-token chunks
def test_prompts_of_different_lengths_are_drawn_in_separate_runs(engine, unet_batches, prompt):
    outcomes = engine.run_batch(
        [BatchJob(tiny_request(prompt=prompt), Sink()), BatchJob(tiny_request(prompt="short"), Sink())]
    )
    assert [len(o.images) for o in outcomes] == [1, 1]
    assert unet_batches == [2] * 4


def test_a_one_seed_per_run_sampler_draws_each_candidate_from_its_own_seed(engine):
    # dpmpp_sde's noise has one seed per run: candidate k's run must take seed + k, as its redraw does.
    requests = [
        tiny_request(prompt=prompt, seed=seed, num_images=2, num_inference_steps=3, sampler="dpmpp_sde")
        for prompt, seed in (("a knight on a horse", 3), ("a cat asleep on a roof", 50))
    ]
    outcomes = engine.run_batch([BatchJob(request, Sink()) for request in requests])
    assert [o.error for o in outcomes] == [None, None]
    for outcome in outcomes:
        for image in outcome.images:
            assert pixels(image) == pixels(engine.run(image.request, lambda event: None)[0])
