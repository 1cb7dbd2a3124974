"""The Engine interface, implemented by the in-process diffusers engine and the ComfyUI engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from stripstudio.generation.capabilities import EngineCapabilities
from stripstudio.generation.events import JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.request import GenerationRequest

EventSink = Callable[[JobEvent], None]


@runtime_checkable
class CancelSignal(Protocol):
    """Anything with ``is_set()``, such as :class:`threading.Event`; engines poll it between steps."""

    def is_set(self) -> bool: ...


class Engine(Protocol):
    """Draws images for a :class:`GenerationRequest`.

    ``capabilities`` says what it honours; ``run`` refuses (InvalidRequest) a request that
    :func:`~stripstudio.generation.capabilities.problems_for` finds fault with, never drawing it
    without a part it cannot honour.

    ``run`` emits STARTED, PROGRESS (per step), PREVIEW and IMAGE events through ``on_event``,
    raises :class:`~stripstudio.generation.errors.JobCancelled` within one step of ``cancel``
    being set, and returns the images in candidate order. The final SUCCEEDED/FAILED/CANCELLED
    event is sent by :func:`stripstudio.generation.running.run_job`, the same for every engine.
    """

    name: str

    def capabilities(self) -> EngineCapabilities: ...

    def run(
        self, request: GenerationRequest, on_event: EventSink, cancel: CancelSignal | None = None
    ) -> list[GeneratedImage]: ...
