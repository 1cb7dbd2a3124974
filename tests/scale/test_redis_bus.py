"""The Redis event bus on a real Redis: streams per channel, resuming after an id, blocking reads."""

from __future__ import annotations

import asyncio
import threading
import uuid

import pytest

from stripstudio.generation.events import EventKind
from stripstudio.jobs.events import RedisBus
from stripstudio.jobs.messages import JobMessage

pytestmark = pytest.mark.scale


def numbered(n: int) -> JobMessage:
    """A progress message whose step tells it apart."""
    return JobMessage(type=EventKind.PROGRESS, job="1", job_kind="generate", step=n)


def test_streams_keep_order_and_resume(redis_server):
    bus = RedisBus(redis_server.url, prefix=f"test-{uuid.uuid4().hex}:")
    for n in range(3):
        bus.publish(["job:1", "comic:2"], numbered(n))
    first = bus.read("job:1", None, timeout=0.1)
    assert [e.message.step for e in first] == [0, 1, 2]
    comic = bus.read("comic:2", None, timeout=0.1)  # its own ids: each stream numbers its entries by its own clock
    assert [e.message.step for e in bus.read("comic:2", comic[0].id, timeout=0.1)] == [1, 2]
    assert bus.read("job:1", first[-1].id, timeout=0.1) == []
    assert [e.message.step for e in bus.read("job:1", "garbage", timeout=0.1)] == [0, 1, 2]


def test_async_read_blocks_until_a_publish(redis_server):
    bus = RedisBus(redis_server.url, prefix=f"test-{uuid.uuid4().hex}:")

    async def wait():
        threading.Timer(0.1, bus.publish, args=(["job:5"], numbered(5))).start()
        return await bus.aread("job:5", "0-0", timeout=5)

    assert [e.message.step for e in asyncio.run(wait())] == [5]
