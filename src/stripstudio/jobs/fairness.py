"""Fair turns between authors: a queue message is a turn at a kind of job, not a particular job.

Every queued job has sent one message (of its kind's priority). A worker that takes a message claims
the *fairest* queued job of that kind: the one of the author whose last job of that kind started
longest ago (authors who never started one first), and of that author's jobs the oldest. So when one
author queues 150 jobs and another author one more, the second author's job runs second, not 151st:
authors take turns within a priority.

No job is lost or run twice: a claim is the same conditional update as before (only one worker can
move a job from queued to running), a message claims at most one job (or, for kinds that run jobs
together, one batch: see :func:`claim_companions`), and there are never fewer messages of a kind
than queued jobs of it. A message whose own job was cancelled or deleted meanwhile
claims another queued job (whose own message will find nothing left later) or none.

The conditional update does what ``SELECT ... FOR UPDATE SKIP LOCKED`` would on PostgreSQL without
holding a transaction open; a worker that loses a race for a job simply looks again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db.models import F, Max, Min, QuerySet

from stripstudio.jobs.lifecycle import Lease, claim
from stripstudio.jobs.models import Job

Status = Job.Status
COMPANION_AUTHORS = 16  # authors looked at for each companion of a batch
COMPANION_JOBS = 8  # of each author's oldest waiting jobs
WAIT_POLL_SECONDS = 0.01


def claimable(kind: str) -> QuerySet[Job]:
    """Queued jobs of ``kind`` a worker may start (the same conditions as :func:`claim`)."""
    return Job.objects.filter(kind=kind, status=Status.QUEUED, cancel_requested=False, attempts__lt=F("max_attempts"))


def next_author(waiting: QuerySet[Job], kind: str):
    """The owner whose turn it is among the ``waiting`` jobs of ``kind``; None when none waits."""
    first_waiting = dict(waiting.values_list("owner").annotate(first=Min("created_at")).order_by())
    if not first_waiting:
        return None
    started = Job.objects.filter(kind=kind, owner__in=first_waiting, started_at__isnull=False)
    last_started = dict(started.values_list("owner").annotate(last=Max("started_at")).order_by())

    def turn(owner) -> tuple:
        last = last_started.get(owner)
        return (last is not None, last or first_waiting[owner], first_waiting[owner], owner)

    return min(first_waiting, key=turn)


def next_job_id(kind: str, skip: set[str]) -> str | None:
    """The fairest claimable job of ``kind`` not in ``skip``; None when there is none."""
    waiting = claimable(kind).exclude(pk__in=skip)
    while (owner := next_author(waiting, kind)) is not None:
        job_id = waiting.filter(owner=owner).order_by("created_at", "pk").values_list("pk", flat=True).first()
        if job_id is not None:
            return str(job_id)
        # Other workers took that author's last waiting jobs in between: look again.
    return None


def claim_turn(message_job_id: str, worker: str, lease_seconds: float) -> Lease | None:
    """Use the turn a queue message gives: claim the fairest queued job of the message's kind.

    Falls back to the message's own job when none is queued, so that a message sent again for a job
    whose worker died still takes it over; None when there is nothing to do.
    """
    kind = Job.objects.filter(pk=message_job_id).values_list("kind", flat=True).first()
    if kind is None:  # its job was deleted: every other queued job has a message of its own
        return None
    lost: set[str] = set()
    while (job_id := next_job_id(kind, lost)) is not None:
        lease = claim(job_id, worker, lease_seconds)
        if lease is not None:
            return lease
        lost.add(job_id)  # another worker took it (or it was cancelled) just now
    return claim(message_job_id, worker, lease_seconds)


def next_companion(kind: str, skip: set[str], accepts: Callable[[Job], bool]) -> str | None:
    """The fairest claimable job of ``kind`` not in ``skip`` that ``accepts`` takes: authors in turn order,
    each author's oldest fitting job; None when there is none (a bounded number of jobs is looked at)."""
    waiting = claimable(kind).exclude(pk__in=skip)
    passed: set = set()
    while len(passed) < COMPANION_AUTHORS and (owner := next_author(waiting.exclude(owner__in=passed), kind)):
        for job in waiting.filter(owner=owner).order_by("created_at", "pk")[:COMPANION_JOBS]:
            if accepts(job):
                return str(job.pk)
        passed.add(owner)
    return None


def claim_companions(
    lease: Lease, key_of: Callable[[Job], str | None], limit: int, wait: float, lease_seconds: float
) -> list[Lease]:
    """Claim up to ``limit - 1`` more queued jobs that may run together with ``lease``'s job (equal keys),
    in the authors' turn order, waiting at most ``wait`` seconds for them to arrive.

    Each companion is claimed exactly as a turn's job is; its own queue message later finds it taken.
    """
    job = Job.objects.get(pk=lease.job_id)
    key = key_of(job) if limit > 1 else None
    if key is None:
        return []
    keys: dict = {}

    def accepts(other: Job) -> bool:
        if other.pk not in keys:
            keys[other.pk] = key_of(other)
        return keys[other.pk] == key

    deadline = time.monotonic() + wait
    taken: list[Lease] = []
    skip = {lease.job_id}
    while len(taken) < limit - 1:
        job_id = next_companion(job.kind, skip, accepts)
        if job_id is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            _pause(min(WAIT_POLL_SECONDS, left))  # a bounded wait for jobs submitted just after
            continue
        skip.add(job_id)
        companion = claim(job_id, lease.worker, lease_seconds)
        if companion is not None:
            taken.append(companion)
    return taken


def _pause(seconds: float) -> None:
    time.sleep(seconds)
