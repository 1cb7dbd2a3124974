"""Pydantic's validation errors in the words of someone writing a comic script."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from stripstudio.domain import Bubble, BubbleKind, Comic

BUBBLE_KINDS: tuple[str, ...] = tuple(kind.value for kind in BubbleKind)
SPEAKER_KEYS: tuple[str, ...] = ("by", "speaker")

# Keys a writer may use besides the model's own fields (the shorthand forms of the script).
_EXTRA_KEYS: dict[type[BaseModel], tuple[str, ...]] = {Bubble: (*BUBBLE_KINDS, *SPEAKER_KEYS)}

_PATTERN_HINTS = {
    "language": "must be a language code such as 'en', 'fr' or 'pt-BR'",
    "background": "must be a colour written as '#rrggbb', e.g. '#ffffff'",
    "id": "may hold only letters, digits, '-' and '_', and must start with a letter or digit",
}

_SIMPLE = {
    "missing": "field required",
    "string_type": "must be text (put it in quotes if it looks like a number or a date)",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be a mapping of fields",
    "model_attributes_type": "must be a mapping of fields",
    "dict_type": "must be a mapping of fields",
}

_BOUNDS = {
    "greater_than_equal": ("ge", "must be at least {}"),
    "greater_than": ("gt", "must be more than {}"),
    "less_than_equal": ("le", "must be at most {}"),
    "less_than": ("lt", "must be less than {}"),
    "multiple_of": ("multiple_of", "must be a multiple of {}"),
}


def plain_message(error: ErrorDetails) -> str:
    """A short message for one pydantic error whose ``loc`` is a full path inside a Comic."""
    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "extra_forbidden":
        return unknown_field_message(error["loc"][-1], _known_keys(Comic, error["loc"][:-1]))
    if kind in _SIMPLE:
        return _SIMPLE[kind]
    if kind in _BOUNDS:
        name, text = _BOUNDS[kind]
        return f"{text.format(ctx[name])} (got {value!r})"
    if kind == "string_too_short":
        size = ctx.get("min_length", 1)
        return "must not be empty" if size == 1 else f"must be at least {size} characters long"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long"
    if kind == "string_pattern_mismatch":
        field = str(error["loc"][-1]) if error["loc"] else ""
        return _PATTERN_HINTS.get(field, f"must match the pattern {ctx.get('pattern')}") + f" (got {value!r})"
    if kind in ("enum", "literal_error"):
        return _choice_message(value, str(ctx.get("expected", "")))
    return error["msg"][:1].lower() + error["msg"][1:]


def unknown_field_message(key: Any, known: list[str]) -> str:
    """``unknown field (did you mean 'description'?)``, or the list of known fields."""
    known = [name for name in dict.fromkeys(known) if name != key]
    guess = did_you_mean(str(key), known)
    if guess:
        return f"unknown field (did you mean {guess!r}?)"
    return f"unknown field (known: {', '.join(known)})"


def did_you_mean(word: str, choices: typing.Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to ``word`` when one is close enough to be a likely typo."""
    choices = list(choices)
    lowered = {choice.lower(): choice for choice in choices}
    if word.lower() in lowered:
        return lowered[word.lower()]
    matches = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
    return matches[0] if matches else None


def _choice_message(value: Any, expected: str) -> str:
    options = [part.strip(" '") for part in expected.replace(" or ", ", ").split(",")]
    text = f"must be one of {', '.join(options)} (got {value!r})"
    guess = did_you_mean(str(value), options) if isinstance(value, str) else None
    return f"{text}; did you mean {guess!r}?" if guess else text


def _known_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    model = _model_at(root, loc)
    if model is None:
        return []
    return [*model.model_fields, *_EXTRA_KEYS.get(model, ())]


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The model class found by following field names in ``loc`` (list indexes are skipped)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current else None
        current = _model_in(field.annotation) if field else None
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as ``Style``, ``list[Panel]`` or ``Bubble | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, typing.Union, types.UnionType):
        for argument in typing.get_args(annotation):
            found = _model_in(argument)
            if found:
                return found
    return None
