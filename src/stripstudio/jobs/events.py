"""The event bus: job messages published by workers, read in order by Server-Sent Event streams.

Each channel (``job:<id>``, ``comic:<id>``) is an ordered log with ids, so a stream that connects
late, or reconnects with ``Last-Event-ID``, gets what it missed before the live events. Embedded,
the log lives in memory (worker and web server share the process); scaled, it is a Redis stream
per channel, capped in length and expiring a day after its last event. What travels is always a
typed :class:`~stripstudio.jobs.messages.JobMessage`; Redis holds its JSON form.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from stripstudio.jobs.messages import JobMessage

log = logging.getLogger(__name__)
CHANNEL_LENGTH = 2000  # events kept per channel
CHANNEL_IDLE_SECONDS = 24 * 3600  # a channel with no new event for this long is dropped
_STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")


@dataclass(frozen=True)
class BusEvent:
    """One message read from a channel, with its id on that channel."""

    id: str
    message: JobMessage


class EventBus(Protocol):
    """Publish job messages to channels and read them back in order."""

    def publish(self, channels: Iterable[str], message: JobMessage) -> None:
        """Append ``message`` to every channel."""

    def read(self, channel: str, after: str | None, timeout: float) -> list[BusEvent]:
        """Events of ``channel`` after the id ``after`` (all kept ones when None); waits up to ``timeout``
        seconds for the first one and returns [] if none came."""

    async def aread(self, channel: str, after: str | None, timeout: float) -> list[BusEvent]:
        """:meth:`read` for event streams: waits without holding a thread."""


def job_channel(job_id: object) -> str:
    """The channel of one job's events."""
    return f"job:{job_id}"


def comic_channel(comic_id: object) -> str:
    """The channel of every job event of one comic."""
    return f"comic:{comic_id}"


class InProcessBus:
    """The bus of a studio that runs its worker inside the web server process."""

    def __init__(self) -> None:
        self._channels: dict[str, deque[BusEvent]] = {}
        self._touched: dict[str, float] = {}
        self._next_id = 0
        self._changed = threading.Condition()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def publish(self, channels: Iterable[str], message: JobMessage) -> None:
        """Append ``message`` to every channel and wake the readers."""
        with self._changed:
            self._next_id += 1
            now = time.monotonic()
            for channel in channels:
                log = self._channels.setdefault(channel, deque(maxlen=CHANNEL_LENGTH))
                log.append(BusEvent(str(self._next_id), message))
                self._touched[channel] = now
            self._drop_idle(now)
            self._changed.notify_all()
            for loop, event in list(self._waiters):
                with contextlib.suppress(RuntimeError):  # that loop has closed
                    loop.call_soon_threadsafe(event.set)

    def read(self, channel: str, after: str | None, timeout: float) -> list[BusEvent]:
        """Events after ``after``, waiting up to ``timeout`` seconds for one."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                events = self._after(channel, after)
                remaining = deadline - time.monotonic()
                if events or remaining <= 0:
                    return events
                self._changed.wait(remaining)

    async def aread(self, channel: str, after: str | None, timeout: float) -> list[BusEvent]:
        """Events after ``after``, waiting on the event loop (no thread) up to ``timeout`` seconds."""
        waiter = (asyncio.get_running_loop(), asyncio.Event())
        deadline = time.monotonic() + timeout
        self._waiters.add(waiter)
        try:
            while True:
                waiter[1].clear()
                with self._changed:
                    events = self._after(channel, after)
                remaining = deadline - time.monotonic()
                if events or remaining <= 0:
                    return events
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(waiter[1].wait(), remaining)
        finally:
            self._waiters.discard(waiter)

    def _after(self, channel: str, after: str | None) -> list[BusEvent]:
        log = self._channels.get(channel, ())
        if after is None:
            return list(log)
        last = _as_int(after)
        return [event for event in log if int(event.id) > last]

    def _drop_idle(self, now: float) -> None:
        for channel in [c for c, at in self._touched.items() if now - at > CHANNEL_IDLE_SECONDS]:
            self._channels.pop(channel, None)
            self._touched.pop(channel, None)


class RedisBus:
    """The bus of a scaled studio: one Redis stream per channel."""

    def __init__(self, url: str, prefix: str = "stripstudio:events:") -> None:
        import redis

        self._url = url
        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix
        self._async_clients: dict[asyncio.AbstractEventLoop, object] = {}

    def publish(self, channels: Iterable[str], message: JobMessage) -> None:
        """XADD the message's JSON to each channel's stream (capped, expiring when idle)."""
        payload = json.dumps(message.wire())
        with self._redis.pipeline(transaction=False) as pipe:
            for channel in channels:
                key = self._prefix + channel
                pipe.xadd(key, {"body": payload}, maxlen=CHANNEL_LENGTH, approximate=True)
                pipe.expire(key, CHANNEL_IDLE_SECONDS)
            pipe.execute()

    def read(self, channel: str, after: str | None, timeout: float) -> list[BusEvent]:
        """XREAD the channel's stream after ``after``, blocking up to ``timeout`` seconds."""
        key = self._prefix + channel
        answer = self._redis.xread({key: _stream_start(after)}, count=500, block=max(1, int(timeout * 1000)))
        return _stream_events(answer)

    async def aread(self, channel: str, after: str | None, timeout: float) -> list[BusEvent]:
        """XREAD with the asyncio client of the running loop (one connection pool per loop)."""
        client = self._async_client()
        key = self._prefix + channel
        answer = await client.xread({key: _stream_start(after)}, count=500, block=max(1, int(timeout * 1000)))
        return _stream_events(answer)

    def _async_client(self):
        import redis.asyncio

        loop = asyncio.get_running_loop()
        if loop not in self._async_clients:
            self._async_clients[loop] = redis.asyncio.Redis.from_url(self._url)
        return self._async_clients[loop]


def _stream_start(after: str | None) -> str:
    return after if after and _STREAM_ID.match(after) else "0-0"


def _stream_events(answer) -> list[BusEvent]:
    events = []
    for _key, entries in answer or []:
        for entry_id, fields in entries:
            try:
                events.append(BusEvent(_text(entry_id), JobMessage.from_wire(fields[b"body"])))
            except ValidationError:  # not a job message (written by something else): skipped, not fatal
                log.warning("skipping entry %s of %s: not a job message", _text(entry_id), _text(_key))
    return events


def _as_int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return 0


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
