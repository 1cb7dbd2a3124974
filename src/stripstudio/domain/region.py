"""Where a character stands in a panel that has several: a placement, a box or a painted mask."""

from typing import Literal

from pydantic import Field, model_validator

from stripstudio.domain.base import NAME_MAX, PATH_MAX, DomainModel

Box = tuple[float, float, float, float]  # x, y, width, height as fractions of the panel

PLACEMENTS: dict[str, Box] = {
    "left": (0.0, 0.0, 0.5, 1.0),
    "right": (0.5, 0.0, 0.5, 1.0),
    "top": (0.0, 0.0, 1.0, 0.5),
    "bottom": (0.0, 0.5, 1.0, 0.5),
    "left-third": (0.0, 0.0, 1 / 3, 1.0),
    "middle-third": (1 / 3, 0.0, 1 / 3, 1.0),
    "right-third": (2 / 3, 0.0, 1 / 3, 1.0),
    "full": (0.0, 0.0, 1.0, 1.0),
}
Placement = Literal["left", "right", "top", "bottom", "left-third", "middle-third", "right-third", "full"]


class CharacterRegion(DomainModel):
    """The part of a panel one character's description (and reference images) applies to.

    Give one of ``place`` (a preset), ``box`` (x, y, width, height as fractions of the panel) or
    ``mask`` (a painted image, white where the character is).
    """

    character: str = Field(min_length=1, max_length=NAME_MAX)
    place: Placement | None = None
    box: Box | None = None
    mask: str | None = Field(None, max_length=PATH_MAX)

    @model_validator(mode="after")
    def _one_area(self) -> "CharacterRegion":
        given = [name for name in ("place", "box", "mask") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of place (left, right, top, bottom, left-third, middle-third, right-third), "
                f"box [x, y, width, height] or mask (an image file); got {', '.join(given) or 'none'}"
            )
        if self.box is not None:
            x, y, width, height = self.box
            if not (0 <= x < 1 and 0 <= y < 1 and 0 < width <= 1 - x + 1e-9 and 0 < height <= 1 - y + 1e-9):
                raise ValueError("box must be [x, y, width, height] as fractions of the panel, inside it")
        return self

    @property
    def area(self) -> Box:
        """The region's box (a mask's region covers the whole panel; the mask itself narrows it)."""
        if self.box is not None:
            return self.box
        return PLACEMENTS[self.place] if self.place else PLACEMENTS["full"]


def default_regions(characters: list[str]) -> list[CharacterRegion]:
    """Side by side, in the order listed: two characters left and right, three in thirds, and so on."""
    count = len(characters)
    return [
        CharacterRegion(character=name, box=(index / count, 0.0, 1 / count, 1.0))
        for index, name in enumerate(characters)
    ]
