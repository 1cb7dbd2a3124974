"""Running one job on a worker: claim it, keep the lease alive, run its kind's runner, end it once."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections, connection

from stripstudio.generation.errors import JobCancelled
from stripstudio.jobs.lifecycle import Lease, claim, finish, renew, worker_name
from stripstudio.jobs.models import Job
from stripstudio.jobs.reporting import JobReporter, publish
from stripstudio.jobs.runners import runner_for

log = logging.getLogger(__name__)
Status = Job.Status


def execute_job(runtime, job_id: str) -> None:
    """The queue task: run job ``job_id`` if it is still waiting (or its last worker died)."""
    close_old_connections()
    try:
        lease = claim(job_id, worker_name(), runtime.lease_seconds)
        if lease is None:
            log.info("job %s is taken, finished or cancelled; nothing to do", job_id)
            return
        job = Job.objects.get(pk=job_id)
        with LeaseKeeper(lease, runtime.lease_seconds) as keeper:
            _run(runtime, job, lease, keeper)
    finally:
        close_old_connections()


def _run(runtime, job: Job, lease: Lease, keeper: LeaseKeeper) -> None:
    reporter = JobReporter(runtime, job, lease)
    try:
        outcome = runner_for(job.kind)(runtime, job, job.payload(), reporter, keeper.cancel)
    except JobCancelled as error:
        if keeper.lost:
            log.warning("job %s: lease lost to another worker; this attempt's work is dropped", job.pk)
        elif finish(lease, Status.CANCELLED, message=str(error)[:500] or "cancelled"):
            publish(runtime, job, "cancelled", attempt=lease.attempt, message=str(error) or "cancelled")
        return
    except Exception as error:
        log.exception("job %s failed", job.pk)
        error_type = getattr(error, "type_name", type(error).__name__)
        if finish(lease, Status.FAILED, error_type=error_type[:100], error_message=str(error)):
            publish(runtime, job, "failed", attempt=lease.attempt, error_type=error_type, message=str(error))
        return
    if finish(lease, Status.SUCCEEDED, commit=outcome.commit, progress=1.0, message=outcome.message[:500]):
        publish(runtime, job, "succeeded", attempt=lease.attempt, message=outcome.message, data=outcome.data)
    else:
        log.warning("job %s: lease lost before the results were saved; they are dropped", job.pk)


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
