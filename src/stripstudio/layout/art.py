"""What layout takes in (lettered panel pictures) and gives back (where each panel went)."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class PanelArt:
    """One panel's finished (lettered) picture, with the point to keep when a frame crops it.

    ``focus_x`` and ``focus_y`` are fractions of the picture's width and height (0.5 = centre).
    """

    panel_id: str
    image: Image.Image
    focus_x: float = 0.5
    focus_y: float = 0.5


@dataclass(frozen=True)
class PanelRect:
    """Where a panel sits in a strip or on a page, in pixels; ``right`` and ``bottom`` are exclusive."""

    panel_id: str
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """First column past the panel."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """First row below the panel."""
        return self.y + self.height

    def overlaps(self, other: PanelRect) -> bool:
        """Whether the two rectangles share at least one pixel."""
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


def flatten(image: Image.Image, background: str) -> Image.Image:
    """The picture as RGB; transparent parts show ``background`` rather than black."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        base = Image.new("RGB", rgba.size, background)
        base.paste(rgba, mask=rgba.getchannel("A"))
        return base
    return image.convert("RGB")
