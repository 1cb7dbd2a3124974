"""What each kind of job is asked to do: one pydantic model per kind, stored as the job's JSON.

``submit_job`` takes a payload object, so a job is only ever queued with a valid one; a worker reads
it back through ``Job.payload()``, and a stored payload that no longer validates (written by hand,
or by an older version) fails that job with :class:`InvalidJobPayload`, not the worker.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stripstudio.generation.request import GenerationRequest
from stripstudio.training.spec import TrainingSettings
from stripstudio.training.test_grid import TestGrid

ExportFormat = Literal["webtoon", "png", "pdf", "cbz"]


class JobPayload(BaseModel):
    """The base of every payload: frozen, unknown fields refused; ``kind`` is the job kind it is for."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ClassVar[str]


class GeneratePayload(JobPayload):
    """Draw images: the request and the engine to run it on (None: the server's default engine).
    ``fix_faces`` redraws the faces of each drawn image before it becomes a candidate;
    ``skipped_loras`` names the LoRAs the author chose to draw without (not installed)."""

    kind: ClassVar[str] = "generate"
    engine: str | None = None
    generation: GenerationRequest
    fix_faces: bool = False
    skipped_loras: tuple[str, ...] = ()


class ExportPayload(JobPayload):
    """Export a comic in these formats (none: the formats its layout is made for)."""

    kind: ClassVar[str] = "export"
    formats: tuple[ExportFormat, ...] = ()
    skip_unfinished: bool = False  # leave out the panels that have no picture yet


class TrainPayload(JobPayload):
    """Train a character LoRA on the prepared dataset folder ``dataset`` (kohya layout), then draw the
    test grid with each saved epoch's LoRA on ``engine`` (None: the server's default engine)."""

    kind: ClassVar[str] = "train"
    dataset: str = Field(min_length=1, max_length=1000, description="The prepared dataset folder on the server.")
    trigger: str = Field(min_length=1, max_length=100)
    class_word: str = Field(min_length=1, max_length=100)
    repeats: int = Field(20, ge=1, le=1000)
    settings: TrainingSettings
    grid: TestGrid
    engine: str | None = None


PAYLOADS: dict[str, type[JobPayload]] = {
    payload.kind: payload for payload in (GeneratePayload, ExportPayload, TrainPayload)
}


class InvalidJobPayload(ValueError):
    """A job's stored payload does not fit its kind; the message names the fields and what is wrong."""

    type_name = "InvalidJobPayload"


def payload_type(kind: str) -> type[JobPayload]:
    """The payload model of jobs of ``kind``; InvalidJobPayload for a kind that takes none."""
    try:
        return PAYLOADS[kind]
    except KeyError:
        raise InvalidJobPayload(
            f"jobs of kind {kind!r} cannot be run here: the kinds are {', '.join(sorted(PAYLOADS))}"
        ) from None


def parse_payload(kind: str, stored: Any) -> JobPayload:
    """The payload of a job of ``kind`` from its stored JSON; InvalidJobPayload naming each bad field."""
    model = payload_type(kind)
    try:
        return model.model_validate(stored)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or '(payload)'}: {problem['msg']}"
            for problem in error.errors()[:5]
        )
        raise InvalidJobPayload(f"the {kind} job's stored payload is not valid: {problems}") from None
