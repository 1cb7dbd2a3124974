"""Automatic placement: where bubbles without a position go.

Bubbles are placed in the order they are listed, which is the order they are read: near the top,
each after the one before it (to its right, or below it), close above its speaker, never over
another bubble and, when the faces in the picture are known, never over a face. Captions go to a
corner of the panel; sound effects without a position go to the middle.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from shapely import affinity, prepared
from shapely.geometry import LineString, Point, Polygon, box
from shapely.ops import unary_union

from stripstudio.domain.bubble import BubbleKind
from stripstudio.lettering.errors import LetteringError

XY = tuple[float, float]
FaceBox = tuple[float, float, float, float]  # left, top, width, height as fractions of the panel

SPEAKER_HEIGHT = 0.6  # default speaker points sit at this fraction of the panel height
GRID = 24  # candidate positions per axis
MARGIN = 0.03  # between bubbles and the panel's edges, as a fraction of the smaller side
GAP = 0.015  # between two bubbles, as a fraction of the smaller side
CAPTION_MARGIN = 0.015
READING_SLACK = 0.25  # a bubble may start this fraction of the previous one's height above it
SPEAKER_CLEARANCE = 0.08  # bubbles keep this far from their speaker's point, as a fraction of the smaller side
TAIL_CLEARANCE = 0.012  # half the width of the strip kept free for a tail, as a fraction of the smaller side
BELOW_SPEAKER = 0.3  # score penalty for a bubble whose centre is lower than its speaker's point


@dataclass(frozen=True)
class PlacementRequest:
    """What placement needs to know about a bubble: its footprint around the origin, any fixed
    coordinate, and the point its tail aims at (the speaker, or the tail tip the author gave).
    A ``free`` sound effect is placed in free space like a bubble instead of in the middle."""

    footprint: Polygon
    kind: BubbleKind
    x: float | None = None
    y: float | None = None
    tail_to: XY | None = None
    free: bool = False


def default_speaker_points(characters: Sequence[str]) -> dict[str, XY]:
    """The characters of a panel spread left to right at SPEAKER_HEIGHT, as panel fractions."""
    count = len(characters)
    return {name: ((i + 1) / (count + 1), SPEAKER_HEIGHT) for i, name in enumerate(characters)}


def speaker_points(characters: Sequence[str], known: Mapping[str, XY] | None) -> dict[str, XY]:
    """Default points for the panel's characters, replaced by the ``known`` ones (panel fractions)."""
    return default_speaker_points(characters) | dict(known or {})


def face_polygons(faces: Sequence[FaceBox] | None, panel_size: tuple[int, int]) -> list[Polygon]:
    """Face boxes given as (left, top, width, height) fractions, as pixel rectangles."""
    width, height = panel_size
    return [box(x * width, y * height, (x + w) * width, (y + h) * height) for x, y, w, h in faces or ()]


def place_bubbles(
    requests: Sequence[PlacementRequest],
    panel_size: tuple[int, int],
    faces: Sequence[Polygon] = (),
    label: Callable[[int], str] = str,
    max_tail: float = 0.0,
    rtl: bool = False,
) -> list[XY]:
    """The centre of every bubble in pixels; fixed ones where they are, the rest placed in reading order
    (left to right, or right to left with ``rtl``, as manga reads).

    Tails are kept clear too: each bubble reserves a corridor toward its ``tail_to`` point, up to
    ``max_tail`` pixels beyond its body, that later bubbles do not cover.
    """
    width, height = panel_size
    centres: list[XY | None] = [None] * len(requests)
    for i, request in enumerate(requests):
        if request.x is not None and request.y is not None:
            centres[i] = (request.x, request.y)
        elif request.kind == BubbleKind.SFX and not request.free:
            centres[i] = (width / 2 if request.x is None else request.x, height / 2 if request.y is None else request.y)
    board = _Board(panel_size, list(faces), max_tail, rtl)
    for i, centre in enumerate(centres):
        if centre is not None:
            board.occupy(requests[i], centre)
    previous: Polygon | None = None
    for i, request in enumerate(requests):
        centre = centres[i]
        if centre is None:
            centre = centres[i] = board.find(request, previous, label(i))
            board.occupy(request, centre)
        if request.kind != BubbleKind.SFX:
            previous = affinity.translate(request.footprint, *centre)
    return [c for c in centres if c is not None]


class _Board:
    """The panel with what is already on it: placed bubbles and faces."""

    def __init__(self, panel_size: tuple[int, int], faces: list[Polygon], max_tail: float, rtl: bool = False) -> None:
        self.rtl = rtl
        self.width, self.height = panel_size
        self.unit = min(panel_size)
        self.max_tail = max_tail
        self.taken: list[Polygon] = []
        self.faces = faces

    def occupy(self, request: PlacementRequest, centre: XY) -> None:
        self.taken.append(affinity.translate(request.footprint, *centre).buffer(GAP * self.unit))
        corridor = self._corridor(request, centre)
        if corridor is not None:
            self.taken.append(corridor)

    def _corridor(self, request: PlacementRequest, centre: XY) -> Polygon | None:
        """A thin strip from the bubble's centre toward where its tail goes."""
        if request.tail_to is None:
            return None
        left, top, right, bottom = request.footprint.bounds
        reach = max(right - left, bottom - top) / 2 + self.max_tail
        distance = math.dist(centre, request.tail_to)
        if distance < 1:
            return None
        fraction = min(1.0, reach / distance)
        end = (
            centre[0] + (request.tail_to[0] - centre[0]) * fraction,
            centre[1] + (request.tail_to[1] - centre[1]) * fraction,
        )
        return LineString([centre, end]).buffer(TAIL_CLEARANCE * self.unit)

    def find(self, request: PlacementRequest, previous: Polygon | None, label: str) -> XY:
        """The best free centre; rules are relaxed in turn (reading order, then faces) before giving up."""
        taken = prepared.prep(unary_union(self.taken)) if self.taken else None
        faces = self._faces_and_speaker(request.tail_to)
        candidates = self._candidates(request)
        for keep_order, keep_faces in ((True, True), (False, True), (False, False)):
            for centre in candidates:
                if (
                    keep_order
                    and previous is not None
                    and not _reads_after(request.footprint, centre, previous, self.rtl)
                ):
                    continue
                if not self._free(request, centre, taken, faces if keep_faces else None):
                    continue
                return centre
        raise LetteringError(
            f"{label}: no room to place it without covering another bubble; "
            "give it a position (x and y), make it smaller, or shorten the text"
        )

    def _free(self, request: PlacementRequest, centre: XY, taken, faces) -> bool:
        """Nothing placed under the bubble or its tail; no face (when ``faces`` is given) under the bubble."""
        shape = affinity.translate(request.footprint, *centre)
        if taken is not None and taken.intersects(shape):
            return False
        if faces is None:
            return True
        corridor = self._corridor(request, centre)
        return not faces.intersects(shape) and not (corridor is not None and taken and taken.intersects(corridor))

    def _faces_and_speaker(self, speaker: XY | None):
        """The faces, and a small area round the speaker's point so that the bubble leaves room for its tail."""
        shapes = list(self.faces)
        if speaker is not None:
            shapes.append(Point(speaker).buffer(SPEAKER_CLEARANCE * self.unit))
        return prepared.prep(unary_union(shapes)) if shapes else None

    def _candidates(self, request: PlacementRequest) -> list[XY]:
        """Centres inside the panel, best first: high up, and above the speaker (or to the left)."""
        if request.kind == BubbleKind.CAPTION:
            return self._corners(request.footprint)
        left, top, right, bottom = request.footprint.bounds
        margin = MARGIN * self.unit
        xs = _axis(margin - left, self.width - margin - right, self.width / 2, request.x)
        ys = _axis(margin - top, self.height - margin - bottom, self.height / 2, request.y)
        grid_x, grid_y = np.meshgrid(xs, ys)
        start = self.width - margin - right if self.rtl else margin - left
        target = request.tail_to[0] if request.tail_to else start
        score = (grid_y + top) / self.height + 0.5 * np.abs(grid_x - target) / self.width
        if request.tail_to is not None:
            score += BELOW_SPEAKER * (grid_y > request.tail_to[1])
        order = np.argsort(score, axis=None, kind="stable")
        return [(float(grid_x.flat[k]), float(grid_y.flat[k])) for k in order]

    def _corners(self, footprint: Polygon) -> list[XY]:
        left, top, right, bottom = footprint.bounds
        margin = CAPTION_MARGIN * self.unit
        xs = (margin - left, self.width - margin - right)
        ys = (margin - top, self.height - margin - bottom)
        return [(xs[0], ys[0]), (xs[0], ys[1]), (xs[1], ys[0]), (xs[1], ys[1])]


def _axis(low: float, high: float, middle: float, fixed: float | None) -> np.ndarray:
    if fixed is not None:
        return np.array([fixed])
    if high <= low:
        return np.array([middle])
    return np.linspace(low, high, GRID)


def _reads_after(footprint: Polygon, centre: XY, previous: Polygon, rtl: bool = False) -> bool:
    """True when a bubble at ``centre`` is read after ``previous``: beside it in the reading direction, or below it."""
    left, top, right, bottom = affinity.translate(footprint, *centre).bounds
    p_left, p_top, p_right, p_bottom = previous.bounds
    slack = READING_SLACK * (p_bottom - p_top)
    below = top >= p_bottom - slack
    if rtl:
        beside = centre[0] < (p_left + p_right) / 2 and right <= p_right and top >= p_top - slack
    else:
        beside = centre[0] > (p_left + p_right) / 2 and left >= p_left and top >= p_top - slack
    return below or beside
