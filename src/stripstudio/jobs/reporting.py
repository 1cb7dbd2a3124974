"""From job events to the bus and the job row: every event published, progress saved now and then."""

from __future__ import annotations

import base64
import logging
import time
from typing import Any

from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.events import comic_channel, job_channel
from stripstudio.jobs.lifecycle import Lease, record_progress
from stripstudio.jobs.messages import JobLike, JobMessage
from stripstudio.jobs.models import Job
from stripstudio.jobs.signals import job_ended

SAVE_EVERY_SECONDS = 0.5  # progress reaches the database at most this often per job
log = logging.getLogger(__name__)


def publish(runtime, job: JobLike, event: JobEvent, attempt: int | None) -> JobMessage:
    """Send ``event`` of ``job`` (during ``attempt``) to the job's channel and its comic's; returns the message."""
    return send(runtime, JobMessage.of(job, event, attempt))


def send(runtime, message: JobMessage) -> JobMessage:
    """Publish ``message`` on its job's channel and its comic's.

    Every job's end is sent here once, after its row says so: a final message also sends ``job_ended``.
    """
    channels = [job_channel(message.job)] + ([comic_channel(message.comic)] if message.comic else [])
    try:
        runtime.bus.publish(channels, message)
    finally:
        if message.is_final:
            _announce_end(message)
    return message


def _announce_end(message: JobMessage) -> None:
    """Send ``job_ended``; a receiver's error is logged, never the job's (it has ended already)."""
    answers = job_ended.send_robust(Job, job_id=message.job, kind=message.job_kind, status=message.type.value)
    for receiver, answer in answers:
        if isinstance(answer, Exception):
            log.error("job %s: %r failed on its end", message.job, receiver, exc_info=answer)


class JobReporter:
    """The event sink a runner passes to the engine: publishes events, saves progress, keeps images.

    Final events are not passed on: the job's end is published by the executor after the row says so,
    so a client that sees "succeeded" finds the results in the database.
    """

    def __init__(self, runtime, job: JobLike, lease: Lease, store_image=None) -> None:
        self.runtime, self.job, self.lease = runtime, job, lease
        self.store_image = store_image
        self.images: dict[int, dict[str, Any]] = {}
        self._saved_at = 0.0

    def __call__(self, event: JobEvent) -> None:
        """Handle one event from the engine (or from a runner of our own)."""
        if event.kind.is_final:
            return
        data = dict(event.data)
        if event.kind == EventKind.IMAGE and event.image is not None and self.store_image:
            stored = self.store_image(event.image)
            self.images[event.candidate if event.candidate is not None else len(self.images)] = stored
            data.update(stored)
        if event.kind == EventKind.PREVIEW and event.preview is not None:
            data["preview"] = "data:image/png;base64," + base64.b64encode(event.preview).decode()
        message = publish(self.runtime, self.job, event.model_copy(update={"data": data}), self.lease.attempt)
        self._save(message)

    def _save(self, message: JobMessage) -> None:
        now = time.monotonic()
        urgent = message.type in (EventKind.STARTED, EventKind.IMAGE)
        if not urgent and now - self._saved_at < SAVE_EVERY_SECONDS:
            return
        self._saved_at = now
        fields = message.row_fields()
        if fields:
            record_progress(self.lease, **fields)
