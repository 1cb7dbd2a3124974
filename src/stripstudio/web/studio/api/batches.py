"""Generating the whole comic: one job per panel, queued together and followed and cancelled as one batch."""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from ninja import Router, Status

from stripstudio.jobs.models import Job
from stripstudio.jobs.submit import request_cancel, submit_job
from stripstudio.web.studio import models
from stripstudio.web.studio.api import schemas
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.generation_requests import generation_request
from stripstudio.web.studio.quota import check_storage

router = Router(tags=["batches"])
BATCHES_LISTED = 20


@router.post("/comics/{comic_id}/generate-all", response={202: schemas.BatchOut, 429: schemas.ErrorOut})
def generate_all(request, comic_id: int, payload: schemas.GenerateAllIn):
    """Queue one generation job per panel without a picked picture (or per panel, with ``panels: all``).

    Every panel's request is checked before any job is queued: one refused panel refuses the batch,
    naming the panel, and queues nothing.
    """
    row = owned(request, models.Comic, comic_id)
    check_storage(request.user.pk, what="new candidates")
    comic = checked_comic(row)
    panels = list(row.panels.all())
    if payload.panels == "missing":
        picked = set(
            models.GeneratedImage.objects.filter(panel__comic=row, picked=True).values_list("panel_id", flat=True)
        )
        panels = [panel for panel in panels if panel.pk not in picked]
    if not panels:
        raise invalid("panels", "every panel has a picked picture already: choose “all panels” to draw them again")
    mode = schemas.GenerateIn(
        candidates=payload.candidates,
        steps=payload.steps,
        width=payload.width,
        height=payload.height,
        fast=payload.fast,
        skip_missing_loras=payload.skip_missing_loras,
    )
    requests = [(panel, generation_request(request, comic, panel, mode)) for panel in panels]
    with transaction.atomic():
        batch = models.Batch.objects.create(owner=request.user, comic=row)
        jobs = [submit_job(request.user, job, comic_id=row.pk, panel_id=panel.pk) for panel, job in requests]
        batch.jobs.set(jobs)
    return Status(202, batch_out(batch))


@router.get("/comics/{comic_id}/batches", response=list[schemas.BatchOut])
def list_batches(request, comic_id: int):
    """The comic's newest batches, newest first."""
    row = owned(request, models.Comic, comic_id)
    numbers = panel_numbers(row.pk)
    return [batch_out(batch, numbers) for batch in row.batches.prefetch_related("jobs")[:BATCHES_LISTED]]


@router.get("/batches/{batch_id}", response=schemas.BatchOut)
def get_batch(request, batch_id: int):
    """How many of the batch's jobs are queued, running, done, failed and cancelled."""
    return batch_out(owned(request, models.Batch, batch_id))


@router.post("/batches/{batch_id}/cancel", response=schemas.BatchOut)
def cancel_batch(request, batch_id: int):
    """Cancel every job of the batch that has not finished (running ones stop within a step)."""
    batch = owned(request, models.Batch, batch_id)
    for job in batch.jobs.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]):
        request_cancel(job)
    return batch_out(batch)


def panel_numbers(comic_id: int) -> dict[int, int]:
    """Each panel's number in the comic (from 1, in reading order)."""
    ordered = models.Panel.objects.filter(comic_id=comic_id).values_list("pk", flat=True)  # by position, then id
    return {pk: number for number, pk in enumerate(ordered, 1)}


def batch_out(batch: models.Batch, numbers: dict[int, int] | None = None) -> schemas.BatchOut:
    """A batch with its jobs in panel order and the count of each state (``numbers``: the comic's
    :func:`panel_numbers`, when the caller has them already)."""
    numbers = panel_numbers(batch.comic_id) if numbers is None else numbers
    jobs = sorted(batch.jobs.all(), key=lambda job: numbers.get(job.panel_id or 0, 0))
    counts = Counter(job.status for job in jobs)
    return schemas.BatchOut(
        id=batch.pk,
        comic_id=batch.comic_id,
        total=len(jobs),
        queued=counts[Job.Status.QUEUED],
        running=counts[Job.Status.RUNNING],
        succeeded=counts[Job.Status.SUCCEEDED],
        failed=counts[Job.Status.FAILED],
        cancelled=counts[Job.Status.CANCELLED],
        finished=all(job.is_final for job in jobs),
        jobs=[
            schemas.BatchJobOut(
                job_id=job.pk,
                panel_id=job.panel_id,
                panel_number=numbers.get(job.panel_id or 0),
                status=job.status,
                error_message=job.error_message,
            )
            for job in jobs
        ],
        created_at=batch.created_at,
    )
