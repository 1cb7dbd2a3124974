"""A worker draws compatible generation jobs of several authors in one batch on the tiny model: one
engine call, each job with its own images, events, cancel and end; incompatible jobs run apart."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from stripstudio.generation import GenerationRequest, ModelRef
from stripstudio.jobs.events import job_channel
from stripstudio.jobs.execution import execute_job
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import GeneratePayload
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.jobs.submit import request_cancel, submit_job
from stripstudio.jobs.worker import EmbeddedWorker
from tests.jobs.jobs_helpers import author
from tests.waiting import wait_until

pytestmark = pytest.mark.slow
Status = Job.Status


class CountingEngine:
    """The real diffusers engine, counting its calls; ``on_event`` may watch every job's events."""

    name = "diffusers"

    def __init__(self, engine) -> None:
        self.engine = engine
        self.runs: list[GenerationRequest] = []
        self.batches: list[list[GenerationRequest]] = []
        self.watch = None

    def capabilities(self):
        return self.engine.capabilities()

    def run(self, request, on_event, cancel=None):
        self.runs.append(request)
        return self.engine.run(request, on_event, cancel)

    def run_batch(self, jobs):
        self.batches.append([job.request for job in jobs])
        if self.watch is not None:
            for job in jobs:
                job.on_event = self._watched(job.request, job.on_event)
        return self.engine.run_batch(jobs)

    def _watched(self, request, sink):
        def on_event(event):
            sink(event)
            self.watch(request, event)

        return on_event


@pytest.fixture(scope="module")
def diffusers_engine(tmp_path_factory):
    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.settings import StudioSettings

    return DiffusersEngine(StudioSettings(data_dir=tmp_path_factory.mktemp("batched-engine"), device="cpu"))


@pytest.fixture
def engine(diffusers_engine) -> CountingEngine:
    return CountingEngine(diffusers_engine)


@pytest.fixture
def runtime(transactional_db, engine, tmp_path) -> JobRuntime:
    studio = settings.STRIPSTUDIO.model_copy(update={"data_dir": tmp_path, "job_batch_wait_seconds": 0.0})
    return install_runtime(JobRuntime(studio, lambda _settings, _name: engine))


def submit(owner, prompt: str, **fields) -> Job:
    request = dict(model=ModelRef(checkpoint="tiny-random-sdxl"), prompt=prompt, width=64, height=64)
    generation = GenerationRequest(**{**request, "num_inference_steps": 2, **fields})
    return submit_job(owner, GeneratePayload(generation=generation))


def kinds(runtime, job: Job) -> list[str]:
    return [event.message.type.value for event in runtime.bus.read(job_channel(job.pk), None, 0)]


def test_compatible_jobs_of_two_authors_are_drawn_in_one_engine_call(runtime, engine):
    ann = submit(author("ann"), "a knight", num_images=2, seed=1)
    bob = submit(author("bob"), "a dragon", num_images=1, seed=7)
    execute_job(runtime, str(ann.pk))
    assert len(engine.batches) == 1 and [r.prompt for r in engine.batches[0]] == ["a knight", "a dragon"]
    assert engine.runs == []
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert (ann.status, bob.status) == (Status.SUCCEEDED, Status.SUCCEEDED)
    assert [entry["seed"] for entry in ann.results] == [1, 2]
    assert [entry["seed"] for entry in bob.results] == [7]
    assert all(entry["parameters"]["prompt"] == "a dragon" for entry in bob.results)
    for job, images in ((ann, 2), (bob, 1)):
        events = kinds(runtime, job)
        assert events[:2] == ["queued", "started"] and events[-1] == "succeeded" and events.count("image") == images


def test_a_job_cancelled_mid_batch_ends_cancelled_and_the_other_finishes(runtime, engine):
    ann = submit(author("ann"), "a knight", num_inference_steps=6)
    bob = submit(author("bob"), "a dragon", num_inference_steps=6)
    cancel_asked = threading.Event()

    def watch(request, event):
        if request.prompt == "a knight" and event.kind == "progress" and not cancel_asked.is_set():
            cancel_asked.set()
            request_cancel(ann)
            keeper_cancel = runtime.running._cancels[str(ann.pk)]
            wait_until(keeper_cancel.is_set, timeout=30, what="the lease keeper passing the cancel on")

    engine.watch = watch
    execute_job(runtime, str(ann.pk))
    ann.refresh_from_db()
    bob.refresh_from_db()
    assert ann.status == Status.CANCELLED and ann.results == []
    assert bob.status == Status.SUCCEEDED and len(bob.results) == 1
    assert "image" not in kinds(runtime, ann) and kinds(runtime, bob).count("image") == 1
    assert len(engine.batches) == 1


def test_a_job_that_fails_leaves_the_other_finished(runtime, engine, tmp_path):
    picture = tmp_path / "picture.png"
    Image.linear_gradient("L").resize((64, 64)).convert("RGB").save(picture)
    image_task = dict(task="image_to_image", strength=0.5)
    broken = submit(author("ann"), "a knight", init_image=str(tmp_path / "gone.png"), **image_task)
    fine = submit(author("bob"), "a dragon", init_image=str(picture), **image_task)
    execute_job(runtime, str(broken.pk))
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert len(engine.batches) == 1
    assert broken.status == Status.FAILED and "gone.png" in broken.error_message
    assert fine.status == Status.SUCCEEDED and len(fine.results) == 1


def test_incompatible_jobs_are_not_batched(runtime, engine):
    two_steps = submit(author("ann"), "a knight", num_inference_steps=2)
    three_steps = submit(author("bob"), "a dragon", num_inference_steps=3)
    execute_job(runtime, str(two_steps.pk))
    assert engine.batches == [] and [r.num_inference_steps for r in engine.runs] == [2]
    assert Job.objects.get(pk=three_steps.pk).status == Status.QUEUED
    execute_job(runtime, str(three_steps.pk))
    assert Job.objects.get(pk=three_steps.pk).status == Status.SUCCEEDED


def test_companions_are_taken_in_the_authors_turn_order_up_to_the_batch_size(runtime, engine):
    runtime.settings = runtime.settings.model_copy(update={"job_batch_size": 3})
    ann, bob, cy = author("ann"), author("bob"), author("cy")
    first = submit(ann, "ann 0")
    for index in range(1, 3):
        submit(ann, f"ann {index}")
    submit(bob, "bob 0")
    submit(cy, "cy 0")
    execute_job(runtime, str(first.pk))
    assert [r.prompt for r in engine.batches[0]] == ["ann 0", "bob 0", "cy 0"]
    assert Job.objects.filter(status=Status.QUEUED).count() == 2


def test_the_embedded_worker_batches_jobs_queued_together(runtime, engine, tmp_path: Path):
    jobs = [submit(author(f"author{n}"), f"panel {n}", num_images=2) for n in range(3)]
    worker = EmbeddedWorker(runtime).start()
    try:
        wait_until(lambda: not Job.objects.exclude(status=Status.SUCCEEDED).exists(), timeout=120, what="all jobs")
    finally:
        worker.stop()
    assert [len(batch) for batch in engine.batches] == [3]
    for job in jobs:
        job.refresh_from_db()
        assert [entry["candidate"] for entry in job.results] == [0, 1]
