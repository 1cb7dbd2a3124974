"""The job life cycle in the database: one claim wins, a lost lease writes nothing, dead workers'
jobs are retried while attempts remain and then failed with the reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from stripstudio.jobs.lifecycle import claim, finish, renew
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.jobs.supervision import recover_stale_jobs
from tests.jobs.jobs_helpers import RecordingQueue

Status = Job.Status


@pytest.fixture
def job(db) -> Job:
    owner = get_user_model().objects.create_user("lifecycle")
    return Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, request={}, max_attempts=2)


@pytest.fixture
def runtime_with_recording_queue(db):
    runtime = JobRuntime(settings.STRIPSTUDIO)
    runtime.queue = RecordingQueue()
    return runtime


def expire(job: Job) -> None:
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_only_one_claim_wins_and_a_finished_job_is_not_claimed(job):
    lease = claim(job.pk, "w1", 30)
    assert lease is not None and lease.attempt == 1
    assert claim(job.pk, "w2", 30) is None
    assert finish(lease, Status.SUCCEEDED)
    assert claim(job.pk, "w2", 30) is None
    assert Job.objects.get(pk=job.pk).status == Status.SUCCEEDED


def test_a_worker_whose_lease_was_taken_over_writes_nothing(job):
    first = claim(job.pk, "w1", 30)
    expire(job)
    second = claim(job.pk, "w2", 30)
    assert second is not None and second.attempt == 2
    committed = []
    assert renew(first, 30) == (False, False)
    assert not finish(first, Status.SUCCEEDED, commit=lambda: committed.append("first"))
    assert finish(second, Status.SUCCEEDED, commit=lambda: committed.append("second"))
    assert committed == ["second"]
    assert Job.objects.get(pk=job.pk).worker == "w2"


def test_cancel_request_reaches_the_lease_holder(job):
    lease = claim(job.pk, "w1", 30)
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    assert renew(lease, 30) == (True, True)


def test_dead_worker_job_is_requeued_then_failed_after_the_last_attempt(job, runtime_with_recording_queue):
    runtime = runtime_with_recording_queue
    claim(job.pk, "host:1:t", 30)
    expire(job)
    assert recover_stale_jobs(runtime) == 1
    requeued = Job.objects.get(pk=job.pk)
    assert requeued.status == Status.QUEUED and requeued.attempts == 1 and "stopped answering" in requeued.message
    assert runtime.queue.sent == [("export", str(job.pk))]

    claim(job.pk, "host:2:t", 30)
    expire(job)
    recover_stale_jobs(runtime)
    failed = Job.objects.get(pk=job.pk)
    assert failed.status == Status.FAILED and failed.error_type == "WorkerLost" and failed.attempts == 2
    assert "host:2:t" in failed.error_message
    assert claim(job.pk, "host:3:t", 30) is None
    assert recover_stale_jobs(runtime) == 0


def test_a_queued_job_whose_message_was_lost_is_sent_again(job, runtime_with_recording_queue):
    runtime = runtime_with_recording_queue
    Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
    recover_stale_jobs(runtime)
    assert runtime.queue.sent == [("export", str(job.pk))]
    recover_stale_jobs(runtime)
    assert len(runtime.queue.sent) == 1  # not again until it has waited long once more
