"""The contract between the studio and its engines: one request, one engine interface, one event stream."""

from stripstudio.generation.capabilities import (
    EngineCapabilities,
    check_request,
    problems_for,
    refuse_unless_honoured,
)
from stripstudio.generation.engine import CancelSignal, Engine, EventSink
from stripstudio.generation.errors import (
    EngineUnavailable,
    FieldProblem,
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
    RefinerSpec,
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
    "FieldProblem",
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
    "RefinerSpec",
    "Region",
    "Task",
    "check_request",
    "problems_for",
    "refuse_unless_honoured",
]
