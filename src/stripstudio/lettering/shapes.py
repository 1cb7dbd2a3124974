"""Bubble bodies as shapely polygons in pixels, centred on the origin.

Each body comes with the region its text may use: the body shrunk by the padding, or for a
starburst the calm inner ellipse between the spikes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from shapely import affinity
from shapely.geometry import Point, Polygon, box
from shapely.ops import unary_union

from stripstudio.domain.bubble import BubbleKind
from stripstudio.lettering.style import SpeechShape

ELLIPSE_SEGMENTS = 32  # per quarter
BOX_ASPECT = 2.6  # SpeechShape.AUTO draws wider bubbles than this as rounded boxes
STARBURST_INNER = 0.8  # spike valleys, as a fraction of the outer size
CLOUD_BUMP = 0.2  # radius of a thought cloud's bumps, as a fraction of its smaller side
MAX_BUMPS = 200  # a cloud far wider than high would otherwise get a bump per pixel, or more


@dataclass(frozen=True)
class Body:
    """A bubble's outline without its tail, and where its text may go."""

    outline: Polygon
    text_region: Polygon


def ellipse(width: float, height: float) -> Polygon:
    """An ellipse ``width`` x ``height`` centred on the origin."""
    return affinity.scale(Point(0, 0).buffer(1.0, quad_segs=ELLIPSE_SEGMENTS), width / 2, height / 2)


def rounded_box(width: float, height: float, radius: float) -> Polygon:
    """A box with round corners of ``radius``, centred on the origin."""
    radius = min(radius, width / 2 - 0.01, height / 2 - 0.01)
    inner = box(-width / 2 + radius, -height / 2 + radius, width / 2 - radius, height / 2 - radius)
    return inner.buffer(radius, quad_segs=ELLIPSE_SEGMENTS // 2)


def rectangle(width: float, height: float) -> Polygon:
    """A plain box centred on the origin."""
    return box(-width / 2, -height / 2, width / 2, height / 2)


def cloud(width: float, height: float) -> Polygon:
    """A thought cloud: overlapping circles around an ellipse, unioned, filling ``width`` x ``height``."""
    radius = CLOUD_BUMP * min(width, height)
    core_w, core_h = max(width - 2 * radius, 1.0), max(height - 2 * radius, 1.0)
    centres = _evenly_spaced_on_ellipse(core_w / 2, core_h / 2, spacing=1.45 * radius)
    bumps = [
        Point(x, y).buffer(radius * (1 + 0.1 * math.sin(2.4 * i)), quad_segs=8) for i, (x, y) in enumerate(centres)
    ]
    return _single(unary_union([ellipse(core_w, core_h), *bumps]))


def starburst(width: float, height: float) -> Polygon:
    """A jagged shout: spikes out to ``width`` x ``height``, valleys at STARBURST_INNER of it."""
    perimeter = _ellipse_perimeter(width / 2, height / 2)
    spikes = max(10, min(30, round(perimeter / (0.3 * min(width, height) + 14))))
    points = []
    for i in range(2 * spikes):
        angle = math.pi * i / spikes - math.pi / 2
        scale = (1.0 - 0.06 * ((i // 2 * 5) % 3)) if i % 2 == 0 else STARBURST_INNER
        points.append((scale * width / 2 * math.cos(angle), scale * height / 2 * math.sin(angle)))
    return Polygon(points)


def body_for(
    kind: BubbleKind, width: float, height: float, padding: float, speech_shape: SpeechShape = SpeechShape.AUTO
) -> Body:
    """The body of a bubble of ``kind`` and the region its text may use, ``padding`` pixels in."""
    if kind == BubbleKind.SHOUT:
        outline = starburst(width, height)
        inner = ellipse(width * STARBURST_INNER, height * STARBURST_INNER)
        return Body(outline, _single(inner.buffer(-padding)))
    if kind == BubbleKind.THOUGHT:
        outline = cloud(width, height)
        # The smooth ellipse through the dips between the bumps, not the scalloped edge.
        bump = CLOUD_BUMP * min(width, height)
        calm = ellipse(width - 0.8 * bump, height - 0.8 * bump).intersection(outline)
        return Body(outline, _single(calm.buffer(-padding)))
    if kind in (BubbleKind.CAPTION, BubbleKind.SFX):
        outline = rectangle(width, height)
    elif speech_shape == SpeechShape.BOX or (speech_shape == SpeechShape.AUTO and width > BOX_ASPECT * height):
        outline = rounded_box(width, height, 0.35 * min(width, height))
    else:
        outline = ellipse(width, height)
    return Body(outline, _single(outline.buffer(-padding)))


def _single(geometry) -> Polygon:
    """The largest polygon of ``geometry`` (an empty one if there is none)."""
    if isinstance(geometry, Polygon):
        return geometry
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon)]
    return max(parts, key=lambda g: g.area) if parts else Polygon()


def _ellipse_perimeter(a: float, b: float) -> float:
    """Ramanujan's approximation."""
    return math.pi * (3 * (a + b) - math.sqrt((3 * a + b) * (a + 3 * b)))


def _evenly_spaced_on_ellipse(a: float, b: float, spacing: float) -> list[tuple[float, float]]:
    """Points on the ellipse with semi-axes a, b about ``spacing`` apart along its outline."""
    angles = np.linspace(0, 2 * np.pi, 721)
    xs, ys = a * np.cos(angles), b * np.sin(angles)
    lengths = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
    count = max(6, min(MAX_BUMPS, round(lengths[-1] / spacing))) if spacing > 0 else 6
    targets = np.arange(count) * lengths[-1] / count
    picked = np.interp(targets, lengths, angles) - np.pi / 2
    return [(float(a * math.cos(t)), float(b * math.sin(t))) for t in picked]
