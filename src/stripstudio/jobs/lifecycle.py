"""A job's life in the database: claimed under a lease, kept alive, finished once.

Every change a worker makes is conditional on still holding the lease (same worker, same attempt,
still running), so a worker that was presumed dead and comes back cannot overwrite or duplicate the
work of the worker that took the job over.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from stripstudio.jobs.models import Job

Status = Job.Status


@dataclass(frozen=True)
class Lease:
    """The right of one worker to run one attempt of a job."""

    job_id: str
    worker: str
    attempt: int


def worker_name(thread: bool = True) -> str:
    """host:pid (and thread) of the calling worker, as shown on the job."""
    name = f"{socket.gethostname()}:{os.getpid()}"
    return f"{name}:{threading.current_thread().name}" if thread else name


def claim(job_id: str, worker: str, lease_seconds: float) -> Lease | None:
    """Take a queued job (or a running one whose lease ran out); None when another worker has it or it ended."""
    now = timezone.now()
    taken = (
        Job.objects.filter(pk=job_id)
        .filter(Q(status=Status.QUEUED) | Q(status=Status.RUNNING, lease_expires_at__lt=now))
        .filter(cancel_requested=False, attempts__lt=F("max_attempts"))
        .update(
            status=Status.RUNNING,
            worker=worker,
            attempts=F("attempts") + 1,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            started_at=now,
            message="",
            # A retry starts afresh: no progress or files of the attempt whose worker died.
            progress=0.0,
            step=None,
            total=None,
            results=[],
        )
    )
    if not taken:
        return None
    attempt = Job.objects.values_list("attempts", flat=True).get(pk=job_id)
    return Lease(str(job_id), worker, attempt)


def held(lease: Lease) -> QuerySet[Job]:
    """The job row, only while ``lease`` still holds it."""
    return Job.objects.filter(pk=lease.job_id, status=Status.RUNNING, worker=lease.worker, attempts=lease.attempt)


def renew(lease: Lease, lease_seconds: float) -> tuple[bool, bool]:
    """Extend the lease; returns (still held, cancel requested)."""
    renewed = held(lease).update(lease_expires_at=timezone.now() + timedelta(seconds=lease_seconds))
    if not renewed:
        return False, False
    return True, Job.objects.filter(pk=lease.job_id, cancel_requested=True).exists()


def record_progress(lease: Lease, **fields) -> bool:
    """Write progress fields (progress, step, total, message, results) while the lease holds."""
    return bool(held(lease).update(**fields))


def finish(lease: Lease, status: str, commit=None, **fields) -> bool:
    """End the attempt with ``status``; ``commit()`` (writing results) runs in the same transaction.

    Returns False, writing nothing, when the lease was lost (another worker owns the job now).
    """
    with transaction.atomic():
        ended = held(lease).update(status=status, finished_at=timezone.now(), lease_expires_at=None, **fields)
        if ended and commit is not None:
            commit()
    return bool(ended)


def hand_back(lease: Lease) -> bool:
    """Give the job up because its worker is stopping: the lease ends now, and the supervisor
    retries or fails the job exactly as for a worker that died (see ``supervision``)."""
    return bool(held(lease).update(lease_expires_at=timezone.now()))


def cancel_queued(job_id: str) -> bool:
    """Cancel a job no worker has taken yet; True when it was still queued."""
    now = timezone.now()
    return bool(
        Job.objects.filter(pk=job_id, status=Status.QUEUED).update(
            status=Status.CANCELLED, cancel_requested=True, finished_at=now, message="cancelled before it started"
        )
    )
