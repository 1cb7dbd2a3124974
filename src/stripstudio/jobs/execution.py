"""Running one job on a worker: claim it, keep the lease alive, run its kind's runner, end it once."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.fairness import claim_turn
from stripstudio.jobs.lifecycle import Lease, finish, hand_back, renew, worker_name
from stripstudio.jobs.messages import JobMessage
from stripstudio.jobs.models import Job
from stripstudio.jobs.reporting import JobReporter, send
from stripstudio.jobs.runners import Outcome, runner_for

log = logging.getLogger(__name__)
Status = Job.Status


def execute_job(runtime, job_id: str) -> None:
    """The queue task: a turn at ``job_id``'s kind, taken by the fairest waiting job of that kind (see fairness)."""
    close_old_connections()
    try:
        lease = claim_turn(job_id, worker_name(), runtime.lease_seconds)
        if lease is None:
            log.info("turn of job %s: no job of its kind is waiting; nothing to do", job_id)
            return
        job = Job.objects.get(pk=lease.job_id)
        with LeaseKeeper(lease, runtime.lease_seconds) as keeper:
            # The turn may have gone to another job than the message's: register the one that runs.
            runtime.running.add(str(job.pk), keeper.cancel)
            try:
                _run(runtime, job, lease, keeper)
            finally:
                runtime.running.discard(str(job.pk))
    finally:
        close_old_connections()


def _run(runtime, job: Job, lease: Lease, keeper: LeaseKeeper) -> None:
    reporter = JobReporter(runtime, job, lease)
    outcome: Outcome | None = None
    try:
        outcome = runner_for(job.kind)(runtime, job, job.payload(), reporter, keeper.cancel)
        ending = JobEvent(kind=EventKind.SUCCEEDED, message=outcome.message, data=outcome.data)
    except JobCancelled as error:
        if keeper.lost:
            log.warning("job %s: lease lost to another worker; this attempt's work is dropped", job.pk)
            return
        if runtime.running.stopping.is_set():
            log.info("job %s: stopped with its worker; handed back to the queue", job.pk)
            hand_back(lease)
            return
        ending = JobEvent(kind=EventKind.CANCELLED, message=str(error) or "cancelled")
    except Exception as error:
        log.exception("job %s failed", job.pk)
        ending = JobEvent.failed(error)
    message = JobMessage.of(job, ending, lease.attempt)
    commit = outcome.commit if outcome is not None else None
    if finish(lease, message.type.value, commit=commit, **message.row_fields()):
        send(runtime, message)
    else:
        log.warning("job %s: lease lost before its end (%s) was saved; this attempt is dropped", job.pk, message.type)


class LeaseKeeper:
    """A thread that renews the lease while the job runs and raises the cancel flag when the author
    cancels or the lease is lost (then another worker owns the job and this one must stop)."""

    def __init__(self, lease: Lease, lease_seconds: float) -> None:
        self.lease, self.lease_seconds = lease, lease_seconds
        self.cancel = threading.Event()
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._keep, name=f"lease-{lease.job_id[:8]}", daemon=True)

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _keep(self) -> None:
        interval = max(0.2, min(1.0, self.lease_seconds / 4))
        try:
            while not self._stop.wait(interval):
                if self._renew_once():
                    self.cancel.set()
                    return
        finally:
            connection.close()  # this thread's own database connection

    def _renew_once(self) -> bool:
        """Renew the lease; True when the job must stop (cancelled, or the lease is lost)."""
        try:
            still_held, cancel_requested = renew(self.lease, self.lease_seconds)
        except Exception:  # a database hiccup: try again next round; the lease outlives a few misses
            log.warning("could not renew the lease of job %s", self.lease.job_id, exc_info=True)
            close_old_connections()  # a broken connection is replaced on the next try
            return False
        self.lost = not still_held
        return self.lost or cancel_requested
