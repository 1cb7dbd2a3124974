"""Running a request on an engine with the final event every consumer relies on."""

from __future__ import annotations

from stripstudio.generation.engine import CancelSignal, Engine, EventSink
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.request import GenerationRequest


def run_job(
    engine: Engine,
    request: GenerationRequest,
    on_event: EventSink,
    cancel: CancelSignal | None = None,
    *,
    job_id: str | None = None,
) -> list[GeneratedImage]:
    """Run ``request`` and end the event stream with SUCCEEDED, CANCELLED or FAILED.

    Exceptions are re-raised after the final event is sent, so callers keep the error type.
    """

    def emit(event: JobEvent) -> None:
        on_event(event.model_copy(update={"job_id": job_id}) if job_id and event.job_id is None else event)

    try:
        images = engine.run(request, emit, cancel)
    except JobCancelled as error:
        emit(JobEvent(kind=EventKind.CANCELLED, message=str(error) or "cancelled"))
        raise
    except Exception as error:
        emit(JobEvent.failed(error))
        raise
    emit(JobEvent(kind=EventKind.SUCCEEDED, data={"images": len(images)}))
    return images
