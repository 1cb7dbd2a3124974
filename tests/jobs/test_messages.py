"""One typed event vocabulary: every message on the bus, every Server-Sent Event and the job row's
progress come from the same JobMessage and its one JSON form."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs import runners
from stripstudio.jobs.events import job_channel
from stripstudio.jobs.execution import execute_job
from stripstudio.jobs.messages import JobMessage, final_message
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime
from stripstudio.web.studio.streams import _frame

WIRE_KEYS = {
    "type",
    "job",
    "job_kind",
    "comic",
    "panel",
    "attempt",
    "time",
    "step",
    "total",
    "candidate",
    "fraction",
    "message",
    "error_type",
    "data",
}  # fmt: skip  (the fields frontend/src/lib/jobEvents.ts reads are among them)


@pytest.mark.parametrize("kind", list(EventKind))
def test_every_kind_round_trips_through_its_one_json_form(kind):
    job = Job(kind="generate", comic_id=4, panel_id=9)
    event = JobEvent(kind=kind, step=3, total=12, candidate=1, message="m", data={"seed": 7})
    message = JobMessage.of(job, event, attempt=2)
    assert set(message.wire()) == WIRE_KEYS
    assert message.wire()["type"] == kind.value and message.fraction == 0.25
    assert JobMessage.from_wire(message.wire()) == message
    assert JobMessage.from_wire(json.dumps(message.wire())) == message
    assert message.is_final == kind.is_final


def test_the_job_row_takes_its_columns_from_the_message():
    job = Job(kind="generate")
    progress = JobMessage.of(job, JobEvent.progress(5, 20, 0, message="sampling"), 1)
    assert progress.row_fields() == {"message": "sampling", "progress": 0.25, "step": 5, "total": 20}
    failed = JobMessage.of(job, JobEvent.failed(ValueError("x" * 900)), 1)
    assert failed.row_fields() == {"error_type": "ValueError", "error_message": "x" * 900}
    done = JobMessage.of(job, JobEvent(kind=EventKind.SUCCEEDED, message=""), 1)
    assert done.row_fields() == {"message": "", "progress": 1.0}


def test_a_failed_job_s_row_stream_and_fallback_say_the_same(transactional_db, monkeypatch):
    runtime = JobRuntime(settings.STRIPSTUDIO)
    owner = get_user_model().objects.create_user("messages")

    def broken(rt, job, payload, report, cancel):
        report(JobEvent(kind=EventKind.STARTED, total=2, message="starting"))
        raise LookupError("the model went missing")

    monkeypatch.setitem(runners._runners, "export", broken)
    job = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, comic_id=3, request={})
    execute_job(runtime, str(job.pk))
    job.refresh_from_db()
    published = [event.message for event in runtime.bus.read(job_channel(job.pk), None, timeout=0)]
    assert [m.type for m in published] == [EventKind.STARTED, EventKind.FAILED]
    ending = published[-1]
    assert (job.status, job.error_type, job.error_message) == ("failed", ending.error_type, ending.message)
    assert (ending.error_type, ending.message, ending.comic, ending.attempt) == (
        "LookupError",
        "the model went missing",
        3,
        1,
    )
    fallback = final_message(job)
    assert (fallback.type, fallback.error_type, fallback.message) == (ending.type, ending.error_type, ending.message)
    frame = _frame("7", ending)
    assert frame.startswith("id: 7\nevent: failed\ndata: ")
    assert json.loads(frame.split("data: ", 1)[1]) == ending.wire()
