"""Following one queued prompt on its server until it ends, whatever happens on the way.

Done = the WebSocket ``executing`` message with ``node: null`` for our prompt (``execution_success``
arrives before the history entry exists). Meanwhile: progress and preview frames are passed on,
``executed`` outputs are handed over as they appear, ``execution_error`` fails the job with the
server's exception, a cancel or the timeout takes the prompt off the server (deleted while it
waits, interrupted while it runs, confirmed through ``/queue``), a dropped socket is reopened, and
silence is checked against ``/history`` and ``/queue`` so nothing waits forever.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stripstudio.engines.comfyui.client import ComfyUIClient, ConnectionClosed, receive, retry
from stripstudio.engines.comfyui.errors import ComfyUIExecutionError, ServerLost
from stripstudio.generation.engine import CancelSignal
from stripstudio.generation.errors import EngineUnavailable, JobCancelled

PREVIEW_IMAGE = 1
PREVIEW_IMAGE_WITH_METADATA = 4


@dataclass
class PromptWatchers:
    """Callbacks for what happens while the prompt runs."""

    on_progress: Callable[[str, int, int], None]  # node id, value, max
    on_output: Callable[[str, dict[str, Any]], None]  # node id, output ({"images": [...]})
    on_preview: Callable[[bytes], None]


@dataclass
class WaitLimits:
    """How long to wait: for the whole prompt, between checks while silent, for reconnects, and for
    the server to confirm that a cancelled prompt is off its queue."""

    timeout: float = 900.0
    poll: float = 0.5
    silence_check: float = 10.0
    reconnect_attempts: int = 3
    reconnect_delay: float = 1.0
    stop_wait: float = 5.0


class PromptFollower:
    """Waits for ``prompt_id`` on ``client`` through the socket opened for ``client_id``."""

    def __init__(
        self,
        client: ComfyUIClient,
        client_id: str,
        socket,
        watchers: PromptWatchers,
        cancel: CancelSignal | None,
        limits: WaitLimits,
    ):
        self.client = client
        self.client_id = client_id
        self.socket = socket
        self.watchers = watchers
        self.cancel = cancel
        self.limits = limits

    def wait(self, prompt_id: str) -> dict[str, Any]:
        """The history entry of the finished prompt; raises on error, cancel, timeout or a lost server."""
        deadline = time.monotonic() + self.limits.timeout
        silent_since = time.monotonic()
        while True:
            self._check_cancel(prompt_id)
            if time.monotonic() > deadline:
                stopped = self._stop(prompt_id)
                raise EngineUnavailable(
                    f"ComfyUI server {self.client.url} did not finish within {self.limits.timeout:.0f} s; "
                    + ("the prompt was taken off the server" if stopped else self._unconfirmed())
                )
            message = self._next_message()
            if message is None:
                if time.monotonic() - silent_since >= self.limits.silence_check:
                    silent_since = time.monotonic()
                    entry = self._check_while_silent(prompt_id)
                    if entry is not None:
                        return self._finished(entry)
                continue
            silent_since = time.monotonic()
            if self._handle(message, prompt_id):
                return self._finished(self._history_when_written(prompt_id))

    # -- messages --------------------------------------------------------------------------
    def _next_message(self):
        try:
            return receive(self.socket, self.limits.poll)
        except ConnectionClosed:
            self.socket = retry(
                lambda: self.client.connect_socket(self.client_id),
                self.limits.reconnect_attempts,
                self.limits.reconnect_delay,
            )
            return None

    def _handle(self, message, prompt_id: str) -> bool:
        """Act on one message; True when the prompt has ended."""
        if isinstance(message, bytes):
            self._preview(message)
            return False
        kind, data = message.get("type"), message.get("data") or {}
        if data.get("prompt_id") not in (None, prompt_id):
            return False
        if kind == "progress" and data.get("prompt_id") == prompt_id:
            self.watchers.on_progress(str(data.get("node")), int(data["value"]), int(data["max"]))
        elif kind == "executed" and data.get("prompt_id") == prompt_id:
            self.watchers.on_output(str(data.get("node")), data.get("output") or {})
        elif kind == "execution_error":
            raise ComfyUIExecutionError(
                data.get("exception_type", "Error"),
                data.get("exception_message", ""),
                data.get("node_id"),
                data.get("node_type"),
            )
        elif kind == "execution_interrupted":
            raise JobCancelled(f"interrupted on the ComfyUI server {self.client.url}")
        elif kind == "executing" and data.get("node") is None and data.get("prompt_id") == prompt_id:
            return True
        return False

    def _preview(self, frame: bytes) -> None:
        if len(frame) < 8:
            return
        (event,) = struct.unpack(">I", frame[:4])
        if event == PREVIEW_IMAGE:
            self.watchers.on_preview(frame[8:])
        elif event == PREVIEW_IMAGE_WITH_METADATA and len(frame) >= 8:
            (length,) = struct.unpack(">I", frame[4:8])
            self.watchers.on_preview(frame[8 + length :])

    # -- endings ---------------------------------------------------------------------------
    def _finished(self, entry: dict[str, Any]) -> dict[str, Any]:
        status = entry.get("status", {})
        if status.get("status_str") == "error":
            raise _error_from_messages(status.get("messages", []), self.client.url)
        for node_id, output in entry.get("outputs", {}).items():
            self.watchers.on_output(node_id, output)
        return entry

    def _history_when_written(self, prompt_id: str) -> dict[str, Any]:
        for _ in range(40):
            entry = self.client.history(prompt_id)
            if entry is not None:
                return entry
            time.sleep(0.05)
        raise EngineUnavailable(f"ComfyUI server {self.client.url} finished the prompt but wrote no history for it")

    def _check_while_silent(self, prompt_id: str) -> dict[str, Any] | None:
        entry = self.client.history(prompt_id)
        if entry is None and not self.client.is_queued(prompt_id):
            # One more look: the prompt may have finished between the two calls.
            entry = self.client.history(prompt_id)
            if entry is None:
                raise ServerLost(self.client.url, "the prompt disappeared from its queue (server restarted?)")
        return entry

    def _check_cancel(self, prompt_id: str) -> None:
        if self.cancel is not None and self.cancel.is_set():
            stopped = self._stop(prompt_id)
            done = f"the prompt was taken off the ComfyUI server {self.client.url}" if stopped else self._unconfirmed()
            raise JobCancelled(f"cancelled; {done}")

    def _stop(self, prompt_id: str) -> bool:
        """Take ``prompt_id`` off the server; True once ``/queue`` no longer lists it.

        A waiting prompt is deleted from the queue; a running one is interrupted by its id, and
        only while it is the one running, so another client's prompt is never stopped (a server
        older than the ``prompt_id`` form of ``/interrupt`` would stop whatever runs). Asked again
        each poll, since a waiting prompt may start between two calls; at most ``stop_wait`` s.
        """
        deadline = time.monotonic() + self.limits.stop_wait
        try:
            while (state := self.client.queue_state(prompt_id)) is not None:
                if state == "pending":
                    self.client.delete_from_queue(prompt_id)
                else:
                    self.client.interrupt(prompt_id)
                if time.monotonic() >= deadline:
                    return False
                time.sleep(self.limits.poll)
        except EngineUnavailable:
            pass  # the server is gone, and its queue with it: nothing is left running there
        return True

    def _unconfirmed(self) -> str:
        return (
            f"the ComfyUI server {self.client.url} was asked to stop the prompt but did not confirm it "
            f"within {self.limits.stop_wait:.0f} s (look at its queue)"
        )


def _error_from_messages(messages: list, url: str) -> Exception:
    for kind, data in messages:
        if kind == "execution_error":
            return ComfyUIExecutionError(
                data.get("exception_type", "Error"),
                data.get("exception_message", ""),
                data.get("node_id"),
                data.get("node_type"),
            )
        if kind == "execution_interrupted":
            return JobCancelled(f"interrupted on the ComfyUI server {url}")
    return EngineUnavailable(f"ComfyUI server {url} reported the prompt failed without saying why")
