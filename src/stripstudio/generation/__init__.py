"""The contract between the studio and its engines: one request, one engine interface, one event stream."""

from stripstudio.generation.engine import CancelSignal, Engine, EngineCapabilities, EventSink
from stripstudio.generation.errors import (
    EngineUnavailable,
    GenerationError,
    InvalidRequest,
    JobCancelled,
    ModelNotFound,
)
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.request import (
    ControlInput,
    FaceDetailSpec,
    GenerationRequest,
    LoraSpec,
    MaskSpec,
    ModelRef,
    OutpaintSpec,
    ReferenceSpec,
    Region,
    Task,
)

__all__ = [
    "CancelSignal",
    "ControlInput",
    "FaceDetailSpec",
    "Engine",
    "EngineCapabilities",
    "EngineUnavailable",
    "EventKind",
    "EventSink",
    "GeneratedImage",
    "GenerationError",
    "GenerationRequest",
    "InvalidRequest",
    "JobCancelled",
    "JobEvent",
    "LoraSpec",
    "MaskSpec",
    "ModelNotFound",
    "ModelRef",
    "OutpaintSpec",
    "ReferenceSpec",
    "Region",
    "Task",
]
