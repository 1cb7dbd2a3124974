"""JobEvent: the one stream every engine emits and every consumer (CLI, SSE, database) reads."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EventKind(StrEnum):
    """The life of a job, in order: queued, started, progress/preview/image..., then one ending."""

    QUEUED = "queued"
    STARTED = "started"
    PROGRESS = "progress"
    PREVIEW = "preview"
    IMAGE = "image"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        """True for the events that end a job."""
        return self in (EventKind.SUCCEEDED, EventKind.FAILED, EventKind.CANCELLED)


class JobEvent(BaseModel):
    """Something that happened to a job.

    ``step``/``total`` count sampling steps over all candidates of the job; ``candidate`` is the
    0-based index of the image being drawn. ``image`` and ``preview`` carry in-process objects and
    are left out of JSON; consumers that send events elsewhere save the image first and pass its
    location in ``data``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: EventKind
    job_id: str | None = None
    step: int | None = None
    total: int | None = None
    candidate: int | None = None
    message: str = ""
    error_type: str | None = None
    image: Any = Field(None, exclude=True)
    preview: Any = Field(None, exclude=True)
    data: dict[str, Any] = Field(default_factory=dict)
    timestamp: float = Field(default_factory=time.time)

    @property
    def fraction(self) -> float | None:
        """Progress as 0..1, or None for events that carry no count."""
        if self.step is None or not self.total:
            return None
        return min(1.0, self.step / self.total)

    @classmethod
    def progress(cls, step: int, total: int, candidate: int, **fields: Any) -> JobEvent:
        """A progress event: ``step`` of ``total`` sampling steps done."""
        return cls(kind=EventKind.PROGRESS, step=step, total=total, candidate=candidate, **fields)

    @classmethod
    def failed(cls, error: BaseException, **fields: Any) -> JobEvent:
        """The final event of a job that raised ``error``."""
        error_type = getattr(error, "type_name", type(error).__name__)
        return cls(kind=EventKind.FAILED, error_type=error_type, message=str(error), **fields)
