"""Lettering attached to a panel: what is said, thought or heard, by whom, and where it sits."""

from enum import StrEnum

from pydantic import Field

from stripstudio.domain.base import NAME_MAX, PATH_MAX, DomainModel

Fraction = float  # a position or size as a fraction of the panel's width or height (0..1)


class BubbleKind(StrEnum):
    """The kinds of lettering a panel can carry."""

    SPEECH = "speech"
    THOUGHT = "thought"
    SHOUT = "shout"
    WHISPER = "whisper"
    CAPTION = "caption"
    SFX = "sfx"


class Bubble(DomainModel):
    """One bubble, caption box or sound effect; the speaker is a character's name.

    Geometry is in fractions of the panel (0..1), so it survives any resize: ``x``/``y`` is the
    centre of the bubble, ``width``/``height`` its size, ``tail_x``/``tail_y`` the tip of its
    tail (toward the speaker). Anything left unset is placed automatically. ``font_size`` is in
    pixels for a panel 800 pixels wide and scales with the panel. The order of a panel's bubbles
    is their stacking order (later ones on top).
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
