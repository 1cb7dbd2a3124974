"""Taking back jobs whose worker died: retried while attempts remain, else failed with the reason.

Every worker process (and the embedded server) runs a supervisor; their updates are conditional,
so two supervisors looking at the same dead job act on it once.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.messages import JobMessage
from stripstudio.jobs.models import Job
from stripstudio.jobs.reporting import send

log = logging.getLogger(__name__)
Status = Job.Status
LOST_MESSAGE_FACTOR = 4  # a job queued this many lease periods ago without starting is sent again


def recover_stale_jobs(runtime) -> int:
    """Requeue or fail running jobs whose lease ran out, and resend long-waiting queued jobs; returns how many."""
    now = timezone.now()
    handled = 0
    for job in Job.objects.filter(status=Status.RUNNING, lease_expires_at__lt=now):
        handled += _take_back(runtime, job, now)
    waited_since = now - timedelta(seconds=runtime.lease_seconds * LOST_MESSAGE_FACTOR)
    long_waiting = Job.objects.filter(status=Status.QUEUED, enqueued_at__lt=waited_since).order_by("enqueued_at")
    for job in long_waiting[: _lost_messages(runtime)]:
        if Job.objects.filter(pk=job.pk, status=Status.QUEUED, enqueued_at=job.enqueued_at).update(enqueued_at=now):
            runtime.queue.enqueue(job.kind, job.pk)  # claiming is idempotent: a duplicate message is harmless
    return handled


def _lost_messages(runtime) -> int | None:
    """At most how many queued jobs have lost their queue message; None when the queue cannot say.

    A job waits long whenever the workers are busy, not only when its message was lost: while the
    queue holds a message for every queued job, sending the long-waiting ones again would only pile
    up duplicates (one more per waiting job every few lease periods, for as long as the backlog lasts).
    """
    huey = getattr(runtime.queue, "huey", None)
    if huey is None:
        return None
    return max(0, Job.objects.filter(status=Status.QUEUED).count() - huey.pending_count())


def _take_back(runtime, job: Job, now) -> int:
    stale = Job.objects.filter(pk=job.pk, status=Status.RUNNING, attempts=job.attempts, lease_expires_at__lt=now)
    if job.cancel_requested:
        ending = JobMessage.of(job, JobEvent(kind=EventKind.CANCELLED, message="cancelled"), job.attempts)
    elif job.attempts >= job.max_attempts:
        reason = f"the worker running it stopped answering ({job.worker}); gave up after {job.attempts} attempt(s)"
        ending = JobMessage.of(
            job, JobEvent(kind=EventKind.FAILED, error_type="WorkerLost", message=reason), job.attempts
        )
    else:
        reason = f"retrying: the worker running attempt {job.attempts} ({job.worker}) stopped answering"
        retry = JobMessage.of(job, JobEvent(kind=EventKind.QUEUED, message=reason), job.attempts)
        if stale.update(status=Status.QUEUED, worker="", lease_expires_at=None, enqueued_at=now, **retry.row_fields()):
            log.warning("job %s: %s", job.pk, reason)
            send(runtime, retry)
            runtime.queue.enqueue(job.kind, job.pk)
        return 1
    if stale.update(status=ending.type.value, finished_at=now, lease_expires_at=None, **ending.row_fields()):
        send(runtime, ending)
    return 1


class Supervisor:
    """A background thread running :func:`recover_stale_jobs` a few times per lease period."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="job-supervisor", daemon=True)

    def start(self) -> Supervisor:
        """Start watching."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop watching and wait for the thread."""
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        interval = max(0.5, min(10.0, self.runtime.lease_seconds / 3))
        try:
            while not self._stop.wait(interval):
                try:
                    recover_stale_jobs(self.runtime)
                except Exception:
                    log.exception("could not check for stale jobs")
                finally:
                    close_old_connections()
        finally:
            connection.close()
