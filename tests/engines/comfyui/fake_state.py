"""State shared by the fake server's routes and its worker: open sockets, the queue, the history.

Everything here lives on the server's event loop; nothing survives a stop (like a restarted
ComfyUI, which forgets its queue and history).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import json
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .fake_script import Behaviour

PREVIEW_IMAGE = 1
PREVIEW_IMAGE_WITH_METADATA = 4
PNG_IMAGE_TYPE = 2


class SocketHub:
    """The open ``/ws`` sockets by sid, and delivery of text and binary messages to them."""

    def __init__(self) -> None:
        self.sockets: dict[str, web.WebSocketResponse] = {}
        self.feature_flags: dict[str, dict[str, Any]] = {}
        self._transports: dict[int, tuple[web.WebSocketResponse, asyncio.BaseTransport | None]] = {}

    def connect(self, sid: str, socket: web.WebSocketResponse, transport: asyncio.BaseTransport | None) -> None:
        """Register a new socket; a socket already open with the same sid stops getting messages."""
        self.sockets.pop(sid, None)
        self.sockets[sid] = socket
        self.feature_flags[sid] = {}
        self._transports[id(socket)] = (socket, transport)

    def disconnect(self, sid: str, socket: web.WebSocketResponse) -> None:
        """Forget a closed socket. Like ComfyUI this forgets the sid, even if a newer socket took it over."""
        self.sockets.pop(sid, None)
        self.feature_flags.pop(sid, None)
        self._transports.pop(id(socket), None)

    async def send(self, event: str, data: dict[str, Any], sid: str | None = None) -> None:
        """``{"type": event, "data": data}`` to the socket ``sid``, or to every socket when ``sid`` is None.

        A sid without an open socket gets nothing: ComfyUI keeps no backlog.
        """
        await self._deliver(json.dumps({"type": event, "data": data}), sid)

    async def send_preview(self, png: bytes, sid: str | None, metadata: dict[str, Any] | None) -> None:
        """A binary preview frame: event 4 (JSON metadata + PNG) when ``metadata`` is given, else event 1."""
        if metadata is None:
            frame = struct.pack(">II", PREVIEW_IMAGE, PNG_IMAGE_TYPE) + png
        else:
            header = json.dumps({**metadata, "image_type": "image/png"}).encode()
            frame = struct.pack(">II", PREVIEW_IMAGE_WITH_METADATA, len(header)) + header + png
        await self._deliver(frame, sid)

    def supports_preview_metadata(self, sid: str | None) -> bool:
        """True when the socket ``sid`` announced ``supports_preview_metadata`` in its first message."""
        return sid is not None and bool(self.feature_flags.get(sid, {}).get("supports_preview_metadata"))

    async def cut_all(self) -> None:
        """Drop every connection without a closing handshake, as a crashed server would."""
        for socket, transport in list(self._transports.values()):
            with contextlib.suppress(Exception):
                if transport is not None:
                    transport.abort()
                else:
                    await socket.close()
        self.sockets.clear()
        self.feature_flags.clear()
        self._transports.clear()

    async def _deliver(self, message: str | bytes, sid: str | None) -> None:
        targets = list(self.sockets.values()) if sid is None else [self.sockets[sid]] if sid in self.sockets else []
        for socket in targets:
            with contextlib.suppress(Exception):  # a socket closing under us is not our problem
                if isinstance(message, bytes):
                    await socket.send_bytes(message)
                else:
                    await socket.send_str(message)


@dataclass(order=True)
class QueueItem:
    """One accepted prompt. Ordered like ComfyUI's heap: by ``number``, then ``prompt_id``."""

    number: float
    prompt_id: str
    prompt: dict[str, Any] = field(compare=False)
    extra_data: dict[str, Any] = field(compare=False)
    outputs: list[str] = field(compare=False)
    behaviour: Behaviour = field(compare=False, default_factory=Behaviour)

    def as_list(self) -> list[Any]:
        """``[number, prompt_id, prompt, extra_data, outputs_to_execute]`` as /queue and /history show it."""
        return [self.number, self.prompt_id, self.prompt, self.extra_data, self.outputs]


class PromptQueue:
    """Pending and running prompts, the history, and the ``status`` messages their changes send."""

    def __init__(self, hub: SocketHub) -> None:
        self.hub = hub
        self.pending: list[QueueItem] = []
        self.running: QueueItem | None = None
        self.history: dict[str, dict[str, Any]] = {}
        self.flags: dict[str, Any] = {}
        self.next_number = 0
        self._changed = asyncio.Event()

    # -- status ----------------------------------------------------------------------------
    def remaining(self) -> int:
        """Pending plus running prompts: ``exec_info.queue_remaining``."""
        return len(self.pending) + (self.running is not None)

    def queue_info(self) -> dict[str, Any]:
        """``{"exec_info": {"queue_remaining": N}}``."""
        return {"exec_info": {"queue_remaining": self.remaining()}}

    async def updated(self) -> None:
        """Broadcast ``status`` after a change, as ComfyUI's ``queue_updated`` does."""
        self._changed.set()
        await self.hub.send("status", {"status": self.queue_info()})

    def take_number(self, body: dict[str, Any]) -> float:
        """The priority of a POSTed prompt: its ``number``, else the counter (negated for ``front``)."""
        if "number" in body:
            return float(body["number"])
        number = self.next_number
        self.next_number += 1
        return -number if body.get("front") else number

    # -- the queue -------------------------------------------------------------------------
    async def put(self, item: QueueItem) -> None:
        """Queue an accepted prompt."""
        heapq.heappush(self.pending, item)
        await self.updated()

    async def get(self) -> QueueItem:
        """Wait for the next prompt and mark it running; a hanging prompt first in line blocks the wait."""
        while not self.pending or self.pending[0].behaviour.hang:
            self._changed.clear()
            await self._changed.wait()
        self.running = heapq.heappop(self.pending)
        await self.updated()
        return self.running

    async def task_done(self, item: QueueItem, result: dict[str, Any], status: dict[str, Any]) -> None:
        """Write the finished prompt's history entry, then broadcast ``status``."""
        self.running = None
        self.history[item.prompt_id] = {"prompt": item.as_list(), "outputs": {}, "status": status}
        self.history[item.prompt_id].update(result)
        await self.updated()

    async def delete(self, prompt_ids: list[str]) -> None:
        """Remove pending prompts (running ones are not touched)."""
        for prompt_id in prompt_ids:
            for item in self.pending:
                if item.prompt_id == prompt_id:
                    self.pending.remove(item)
                    heapq.heapify(self.pending)
                    await self.updated()
                    break

    async def clear(self) -> None:
        """Remove every pending prompt."""
        self.pending.clear()
        await self.updated()

    def snapshot(self) -> dict[str, list]:
        """The ``GET /queue`` answer."""
        running = [self.running.as_list()] if self.running is not None else []
        return {"queue_running": running, "queue_pending": [item.as_list() for item in sorted(self.pending)]}

    # -- the history -----------------------------------------------------------------------
    def get_history(self, prompt_id: str | None = None, max_items: int | None = None, offset: int = -1) -> dict:
        """``GET /history[/{id}]``: one entry, ``{}`` while unknown or unfinished, or a window of all."""
        if prompt_id is not None:
            return {prompt_id: self.history[prompt_id]} if prompt_id in self.history else {}
        if offset < 0 and max_items is not None:
            offset = len(self.history) - max_items
        keys = list(self.history)[max(offset, 0) :]
        if max_items is not None:
            keys = keys[:max_items]
        return {key: self.history[key] for key in keys}
