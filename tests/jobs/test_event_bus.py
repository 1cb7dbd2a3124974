"""The in-process event bus: ordered channels, resuming after an id, waiting without busy loops."""

from __future__ import annotations

import asyncio
import threading
import time

from stripstudio.generation.events import EventKind
from stripstudio.jobs.events import InProcessBus
from stripstudio.jobs.messages import JobMessage


def numbered(n: int) -> JobMessage:
    """A progress message whose step tells it apart."""
    return JobMessage(type=EventKind.PROGRESS, job="1", job_kind="generate", step=n)


def test_channels_keep_order_and_resume_after_an_id():
    bus = InProcessBus()
    for n in range(3):
        bus.publish(["job:1", "comic:9"], numbered(n))
    bus.publish(["job:2"], numbered(99))
    first = bus.read("job:1", None, timeout=0)
    assert [e.message.step for e in first] == [0, 1, 2]
    assert [e.message.step for e in bus.read("comic:9", first[0].id, timeout=0)] == [1, 2]
    assert bus.read("job:1", first[-1].id, timeout=0) == []
    assert [e.message.step for e in bus.read("job:2", None, timeout=0)] == [99]
    assert bus.read("job:1", "not-a-number", timeout=0) == first  # a bad Last-Event-ID replays everything


def test_read_waits_for_the_next_event_from_another_thread():
    bus = InProcessBus()
    threading.Timer(0.05, bus.publish, args=(["job:1"], numbered(1))).start()
    started = time.monotonic()
    events = bus.read("job:1", None, timeout=5)
    assert [e.message.step for e in events] == [1] and time.monotonic() - started < 4
    assert bus.read("job:1", events[-1].id, timeout=0.05) == []


def test_async_read_is_woken_by_a_publishing_thread():
    bus = InProcessBus()

    async def wait_for_event():
        threading.Timer(0.05, bus.publish, args=(["comic:3"], numbered(7))).start()
        return await bus.aread("comic:3", None, timeout=5)

    started = time.monotonic()
    events = asyncio.run(wait_for_event())
    assert [e.message.step for e in events] == [7] and time.monotonic() - started < 4
    assert asyncio.run(bus.aread("comic:3", events[-1].id, timeout=0.05)) == []
