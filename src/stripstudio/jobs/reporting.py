"""From engine events to the bus and the job row: every event published, progress saved now and then."""

from __future__ import annotations

import base64
import time
from typing import Any

from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.jobs.events import comic_channel, job_channel
from stripstudio.jobs.lifecycle import Lease, record_progress
from stripstudio.jobs.models import Job

SAVE_EVERY_SECONDS = 0.5  # progress reaches the database at most this often per job


def event_body(job: Job, kind: str, *, attempt: int | None = None, **fields: Any) -> dict[str, Any]:
    """The JSON body of an event of ``job`` as streams and clients see it."""
    return {
        "type": kind,
        "job": str(job.pk),
        "job_kind": job.kind,
        "comic": job.comic_id,
        "panel": job.panel_id,
        "attempt": attempt,
        "time": time.time(),
        **fields,
    }


def publish(runtime, job: Job, kind: str, **fields: Any) -> None:
    """Send one event of ``job`` to its own channel and its comic's."""
    channels = [job_channel(job.pk)] + ([comic_channel(job.comic_id)] if job.comic_id else [])
    runtime.bus.publish(channels, event_body(job, kind, **fields))


class JobReporter:
    """The event sink a runner passes to the engine: publishes events, saves progress, keeps images.

    Final events are not passed on: the job's end is published by the executor after the row says so,
    so a client that sees "succeeded" finds the results in the database.
    """

    def __init__(self, runtime, job: Job, lease: Lease, store_image=None) -> None:
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
        fields = {
            "step": event.step,
            "total": event.total,
            "candidate": event.candidate,
            "fraction": event.fraction,
            "message": event.message,
            "data": data,
        }
        publish(self.runtime, self.job, event.kind.value, attempt=self.lease.attempt, **fields)
        self._save(event)

    def _save(self, event: JobEvent) -> None:
        now = time.monotonic()
        urgent = event.kind in (EventKind.STARTED, EventKind.IMAGE)
        if not urgent and now - self._saved_at < SAVE_EVERY_SECONDS:
            return
        self._saved_at = now
        fields: dict[str, Any] = {"message": event.message[:500]} if event.message else {}
        if event.fraction is not None:
            fields.update(progress=event.fraction, step=event.step, total=event.total)
        if fields:
            record_progress(self.lease, **fields)
