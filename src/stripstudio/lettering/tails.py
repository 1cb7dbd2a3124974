"""Tails: a curved wedge from a bubble toward its speaker, merged with the body into one outline,
or for thoughts a trail of shrinking circles."""

from __future__ import annotations

import math

import numpy as np
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import unary_union

XY = tuple[float, float]

TAIL_BEND = 0.16  # sideways bow of a tail's edges, as a fraction of its length
TAIL_REACH = 0.75  # a tail covers this fraction of the way from the bubble to the speaker
MIN_TAIL = 4.0  # pixels; shorter tails are left out


def exit_point(outline: Polygon, center: XY, toward: XY) -> XY | None:
    """Where the ray from ``center`` through ``toward`` last leaves ``outline``; None if it does not."""
    direction = _unit(center, toward)
    if direction is None:
        return None
    min_x, min_y, max_x, max_y = outline.bounds
    reach = 2 * math.hypot(max_x - min_x, max_y - min_y) + math.dist(center, toward)
    ray = LineString([center, (center[0] + direction[0] * reach, center[1] + direction[1] * reach)])
    crossing = ray.intersection(outline.exterior)
    points = [p for p in getattr(crossing, "geoms", [crossing]) if not p.is_empty]
    coords = [c for p in points for c in p.coords]
    return max(coords, key=lambda c: math.dist(c, center)) if coords else None


def tip_toward(outline: Polygon, center: XY, target: XY, max_length: float) -> XY | None:
    """A tail tip on the way from the bubble to ``target``, stopping short of it; None if too close."""
    edge = exit_point(outline, center, target)
    if edge is None or outline.contains(Point(target)):
        return None
    direction = _unit(center, target)
    length = min(TAIL_REACH * math.dist(edge, target), max_length)
    if direction is None or length < MIN_TAIL:
        return None
    return (edge[0] + direction[0] * length, edge[1] + direction[1] * length)


def with_tail(outline: Polygon, center: XY, tip: XY, base_width: float) -> Polygon:
    """``outline`` and a curved tail to ``tip`` as ONE polygon (no seam); the outline alone if no tail fits."""
    tail = wedge(outline, center, tip, base_width)
    if tail is None:
        return outline
    merged = unary_union([outline, tail])
    if isinstance(merged, Polygon):
        return merged
    return max(merged.geoms, key=lambda g: g.area)


def wedge(outline: Polygon, center: XY, tip: XY, base_width: float) -> Polygon | None:
    """A tapering, gently curved wedge whose base lies inside ``outline`` and whose point is ``tip``."""
    edge = exit_point(outline, center, tip)
    direction = _unit(center, tip)
    if edge is None or direction is None or math.dist(center, tip) < math.dist(center, edge) + MIN_TAIL:
        return None
    normal = (-direction[1], direction[0])
    root = _inner_root(outline, center, edge, normal, base_width / 2)
    left = (root[0] + normal[0] * base_width / 2, root[1] + normal[1] * base_width / 2)
    right = (root[0] - normal[0] * base_width / 2, root[1] - normal[1] * base_width / 2)
    side = 1.0 if tip[0] >= center[0] else -1.0
    bow = side * TAIL_BEND * math.dist(root, tip)
    offset = (normal[0] * bow, normal[1] * bow)
    first = _bezier(left, _shifted_middle(left, tip, offset), tip)
    second = _bezier(tip, _shifted_middle(right, tip, offset), right)
    shape = Polygon([*first, *second[1:]]).buffer(0)
    return shape if isinstance(shape, Polygon) and not shape.is_empty else None


def trail(outline: Polygon, center: XY, tip: XY, size: float) -> list[Polygon]:
    """Three shrinking circles from the edge of a thought cloud toward ``tip`` (nearest is largest).

    The circles shrink to fit the way to ``tip``; the first one sits clear of the cloud's bumps.
    """
    edge = exit_point(outline, center, tip)
    direction = _unit(center, tip)
    if edge is None or direction is None or math.dist(edge, tip) < MIN_TAIL:
        return []
    radii = [size * f for f in (0.5, 0.34, 0.22)]
    gap = 0.35 * radii[0]
    shrink = min(1.0, math.dist(edge, tip) / (sum(2 * r for r in radii) + len(radii) * gap))
    radii, gap = [r * shrink for r in radii], gap * shrink

    def circle(distance: float, radius: float) -> Polygon:
        point = (edge[0] + direction[0] * distance, edge[1] + direction[1] * distance)
        return Point(point).buffer(radius, quad_segs=12)

    distance = gap + radii[0]
    while circle(distance, radii[0] + gap).intersects(outline) and distance < 4 * size:
        distance += radii[0] / 4
    circles = []
    for index, radius in enumerate(radii):
        if index:
            distance += radii[index - 1] + gap + radius
        circles.append(circle(distance, radius))
    return circles


def _inner_root(outline: Polygon, center: XY, edge: XY, normal: XY, half_width: float) -> XY:
    """A point inside the body, behind ``edge``, from which the tail's base corners are both inside too."""
    root = edge
    for fraction in (0.8, 0.65, 0.5, 0.3, 0.0):
        root = (center[0] + (edge[0] - center[0]) * fraction, center[1] + (edge[1] - center[1]) * fraction)
        corners = [(root[0] + s * normal[0] * half_width, root[1] + s * normal[1] * half_width) for s in (1, -1)]
        if all(outline.contains(Point(c)) for c in corners):
            break
    return root


def _shifted_middle(start: XY, end: XY, offset: XY) -> XY:
    return ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])


def _bezier(start: XY, control: XY, end: XY, steps: int = 16) -> list[XY]:
    """Points of the quadratic Bézier curve from ``start`` to ``end``."""
    t = np.linspace(0.0, 1.0, steps + 1)[:, None]
    points = (1 - t) ** 2 * np.array(start) + 2 * (1 - t) * t * np.array(control) + t**2 * np.array(end)
    return [(float(x), float(y)) for x, y in points]


def _unit(start: XY, end: XY) -> XY | None:
    length = math.dist(start, end)
    if length < 1e-9:
        return None
    return ((end[0] - start[0]) / length, (end[1] - start[1]) / length)
