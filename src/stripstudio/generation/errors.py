"""Errors an engine raises; each message tells the user what went wrong and what to do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """Why one field of a request cannot be honoured, and what to do instead.

    ``field`` is a path into the request as its JSON reads: ``regions``, ``sampler``,
    ``controls[0].kind``, ``model.vae``. ``missing`` marks a file that is not installed and that the
    request can go without (a LoRA of ``loras``): the caller may offer to draw without it.
    """

    field: str
    message: str
    missing: bool = False

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class GenerationError(Exception):
    """Base of every error a generation can end with. ``type_name`` is what jobs record."""

    @property
    def type_name(self) -> str:
        """The error's class name, stored on failed jobs."""
        return type(self).__name__


class InvalidRequest(GenerationError):
    """The request cannot be run as asked (bad value, unsupported combination, unreadable input).

    ``field`` names the field at fault; ``problems`` lists every one when several are.
    """

    def __init__(self, message: str, *, field: str | None = None, problems: Sequence[FieldProblem] = ()):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.problems = tuple(problems) or ((FieldProblem(field, message),) if field else ())

    @classmethod
    def from_problems(cls, problems: Sequence[FieldProblem]) -> InvalidRequest:
        """One error listing every problem (one per line), its ``field`` the first problem's."""
        if len(problems) == 1:
            return cls(problems[0].message, field=problems[0].field)
        lines = "\n".join(f"  {problem}" for problem in problems)
        error = cls(f"the request has {len(problems)} problems:\n{lines}", problems=problems)
        error.field = problems[0].field
        return error


class ModelNotFound(GenerationError):
    """A checkpoint, LoRA, VAE or control model named in the request could not be found."""


class EngineUnavailable(GenerationError):
    """The engine cannot run at all right now (missing dependency, server down, out of memory)."""


class JobCancelled(GenerationError):
    """The job was cancelled before it finished."""
