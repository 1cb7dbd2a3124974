"""The webtoon strip: every panel at the strip's width, stacked top to bottom."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from stripstudio.domain import Layout
from stripstudio.layout.art import PanelArt, PanelRect, flatten
from stripstudio.layout.errors import LayoutError


@dataclass(frozen=True)
class Strip:
    """A laid-out strip: the RGB image and each panel's rectangle on it, in reading order."""

    image: Image.Image
    panels: tuple[PanelRect, ...]

    @property
    def width(self) -> int:
        """Strip width in pixels."""
        return self.image.width

    @property
    def height(self) -> int:
        """Strip height in pixels."""
        return self.image.height


def build_strip(art: Sequence[PanelArt], layout: Layout) -> Strip:
    """Stack the panels into one vertical strip.

    Each panel is scaled to the inner width (``layout.width - 2 * layout.margin``) keeping its
    aspect ratio, with ``layout.gutter`` pixels between panels and ``layout.margin`` pixels on
    every side, on ``layout.background``.
    """
    if not art:
        raise LayoutError("there are no panels to lay out: add at least one panel", setting="panels")
    inner = layout.width - 2 * layout.margin
    if inner < 1:
        raise LayoutError(
            f"a margin of {layout.margin} px leaves no room in a {layout.width} px wide strip: "
            f"use a margin under {layout.width // 2} px",
            setting="layout.margin",
        )
    heights = [scaled_height(panel, inner) for panel in art]
    total = 2 * layout.margin + sum(heights) + layout.gutter * (len(art) - 1)
    image = Image.new("RGB", (layout.width, total), layout.background)
    rects = []
    y = layout.margin
    for panel, height in zip(art, heights, strict=True):
        picture = flatten(panel.image, layout.background)
        if picture.size != (inner, height):
            picture = picture.resize((inner, height), Image.Resampling.LANCZOS)
        image.paste(picture, (layout.margin, y))
        rects.append(PanelRect(panel.panel_id, layout.margin, y, inner, height))
        y += height + layout.gutter
    return Strip(image, tuple(rects))


def scaled_height(panel: PanelArt, width: int) -> int:
    """The panel's height once scaled to ``width`` with its aspect ratio kept (at least 1 px)."""
    source_width, source_height = panel.image.size
    if source_width < 1 or source_height < 1:
        raise LayoutError("the picture is empty (0 px): render the panel again", setting=f"panel {panel.panel_id}")
    return max(1, round(source_height * width / source_width))
