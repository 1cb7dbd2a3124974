"""How each kind of bubble looks by default: font, size, colours, outline and tail."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from stripstudio.domain.bubble import BubbleKind, LetteringStyle

Color = tuple[int, int, int]

BLACK: Color = (0, 0, 0)
WHITE: Color = (255, 255, 255)
PALE_YELLOW: Color = (255, 246, 196)
SFX_YELLOW: Color = (255, 214, 10)

REFERENCE_WIDTH = 800  # font sizes and line widths are given for a panel this wide
OUTLINE_WIDTH = 3.0  # pixels at REFERENCE_WIDTH
MIN_SIZE_FRACTION = 0.5  # text may shrink to this fraction of its wanted size to fit
MIN_SIZE_PX = 8
MAX_AUTO_HEIGHT = 0.5  # an auto-sized bubble grows to at most this fraction of the panel height


class TailStyle(StrEnum):
    """What points from a bubble to its speaker."""

    WEDGE = "wedge"
    BUBBLES = "bubbles"
    NONE = "none"


class SpeechShape(StrEnum):
    """Outline of a speech bubble: an ellipse, a rounded box, or whichever suits the bubble's aspect."""

    AUTO = "auto"
    ELLIPSE = "ellipse"
    BOX = "box"


@dataclass(frozen=True)
class KindStyle:
    """Defaults for one kind of bubble.

    ``font_size`` is in pixels for a panel REFERENCE_WIDTH wide; ``aspect`` is the width/height an
    auto-sized text block aims for; ``max_width`` caps an auto-sized bubble as a fraction of the
    panel width. ``text_stroke`` is the letters' outline in pixels at REFERENCE_WIDTH (None: the
    kind's own, which is none except for sound effects).
    """

    font: str
    font_size: float
    fill: Color = WHITE
    text_color: Color = BLACK
    border: Color = BLACK
    bold: bool = False
    italic: bool = False
    text_stroke: float | None = None
    dashed: bool = False
    tail: TailStyle = TailStyle.WEDGE
    aspect: float = 2.0
    max_width: float = 0.6


KIND_STYLES: dict[BubbleKind, KindStyle] = {
    BubbleKind.SPEECH: KindStyle("Comic Neue", 28),
    BubbleKind.THOUGHT: KindStyle("Comic Neue", 28, tail=TailStyle.BUBBLES),
    BubbleKind.SHOUT: KindStyle("Bangers", 36, bold=True),
    BubbleKind.WHISPER: KindStyle("Comic Neue", 24, text_color=(70, 70, 70), dashed=True),
    BubbleKind.CAPTION: KindStyle("Comic Neue", 24, fill=PALE_YELLOW, tail=TailStyle.NONE, aspect=5, max_width=0.9),
    BubbleKind.SFX: KindStyle("Bangers", 80, fill=SFX_YELLOW, tail=TailStyle.NONE, aspect=8, max_width=0.9),
}


def resolved_style(kind: BubbleKind, *levels: LetteringStyle | None) -> KindStyle:
    """The defaults of ``kind`` with every field set in ``levels`` applied (later levels win)."""
    style = KIND_STYLES[kind]
    for level in levels:
        if level is None:
            continue
        style = replace(
            style,
            fill=_rgb(level.fill) or style.fill,
            border=_rgb(level.border_color) or style.border,
            text_color=_rgb(level.text_color) or style.text_color,
            bold=style.bold if level.bold is None else level.bold,
            italic=style.italic if level.italic is None else level.italic,
            text_stroke=style.text_stroke if level.text_stroke is None else level.text_stroke,
        )
    return style


def _rgb(color: str | None) -> Color | None:
    """``"#rrggbb"`` as an (r, g, b) tuple."""
    if color is None:
        return None
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def hex_color(color: Color) -> str:
    """An (r, g, b) tuple as ``"#rrggbb"``."""
    return "#{:02x}{:02x}{:02x}".format(*color)
