"""Authors take turns: a queue message runs the fairest waiting job of its kind, and every job still
runs exactly once — whether messages are taken one by one, by racing workers, or by the real
embedded worker through its queue."""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection

from stripstudio.jobs.fairness import claim_turn
from stripstudio.jobs.lifecycle import claim, finish
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.jobs.submit import request_cancel
from tests.fakes import FakeEngine
from tests.jobs.jobs_helpers import author, recording_runtime, submit
from tests.jobs.test_lifecycle import expire

Status = Job.Status


@pytest.fixture
def runtime(transactional_db):
    """An installed runtime whose queue records messages (sent once the job's row is committed)."""
    return install_runtime(recording_runtime(settings.STRIPSTUDIO))


def drain(runtime) -> list[Job]:
    """One worker takes every message in order and finishes what it claims; returns the jobs it ran."""
    ran = []
    for _kind, message in runtime.queue.sent:
        lease = claim_turn(message, "worker", 30)
        if lease is not None:
            assert finish(lease, Status.SUCCEEDED)
            ran.append(Job.objects.get(pk=lease.job_id))
    return ran


def test_a_later_author_runs_second_not_after_the_whole_backlog(runtime):
    ann, bob = author("ann"), author("bob")
    for index in range(10):
        submit(ann, f"ann {index}")
    submit(bob, "bob")
    ran = drain(runtime)
    owners = [job.owner.username for job in ran]
    assert owners.index("bob") == 1, owners
    assert len(ran) == 11 and len({job.pk for job in ran}) == 11
    assert [job.request["generation"]["prompt"] for job in ran if job.owner == ann] == [f"ann {i}" for i in range(10)]


def test_authors_take_turns_round_robin(runtime):
    ann, bob, cy = author("ann"), author("bob"), author("cy")
    for owner, count in ((ann, 3), (bob, 3), (cy, 1)):
        for index in range(count):
            submit(owner, f"{owner.username} {index}")
    owners = [job.owner.username for job in drain(runtime)]
    assert owners == ["ann", "bob", "cy", "ann", "bob", "ann", "bob"]


def test_turns_are_per_kind(runtime):
    ann, bob = author("ann"), author("bob")
    submit(ann, "ann draws")
    lease = claim_turn(runtime.queue.sent[0][1], "worker", 30)
    assert lease is not None and finish(lease, Status.SUCCEEDED)
    export = Job.objects.create(owner=bob, kind=Job.Kind.EXPORT, request={"formats": []})
    submit(bob, "bob draws")
    bob_draws = Job.objects.get(owner=bob, kind=Job.Kind.GENERATE)
    # A generate message never runs an export, however long that waits.
    assert claim_turn(str(bob_draws.pk), "worker", 30).job_id == str(bob_draws.pk)
    assert Job.objects.get(pk=export.pk).status == Status.QUEUED
    assert claim_turn(str(export.pk), "worker", 30).job_id == str(export.pk)


def test_a_cancelled_or_deleted_jobs_message_runs_another_or_nothing(runtime):
    ann = author("ann")
    first, second, third = (submit(ann, f"ann {i}") for i in range(3))
    request_cancel(first)
    third.delete()
    messages = [message for _kind, message in runtime.queue.sent]
    assert claim_turn(messages[0], "worker", 30).job_id == str(second.pk)  # the cancelled job's turn
    assert claim_turn(messages[1], "worker", 30) is None  # its own job already runs
    assert claim_turn(messages[2], "worker", 30) is None  # deleted
    assert Job.objects.get(pk=first.pk).status == Status.CANCELLED and Job.objects.get(pk=first.pk).attempts == 0


def test_a_message_sent_again_for_a_dead_workers_job_takes_it_over(runtime):
    ann = author("ann")
    job = submit(ann, "ann")
    assert claim(job.pk, "dead worker", 30) is not None
    expire(job)
    lease = claim_turn(str(job.pk), "worker", 30)
    assert lease is not None and lease.job_id == str(job.pk) and lease.attempt == 2


def test_racing_workers_run_every_job_exactly_once(runtime):
    owners = [author(f"author{i}") for i in range(3)]
    for index in range(24):
        submit(owners[index % 3], f"job {index}")
    messages = [message for _kind, message in runtime.queue.sent]
    claimed: list[str] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        try:
            while True:
                with lock:
                    if not messages:
                        return
                    message = messages.pop()
                lease = claim_turn(message, name, 30)
                if lease is not None:
                    with lock:
                        claimed.append(lease.job_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert len(claimed) == 24 and set(claimed) == {str(pk) for pk in Job.objects.values_list("pk", flat=True)}
    assert Counter(Job.objects.values_list("attempts", flat=True)) == {1: 24}


def test_the_embedded_worker_serves_a_later_author_second(transactional_db, tmp_path):
    from stripstudio.jobs.worker import EmbeddedWorker

    engine = FakeEngine()
    runtime = JobRuntime(settings.STRIPSTUDIO.model_copy(update={"data_dir": tmp_path}), lambda _s, _n: engine)
    install_runtime(runtime)
    ann, bob = author("ann"), author("bob")
    for index in range(10):
        submit(ann, f"ann {index}")
    submit(bob, "bob")
    worker = EmbeddedWorker(runtime).start()
    try:
        deadline = time.monotonic() + 120
        while Job.objects.exclude(status=Status.SUCCEEDED).exists():
            assert time.monotonic() < deadline, list(Job.objects.values_list("status", "message"))
            time.sleep(0.05)
    finally:
        worker.stop()
    prompts = [request.prompt for request in engine.requests]
    assert len(prompts) == 11 and prompts.index("bob") <= 1, prompts


def batch_key_of(job: Job) -> str | None:
    from stripstudio.web.studio.runners.generating import generation_batch_key

    return generation_batch_key(job)


def prompt_of(lease) -> str:
    return Job.objects.get(pk=lease.job_id).request["generation"]["prompt"]


def test_a_compatible_job_submitted_during_the_batch_wait_joins_the_batch(runtime, monkeypatch):
    from stripstudio.jobs import fairness

    ann, bob = author("ann"), author("bob")
    first = submit(ann, "ann draws")
    other_steps = submit(bob, "bob draws with other steps", steps=3)
    lease = claim_turn(str(first.pk), "worker", 30)
    waits: list[float] = []

    def a_job_arrives(seconds: float) -> None:  # the wait, during which a compatible job is submitted
        waits.append(seconds)
        submit(bob, "bob draws")

    monkeypatch.setattr(fairness, "_pause", a_job_arrives)
    companions = fairness.claim_companions(lease, batch_key_of, limit=2, wait=600, lease_seconds=30)
    assert [prompt_of(c) for c in companions] == ["bob draws"] and len(waits) == 1
    assert Job.objects.get(pk=other_steps.pk).status == Status.QUEUED  # another batch key


def test_without_a_wait_a_lone_job_takes_no_companion_at_once(runtime, monkeypatch):
    from stripstudio.jobs import fairness

    first = submit(author("ann"), "ann draws")
    submit(author("bob"), "bob draws bigger", size=128)
    lease = claim_turn(str(first.pk), "worker", 30)
    monkeypatch.setattr(fairness, "_pause", lambda seconds: pytest.fail("waited"))
    assert fairness.claim_companions(lease, batch_key_of, limit=4, wait=0, lease_seconds=30) == []
    assert fairness.claim_companions(lease, lambda job: None, limit=4, wait=600, lease_seconds=30) == []
