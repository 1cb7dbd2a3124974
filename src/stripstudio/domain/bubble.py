"""Lettering attached to a panel: what is said, thought or heard, by whom, and where it sits."""

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from stripstudio.domain.base import NAME_MAX, PATH_MAX, DomainModel

Fraction = float  # a position or size as a fraction of the panel's width or height (0..1)
Color = Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$", max_length=7, description="A colour as #rrggbb.")]
TAILS_MAX = 4  # extra tails of one bubble (a bubble spoken by several characters)


class BubbleKind(StrEnum):
    """The kinds of lettering a panel can carry."""

    SPEECH = "speech"
    THOUGHT = "thought"
    SHOUT = "shout"
    WHISPER = "whisper"
    CAPTION = "caption"
    SFX = "sfx"


class LetteringStyle(DomainModel):
    """How bubbles look, field by field; anything unset falls back to the next level.

    A bubble's own values win over its comic's lettering style, which wins over the defaults of the
    bubble's kind. ``text_stroke`` is the width of an outline around each letter, in pixels for a
    panel 800 pixels wide (sound effects have one by default).
    """

    fill: Color | None = None
    border_color: Color | None = None
    text_color: Color | None = None
    bold: bool | None = None
    italic: bool | None = None
    text_stroke: float | None = Field(None, ge=0, le=20)


class TailTip(DomainModel):
    """Where one more tail of a bubble points (fractions of the panel; outside 0..1 is off the panel)."""

    x: Fraction = Field(ge=-0.5, le=1.5)
    y: Fraction = Field(ge=-0.5, le=1.5)


class Bubble(LetteringStyle):
    """One bubble, caption box or sound effect; the speaker is a character's name.

    Geometry is in fractions of the panel (0..1), so it survives any resize: ``x``/``y`` is the
    centre of the bubble, ``width``/``height`` its size, ``tail_x``/``tail_y`` the tip of its
    tail (toward the speaker). Anything left unset is placed automatically. ``font_size`` is in
    pixels for a panel 800 pixels wide and scales with the panel. The order of a panel's bubbles
    is their reading order and their stacking order (later ones on top). ``tails`` are more tail
    tips, for a bubble spoken by several characters at once. The style fields (fill, colours,
    bold, italic, text stroke) override the comic's lettering style.
    """

    kind: BubbleKind = BubbleKind.SPEECH
    text: str = Field(min_length=1, max_length=2000)
    speaker: str | None = Field(None, max_length=NAME_MAX)
    x: Fraction | None = Field(None, ge=0, le=1)
    y: Fraction | None = Field(None, ge=0, le=1)
    width: Fraction | None = Field(None, gt=0, le=1)
    height: Fraction | None = Field(None, gt=0, le=1)
    tail_x: Fraction | None = Field(None, ge=-0.5, le=1.5)
    tail_y: Fraction | None = Field(None, ge=-0.5, le=1.5)
    font: str | None = Field(
        None, max_length=PATH_MAX, description="Font family name or a .ttf/.otf/.woff file; default by kind."
    )
    font_size: float | None = Field(None, gt=0, le=400)
    rotation: float = Field(0.0, ge=-180, le=180, description="Degrees, counter-clockwise (mostly for SFX).")
    tails: list[TailTip] = Field(default_factory=list, max_length=TAILS_MAX)
