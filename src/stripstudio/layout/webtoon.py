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


#: Pixels of one webtoon strip: it is held whole while it is cut into slices. 240 megapixels is a strip
#: 800 px wide and 300,000 px tall (about 300 square panels), 720 MB as RGB.
MAX_STRIP_PIXELS = 240_000_000
#: Panels lettered at a time: a lazy sequence letters a slice of this many in parallel, and only the
#: panels at the strip's width are kept, never every lettered picture at its own size.
PANELS_AT_A_TIME = 8


def build_strip(art: Sequence[PanelArt], layout: Layout) -> Strip:
    """Stack the panels into one vertical strip.

    Each panel is scaled to the inner width (``layout.width - 2 * layout.margin``) keeping its
    aspect ratio, with ``layout.gutter`` pixels between panels and ``layout.margin`` pixels on
    every side, on ``layout.background``. ``art`` is read a few panels at a time (see
    :data:`PANELS_AT_A_TIME`); a strip that would pass :data:`MAX_STRIP_PIXELS` is refused as soon
    as the panels read so far pass it.
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
    pieces = _strip_pieces(art, inner, layout)
    total = 2 * layout.margin + sum(picture.height for _, picture in pieces) + layout.gutter * (len(pieces) - 1)
    image = Image.new("RGB", (layout.width, total), layout.background)
    rects = []
    y = layout.margin
    pieces.reverse()
    while pieces:
        panel_id, picture = pieces.pop()  # each piece is let go once it is on the strip
        image.paste(picture, (layout.margin, y))
        rects.append(PanelRect(panel_id, layout.margin, y, inner, picture.height))
        y += picture.height + layout.gutter
    return Strip(image, tuple(rects))


def _strip_pieces(art: Sequence[PanelArt], inner: int, layout: Layout) -> list[tuple[str, Image.Image]]:
    """Every panel at the strip's inner width, read :data:`PANELS_AT_A_TIME` at a time, within the budget."""
    pieces: list[tuple[str, Image.Image]] = []
    height = 2 * layout.margin - layout.gutter
    for start in range(0, len(art), PANELS_AT_A_TIME):
        for panel in art[start : start + PANELS_AT_A_TIME]:
            picture, piece_height = flatten(panel.image, layout.background), scaled_height(panel, inner)
            height += piece_height + layout.gutter
            _check_strip_budget(layout.width, height, len(pieces) + 1)
            if picture.size != (inner, piece_height):
                picture = picture.resize((inner, piece_height), Image.Resampling.LANCZOS)
            pieces.append((panel.panel_id, picture))
    return pieces


def _check_strip_budget(width: int, height: int, panels: int) -> None:
    if width * height <= MAX_STRIP_PIXELS:
        return
    raise LayoutError(
        f"the strip passes {MAX_STRIP_PIXELS / 1e6:g} megapixels (the limit of one webtoon export) at panel "
        f"{panels}: export the comic as episodes of fewer panels, or lower layout.width",
        setting="panels",
    )


def scaled_height(panel: PanelArt, width: int) -> int:
    """The panel's height once scaled to ``width`` with its aspect ratio kept (at least 1 px)."""
    source_width, source_height = panel.image.size
    if source_width < 1 or source_height < 1:
        raise LayoutError("the picture is empty (0 px): render the panel again", setting=f"panel {panel.panel_id}")
    return max(1, round(source_height * width / source_width))
