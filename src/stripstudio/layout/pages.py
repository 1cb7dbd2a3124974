"""Printed pages: panels placed in the frames of a page grid, as many pages as the panels need."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from PIL import Image

from stripstudio.domain import Layout
from stripstudio.layout.art import PanelArt, PanelRect, flatten
from stripstudio.layout.crop import crop_to_frame
from stripstudio.layout.errors import LayoutError
from stripstudio.layout.grid import frame_boxes, page_grid
from stripstudio.layout.paper import PageBox, PageGeometry, page_geometry

#: Pixels of all the pages of one export together: 2.5 gigapixels is about 270 A4 pages at 300 dpi
#: or 65 at 600 dpi. Pages are drawn one at a time, but this bounds the time and disk an export takes.
MAX_EXPORT_PIXELS = 2_500_000_000

#: Called between steps of a long layout or export; raises to stop it (e.g. when a job is cancelled).
Checkpoint = Callable[[], None]


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
    """Every page of :func:`iter_pages` at once (for a few pages; an export draws them one at a time)."""
    return list(iter_pages(art, layout))


def iter_pages(art: Sequence[PanelArt], layout: Layout, checkpoint: Checkpoint | None = None) -> Iterator[Page]:
    """Fill page after page of ``layout.page``'s grid with the panels in reading order, one page at a time.

    Each picture covers its frame: scaled without stretching, then cropped around the panel's
    focus point. Frames left over on the last page stay empty. ``art`` is read one page's slice
    at a time, so a lazy sequence keeps only one page's pictures in memory; ``checkpoint`` runs
    before every panel.
    """
    check_page_budget(len(art), layout)
    geometry = page_geometry(layout.page)
    boxes = page_frames(layout)
    for start in range(0, len(art), len(boxes)):
        yield _compose(art[start : start + len(boxes)], boxes, geometry, layout.background, checkpoint)


def page_frames(layout: Layout) -> list[PageBox]:
    """The frames of one page of ``layout.page``'s grid, in reading order; panel ``i`` fills frame ``i % len``."""
    geometry = page_geometry(layout.page)
    return frame_boxes(page_grid(layout.page), geometry.live, geometry.gutter)


def page_count(panels: int, layout: Layout) -> int:
    """How many pages ``panels`` panels fill in ``layout.page``'s grid."""
    return math.ceil(panels / len(page_grid(layout.page).cells))


def check_page_budget(panels: int, layout: Layout) -> None:
    """Raise :class:`LayoutError` naming ``layout.page.dpi`` when the pages would be too many pixels together."""
    if panels < 1:
        raise LayoutError("there are no panels to lay out: add at least one panel", setting="panels")
    pages, per_page = page_count(panels, layout), layout.page.pixel_count()
    if pages * per_page > MAX_EXPORT_PIXELS:
        fitting = max(1, MAX_EXPORT_PIXELS // per_page)
        raise LayoutError(
            f"{pages} pages at {layout.page.dpi} dpi are {pages * per_page / 1e9:.1f} gigapixels together, "
            f"over the {MAX_EXPORT_PIXELS / 1e9:g}-gigapixel limit of an export: lower the dpi, "
            f"or export the comic in parts of at most {fitting} pages",
            setting="layout.page.dpi",
        )


def _compose(
    art: Sequence[PanelArt],
    boxes: Sequence[PageBox],
    geometry: PageGeometry,
    background: str,
    checkpoint: Checkpoint | None,
) -> Page:
    image = Image.new("RGB", (geometry.width, geometry.height), background)
    frames = []
    for panel, box in zip(art, boxes, strict=False):
        if checkpoint:
            checkpoint()
        picture = flatten(panel.image, background)
        image.paste(crop_to_frame(picture, (box.width, box.height), panel.focus_x, panel.focus_y), (box.x, box.y))
        frames.append(PanelRect(panel.panel_id, box.x, box.y, box.width, box.height))
    return Page(image, tuple(frames), geometry)
