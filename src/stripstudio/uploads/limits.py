"""Upload size limits and the refusal every check raises."""

from __future__ import annotations

from dataclasses import dataclass

from stripstudio.field_errors import FieldError


class UploadRejected(FieldError):
    """An upload was refused; ``field`` names the form field, ``message`` says what is wrong and how to fix it."""


@dataclass(frozen=True)
class UploadLimits:
    """Size limits for uploads; pictures are measured both in bytes and in decoded pixels."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 16384
    model_max_bytes: int = 2 * 1024**3


DEFAULT_LIMITS = UploadLimits()


def check_byte_size(size: int, limit: int, field: str, advice: str) -> None:
    """Refuse an empty file or one over ``limit`` bytes, naming the limit and giving ``advice``."""
    if size == 0:
        raise UploadRejected(field, "the file is empty; choose the file again and re-upload it")
    if size > limit:
        raise UploadRejected(
            field, f"the file is {human_size(size)}, more than the {human_size(limit)} limit; {advice}"
        )


def human_size(size: int) -> str:
    """A byte count for people: ``1.5 GB``, ``20.0 MB``, ``512 bytes``."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"
