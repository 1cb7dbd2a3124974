"""A restarted studio takes back at once the jobs a dead process of this machine was running; a live
process's jobs, and other machines' jobs, keep their leases."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from stripstudio.jobs.lifecycle import claim
from stripstudio.jobs.models import Job
from stripstudio.jobs.orphans import end_leases_of_dead_processes
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.jobs.supervision import recover_stale_jobs
from tests.jobs.test_lifecycle import RecordingQueue

Status = Job.Status


@pytest.fixture
def dead_pid() -> int:
    """The id of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_job(owner, worker: str) -> Job:
    """A job ``worker`` claimed for 30 s."""
    job = Job.objects.create(owner=owner, kind=Job.Kind.GENERATE, request={}, max_attempts=3)
    assert claim(job.pk, worker, 30) is not None
    return job


def test_only_the_jobs_of_a_dead_process_of_this_host_are_taken_back(db, dead_pid):
    owner = get_user_model().objects.create_user("orphans")
    host = socket.gethostname()
    orphan = running_job(owner, f"{host}:{dead_pid}:Worker-1")
    alive = running_job(owner, f"{host}:{os.getpid()}:Worker-1")
    elsewhere = running_job(owner, f"another-{host}:{dead_pid}:Worker-1")
    runtime = JobRuntime(settings.STRIPSTUDIO)
    runtime.queue = RecordingQueue()

    assert end_leases_of_dead_processes() == 1
    assert recover_stale_jobs(runtime) == 1

    assert runtime.queue.sent == [("generate", str(orphan.pk))]
    orphan.refresh_from_db()
    assert (orphan.status, orphan.attempts, orphan.worker) == (Status.QUEUED, 1, "")
    assert f":{dead_pid}:" in orphan.message  # "retrying: the worker running attempt 1 (...) stopped answering"
    for kept in (alive, elsewhere):
        kept.refresh_from_db()
        assert kept.status == Status.RUNNING and kept.lease_expires_at is not None
    assert end_leases_of_dead_processes() == 0  # nothing left to end
