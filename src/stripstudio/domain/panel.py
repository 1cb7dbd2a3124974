"""One panel: what happens, who is in it, and how it is drawn."""

from typing import Annotated

from pydantic import Field

from stripstudio.domain.base import NAME_MAX, PATH_MAX, PROMPT_MAX, DomainModel
from stripstudio.domain.bubble import Bubble
from stripstudio.domain.region import CharacterRegion

BUBBLES_MAX = 50


class Panel(DomainModel):
    """A scene to draw, with optional sketch, size, candidate count, seed, sampling settings and lettering.

    ``follow_sketch`` is the single "follow my sketch" slider: 0 ignores the sketch, 1 follows it
    closely (it sets both the control strength and the fraction of steps the sketch guides).
    """

    name: str = Field("", max_length=NAME_MAX, description="A short name shown in lists and errors: 'the launch'.")
    id: str | None = Field(
        None,
        max_length=NAME_MAX,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
        description="Stable name; defaults to panel-NN.",
    )
    description: str = Field(
        min_length=1, max_length=PROMPT_MAX, description="Scene, action and pose in prompt language."
    )
    characters: list[Annotated[str, Field(max_length=NAME_MAX)]] = Field(
        default_factory=list, max_length=32, description="Names of the characters present."
    )
    shot: str | None = Field(
        None, max_length=NAME_MAX, description="Framing, e.g. 'close-up', 'full body', 'wide shot'."
    )
    negative_prompt: str = Field("", max_length=PROMPT_MAX)
    sketch: str | None = Field(None, max_length=PATH_MAX, description="Black-on-white drawing guiding the composition.")
    follow_sketch: float = Field(0.8, ge=0, le=1)
    width: int | None = Field(None, ge=64, le=4096, multiple_of=8)
    height: int | None = Field(None, ge=64, le=4096, multiple_of=8)
    candidates: int | None = Field(None, ge=1, le=16)
    seed: int | None = Field(None, ge=0, lt=2**32)
    steps: int | None = Field(None, ge=1, le=200, description="This panel's sampling steps; None follows the comic.")
    cfg: float | None = Field(None, ge=0, le=30, description="This panel's guidance scale; None follows the comic.")
    sampler: str | None = Field(None, min_length=1, max_length=NAME_MAX, description="None follows the comic.")
    scheduler: str | None = Field(None, min_length=1, max_length=NAME_MAX, description="None follows the comic.")
    regions: list[CharacterRegion] = Field(
        default_factory=list,
        max_length=8,
        description="Where each character stands; with two or more characters and none given, side by side.",
    )
    fix_faces: bool | None = Field(None, description="Redraw faces after drawing; None follows the comic.")
    fast: bool | None = Field(None, description="Draw with the comic's fast profile; None follows the comic.")
    bubbles: list[Bubble] = Field(default_factory=list, max_length=BUBBLES_MAX)
    focus_x: float = Field(0.5, ge=0, le=1, description="Where to keep the picture when a frame crops it.")
    focus_y: float = Field(0.5, ge=0, le=1)


def panel_label(index: int, name: str | None = None) -> str:
    """``panel 3`` or ``panel 3 (the launch)``: the position from 1, as authors count, and the name if any."""
    return f"panel {index + 1}" + (f" ({name})" if name else "")
