"""Running one job on a worker: claim it, keep the lease alive, run its kind's runner, end it once."""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid

from django.db import close_old_connections, connection

from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.fairness import claim_companions, claim_turn
from stripstudio.jobs.lifecycle import Lease, finish, hand_back, renew, worker_name
from stripstudio.jobs.messages import JobMessage
from stripstudio.jobs.models import Job
from stripstudio.jobs.reporting import JobReporter, send
from stripstudio.jobs.runners import Batching, Outcome, RunningJob, batching_for, runner_for

log = logging.getLogger(__name__)
Status = Job.Status


def execute_job(runtime, job_id: str) -> None:
    """The queue task: a turn at ``job_id``'s kind, taken by the fairest waiting job of that kind (see fairness).

    For kinds that run jobs together, the turn's job takes compatible queued jobs with it (up to
    ``job_batch_size``, waiting at most ``job_batch_wait_seconds`` for them): one run, each job with
    its own lease, events, results and end.
    """
    close_old_connections()
    try:
        lease = claim_turn(job_id, worker_name(), runtime.lease_seconds)
        if lease is None:
            log.info("turn of job %s: no job of its kind is waiting; nothing to do", job_id)
            return
        job = Job.objects.get(pk=lease.job_id)
        batching = batching_for(job.kind)
        companions = _companions(runtime, lease, batching) if batching is not None else []
        if companions and batching is not None:
            _run_together(runtime, [lease, *companions], batching)
            return
        with LeaseKeeper(lease, runtime.lease_seconds) as keeper:
            # The turn may have gone to another job than the message's: register the one that runs.
            runtime.running.add(str(job.pk), keeper.cancel)
            try:
                _run(runtime, job, lease, keeper)
            finally:
                runtime.running.discard(str(job.pk))
    finally:
        close_old_connections()


def _companions(runtime, lease: Lease, batching: Batching) -> list[Lease]:
    """Queued jobs that run together with ``lease``'s job; none when looking for them fails (it then runs alone)."""
    settings = runtime.settings
    try:
        return claim_companions(
            lease, batching.key, settings.job_batch_size, settings.job_batch_wait_seconds, runtime.lease_seconds
        )
    except Exception:  # a database hiccup: the jobs claimed so far are taken back when their leases run out
        log.warning("could not look for jobs to run with job %s; it runs alone", lease.job_id, exc_info=True)
        return []


def _run(runtime, job: Job, lease: Lease, keeper: LeaseKeeper) -> None:
    reporter = JobReporter(runtime, job, lease)
    result: Outcome | BaseException
    try:
        result = runner_for(job.kind)(runtime, job, job.payload(), reporter, keeper.cancel)
    except Exception as error:
        result = error
    _conclude(runtime, job, lease, keeper, result)


def _run_together(runtime, leases: list[Lease], batching: Batching) -> None:
    """Run the leased jobs in one batch; each is ended on its own, whatever the others came to."""
    rows = Job.objects.in_bulk([lease.job_id for lease in leases])
    leases = [lease for lease in leases if uuid.UUID(lease.job_id) in rows]  # a job deleted meanwhile is gone
    jobs = [rows[uuid.UUID(lease.job_id)] for lease in leases]
    with contextlib.ExitStack() as stack:
        keepers = [stack.enter_context(LeaseKeeper(lease, runtime.lease_seconds)) for lease in leases]
        for job, keeper in zip(jobs, keepers, strict=True):
            runtime.running.add(str(job.pk), keeper.cancel)
            stack.callback(runtime.running.discard, str(job.pk))
        log.info("running %d %s jobs together: %s", len(jobs), jobs[0].kind, ", ".join(str(job.pk) for job in jobs))
        results: dict[int, Outcome | BaseException] = {}
        members: list[tuple[int, RunningJob]] = []
        for index, (job, lease, keeper) in enumerate(zip(jobs, leases, keepers, strict=True)):
            try:
                members.append((index, RunningJob(job, job.payload(), JobReporter(runtime, job, lease), keeper.cancel)))
            except Exception as error:  # a payload that no longer validates fails its own job only
                results[index] = error
        if members:
            try:
                outcomes = batching.run(runtime, [member for _, member in members])
            except Exception as error:
                outcomes = [error] * len(members)
            results.update((index, outcome) for (index, _), outcome in zip(members, outcomes, strict=True))
        for index, (job, lease, keeper) in enumerate(zip(jobs, leases, keepers, strict=True)):
            _conclude(runtime, job, lease, keeper, results[index])


def _conclude(runtime, job: Job, lease: Lease, keeper: LeaseKeeper, result: Outcome | BaseException) -> None:
    """End the attempt with the runner's outcome or error, once, while the lease holds."""
    if isinstance(result, JobCancelled):
        if keeper.lost:
            log.warning("job %s: lease lost to another worker; this attempt's work is dropped", job.pk)
            return
        if runtime.running.stopping.is_set():
            log.info("job %s: stopped with its worker; handed back to the queue", job.pk)
            hand_back(lease)
            return
        ending = JobEvent(kind=EventKind.CANCELLED, message=str(result) or "cancelled")
    elif isinstance(result, BaseException):
        log.error("job %s failed", job.pk, exc_info=result)
        ending = JobEvent.failed(result)
    else:
        ending = JobEvent(kind=EventKind.SUCCEEDED, message=result.message, data=result.data)
    message = JobMessage.of(job, ending, lease.attempt)
    commit = result.commit if isinstance(result, Outcome) else None
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
