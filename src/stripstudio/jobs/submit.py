"""Creating jobs: the row first, then (once it is committed) the queue message and the "queued" event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.lifecycle import cancel_queued
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import GeneratePayload, JobPayload
from stripstudio.jobs.quotas import Submission, check_submission
from stripstudio.jobs.reporting import publish
from stripstudio.jobs.runtime import current_runtime


def submit_job(owner, payload: JobPayload, *, comic_id: int | None = None, panel_id: int | None = None) -> Job:
    """Save a queued job of the payload's kind and hand its id to the queue when the transaction commits.

    Raises JobTooLarge or QuotaExceeded (see quotas) when the job or its author is over a limit.
    """
    runtime = current_runtime()
    kind = payload.kind
    generation = payload.generation if isinstance(payload, GeneratePayload) else None
    with transaction.atomic():
        check_submission(runtime.settings, owner, Submission(generation))
        job = Job.objects.create(
            owner=owner,
            kind=kind,
            comic_id=comic_id,
            panel_id=panel_id,
            request=payload.model_dump(mode="json"),
            max_attempts=runtime.settings.job_max_attempts,
            enqueued_at=timezone.now(),
            message="waiting for a worker",
        )

    def send() -> None:
        publish(runtime, job, JobEvent(kind=EventKind.QUEUED, message="waiting for a worker"), attempt=0)
        runtime.queue.enqueue(kind, str(job.pk))

    transaction.on_commit(send)
    return job


def request_cancel(job: Job) -> Job:
    """Cancel ``job``: at once when it is still queued, else its worker stops within a step."""
    runtime = current_runtime()
    if cancel_queued(str(job.pk)):
        publish(runtime, job, JobEvent(kind=EventKind.CANCELLED, message="cancelled before it started"), job.attempts)
    elif not job.is_final:
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    return job
