"""Where to cut a strip into upload slices: in the gaps between panels, inside a panel only if it is
taller than a slice may be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PIL import Image

from stripstudio.layout import PanelRect, Strip


def plan_slices(height: int, panels: Sequence[tuple[int, int]], max_height: int) -> list[tuple[int, int]]:
    """(top, bottom) rows of each slice of a strip ``height`` tall, every slice at most ``max_height``.

    ``panels`` are (top, bottom) rows. A cut never falls strictly inside a panel unless that panel is
    taller than ``max_height``; then it is cut as few times as possible. Each cut is as low as it can
    be, so the strip needs as few slices as it can.
    """
    gaps = _gaps(height, panels)
    slices = []
    top = 0
    while height - top > max_height:
        limit = top + max_height
        candidates = [min(end, limit) for start, end in gaps if start <= limit and min(end, limit) > top]
        cut = max(candidates, default=limit)
        slices.append((top, cut))
        top = cut
    slices.append((top, height))
    return slices


def _gaps(height: int, panels: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Row ranges where a cut crosses no panel (panel edges included)."""
    gaps = []
    reached = 0
    for top, bottom in sorted(p for p in panels if p[1] > p[0]):
        if top >= reached:
            gaps.append((reached, top))
        reached = max(reached, bottom)
    gaps.append((reached, height))
    return gaps


def scale_strip(strip: Strip, max_width: int) -> Strip:
    """The strip shrunk to ``max_width`` (aspect ratio kept) if it is wider, with its panels moved to match."""
    if strip.width <= max_width:
        return strip
    factor = max_width / strip.width
    height = max(1, _scaled(strip.height, factor))
    image = strip.image.resize((max_width, height), Image.Resampling.LANCZOS)
    return Strip(image, tuple(_scale_rect(rect, factor) for rect in strip.panels))


def _scale_rect(rect: PanelRect, factor: float) -> PanelRect:
    # Edges are scaled, not sizes, so panels that touch still touch and never overlap.
    x, y = _scaled(rect.x, factor), _scaled(rect.y, factor)
    return PanelRect(rect.panel_id, x, y, _scaled(rect.right, factor) - x, _scaled(rect.bottom, factor) - y)


def _scaled(value: int, factor: float) -> int:
    return math.floor(value * factor + 0.5)
