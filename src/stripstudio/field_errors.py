"""The error a check raises about one field: which field, and what is wrong with it and how to fix it."""

from __future__ import annotations


class FieldError(ValueError):
    """A value refused at ``field``; ``message`` says what is wrong and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
