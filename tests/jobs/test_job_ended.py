"""``job_ended`` is sent once when a job ends for good, and never for an attempt that will run again."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from stripstudio.jobs.lifecycle import claim
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.jobs.signals import job_ended
from stripstudio.jobs.supervision import recover_stale_jobs
from tests.jobs.jobs_helpers import RecordingQueue


@pytest.fixture
def runtime(db) -> JobRuntime:
    runtime = JobRuntime(settings.STRIPSTUDIO)
    runtime.queue = RecordingQueue()  # type: ignore[assignment]
    return runtime


@pytest.fixture
def ended(runtime) -> list[dict]:
    heard: list[dict] = []

    def receiver(sender, **kwargs):
        heard.append(kwargs)

    job_ended.connect(receiver, weak=False, dispatch_uid="test-job-ended")
    yield heard
    job_ended.disconnect(dispatch_uid="test-job-ended")


def dead_worker(job: Job) -> None:
    """Claim ``job`` and let its lease run out, as when its worker died."""
    assert claim(str(job.pk), "gone", 30) is not None
    Job.objects.filter(pk=job.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def test_a_retried_attempt_is_no_end_and_the_last_one_is_announced_once(runtime, ended):
    owner = get_user_model().objects.create_user("ending")
    job = Job.objects.create(owner=owner, kind=Job.Kind.TRAIN, request={}, max_attempts=2)
    dead_worker(job)
    assert recover_stale_jobs(runtime) == 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.QUEUED and ended == []  # a retry resumes it

    dead_worker(job)
    assert recover_stale_jobs(runtime) == 1
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    assert ended == [{"signal": job_ended, "job_id": str(job.pk), "kind": "train", "status": "failed"}]
    assert recover_stale_jobs(runtime) == 0 and len(ended) == 1


def test_a_failing_receiver_is_logged_and_the_job_still_ends(runtime, caplog):
    def broken(sender, **kwargs):
        raise RuntimeError("the disk is read-only")

    job_ended.connect(broken, weak=False, dispatch_uid="test-broken")
    try:
        owner = get_user_model().objects.create_user("broken")
        job = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, request={}, cancel_requested=True)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.RUNNING, attempts=1, lease_expires_at=timezone.now() - timedelta(seconds=1)
        )
        with caplog.at_level(logging.ERROR):
            assert recover_stale_jobs(runtime) == 1
    finally:
        job_ended.disconnect(dispatch_uid="test-broken")
    assert Job.objects.get(pk=job.pk).status == Job.Status.CANCELLED
    assert any("failed on its end" in record.getMessage() for record in caplog.records)
