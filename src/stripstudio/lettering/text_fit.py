"""Fit text inside a shape: the largest font size whose balanced lines all lie inside it.

Lines are centred on the shape's middle and stacked at a fixed pitch. For each candidate
number of lines the room on each line is measured from the shape itself (an ellipse gives short
top and bottom lines and long middle ones) and the words are split to fill those rooms evenly.
Very long words are broken with a hyphen only when nothing fits without breaking them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from shapely.geometry import Polygon, box

from stripstudio.lettering.fonts import FontChain, FontFace
from stripstudio.lettering.tokens import Token, break_long_words, tokenize
from stripstudio.lettering.wrap import Breaks, wrap_balanced

LINE_SPACING = 1.2  # baseline-to-baseline distance, in font sizes
SHAPE_WEIGHT = 0.15  # how much a text block shaped like its bubble counts against evenly full lines
EXTRA_LINES = 3  # line counts tried beyond the fewest that fit
_BREAK_TARGETS = (1.0, 0.75, 0.5)  # pieces of a broken word fill at most these fractions of the widest line


@dataclass(frozen=True)
class TextPiece:
    """A run of text in one face, drawn with its left pen position at ``x`` on its line's baseline."""

    text: str
    face: FontFace
    x: float


@dataclass(frozen=True)
class TextLine:
    """One line: its text (with an inserted hyphen when ``hyphenated``), position, size and pieces."""

    text: str
    x: float
    baseline: float
    width: float
    ascent: float
    descent: float
    hyphenated: bool
    pieces: tuple[TextPiece, ...]

    @property
    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom): the advance width by the fonts' full ascent and descent."""
        return (self.x, self.baseline - self.ascent, self.x + self.width, self.baseline + self.descent)

    def moved(self, dx: float, dy: float) -> TextLine:
        """The same line shifted by (dx, dy)."""
        pieces = tuple(TextPiece(p.text, p.face, p.x + dx) for p in self.pieces)
        return TextLine(
            self.text, self.x + dx, self.baseline + dy, self.width, self.ascent, self.descent, self.hyphenated, pieces
        )


@dataclass(frozen=True)
class FittedText:
    """Text laid out in lines at one font size (pixels)."""

    size: int
    lines: tuple[TextLine, ...]

    @property
    def line_texts(self) -> list[str]:
        """The text of each line, as drawn: the line breaks the renderer chose."""
        return [line.text for line in self.lines]

    def moved(self, dx: float, dy: float) -> FittedText:
        """The same text shifted by (dx, dy)."""
        return FittedText(self.size, tuple(line.moved(dx, dy) for line in self.lines))


def fit_text(text: str, region: Polygon, chain: FontChain, *, max_size: int, min_size: int) -> FittedText | None:
    """The largest size in [min_size, max_size] at which ``text`` fits ``region``; None if none does.

    Every line's box lies inside ``region``. Words are broken with hyphens only when the text fits
    at no size without breaking.
    """
    tokens = tokenize(text)
    if not tokens or region.is_empty:
        return None
    for breaking in (False, True):
        fitted = _largest_fit(tokens, region, chain, min_size, max_size, breaking)
        if fitted is not None:
            return fitted
    return None


def _largest_fit(
    tokens: list[Token], region: Polygon, chain: FontChain, low: int, high: int, breaking: bool
) -> FittedText | None:
    """Binary search for the largest fitting size (fit is close enough to monotonic in the size)."""
    best = _fit_at(tokens, region, chain, high, breaking)
    if best is not None:
        return best
    high -= 1
    while low <= high:
        middle = (low + high) // 2
        fitted = _fit_at(tokens, region, chain, middle, breaking)
        if fitted is not None:
            best, low = fitted, middle + 1
        else:
            high = middle - 1
    return best


@dataclass(frozen=True)
class _Frame:
    """Vertical metrics of a candidate layout at one size."""

    size: int
    ascent: float
    descent: float
    pitch: float

    def bands(self, center_y: float, lines: int) -> list[tuple[float, float]]:
        """(top, bottom) of each line's box for ``lines`` lines centred on ``center_y``."""
        top = center_y - ((lines - 1) * self.pitch + self.ascent + self.descent) / 2
        return [(top + k * self.pitch, top + k * self.pitch + self.ascent + self.descent) for k in range(lines)]


def _fit_at(tokens: list[Token], region: Polygon, chain: FontChain, size: int, breaking: bool) -> FittedText | None:
    """The best-scoring layout of ``tokens`` at ``size`` over every possible number of lines."""
    ascent, descent = chain.metrics(" ".join(t.text for t in tokens), size)
    frame = _Frame(size, ascent, descent, size * LINE_SPACING)
    min_x, min_y, max_x, max_y = region.bounds
    center = ((min_x + max_x) / 2, (min_y + max_y) / 2)
    total = sum(chain.width(t.text, size) for t in tokens) + chain.width(" ", size) * sum(
        t.space_before for t in tokens
    )
    most = int((max_y - min_y - ascent - descent) // frame.pitch) + 1
    fewest = max(1 + sum(t.break_before for t in tokens), math.ceil(total / (max_x - min_x)))
    best: tuple[float, FittedText] | None = None
    first_fit = None
    for lines in range(fewest, most + 1):
        if first_fit is not None and lines > first_fit + EXTRA_LINES:
            break
        capacities = [_capacity(region, center[0], top, bottom) for top, bottom in frame.bands(center[1], lines)]
        if min(capacities) <= 0 or sum(capacities) < total:
            continue
        for candidate in _token_choices(tokens, chain, size, max(capacities), breaking):
            tried = _try_lines(candidate, chain, frame, capacities, center, region)
            if tried is not None:
                score = _score(*tried, region)
                if best is None or score < best[0]:
                    best = (score, tried[0])
                first_fit = lines if first_fit is None else first_fit
                break
    return best[1] if best else None


def _token_choices(tokens: list[Token], chain: FontChain, size: int, widest: float, breaking: bool):
    """The tokens as they are, or (when breaking) with long words split for ever narrower targets."""
    if not breaking:
        yield tokens
        return
    for fraction in _BREAK_TARGETS:
        target = widest * fraction
        broken = break_long_words(tokens, functools.partial(_fits, chain, size, target))
        if len(broken) > len(tokens):
            yield broken


def _try_lines(
    tokens: list[Token],
    chain: FontChain,
    frame: _Frame,
    capacities: Sequence[float],
    center: tuple[float, float],
    region: Polygon,
) -> tuple[FittedText, Breaks] | None:
    widths = [chain.width(t.text, frame.size) for t in tokens]
    space = chain.width(" ", frame.size)
    breaks = wrap_balanced(tokens, widths, space, capacities)
    if breaks is None:
        return None
    fitted = _build(tokens, breaks, chain, frame, center, space)
    inside = region.buffer(0.01)
    return (fitted, breaks) if all(inside.covers(box(*line.box)) for line in fitted.lines) else None


def _capacity(region: Polygon, center_x: float, top: float, bottom: float) -> float:
    """Width of the widest band [center_x ± w/2] x [top, bottom] that lies inside ``region``."""
    min_x, _, max_x, _ = region.bounds
    outside = box(min_x - 1, top, max_x + 1, bottom).difference(region)
    half = max_x - min_x
    for part in getattr(outside, "geoms", [outside]):
        if part.is_empty or part.area < 1e-6:
            continue
        left, _, right, _ = part.bounds
        if left <= center_x <= right:
            return 0.0
        half = min(half, center_x - right if right < center_x else left - center_x)
    return 2 * half


def _score(fitted: FittedText, breaks: Breaks, region: Polygon) -> float:
    """Lower is better: a text block shaped like the region, its lines evenly full of their room."""
    min_x, min_y, max_x, max_y = region.bounds
    block_width = max(line.width for line in fitted.lines)
    block_aspect = block_width / (fitted.lines[-1].box[3] - fitted.lines[0].box[1])
    shape = abs(math.log(block_aspect / ((max_x - min_x) / (max_y - min_y))))
    return SHAPE_WEIGHT * shape + breaks.cost / len(fitted.lines)


def _build(
    tokens: list[Token], breaks: Breaks, chain: FontChain, frame: _Frame, center: tuple[float, float], space: float
) -> FittedText:
    lines = []
    bands = frame.bands(center[1], len(breaks.spans))
    for (start, end), width, (top, _) in zip(breaks.spans, breaks.widths, bands, strict=True):
        x = center[0] - width / 2
        pieces, text = [], ""
        for index in range(start, end):
            token = tokens[index]
            if token.space_before and index > start:
                x, text = x + space, text + " "
            for run in chain.runs(token.text):
                pieces.append(TextPiece(run.text, run.face, x))
                x += run.face.length(run.text, frame.size)
            text += token.text
        baseline = top + frame.ascent
        hyphenated = tokens[end - 1].hyphenated
        lines.append(
            TextLine(
                text, center[0] - width / 2, baseline, width, frame.ascent, frame.descent, hyphenated, tuple(pieces)
            )
        )
    return FittedText(frame.size, tuple(lines))


def _fits(chain: FontChain, size: int, target: float, text: str) -> bool:
    return chain.width(text, size) <= target
