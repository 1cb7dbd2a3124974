"""Draw lettering onto a panel picture with Pillow.

Each bubble is drawn four times larger on a transparent layer and scaled down, which gives smooth
edges and evenly spaced small text (FreeType's hinting at small sizes shifts letters about). The
outline is the band between the shape and the shape shrunk by the line width, so it is equally
thick everywhere, tail included. Text pieces go exactly where the layout put them, so the picture
matches the line breaks the layout reports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from PIL import Image, ImageDraw
from shapely.geometry import MultiPolygon, Polygon
from shapely.ops import substring, unary_union

from stripstudio.domain.bubble import LetteringStyle
from stripstudio.domain.panel import Panel
from stripstudio.lettering.fonts import TEXT_SCALE, FontBook
from stripstudio.lettering.layout import PlacedBubble, layout_bubbles
from stripstudio.lettering.placement import XY, FaceBox
from stripstudio.lettering.style import SpeechShape

SUPERSAMPLE = TEXT_SCALE  # text is measured at the scale it is drawn at
MAX_LAYER_PIXELS = 16_000_000  # huge bubbles on huge panels are drawn less enlarged, to bound memory
DASH = 3.0  # dash length of a whisper's outline, in outline widths (the gaps are as long)
ITALIC_SLANT = 0.2  # horizontal shift per pixel of height of slanted (italic) text, as the editor draws it
ITALIC_MIDDLE = 0.35  # text is slanted about this height above the baseline, in font sizes


def letter_panel(
    image: Image.Image,
    panel: Panel,
    *,
    panel_index: int = 0,
    speakers: Mapping[str, XY] | None = None,
    faces: Sequence[FaceBox] | None = None,
    fonts: FontBook | None = None,
    speech_shape: SpeechShape = SpeechShape.AUTO,
    inside: bool = False,
    lettering: LetteringStyle | None = None,
) -> Image.Image:
    """A new RGB picture: ``image`` with ``panel``'s bubbles drawn in list order (``image`` is untouched).

    The arguments after ``panel`` are those of :func:`layout_bubbles`; LetteringError when a bubble
    cannot be lettered.
    """
    placed = layout_bubbles(
        panel,
        image.size,
        panel_index=panel_index,
        speakers=speakers,
        faces=faces,
        fonts=fonts,
        speech_shape=speech_shape,
        inside=inside,
        lettering=lettering,
    )
    return draw_bubbles(image, placed)


def draw_bubbles(image: Image.Image, placed: Sequence[PlacedBubble]) -> Image.Image:
    """A new RGB picture: ``image`` with the laid-out bubbles drawn on it in order."""
    canvas = image.convert("RGB") if image.mode != "RGB" else image.copy()
    for bubble in placed:
        if bubble.outline is None:
            _draw_sfx(canvas, bubble)
        else:
            _draw_bubble(canvas, bubble)
    return canvas


class _Layer:
    """A transparent drawing surface over part of the panel, ``factor`` times larger than the panel."""

    def __init__(self, origin: tuple[int, int], size: tuple[int, int], like: _Layer | None = None) -> None:
        self.origin = origin
        self.factor: int
        pixels: tuple[int, int]
        if like is not None:  # an empty layer of the same size and scale
            self.factor, pixels = like.factor, like.image.size
        else:
            self.factor = max(1, min(SUPERSAMPLE, math.isqrt(MAX_LAYER_PIXELS // max(1, size[0] * size[1]))))
            pixels = (size[0] * self.factor, size[1] * self.factor)
        self.image: Image.Image = Image.new("RGBA", pixels, (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def at(self, x: float, y: float) -> tuple[float, float]:
        """Panel pixel coordinates to layer coordinates."""
        return ((x - self.origin[0]) * self.factor, (y - self.origin[1]) * self.factor)

    def fill(self, geometry, color: tuple[int, ...]) -> None:
        """Fill every polygon of ``geometry`` (holes are not cut out: bubble shapes have none)."""
        polygons = [geometry] if isinstance(geometry, Polygon) else getattr(geometry, "geoms", [])
        for polygon in polygons:
            if isinstance(polygon, MultiPolygon):
                self.fill(polygon, color)
            elif isinstance(polygon, Polygon) and not polygon.is_empty:
                self.draw.polygon([self.at(x, y) for x, y in polygon.exterior.coords], fill=color)

    def text(self, bubble: PlacedBubble, color: tuple[int, ...]) -> None:
        """Every piece of the bubble's text where the layout put it, slanted when the style is italic."""
        size = bubble.text.size * self.factor
        stroke_fill = (*bubble.style.border, 255)
        for line in bubble.text.lines:
            target = self if not bubble.style.italic else _Layer(self.origin, (1, 1), like=self)
            for piece in line.pieces:
                target.draw.text(
                    self.at(piece.x, line.baseline),
                    piece.text,
                    font=piece.face.at(size),
                    fill=color,
                    anchor="ls",
                    stroke_width=bubble.stroke_width * self.factor,
                    stroke_fill=stroke_fill,
                )
            if target is not self:
                # Slant about the middle of the lower-case letters, so the line stays where it was.
                middle = self.at(0, line.baseline - ITALIC_MIDDLE * bubble.text.size)[1]
                slanted = target.image.transform(
                    target.image.size,
                    Image.Transform.AFFINE,
                    (1, ITALIC_SLANT, -ITALIC_SLANT * middle, 0, 1, 0),
                    resample=Image.Resampling.BICUBIC,
                )
                self.image.alpha_composite(slanted)

    def shrunk(self) -> Image.Image:
        """The layer at panel scale."""
        return self.image.reduce(self.factor) if self.factor > 1 else self.image


def _draw_bubble(canvas: Image.Image, bubble: PlacedBubble) -> None:
    """The outline and thought circles, filled, with a solid or dashed line, and the text inside."""
    shapes = [bubble.outline, *bubble.trail]
    line = bubble.outline_width
    left, top, right, bottom = unary_union(shapes).bounds
    origin = (math.floor(left - line), math.floor(top - line))
    layer = _Layer(origin, (math.ceil(right + line) - origin[0] + 1, math.ceil(bottom + line) - origin[1] + 1))
    fill, border = (*bubble.style.fill, 255), (*bubble.style.border, 255)
    for shape in shapes:
        inner = shape.buffer(-line)
        if bubble.style.dashed:
            layer.fill(shape, fill)
            layer.fill(_dashes(shape, inner, line), border)
        else:
            layer.fill(shape, border)
            layer.fill(inner, fill)
    layer.text(bubble, (*bubble.style.text_color, 255))
    _composite(canvas, layer.shrunk(), origin)


def _dashes(shape: Polygon, inner, line: float):
    """The pieces of the band between ``shape`` and ``inner`` under evenly spaced dashes."""
    ring = shape.exterior
    count = max(4, round(ring.length / (2 * DASH * line)))
    step = ring.length / count
    marks = [substring(ring, k * step, k * step + step / 2).buffer(2 * line, cap_style="flat") for k in range(count)]
    return unary_union(marks).intersection(shape.difference(inner))


def _draw_sfx(canvas: Image.Image, bubble: PlacedBubble) -> None:
    """Big outlined text on its own layer, turned about the bubble's centre, then laid on the picture."""
    cx, cy = bubble.center
    corners = [(x, y) for line in bubble.text.lines for x in line.box[0::2] for y in line.box[1::2]]
    radius = math.ceil(max(math.dist(c, bubble.center) for c in corners) + 2 * bubble.stroke_width + 2)
    origin = (round(cx) - radius, round(cy) - radius)
    layer = _Layer(origin, (2 * radius, 2 * radius))
    layer.text(bubble, (*bubble.style.fill, 255))
    if bubble.rotation:
        # Turn about the bubble's centre, which is the layer's centre up to the rounding of ``origin``.
        pivot = layer.at(cx, cy)
        layer.image = layer.image.rotate(bubble.rotation, resample=Image.Resampling.BICUBIC, center=pivot)
    _composite(canvas, layer.shrunk(), origin)


def _composite(canvas: Image.Image, layer: Image.Image, origin: tuple[int, int]) -> None:
    """Lay ``layer`` over ``canvas`` at ``origin``, cropping whatever sticks out of the canvas."""
    left, top = max(0, -origin[0]), max(0, -origin[1])
    right = min(layer.width, canvas.width - origin[0])
    bottom = min(layer.height, canvas.height - origin[1])
    if right > left and bottom > top:
        # Pasting through the layer's own alpha is "over" compositing on the opaque picture, without
        # converting the whole picture to RGBA and back for every bubble.
        piece = layer.crop((left, top, right, bottom))
        canvas.paste(piece, (origin[0] + left, origin[1] + top), piece)
