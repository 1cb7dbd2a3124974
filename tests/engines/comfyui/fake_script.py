"""What the fake ComfyUI server is told to do, and what it was sent.

A :class:`Behaviour` describes how one prompt goes: normally it runs to ``execution_success``;
its fields inject the faults a client must survive (a runtime error, a slow sampler, a server
that goes away mid-prompt, a prompt that never starts, a 500 from ``/prompt``, ``node_errors``
on a 200 answer). :class:`Script` hands behaviours out: the ones queued with
:meth:`Script.next_prompt` go, in order, to the next accepted prompts; every other prompt gets
``Script.default``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ExecutionError:
    """A runtime exception raised when the worker reaches ``node`` (a node id or a class_type).

    The server reports it as ComfyUI does: ws ``execution_error`` whose ``exception_message`` is
    ``exception_message`` plus a newline, and a history entry with ``status_str == "error"``.
    """

    node: str
    exception_type: str = "RuntimeError"
    exception_message: str = "fake failure"


@dataclass
class Behaviour:
    """How one prompt behaves. The defaults give a normal, quick, successful run.

    * ``step_delay``: seconds each sampler step takes (slow prompts for timeouts and cancels).
    * ``error``: raise an :class:`ExecutionError` at a node.
    * ``drop_at_step``: the server goes away during the prompt (every socket is cut, HTTP stops
      answering): right after the ``progress`` message of that sampler step (1-based), or right
      after ``execution_start`` for 0. A prompt whose samplers never reach that step drops just
      before ``execution_success``.
    * ``hang``: the prompt is accepted but never starts; it stays first in ``queue_pending`` and
      blocks the worker until it is deleted through ``POST /queue`` or the server stops.
    * ``http_500``: ``POST /prompt`` answers 500 and queues nothing.
    * ``node_errors``: merged into the ``node_errors`` of the 200 answer (the prompt still runs).
    * ``previews``: binary preview frames at every sampler step.
    * ``history_delay``: seconds between ``execution_success`` and the history entry being
      written, so a client that reads ``/history`` on ``execution_success`` finds ``{}``.
    * ``outputs_reversed``: run the output nodes last to first. ComfyUI keeps a prompt's outputs
      in a set, so the order in which it runs independent outputs follows string hashing and
      changes from one server start to the next.
    """

    step_delay: float = 0.0
    error: ExecutionError | None = None
    drop_at_step: int | None = None
    hang: bool = False
    http_500: bool = False
    node_errors: dict[str, Any] | None = None
    previews: bool = False
    history_delay: float = 0.02
    outputs_reversed: bool = False


class Script:
    """Behaviours for the next prompts (first queued, first used) and a default for the rest.

    Only accepted prompts use up a queued behaviour; a refused one (HTTP 400) leaves it for the
    next POST. A behaviour with ``http_500`` is used up by the POST it refuses.
    """

    def __init__(self) -> None:
        self.default = Behaviour()
        self._queued: deque[Behaviour] = deque()
        self._lock = threading.Lock()

    def next_prompt(self, behaviour: Behaviour | None = None, **fields: Any) -> Behaviour:
        """Queue a behaviour for the next accepted prompt: a given one, or the default changed by ``fields``."""
        chosen = behaviour if behaviour is not None else dataclasses.replace(self.default, **fields)
        with self._lock:
            self._queued.append(chosen)
        return chosen

    def always(self, **fields: Any) -> Behaviour:
        """Change the default behaviour (used by every prompt without a queued one)."""
        self.default = dataclasses.replace(self.default, **fields)
        return self.default

    def reset(self) -> None:
        """Forget queued behaviours and restore the default."""
        with self._lock:
            self._queued.clear()
        self.default = Behaviour()

    def peek(self) -> Behaviour:
        """The behaviour the next POST /prompt would get, without using it up."""
        with self._lock:
            return self._queued[0] if self._queued else self.default

    def take(self) -> Behaviour:
        """Use up the behaviour of the next POST /prompt."""
        with self._lock:
            return self._queued.popleft() if self._queued else self.default


@dataclass
class Upload:
    """One ``POST /upload/image`` or ``/upload/mask`` as the server received it."""

    route: str  # "image" or "mask"
    filename: str  # the file part's name, as sent
    name: str  # the name it was stored under (after "name (1).png" renaming)
    subfolder: str
    type: str
    overwrite: bool
    data: bytes
    original_ref: dict[str, Any] | None = None


@dataclass
class Received:
    """Everything clients sent to the action routes, in arrival order."""

    prompts: list[dict[str, Any]] = field(default_factory=list)  # POST /prompt bodies, refused ones too
    uploads: list[Upload] = field(default_factory=list)
    interrupts: list[dict[str, Any]] = field(default_factory=list)  # POST /interrupt bodies ({} if empty)
    queue_requests: list[dict[str, Any]] = field(default_factory=list)  # POST /queue bodies
    frees: list[dict[str, Any]] = field(default_factory=list)  # POST /free bodies

    def clear(self) -> None:
        """Forget everything received so far."""
        for items in (self.prompts, self.uploads, self.interrupts, self.queue_requests, self.frees):
            items.clear()
