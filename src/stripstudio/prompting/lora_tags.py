"""``<lora:NAME>``, ``<lora:NAME:W>`` and ``<lora:NAME:WM:WC>`` tags in prompt text.

WM is the UNet ("model") strength and WC the text-encoder ("clip") strength, in the order of
ComfyUI's LoraLoader. A1111's own two-number form puts the text-encoder strength first
(``<lora:NAME:TE:UNET>``); prompts copied from A1111 with two different numbers swap them.
A1111's named arguments (``te=``, ``unet=``, ``dyn=``) are not supported.
"""

from __future__ import annotations

import contextlib
import math
import re
from dataclasses import dataclass
from decimal import Decimal

LORA_TAG = re.compile(r"<lora:([^<>]*)>", re.IGNORECASE)
"""A whole tag; group 1 is what stands between ``<lora:`` and ``>``. A tag holds no ``<``, which
keeps searching linear when a ``>`` is missing."""

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_OPENERS = "(["
_CLOSERS = ")]"


@dataclass(frozen=True, slots=True)
class LoraTag:
    """A LoRA named in a prompt, with its UNet and text-encoder strengths."""

    name: str
    strength_model: float = 1.0
    strength_clip: float = 1.0


def extract_lora_tags(text: str) -> tuple[str, list[LoraTag]]:
    """Remove every ``<lora:...>`` tag from ``text``; return the text left and the tags, in order.

    The commas and whitespace around removed tags collapse to one separator:
    ``"a, <lora:x:1>, b"`` becomes ``"a, b"``, ``"<lora:x> a"`` becomes ``"a"``. A malformed tag (no
    name, a strength that is not a plain decimal, more than two strengths) is removed too but gives
    no :class:`LoraTag`; :func:`stripstudio.prompting.prompt_problems` reports it.
    """
    tags: list[LoraTag] = []
    kept: list[str] = []
    position = 0
    for start, end in _tag_runs(text):
        for match in LORA_TAG.finditer(text, start, end):
            with contextlib.suppress(ValueError):  # malformed: left to prompt_problems
                tags.append(read_lora_tag(match.group(1)))
        kept += [text[position:start], _separator_left(text, start, end)]
        position = end
    kept.append(text[position:])
    return "".join(kept), tags


def _tag_runs(text: str) -> list[tuple[int, int]]:
    """Spans of tags that only commas and whitespace separate, widened over the separators around them."""
    runs: list[tuple[int, int]] = []
    for match in LORA_TAG.finditer(text):
        start, end = match.span()
        while start > 0 and _is_separator(text[start - 1]):
            start -= 1
        while end < len(text) and _is_separator(text[end]):
            end += 1
        if runs and start <= runs[-1][1]:
            start = runs.pop()[0]
        runs.append((start, end))
    return runs


def _is_separator(char: str) -> bool:
    return char == "," or char.isspace()


def _separator_left(text: str, start: int, end: int) -> str:
    """What replaces a run of tags: nothing at an edge of the text or of a bracket group,
    else a comma, newline or space if the run held one."""
    before = text[start - 1] if start > 0 else None
    after = text[end] if end < len(text) else None
    if before is None or after is None or before in _OPENERS or after in _CLOSERS:
        return ""
    separators = LORA_TAG.sub("", text[start:end])
    if "," in separators:
        return ", " if any(c.isspace() for c in separators) else ","
    if "\n" in separators:
        return "\n"
    return " " if separators else ""


def read_lora_tag(body: str) -> LoraTag:
    """The tag whose inside (between ``<lora:`` and ``>``) is ``body``; ValueError saying what is wrong."""
    name, *values = (part.strip() for part in body.split(":"))
    if not name:
        raise ValueError("the LoRA tag has no name: write <lora:NAME:STRENGTH>")
    if len(values) > 2:
        raise ValueError("a LoRA tag takes at most two strengths: <lora:NAME:MODEL:CLIP>")
    strengths = [_strength(value) for value in values]
    strength_model = strengths[0] if strengths else 1.0
    strength_clip = strengths[1] if len(strengths) > 1 else strength_model
    return LoraTag(name, strength_model, strength_clip)


def _strength(text: str) -> float:
    value = float(text) if _DECIMAL.fullmatch(text) else math.nan
    if not math.isfinite(value):
        raise ValueError(f"LoRA strength {text!r} is not a number: write a decimal such as 0.8")
    return value


def format_lora_tag(tag: LoraTag) -> str:
    """``<lora:NAME:W>`` when both strengths are equal, else ``<lora:NAME:WM:WC>`` (model first).

    Numbers are written exactly (shortest form, never an exponent), so the tag reads back the same.
    ValueError for a name that a tag cannot hold (empty, ``:``, ``<``, ``>``, surrounding whitespace) or a
    strength that is not finite.
    """
    name = tag.name
    if not name or name != name.strip() or any(char in name for char in ":<>"):
        raise ValueError(f"{name!r} cannot be written as a LoRA tag name")
    strengths = (tag.strength_model, tag.strength_clip)
    if not all(math.isfinite(value) for value in strengths):
        raise ValueError(f"LoRA strengths must be finite, not {strengths}")
    if tag.strength_model == tag.strength_clip:
        return f"<lora:{name}:{format_number(tag.strength_model)}>"
    return f"<lora:{name}:{format_number(tag.strength_model)}:{format_number(tag.strength_clip)}>"


def format_number(value: float) -> str:
    """A finite float as a plain decimal that reads back exactly: ``1.21``, ``2``, ``0.0001``, no exponent."""
    text = format(Decimal(repr(value + 0.0)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
