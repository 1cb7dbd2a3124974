"""Warnings about a prompt, with character offsets, for live validation in an editor.

Nothing here stops a prompt from being used: every prompt parses. These are the places where what
the parser reads is probably not what the author meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stripstudio.prompting.lora_tags import LORA_TAG, read_lora_tag
from stripstudio.prompting.syntax import TOKEN, read_weight

WEIGHT_WARNING_RANGE = (0.0, 3.0)
"""An explicit ``(text:W)`` weight outside this range is reported."""
LORA_STRENGTH_WARNING_RANGE = (-3.0, 3.0)
"""A LoRA strength outside this range is reported (slider LoRAs use negative strengths)."""

_LORA_OPENING = re.compile(r"<lora:", re.IGNORECASE)
# The end of a (...) group that looks like a weight A1111 cannot read: "(a:1,2)", "(a:1e3)", "(a:nan)".
# Only the last _ATTEMPT_LENGTH characters are searched, so nested groups are not scanned again and again.
_ATTEMPT_LENGTH = 40
_WEIGHT_ATTEMPT = re.compile(r":\s*(?P<value>[^\s:()\[\]\\]*[0-9][^\s:()\[\]\\]*|nan|inf|infinity)\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PromptProblem:
    """A warning about ``text[start:end]`` of a prompt."""

    start: int
    end: int
    message: str


def prompt_problems(text: str) -> list[PromptProblem]:
    """Everything in ``text`` an author should probably fix, ordered by position.

    Reported: unbalanced brackets, weights that are not numbers or lie outside
    :data:`WEIGHT_WARNING_RANGE`, malformed ``<lora:...>`` tags (no name, a strength that is not a
    number, too many strengths, no closing ``>``) and LoRA strengths outside
    :data:`LORA_STRENGTH_WARNING_RANGE`.
    """
    problems = _lora_problems(text)
    # Blank the tags out (same length, so offsets hold): a LoRA name may contain brackets.
    without_tags = LORA_TAG.sub(lambda match: " " * len(match.group()), text)
    problems += _bracket_problems(without_tags)
    return sorted(problems, key=lambda problem: (problem.start, problem.end))


def _lora_problems(text: str) -> list[PromptProblem]:
    problems = []
    for match in LORA_TAG.finditer(text):
        try:
            tag = read_lora_tag(match.group(1))
        except ValueError as error:
            problems.append(PromptProblem(match.start(), match.end(), str(error)))
            continue
        low, high = LORA_STRENGTH_WARNING_RANGE
        for strength in dict.fromkeys((tag.strength_model, tag.strength_clip)):
            if not low <= strength <= high:
                message = f"LoRA strength {strength:g} is outside {low:g}..{high:g}; is that intended?"
                problems.append(PromptProblem(match.start(), match.end(), message))
    for match in _LORA_OPENING.finditer(text):
        closing = LORA_TAG.match(text, match.start())
        if closing is None:
            message = "'<lora:' is not closed with '>' (a LoRA tag holds no '<')"
            problems.append(PromptProblem(match.start(), match.end(), message))
    return problems


def _bracket_problems(text: str) -> list[PromptProblem]:
    problems: list[PromptProblem] = []
    open_rounds: list[int] = []
    open_squares: list[int] = []
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open_round":
            open_rounds.append(match.start())
        elif kind == "open_square":
            open_squares.append(match.start())
        elif kind == "weight_close" and open_rounds:
            open_rounds.pop()
            problems += _weight_problems(match)
        elif kind == "close_round" and open_rounds:
            problems += _unreadable_weight(text, open_rounds.pop(), match.start())
        elif kind in ("close_round", "weight_close"):
            message = "')' has no '(' to close and is read as text; write '\\)' for a literal bracket"
            problems.append(PromptProblem(match.end() - 1, match.end(), message))
        elif kind == "close_square" and open_squares:
            open_squares.pop()
        elif kind == "close_square":
            message = "']' has no '[' to close and is read as text; write '\\]' for a literal bracket"
            problems.append(PromptProblem(match.start(), match.end(), message))
    for offset in open_rounds:
        message = "'(' is never closed, so everything after it is weighted ×1.1"
        problems.append(PromptProblem(offset, offset + 1, message))
    for offset in open_squares:
        message = "'[' is never closed, so everything after it is weighted ÷1.1"
        problems.append(PromptProblem(offset, offset + 1, message))
    return problems


def _weight_problems(match: re.Match[str]) -> list[PromptProblem]:
    written = match.group("weight")
    start, end = match.span("weight")
    weight = read_weight(written)
    if weight is None:
        message = f"{written!r} is not a number, so it is read as text and the group weighted ×1.1"
        return [PromptProblem(start, end, message)]
    low, high = WEIGHT_WARNING_RANGE
    if not low <= weight <= high:
        message = f"weight {written} is outside {low:g}..{high:g}; is that intended?"
        return [PromptProblem(start, end, message)]
    return []


def _unreadable_weight(text: str, open_offset: int, close_offset: int) -> list[PromptProblem]:
    """A group closed by a plain ')' whose end looks like a weight that A1111 does not read."""
    tail_start = max(open_offset + 1, close_offset - _ATTEMPT_LENGTH)
    attempt = _WEIGHT_ATTEMPT.search(text, tail_start, close_offset)
    if attempt is None:
        return []
    start, end = attempt.span("value")
    message = (
        f"{attempt.group('value')!r} is not a weight that can be read (write a plain decimal such as 1.2), "
        "so it is read as text and the group weighted ×1.1"
    )
    return [PromptProblem(start, end, message)]
