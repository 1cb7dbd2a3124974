"""Printed pages: panels placed in the frames of a page grid, as many pages as the panels need."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from stripstudio.domain import Layout
from stripstudio.layout.art import PanelArt, PanelRect, flatten
from stripstudio.layout.crop import crop_to_frame
from stripstudio.layout.errors import LayoutError
from stripstudio.layout.grid import frame_boxes, page_grid
from stripstudio.layout.paper import PageBox, PageGeometry, page_geometry


@dataclass(frozen=True)
class Page:
    """One page image (trim plus bleed) and the frames filled on it, in reading order."""

    image: Image.Image
    frames: tuple[PanelRect, ...]
    geometry: PageGeometry

    @property
    def dpi(self) -> int:
        """Resolution the page was laid out at."""
        return self.geometry.dpi

    def trimmed(self) -> Image.Image:
        """The page without its bleed, as a reader on screen shows it."""
        trim = self.geometry.trim
        if trim.width == self.image.width and trim.height == self.image.height:
            return self.image
        return self.image.crop((trim.x, trim.y, trim.x + trim.width, trim.y + trim.height))


def build_pages(art: Sequence[PanelArt], layout: Layout) -> list[Page]:
    """Fill page after page of ``layout.page``'s grid with the panels in reading order.

    Each picture covers its frame: scaled without stretching, then cropped around the panel's
    focus point. Frames left over on the last page stay empty.
    """
    if not art:
        raise LayoutError("there are no panels to lay out: add at least one panel", setting="panels")
    geometry = page_geometry(layout.page)
    boxes = frame_boxes(page_grid(layout.page), geometry.live, geometry.gutter)
    return [
        _compose(art[start : start + len(boxes)], boxes, geometry, layout.background)
        for start in range(0, len(art), len(boxes))
    ]


def _compose(art: Sequence[PanelArt], boxes: Sequence[PageBox], geometry: PageGeometry, background: str) -> Page:
    image = Image.new("RGB", (geometry.width, geometry.height), background)
    frames = []
    for panel, box in zip(art, boxes, strict=False):
        picture = flatten(panel.image, background)
        image.paste(crop_to_frame(picture, (box.width, box.height), panel.focus_x, panel.focus_y), (box.x, box.y))
        frames.append(PanelRect(panel.panel_id, box.x, box.y, box.width, box.height))
    return Page(image, tuple(frames), geometry)
