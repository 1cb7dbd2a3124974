"""Job events as the bus carries them and streams send them: one typed message per event.

Every event of a job, whether an engine reported it (started, progress, preview, image) or the job's
life cycle did (queued, succeeded, failed, cancelled), is a :class:`~stripstudio.generation.events.JobEvent`
of one vocabulary (:class:`~stripstudio.generation.events.EventKind`). On its way out it becomes a
:class:`JobMessage`: the event plus the job it belongs to. Its one JSON form (:meth:`JobMessage.wire`)
is what Redis stores, what each Server-Sent Event's ``data`` holds and what the browser reads; the
columns of the job row it sets come from :meth:`JobMessage.row_fields`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from stripstudio.generation.events import EventKind, JobEvent

if TYPE_CHECKING:
    from stripstudio.jobs.models import Job


class JobLike(Protocol):
    """What a message needs to know of its job (a Job row)."""

    pk: Any
    kind: str
    comic_id: int | None
    panel_id: int | None


class JobMessage(BaseModel):
    """One event of one job, with the job's id, kind, comic, panel and the attempt it happened in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: EventKind
    job: str
    job_kind: str
    comic: int | None = None
    panel: int | None = None
    attempt: int | None = None
    time: float = Field(default_factory=time.time)
    step: int | None = None
    total: int | None = None
    candidate: int | None = None
    fraction: float | None = None
    message: str = ""
    error_type: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, job: JobLike, event: JobEvent, attempt: int | None) -> JobMessage:
        """The message of ``event``, which happened to ``job`` during ``attempt`` (0: before any)."""
        return cls(
            type=event.kind,
            job=str(job.pk),
            job_kind=job.kind,
            comic=job.comic_id,
            panel=job.panel_id,
            attempt=attempt,
            time=event.timestamp,
            step=event.step,
            total=event.total,
            candidate=event.candidate,
            fraction=event.fraction,
            message=event.message,
            error_type=event.error_type,
            data=dict(event.data),
        )

    @property
    def is_final(self) -> bool:
        """True for the message that ends its job."""
        return self.type.is_final

    def wire(self) -> dict[str, Any]:
        """The JSON form: stored on the bus, sent as each Server-Sent Event's data."""
        return self.model_dump(mode="json")

    @classmethod
    def from_wire(cls, body: dict[str, Any] | str | bytes) -> JobMessage:
        """The message back from its JSON form (a dict, or its text)."""
        return cls.model_validate(body) if isinstance(body, dict) else cls.model_validate_json(body)

    def row_fields(self) -> dict[str, Any]:
        """The job-row columns this event sets: message, progress, and for a failure the error."""
        fields: dict[str, Any] = {}
        if self.type is EventKind.FAILED:
            return {"error_type": (self.error_type or "")[:100], "error_message": self.message}
        if self.message or self.type is EventKind.SUCCEEDED:
            fields["message"] = self.message[:500]
        if self.type is EventKind.SUCCEEDED:
            fields["progress"] = 1.0
        elif self.fraction is not None:
            fields.update(progress=self.fraction, step=self.step, total=self.total)
        return fields


def final_message(job: Job) -> JobMessage:
    """How a finished job ended, from its row: what a stream sends when the bus has forgotten the job."""
    ending = JobEvent(
        kind=EventKind(job.status),
        message=job.error_message or job.message,
        error_type=job.error_type or None,
        step=job.step,
        total=job.total,
    )
    return JobMessage.of(job, ending, job.attempts)
