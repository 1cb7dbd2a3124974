"""Shared pieces of the job tests: a queue that records what was sent, authors and small generate jobs."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import GeneratePayload
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.jobs.submit import submit_job


class RecordingQueue:
    """Stands in for Huey: remembers what was sent."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    def enqueue(self, kind: str, job_id) -> None:
        self.sent.append((kind, str(job_id)))


def recording_runtime(settings, **changes) -> JobRuntime:
    """A runtime on ``settings`` (with ``changes``) whose queue only records the messages."""
    runtime = JobRuntime(settings.model_copy(update=changes))
    runtime.queue = RecordingQueue()  # type: ignore[assignment]
    return runtime


def author(name: str):
    """A new author."""
    return get_user_model().objects.create_user(name)


def small_request(prompt: str, *, size: int = 64, steps: int = 2, candidates: int = 1) -> dict:
    """The stored request of a generate job on the fake engine."""
    generation = GenerationRequest(
        model=ModelRef(checkpoint="fake"),
        prompt=prompt,
        width=size,
        height=size,
        num_inference_steps=steps,
        num_images=candidates,
    )
    return {"engine": "fake", "generation": generation.model_dump(mode="json")}


def submit(owner, prompt: str, **sizes) -> Job:
    """Submit a small generate job of ``owner`` through the installed runtime."""
    return submit_job(owner, GeneratePayload.model_validate(small_request(prompt, **sizes)))
