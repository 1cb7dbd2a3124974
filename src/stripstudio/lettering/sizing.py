"""One bubble's body and fitted text, centred on the origin, before it is placed in the panel.

A bubble with a width and height keeps them and its text shrinks to fit. A bubble without
(auto-size) starts from an estimate of the room its text needs at the wanted size and grows,
up to its kind's limit, before the text is allowed to shrink.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from stripstudio.domain.bubble import Bubble, BubbleKind
from stripstudio.lettering.errors import LetteringError
from stripstudio.lettering.fonts import FontChain
from stripstudio.lettering.shapes import STARBURST_INNER, Body, body_for
from stripstudio.lettering.style import (
    KIND_STYLES,
    MAX_AUTO_HEIGHT,
    MIN_SIZE_FRACTION,
    MIN_SIZE_PX,
    OUTLINE_WIDTH,
    REFERENCE_WIDTH,
    KindStyle,
    SpeechShape,
)
from stripstudio.lettering.text_fit import LINE_SPACING, FittedText, fit_text
from stripstudio.lettering.tokens import tokenize

GROWTH = 1.08  # an auto-sized bubble grows by this factor per try
START = 0.85  # and starts a little under the estimate, so that it ends up snug


@dataclass(frozen=True)
class SizedBubble:
    """A bubble's body (None for SFX) and its text, both centred on the origin, in pixels."""

    bubble: Bubble
    style: KindStyle
    body: Body | None
    text: FittedText
    outline_width: float
    stroke_width: int


def size_bubble(
    bubble: Bubble,
    chain: FontChain,
    panel_size: tuple[int, int],
    label: str,
    speech_shape: SpeechShape = SpeechShape.AUTO,
    style: KindStyle | None = None,
) -> SizedBubble:
    """Fit ``bubble``'s text in its body (growing an auto-sized body first); LetteringError if it cannot.

    ``style`` is the bubble's look (default: its kind's).
    """
    style = style or KIND_STYLES[bubble.kind]
    scale = panel_size[0] / REFERENCE_WIDTH
    high = max(MIN_SIZE_PX, round((bubble.font_size or style.font_size) * scale))
    low = min(high, max(MIN_SIZE_PX, round(high * MIN_SIZE_FRACTION)))
    outline = max(1.0, OUTLINE_WIDTH * scale)
    stroke = _stroke(bubble.kind, style, high, scale)
    padding = _padding(bubble.kind, high, outline, stroke)
    fixed = (
        bubble.width * panel_size[0] if bubble.width else None,
        bubble.height * panel_size[1] if bubble.height else None,
    )
    limits = (style.max_width * panel_size[0], MAX_AUTO_HEIGHT * panel_size[1])

    def build(width: float, height: float) -> Body:
        return body_for(bubble.kind, width, height, padding, speech_shape)

    size = _estimate(bubble, chain, high, style, padding)
    size = (fixed[0] or min(size[0], limits[0]), fixed[1] or min(size[1], limits[1]))
    body, text = _grow(bubble.text, chain, build, size, fixed, limits, high)
    if text is None:
        text = fit_text(bubble.text, body.text_region, chain, max_size=high, min_size=low)
    if text is None:
        raise LetteringError(_too_long(label, fixed, low))
    return SizedBubble(bubble, style, None if bubble.kind == BubbleKind.SFX else body, text, outline, stroke)


def _stroke(kind: BubbleKind, style: KindStyle, size: int, scale: float) -> int:
    """The width of the letters' outline in pixels: the style's, else a twelfth of the size for SFX."""
    if style.text_stroke is not None:
        return round(style.text_stroke * scale)
    return max(1, round(size / 12)) if kind == BubbleKind.SFX else 0


def _padding(kind: BubbleKind, size: int, outline: float, stroke: int) -> float:
    """Room between the outline and the text, in pixels."""
    if kind == BubbleKind.SFX:
        return stroke + 1.0
    if kind == BubbleKind.CAPTION:
        return outline + stroke + 0.45 * size
    return outline + stroke + 0.3 * size


def _estimate(bubble: Bubble, chain: FontChain, size: int, style: KindStyle, padding: float) -> tuple[float, float]:
    """Body size for the text at ``size`` in a block shaped about ``style.aspect``, a little under what it needs."""
    tokens = tokenize(bubble.text)
    widths = [chain.width(t.text, size) for t in tokens]
    total = sum(widths) + chain.width(" ", size) * sum(t.space_before for t in tokens)
    ascent, descent = chain.metrics(bubble.text, size)
    pitch = size * LINE_SPACING
    lines = 1 + sum(t.break_before for t in tokens)
    width = max(math.sqrt(total * pitch * style.aspect), max(widths))
    if total > width * lines:
        lines = math.ceil(total / width)
    else:
        width = min(width, total)
    height = (lines - 1) * pitch + ascent + descent
    grow = _ROOM_FACTOR.get(bubble.kind, math.sqrt(2))
    start = START if grow > 1 else 1.0
    return ((width + 2 * padding) * grow * start + 1, (height + 2 * padding) * grow * start + 1)


# Body size over text block size: an ellipse needs sqrt(2) around a box; a cloud's bumps and a
# starburst's spikes take more.
_ROOM_FACTOR = {
    BubbleKind.CAPTION: 1.0,
    BubbleKind.SFX: 1.0,
    BubbleKind.SHOUT: math.sqrt(2) / STARBURST_INNER,
    BubbleKind.THOUGHT: math.sqrt(2) * 1.15,
}


def _grow(text, chain, build, size, fixed, limits, font_size) -> tuple[Body, FittedText | None]:
    """Grow the free dimensions of the body until ``text`` fits at ``font_size`` or the limits are reached."""
    width, height = size
    while True:
        body = build(width, height)
        fitted = fit_text(text, body.text_region, chain, max_size=font_size, min_size=font_size)
        at_limit = (fixed[0] or width >= limits[0]) and (fixed[1] or height >= limits[1])
        if fitted is not None or at_limit:
            return body, fitted
        if not fixed[0]:
            width = min(width * GROWTH, max(limits[0], width))
        if not fixed[1]:
            height = min(height * GROWTH, max(limits[1], height))


def _too_long(label: str, fixed: tuple[float | None, float | None], low: int) -> str:
    advice = "enlarge the bubble (width/height)" if all(fixed) else "give the bubble a larger width and height"
    return f"{label}: the text does not fit even at {low} px; shorten the text or {advice}"
