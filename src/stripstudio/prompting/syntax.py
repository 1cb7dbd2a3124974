r"""The prompt weight syntax of AUTOMATIC1111 (and ComfyUI), and ``<lora:...>`` tags.

Weights follow A1111's ``parse_prompt_attention``:

- ``(text)`` multiplies the weight of ``text`` by 1.1, ``[text]`` divides it by 1.1 and
  ``(text:1.3)`` multiplies it by 1.3. Nesting multiplies: ``((text:1.5))`` is 1.5 × 1.1.
- ``\(``, ``\)``, ``\[``, ``\]`` and ``\\`` are the literal characters.
- A ``(`` or ``[`` that is never closed weighs the rest of the prompt; a ``)`` or ``]`` without
  an opener is an ordinary character.
- In ``(text:W)`` the weight must be a plain decimal (A1111's regular expression accepts only
  digits, a dot and a sign). Anything else, including ``nan``, ``inf``, ``1e5`` or a number too
  large to be finite, is text: ``(a:b)`` is the text ``a:b`` weighted 1.1.
- ``BREAK`` (upper case, a word of its own) starts a new 75-token chunk of the text encoder.
  It becomes a :data:`BREAK` fragment.

Deliberate differences from A1111, none of which changes a prompt that A1111 reads sensibly:

- A lone backslash (not before a bracket or backslash) is kept; A1111 drops it.
- ``BREAK`` inside brackets is still a break and never carries a weight; A1111 multiplies its
  marker and so turns it into the plain word "BREAK".
- Whitespace next to a ``BREAK`` is dropped and empty fragments are left out, so an empty prompt
  has no fragments (A1111 returns one empty fragment).
- Weights stay finite: a product that overflows is clamped to the largest float.

LoRA tags: ``<lora:NAME>`` (strength 1), ``<lora:NAME:W>`` (both strengths W) and
``<lora:NAME:WM:WC>``, where WM scales the UNet ("model" in ComfyUI's LoraLoader) and WC the text
encoders ("clip"). This model-first order is ours and ComfyUI's; A1111's own two-number form
``<lora:NAME:TE:UNET>`` puts the text-encoder strength first. Tags are removed from the text
before the weights are read, so a LoRA name may contain brackets.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from stripstudio.prompting.lora_tags import (
    LoraTag,
    extract_lora_tags,
    format_lora_tag,
    format_number,
)

__all__ = [
    "BREAK",
    "LoraTag",
    "ParsedPrompt",
    "WeightedFragment",
    "extract_lora_tags",
    "format_fragments",
    "format_lora_tag",
    "parse_prompt",
    "parse_weights",
    "split_top_level_commas",
    "to_comfyui",
]


ROUND_MULTIPLIER = 1.1
SQUARE_MULTIPLIER = 1 / 1.1

TOKEN = re.compile(
    r"""
      (?P<escape>\\[()\[\]\\])
    | (?P<open_round>\()
    | (?P<open_square>\[)
    | (?P<weight_close>:\s*(?P<weight>[+-]?[.\d]+)\s*\))
    | (?P<close_round>\))
    | (?P<close_square>\])
    | (?P<text>[^\\()\[\]:]+|:|\\)
    """,
    re.VERBOSE,
)
"""One token of the weight syntax; ``lastgroup`` names its kind. The alternatives are A1111's, in
its order, and together match every character, so ``finditer`` walks the whole text."""
# A1111 splits at r"\s*\bBREAK\b\s*", which is quadratic on long whitespace; _tidy drops the spaces.
_BREAK = re.compile(r"\bBREAK\b")
_LORA_OPENING = re.compile(r"<lora:", re.IGNORECASE)
_A1111_SPECIAL = re.compile(r"[\\()\[\]]")
_COMFYUI_SPECIAL = re.compile(r"[()]")
_COMMA = re.compile(",")


@dataclass(frozen=True, slots=True)
class WeightedFragment:
    """A run of prompt text whose tokens all get the same attention ``weight``.

    A fragment with ``is_break`` set is the ``BREAK`` keyword (see :data:`BREAK`): the text
    encoder starts a new chunk there. Its text is ``"BREAK"`` and its weight 1.0, always.
    """

    text: str
    weight: float = 1.0
    is_break: bool = False


BREAK = WeightedFragment("BREAK", 1.0, is_break=True)
"""The marker fragment for the ``BREAK`` keyword."""


@dataclass(frozen=True, slots=True)
class ParsedPrompt:
    """A prompt read in full: weighted fragments, the LoRA tags taken out, and the text without them."""

    fragments: tuple[WeightedFragment, ...]
    loras: tuple[LoraTag, ...]
    text_without_tags: str


def parse_prompt(text: str) -> ParsedPrompt:
    """Take the ``<lora:...>`` tags out of ``text``, then read the weights of what is left."""
    without_tags, loras = extract_lora_tags(text)
    return ParsedPrompt(parse_weights(without_tags), tuple(loras), without_tags)


def parse_weights(text: str) -> tuple[WeightedFragment, ...]:
    """The weighted fragments of ``text`` (no LoRA tag handling), adjacent equal weights merged.

    ``parse_weights("a ((b)) [c]")`` gives ``a `` at 1.0, ``b`` at 1.21, `` `` at 1.0 and ``c`` at
    1/1.1.
    """
    rounds, squares = _GroupTree(ROUND_MULTIPLIER), _GroupTree(SQUARE_MULTIPLIER)
    pieces: list[tuple[str, int, int] | None] = []  # (text, round group, square group) or None = BREAK

    def add_text(text: str) -> None:
        for i, part in enumerate(_BREAK.split(text)):
            if i:
                pieces.append(None)
            pieces.append((part, rounds.current, squares.current))

    for match in TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "escape":
            pieces.append((token[1], rounds.current, squares.current))
        elif kind == "open_round":
            rounds.open()
        elif kind == "open_square":
            squares.open()
        elif kind == "weight_close" and rounds.is_open:
            weight = read_weight(match.group("weight"))
            if weight is None:  # not a number: the colon and digits are text, the group a plain (...)
                add_text(token[:-1])
            rounds.close(ROUND_MULTIPLIER if weight is None else weight)
        elif kind == "close_round" and rounds.is_open:
            rounds.close(ROUND_MULTIPLIER)
        elif kind == "close_square" and squares.is_open:
            squares.close(SQUARE_MULTIPLIER)
        else:
            add_text(token)
    return _tidy(_weigh(pieces, rounds.weights(), squares.weights()))


def _weigh(
    pieces: list[tuple[str, int, int] | None], round_weights: list[float], square_weights: list[float]
) -> list[WeightedFragment]:
    fragments = []
    for piece in pieces:
        if piece is None:
            fragments.append(BREAK)
            continue
        text, round_group, square_group = piece
        weight = _clamp(round_weights[round_group] * square_weights[square_group])
        fragments.append(WeightedFragment(text, weight))
    return fragments


class _GroupTree:
    """The nested groups of one bracket kind.

    Text records the innermost group open when it was read; a group's multiplier is known only when
    it closes. Resolving the weights once at the end keeps parsing linear in the prompt's length
    even for deep nesting (A1111 re-multiplies every earlier fragment at each closing bracket).
    """

    def __init__(self, unclosed_multiplier: float) -> None:
        self._unclosed_multiplier = unclosed_multiplier
        self._parents = [0]
        self._multipliers = [1.0]
        self._open = [0]  # group 0 is the whole prompt and never closes

    @property
    def current(self) -> int:
        return self._open[-1]

    @property
    def is_open(self) -> bool:
        return len(self._open) > 1

    def open(self) -> None:
        self._parents.append(self.current)
        self._multipliers.append(self._unclosed_multiplier)
        self._open.append(len(self._parents) - 1)

    def close(self, multiplier: float) -> None:
        self._multipliers[self._open.pop()] = multiplier

    def weights(self) -> list[float]:
        """The product of the multipliers from the root down to each group (parents come first)."""
        weights = [1.0]
        for group in range(1, len(self._parents)):
            weights.append(_clamp(weights[self._parents[group]] * self._multipliers[group]))
        return weights


def _tidy(fragments: list[WeightedFragment]) -> tuple[WeightedFragment, ...]:
    """Merge equal neighbours, drop empty text and whitespace next to a BREAK."""
    runs: list[tuple[float, list[str]] | None] = []  # (weight, texts) or None = BREAK
    for fragment in fragments:
        if fragment.is_break:
            _strip_end(runs)
            runs.append(None)
            continue
        text = fragment.text.lstrip() if runs and runs[-1] is None else fragment.text
        if not text:
            continue
        last = runs[-1] if runs else None
        if last is not None and last[0] == fragment.weight:
            last[1].append(text)
        else:
            runs.append((fragment.weight, [text]))
    return tuple(BREAK if run is None else WeightedFragment("".join(run[1]), run[0]) for run in runs)


def _strip_end(runs: list[tuple[float, list[str]] | None]) -> None:
    """Remove the whitespace at the end of the text runs before a BREAK."""
    while runs and runs[-1] is not None:
        texts = runs[-1][1]
        while texts and not texts[-1].rstrip():
            texts.pop()
        if texts:
            texts[-1] = texts[-1].rstrip()
            return
        runs.pop()


def read_weight(text: str) -> float | None:
    """The number in a ``(text:W)`` group, or None where it is not a finite float (then it is text)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _clamp(value: float) -> float:
    return max(-sys.float_info.max, min(sys.float_info.max, value))


def format_fragments(fragments: Sequence[WeightedFragment]) -> str:
    """Write fragments in canonical A1111 syntax: ``(text:1.3)``, weight-1 text plain, brackets escaped.

    Weights are rounded to 4 decimals, and neighbours that then weigh the same are written as one.
    ``parse_weights(format_fragments(f))`` gives back ``f`` up to that rounding. Text that would
    otherwise read as syntax (the word ``BREAK``, ``<lora:``) gets an empty ``()`` inside it.
    """
    parts: list[str | None] = []
    for fragment in _rounded(fragments):
        if fragment.is_break:
            parts.append(None)
        elif fragment.weight == 1.0:
            parts.append(_escape_a1111(fragment.text))
        else:
            parts.append(f"({_escape_a1111(fragment.text)}:{format_number(fragment.weight)})")
    return _join_with_breaks(parts)


def to_comfyui(text: str) -> str:
    """Rewrite an A1111-style prompt so that ComfyUI's CLIPTextEncode weighs it the same way.

    ComfyUI reads ``(text)`` and ``(text:W)``, but an inner explicit weight replaces the outer one
    instead of multiplying it, ``[text]`` is plain text, only ``\\(`` and ``\\)`` are escapes and
    ``<lora:...>`` tags mean nothing. So the weights are resolved here and written as flat
    ``(text:W)`` groups (weight-1 text plain); LoRA tags are dropped (use :func:`parse_prompt` for
    them). ``BREAK`` is kept as the word ``BREAK`` between spaces, which core ComfyUI reads as an
    ordinary word: a graph builder that supports chunks should split the text there.
    """
    parts: list[str | None] = []
    for fragment in _rounded(parse_prompt(text).fragments):
        if fragment.is_break:
            parts.append(None)
            continue
        body = _COMFYUI_SPECIAL.sub(r"\\\g<0>", fragment.text)
        if fragment.weight == 1.0:
            # ComfyUI would read a trailing backslash and the next group's "(" as an escape.
            parts.append(body + " " if body.endswith("\\") else body)
        else:
            parts.append(f"({body}:{format_number(fragment.weight)})")
    return _join_with_breaks(parts)


def _rounded(fragments: Sequence[WeightedFragment]) -> list[WeightedFragment]:
    """Weights rounded to 4 decimals; neighbours equal after rounding merged; empty text dropped."""
    runs: list[tuple[float, list[str]] | None] = []  # (weight, texts) or None = BREAK
    for fragment in fragments:
        if fragment.is_break:
            runs.append(None)
            continue
        weight = round(fragment.weight, 4) + 0.0  # + 0.0 turns -0.0 into 0.0
        last = runs[-1] if runs else None
        if last is not None and last[0] == weight:
            last[1].append(fragment.text)
        elif fragment.text:
            runs.append((weight, [fragment.text]))
    return [BREAK if run is None else WeightedFragment("".join(run[1]), run[0]) for run in runs]


def _escape_a1111(text: str) -> str:
    text = _A1111_SPECIAL.sub(r"\\\g<0>", text)
    # An empty "()" changes no weight but keeps these from being read as a break or a LoRA tag.
    text = _BREAK.sub("BREA()K", text)
    return _LORA_OPENING.sub(lambda match: match.group()[:-1] + "():", text)


def _join_with_breaks(parts: list[str | None]) -> str:
    """Join written fragments, ``None`` standing for BREAK, with a space between BREAK and text."""
    chunks: list[list[str]] = [[]]
    for part in parts:
        if part is None:
            chunks.append([])
        else:
            chunks[-1].append(part)
    text = " BREAK ".join("".join(chunk) for chunk in chunks)
    if len(chunks) > 1:
        text = text[1:] if not chunks[0] else text
        text = text[:-1] if not chunks[-1] else text
    return text


def split_top_level_commas(text: str) -> list[str]:
    """Split ``text`` at the commas outside brackets; escaped brackets do not count as brackets.

    ``"(red hair, blue eyes:1.2), smiling"`` gives ``["(red hair, blue eyes:1.2)", " smiling"]``.
    The pieces are returned as written (not stripped); joined with commas they give ``text`` back.
    """
    pieces: list[str] = []
    start = rounds = squares = 0
    for match in TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open_round":
            rounds += 1
        elif kind == "open_square":
            squares += 1
        elif kind in ("close_round", "weight_close") and rounds:
            rounds -= 1
        elif kind == "close_square" and squares:
            squares -= 1
        elif kind == "text" and rounds == squares == 0:
            for comma in _COMMA.finditer(match.group()):
                pieces.append(text[start : match.start() + comma.start()])
                start = match.start() + comma.end()
    pieces.append(text[start:])
    return pieces
