"""Domain validation at the API boundary: errors come back as 422 with the field they concern."""

from __future__ import annotations

from contextlib import contextmanager

import pydantic
from ninja.errors import ValidationError


def invalid(field: str, message: str) -> ValidationError:
    """A 422 error about ``field`` (dotted path) that the client shows next to it."""
    return ValidationError([{"loc": ["body", *field.split(".")], "msg": message, "type": "value_error"}])


@contextmanager
def domain_errors(prefix: str = ""):
    """Turn a pydantic ValidationError from a domain model into a 422 naming each field."""
    try:
        yield
    except pydantic.ValidationError as error:
        details = [
            {
                "loc": ["body", *([prefix] if prefix else []), *(str(p) for p in e["loc"])],
                "msg": e["msg"],
                "type": e["type"],
            }
            for e in error.errors(include_url=False, include_context=False, include_input=False)
        ]
        raise ValidationError(details) from None
    except ValueError as error:
        detail = {"loc": ["body", prefix or "__root__"], "msg": str(error), "type": "value_error"}
        raise ValidationError([detail]) from None
