"""The page geometry a paper size gives at a resolution: bleed, trim and live area.

Paper sizes (``PAPER_MM``) and the page-size bound live with the domain's ``PageLayout``.
"""

from __future__ import annotations

from dataclasses import dataclass

from stripstudio.domain import PageLayout
from stripstudio.domain.layout import PAPER_MM, mm_to_px
from stripstudio.layout.errors import LayoutError

__all__ = ["PAPER_MM", "PageBox", "PageGeometry", "mm_to_px", "page_geometry"]


@dataclass(frozen=True)
class PageBox:
    """A rectangle on the page image, in pixels."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class PageGeometry:
    """A page in pixels: the whole image (trim plus bleed on every side), the trim and the live area.

    The live area is the trim less the margins; frames are placed inside it.
    """

    width: int
    height: int
    bleed: int
    trim: PageBox
    live: PageBox
    gutter: int
    dpi: int


def page_geometry(page: PageLayout) -> PageGeometry:
    """Pixel sizes of a page of ``page.paper`` at ``page.dpi`` with its bleed, margins and gutter."""
    if page.paper not in PAPER_MM:
        known = ", ".join(PAPER_MM)
        raise LayoutError(f"unknown paper {page.paper!r}: use one of {known}", setting="layout.page.paper")
    trim_mm_w, trim_mm_h = PAPER_MM[page.paper]
    trim_w, trim_h = mm_to_px(trim_mm_w, page.dpi), mm_to_px(trim_mm_h, page.dpi)
    bleed = mm_to_px(page.bleed_mm, page.dpi)
    margin = mm_to_px(page.margin_mm, page.dpi)
    live_w, live_h = trim_w - 2 * margin, trim_h - 2 * margin
    if live_w < 1 or live_h < 1:
        raise LayoutError(
            f"margins of {page.margin_mm} mm leave no room on {page.paper} paper: use smaller margins",
            setting="layout.page.margin_mm",
        )
    return PageGeometry(
        width=trim_w + 2 * bleed,
        height=trim_h + 2 * bleed,
        bleed=bleed,
        trim=PageBox(bleed, bleed, trim_w, trim_h),
        live=PageBox(bleed + margin, bleed + margin, live_w, live_h),
        gutter=mm_to_px(page.gutter_mm, page.dpi),
        dpi=page.dpi,
    )
