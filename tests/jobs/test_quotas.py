"""Per-author limits at submission: work units, one job's size, jobs waiting at once, work a day
(summed from the job rows), and the length of the composed prompts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.jobs.models import Job
from stripstudio.jobs.quotas import JobTooLarge, QuotaExceeded, daily_work, work_units
from stripstudio.jobs.runtime import install_runtime
from tests.jobs.jobs_helpers import author, recording_runtime, small_request, submit

Status = Job.Status


def request(size: int = 1024, steps: int = 30, candidates: int = 4, **fields) -> GenerationRequest:
    return GenerationRequest(
        model=ModelRef(checkpoint="m"),
        width=size,
        height=size,
        num_inference_steps=steps,
        num_images=candidates,
        **fields,
    )


@pytest.fixture
def limits(db):
    """Install a runtime with the given limits (the others as the test settings have them)."""

    def install(**changes):
        return install_runtime(recording_runtime(settings.STRIPSTUDIO, **changes))

    return install


def test_work_units_are_megapixels_times_steps_times_candidates():
    assert work_units(request()) == 120
    assert work_units(request(size=512, steps=20, candidates=1)) == 5
    assert round(work_units(request(size=4096, steps=200, candidates=16))) == 51_200


def test_the_largest_job_the_request_allows_is_refused_naming_what_to_lower(limits):
    limits()  # the defaults: 2,000 work units a job
    with pytest.raises(JobTooLarge) as refused:
        submit(author("ann"), "huge", size=4096, steps=200, candidates=16)
    assert refused.value.field == "steps"  # even one candidate of it is too much
    assert "51,200 work units" in refused.value.message and "at most 2,000 (max_job_work)" in refused.value.message
    assert "steps may be at most 7" in refused.value.message
    assert not Job.objects.exists()


def test_too_many_candidates_names_candidates(limits):
    limits(max_job_work=100)
    with pytest.raises(JobTooLarge) as refused:
        submit(author("ann"), "four", size=1024, steps=30, candidates=4)
    assert refused.value.field == "candidates" and "candidates may be at most 3" in refused.value.message


def test_a_job_of_exactly_the_limit_is_accepted(limits):
    limits(max_job_work=120)
    assert submit(author("ann"), "fits", size=1024, steps=30, candidates=4).status == Status.QUEUED


def test_queued_and_running_jobs_per_author_are_limited_and_free_up_when_one_ends(limits):
    limits(max_active_jobs_per_author=2)
    ann, bob = author("ann"), author("bob")
    first = submit(ann, "one")
    submit(ann, "two")
    Job.objects.filter(pk=first.pk).update(status=Status.RUNNING)
    with pytest.raises(QuotaExceeded) as refused:
        submit(ann, "three")
    assert refused.value.limit == "max_active_jobs_per_author"
    assert "you have 2 jobs queued or running" in refused.value.message and "at most 2" in refused.value.message
    assert "as soon as one of them finishes or is cancelled" in refused.value.message
    assert submit(bob, "another author is not held up").status == Status.QUEUED
    Job.objects.filter(pk=first.pk).update(status=Status.SUCCEEDED)
    assert submit(ann, "three").status == Status.QUEUED
    assert Job.objects.filter(owner=ann).count() == 3


def _row(owner, hours_ago: float, status=Status.SUCCEEDED, started=True, **sizes) -> Job:
    at = timezone.now() - timedelta(hours=hours_ago)
    job = Job.objects.create(
        owner=owner,
        kind=Job.Kind.GENERATE,
        request=small_request("x", **sizes),
        status=status,
        started_at=at if started else None,
    )
    Job.objects.filter(pk=job.pk).update(created_at=at)
    return job


def test_daily_work_is_summed_from_the_last_24_hours_of_job_rows(limits):
    ann, bob = author("ann"), author("bob")
    _row(ann, 23, size=1024, steps=30, candidates=1)  # 30 units
    _row(ann, 2, status=Status.FAILED, size=1024, steps=10, candidates=2)  # 20: it ran, it counts
    _row(ann, 25, size=1024, steps=50, candidates=1)  # older than a day
    _row(ann, 1, status=Status.CANCELLED, started=False, size=1024, steps=50, candidates=1)  # never ran
    _row(bob, 1, size=1024, steps=50, candidates=1)  # someone else's
    Job.objects.create(owner=ann, kind=Job.Kind.EXPORT, request={"formats": []})  # draws nothing
    assert daily_work(ann) == pytest.approx(50)
    assert daily_work(bob) == pytest.approx(50)


def test_over_the_daily_work_says_when_enough_frees_up(limits):
    limits(max_daily_work_per_author=60)
    ann = author("ann")
    _row(ann, 23, size=1024, steps=30, candidates=1)  # 30 units, leave the window in an hour
    _row(ann, 2, size=1024, steps=20, candidates=1)  # 20 units, in 22 hours
    submit(ann, "fits", size=1024, steps=10, candidates=1)  # 10 more: 60 of 60
    with pytest.raises(QuotaExceeded) as refused:
        submit(ann, "one more", size=1024, steps=25, candidates=1)
    error = refused.value
    assert error.limit == "max_daily_work_per_author"
    assert "submitted 60 work units in the last 24 hours and this job needs 25" in error.message
    assert "at most 60 a day" in error.message and "enough frees up at" in error.message
    assert 3500 < error.retry_after <= 3600 and "(in 1 h 0 min)" in error.message
    with pytest.raises(QuotaExceeded) as later:
        submit(ann, "needs the second to leave too", size=1024, steps=35, candidates=1)
    assert 22 * 3600 - 100 < later.value.retry_after <= 22 * 3600


def test_a_job_larger_than_a_whole_day_is_refused_without_a_time(limits):
    limits(max_daily_work_per_author=50, max_job_work=0)
    with pytest.raises(QuotaExceeded) as refused:
        submit(author("ann"), "too big for any day", size=1024, steps=60, candidates=1)
    assert refused.value.retry_after is None and "make the job smaller" in refused.value.message


def test_limits_of_zero_are_off(limits):
    limits(max_active_jobs_per_author=0, max_job_work=0, max_daily_work_per_author=0)
    ann = author("ann")
    for index in range(3):
        submit(ann, f"big {index}", size=4096, steps=200, candidates=16)
    assert Job.objects.filter(owner=ann).count() == 3


def test_composed_prompts_longer_than_the_server_takes_are_refused_naming_the_field(limits):
    limits(max_prompt_chars=100)
    ann = author("ann")
    with pytest.raises(JobTooLarge) as refused:
        submit(ann, "p" * 101)
    assert refused.value.field == "prompt"
    assert "101 characters long; this server takes at most 100 (max_prompt_chars)" in refused.value.message
    assert submit(ann, "p" * 100).status == Status.QUEUED
