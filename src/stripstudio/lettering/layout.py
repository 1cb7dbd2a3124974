"""Lettering geometry for a whole panel, without pixels: what the renderer draws and the editor shows."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box, mapping

from stripstudio.domain.bubble import Bubble, BubbleKind, LetteringStyle
from stripstudio.domain.panel import Panel
from stripstudio.lettering.errors import LetteringError, bubble_label, panel_name
from stripstudio.lettering.fonts import FontBook, default_fontbook
from stripstudio.lettering.placement import (
    CAPTION_MARGIN,
    XY,
    FaceBox,
    PlacementRequest,
    face_polygons,
    place_bubbles,
    speaker_points,
)
from stripstudio.lettering.sizing import SizedBubble, size_bubble
from stripstudio.lettering.style import KindStyle, SpeechShape, TailStyle, resolved_style
from stripstudio.lettering.tails import tip_toward, trail, with_tail
from stripstudio.lettering.text_fit import FittedText

MAX_TAIL = 0.16  # longest tail toward a speaker, as a fraction of the panel height


@dataclass(frozen=True)
class PlacedBubble:
    """One bubble laid out in panel pixels.

    ``outline`` is the body with its tail merged in (None for SFX, which has no body); ``trail``
    the circles of a thought; ``text`` the fitted lines in place. SFX text is laid out unrotated
    around ``center`` and drawn turned by ``rotation`` degrees counter-clockwise about it.
    ``footprint`` is the area the bubble covers, used to keep bubbles apart. ``tail_tips`` are the
    tips of all its tails (the first is ``tail_tip``); ``style`` its look with the comic's and its
    own fields applied.
    """

    index: int
    bubble: Bubble
    style: KindStyle
    center: XY
    outline: Polygon | None
    trail: tuple[Polygon, ...]
    text: FittedText
    footprint: Polygon
    tail_tip: XY | None
    rotation: float
    outline_width: float
    stroke_width: int
    tail_tips: tuple[XY, ...] = ()

    @property
    def kind(self) -> BubbleKind:
        """The bubble's kind."""
        return self.bubble.kind

    @property
    def font_size(self) -> int:
        """The size the text was fitted at, in pixels."""
        return self.text.size

    def to_dict(self, panel_size: tuple[int, int]) -> dict:
        """A JSON-ready description: centre and size as panel fractions, line breaks, outline in pixels."""
        width, height = panel_size
        left, top, right, bottom = self.footprint.bounds
        return {
            "index": self.index,
            "kind": str(self.kind),
            "x": self.center[0] / width,
            "y": self.center[1] / height,
            "width": (right - left) / width,
            "height": (bottom - top) / height,
            "font_size": self.font_size,
            "font_size_800": self.font_size * 800 / width,
            "lines": self.text.line_texts,
            "tail": None if self.tail_tip is None else [self.tail_tip[0] / width, self.tail_tip[1] / height],
            "outline": mapping(self.outline) if self.outline is not None else None,
        }


def layout_bubbles(
    panel: Panel,
    panel_size: tuple[int, int],
    *,
    panel_index: int = 0,
    speakers: Mapping[str, XY] | None = None,
    faces: Sequence[FaceBox] | None = None,
    fonts: FontBook | None = None,
    speech_shape: SpeechShape = SpeechShape.AUTO,
    inside: bool = False,
    lettering: LetteringStyle | None = None,
    free_last: bool = False,
    rtl: bool = False,
) -> list[PlacedBubble]:
    """Size, place and shape every bubble of ``panel`` for a picture of ``panel_size`` (width, height).

    ``speakers`` maps character names to points (panel fractions) their tails aim at; the panel's
    characters without one are spread left to right. ``faces`` are (left, top, width, height)
    fraction boxes that auto-placed bubbles keep clear of. With ``inside`` every bubble is kept
    within the panel (see :func:`kept_inside`), as a page's frame needs. ``lettering`` is the
    comic's lettering style. With ``free_last`` the last bubble, even a sound effect, goes where
    nothing else is (a bubble just added). With ``rtl`` bubbles are placed to be read right to left.
    Raises LetteringError naming the bubble.
    """
    fonts = fonts or default_fontbook()
    width, height = panel_size
    name = panel_name(panel_index, panel.name or panel.id)
    points = speaker_points(panel.characters, speakers)
    sized = [
        _sized(bubble, fonts, panel_size, bubble_label(name, i, bubble.text), speech_shape, lettering)
        for i, bubble in enumerate(panel.bubbles)
    ]
    requests = [_request(s, points, panel_size) for s in sized]
    if free_last and requests:
        requests[-1] = replace(requests[-1], free=True)
    labels = [bubble_label(name, i, b.text) for i, b in enumerate(panel.bubbles)]
    centres = place_bubbles(
        requests, panel_size, face_polygons(faces, panel_size), labels.__getitem__, max_tail=MAX_TAIL * height, rtl=rtl
    )
    placed = [
        _finish(i, s, centre, _speaker(s.bubble, points, panel_size), panel_size)
        for i, (s, centre) in enumerate(zip(sized, centres, strict=True))
    ]
    return [kept_inside(p, panel_size) for p in placed] if inside else placed


def kept_inside(placed: PlacedBubble, panel_size: tuple[int, int]) -> PlacedBubble:
    """The bubble moved so that its body lies inside the panel, its tail and thought circles cut at the edge.

    The body keeps a small margin from the edges when the panel has room for it; a tail toward an
    off-panel speaker ends at the panel's edge, as in a printed frame.
    """
    width, height = panel_size
    margin = CAPTION_MARGIN * min(panel_size)
    left, top, right, bottom = placed.footprint.bounds
    dx = _shift(left, right, width, margin)
    dy = _shift(top, bottom, height, margin)
    frame = box(0, 0, width, height)
    tip = placed.tail_tip
    return PlacedBubble(
        index=placed.index,
        bubble=placed.bubble,
        style=placed.style,
        center=(placed.center[0] + dx, placed.center[1] + dy),
        outline=None if placed.outline is None else _clip(affinity.translate(placed.outline, dx, dy), frame),
        trail=tuple(c for c in (_clip(affinity.translate(t, dx, dy), frame) for t in placed.trail) if not c.is_empty),
        text=placed.text.moved(dx, dy),
        footprint=affinity.translate(placed.footprint, dx, dy),
        tail_tip=None if tip is None else _inside(tip, dx, dy, panel_size),
        rotation=placed.rotation,
        outline_width=placed.outline_width,
        stroke_width=placed.stroke_width,
        tail_tips=tuple(_inside(t, dx, dy, panel_size) for t in placed.tail_tips),
    )


def _inside(point: XY, dx: float, dy: float, panel_size: tuple[int, int]) -> XY:
    """``point`` moved by (dx, dy) and held at the panel's edge."""
    return (min(max(point[0] + dx, 0), panel_size[0]), min(max(point[1] + dy, 0), panel_size[1]))


def _shift(low: float, high: float, length: int, margin: float) -> float:
    """How far to move [low, high] to lie within [margin, length - margin]; centred when it cannot."""
    margin = min(margin, max(0.0, (length - (high - low)) / 2))
    if high - low > length - 2 * margin:
        return (length - high - low) / 2
    if low < margin:
        return margin - low
    if high > length - margin:
        return length - margin - high
    return 0.0


def _clip(shape: Polygon, frame: Polygon) -> Polygon:
    """The part of ``shape`` inside ``frame`` (its largest piece, should the cut leave several)."""
    if frame.contains(shape):
        return shape
    cut = shape.intersection(frame)
    if isinstance(cut, Polygon):
        return cut
    pieces = [g for g in getattr(cut, "geoms", []) if isinstance(g, Polygon)]
    pieces += [p for g in getattr(cut, "geoms", []) if isinstance(g, MultiPolygon) for p in g.geoms]
    return max(pieces, key=lambda p: p.area, default=Polygon())


def _sized(
    bubble: Bubble, fonts: FontBook, panel_size, label: str, speech_shape: SpeechShape, lettering: LetteringStyle | None
) -> SizedBubble:
    style = resolved_style(bubble.kind, lettering, bubble)
    try:
        chain = fonts.chain(bubble.font or style.font, bold=style.bold)
    except LetteringError as error:
        raise LetteringError(f"{label}: {error}") from None
    return size_bubble(bubble, chain, panel_size, label, speech_shape, style)


def _request(sized: SizedBubble, points: Mapping[str, XY], panel_size: tuple[int, int]) -> PlacementRequest:
    bubble, (width, height) = sized.bubble, panel_size
    tail_to = None
    if sized.style.tail != TailStyle.NONE:
        if bubble.tail_x is not None and bubble.tail_y is not None:
            tail_to = (bubble.tail_x * width, bubble.tail_y * height)
        else:
            tail_to = _speaker(bubble, points, panel_size)
    return PlacementRequest(
        footprint=_local_footprint(sized),
        kind=bubble.kind,
        x=None if bubble.x is None else bubble.x * width,
        y=None if bubble.y is None else bubble.y * height,
        tail_to=tail_to,
    )


def _speaker(bubble: Bubble, points: Mapping[str, XY], panel_size: tuple[int, int]) -> XY | None:
    """The speaker's point in pixels, if the bubble has a speaker with a known point."""
    point = points.get(bubble.speaker) if bubble.speaker else None
    return None if point is None else (point[0] * panel_size[0], point[1] * panel_size[1])


def _local_footprint(sized: SizedBubble) -> Polygon:
    """The body, or for SFX the turned box around its text, centred on the origin."""
    if sized.body is not None:
        return sized.body.outline
    left = min(line.box[0] for line in sized.text.lines) - sized.stroke_width
    top = sized.text.lines[0].box[1] - sized.stroke_width
    right = max(line.box[2] for line in sized.text.lines) + sized.stroke_width
    bottom = sized.text.lines[-1].box[3] + sized.stroke_width
    # Pictures count y downward, so a turn that looks counter-clockwise is clockwise in shapely's terms.
    return affinity.rotate(box(left, top, right, bottom), -sized.bubble.rotation, origin=(0, 0))


def _finish(
    index: int, sized: SizedBubble, centre: XY, speaker: XY | None, panel_size: tuple[int, int]
) -> PlacedBubble:
    bubble = sized.bubble
    footprint = affinity.translate(_local_footprint(sized), *centre)
    outline, tip = None, None
    tips: tuple[XY, ...] = ()
    circles: tuple[Polygon, ...] = ()
    if sized.body is not None:
        body = affinity.translate(sized.body.outline, *centre)
        tip = _tail_tip(bubble, body, centre, speaker, sized.style, panel_size)
        tips = _all_tips(bubble, tip, centre, sized.style, panel_size)
        outline = body
        left, top, right, bottom = sized.body.outline.bounds
        smaller = min(right - left, bottom - top)
        for point in tips:
            if sized.style.tail == TailStyle.WEDGE:
                outline = with_tail(outline, centre, point, base_width=max(0.3 * smaller, 4 * sized.outline_width))
            else:
                circles += tuple(trail(body, centre, point, size=0.25 * smaller))
    return PlacedBubble(
        index=index,
        bubble=bubble,
        style=sized.style,
        center=centre,
        outline=outline,
        trail=circles,
        text=sized.text.moved(*centre),
        footprint=footprint,
        tail_tip=tip,
        rotation=bubble.rotation if bubble.kind == BubbleKind.SFX else 0.0,
        outline_width=sized.outline_width,
        stroke_width=sized.stroke_width,
        tail_tips=tips,
    )


def _all_tips(bubble: Bubble, first: XY | None, centre: XY, style: KindStyle, panel_size) -> tuple[XY, ...]:
    """The first tail's tip and those of the bubble's extra tails (none for kinds without tails)."""
    if style.tail == TailStyle.NONE:
        return ()
    width, height = panel_size
    extra = [(t.x * width, t.y * height) for t in bubble.tails]
    return tuple(p for p in [first, *extra] if p is not None and math.dist(p, centre) >= 1)


def _tail_tip(bubble: Bubble, body: Polygon, centre: XY, speaker: XY | None, style: KindStyle, panel_size) -> XY | None:
    """The author's tail tip if given, else a point on the way to the speaker; None without either."""
    if style.tail == TailStyle.NONE:
        return None
    width, height = panel_size
    if bubble.tail_x is not None and bubble.tail_y is not None:
        tip = (bubble.tail_x * width, bubble.tail_y * height)
        return None if math.dist(tip, centre) < 1 else tip
    if speaker is None:
        return None
    return tip_toward(body, centre, speaker, MAX_TAIL * height)
