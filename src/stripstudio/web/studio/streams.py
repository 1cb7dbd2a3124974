"""Server-Sent Event streams of a job and of a comic.

A stream first sends what its channel already holds (or, when the bus has forgotten a finished job,
the job's final state from the database), then live events. ``Last-Event-ID`` resumes after a
reconnect. A job stream ends after the job's final event; a comic stream runs until the client
leaves, with a comment line every few seconds to keep proxies from closing it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

from django.http import Http404, HttpRequest, StreamingHttpResponse

from stripstudio.jobs.events import comic_channel, job_channel
from stripstudio.jobs.messages import JobMessage, final_message
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import current_runtime
from stripstudio.web.studio import models

KEEPALIVE_SECONDS = 10.0


async def job_events(request: HttpRequest, job_id: str) -> StreamingHttpResponse:
    """GET /api/jobs/{id}/events: the job's events until it ends."""
    job = await _owned_or_404(request, Job, job_id)
    return _stream(_job_stream(job, request.headers.get("Last-Event-ID")))


async def comic_events(request: HttpRequest, comic_id: int) -> StreamingHttpResponse:
    """GET /api/comics/{id}/events: every job event of the comic, as they happen."""
    comic = await _owned_or_404(request, models.Comic, comic_id)
    return _stream(_channel_stream(comic_channel(comic.pk), request.headers.get("Last-Event-ID"), live_only=True))


async def _owned_or_404(request: HttpRequest, model, pk):
    user = await request.auser()
    if not user.is_authenticated:
        raise Http404("not found")
    try:
        return await model.objects.aget(pk=pk, owner=user)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("not found") from None


def _stream(events: AsyncIterator[str]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _job_stream(job: Job, last_id: str | None) -> AsyncIterator[str]:
    seen_final = False
    async for frame, message in _frames(job_channel(job.pk), last_id, stop_after_final=True):
        seen_final = seen_final or (message is not None and message.is_final)
        yield frame
    if not seen_final:  # the bus forgot this job (e.g. after a restart): its row still knows how it ended
        try:
            await job.arefresh_from_db()
        except Job.DoesNotExist:  # deleted with its comic or panel: nothing more to say
            return
        if job.is_final:
            yield _frame(None, final_message(job))


async def _channel_stream(channel: str, last_id: str | None, live_only: bool = False) -> AsyncIterator[str]:
    async for frame, _body in _frames(channel, last_id, stop_after_final=False, live_only=live_only):
        yield frame


async def _frames(channel: str, last_id: str | None, *, stop_after_final: bool, live_only: bool = False):
    """(frame, message) pairs: events of ``channel`` after ``last_id``; keep-alive comments have message None."""
    read = current_runtime().bus.aread
    after = last_id
    if live_only and after is None:
        old = await read(channel, None, 0)
        after = old[-1].id if old else None
    while True:
        events = await read(channel, after, KEEPALIVE_SECONDS)
        if not events:
            if stop_after_final and await _job_has_ended(channel):
                return
            yield ": keep-alive\n\n", None
            continue
        for event in events:
            after = event.id
            yield _frame(event.id, event.message), event.message
            if stop_after_final and event.message.is_final:
                return


async def _job_has_ended(channel: str) -> bool:
    job_id = channel.removeprefix("job:")
    status = await Job.objects.filter(pk=job_id).values_list("status", flat=True).afirst()
    return status in Job.FINAL or status is None


def _frame(event_id: str | None, message: JobMessage) -> str:
    lines = [f"id: {event_id}"] if event_id else []
    lines += [f"event: {message.type.value}", f"data: {json.dumps(message.wire())}"]
    return "\n".join(lines) + "\n\n"
