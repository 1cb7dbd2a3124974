"""Lettering as the exporter draws it: the laid-out bubbles of a panel (outline, tails, line breaks,
font size, colours) in the panel's frame, and the picked picture lettered, so the editor shows exactly
what the export will contain."""

from __future__ import annotations

import io

from django.http import HttpResponse
from ninja import Router
from ninja.errors import ValidationError
from PIL import Image
from pydantic import BaseModel, Field

from stripstudio import domain
from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.lettering import LetteringError, default_fontbook
from stripstudio.lettering.layout import PlacedBubble
from stripstudio.lettering.render import draw_bubbles
from stripstudio.lettering.style import hex_color
from stripstudio.production.export_comic import LetteredPanels
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.convert import panel_index

router = Router(tags=["lettering"])

XY = tuple[float, float]


class LineOut(BaseModel):
    """One line of a bubble's text as the renderer breaks it (fractions of the frame)."""

    text: str
    x: float
    baseline: float
    width: float


class PlacedBubbleOut(BaseModel):
    """A bubble laid out in the frame as the export draws it (points are fractions of the frame).

    ``outline`` is the body with its tails merged in (None for SFX); ``trail`` the circles of a
    thought; ``box`` the area the bubble covers (left, top, right, bottom). Widths are fractions of
    the frame's width. SFX text is drawn turned by ``rotation`` degrees counter-clockwise about
    ``center``; ``fill`` is the colour of an SFX's letters.
    """

    bubble_id: int
    kind: str
    center: XY
    outline: list[XY] | None
    trail: list[list[XY]] = Field(default_factory=list)
    tail_tip: XY | None
    tail_tips: list[XY] = Field(default_factory=list)
    box: tuple[float, float, float, float]
    font_size: float
    font_family: str
    font_weight: int = Field(description="700 when the text is drawn with the family's bold files, else 400.")
    lines: list[LineOut]
    rotation: float
    fill: str
    border_color: str
    text_color: str
    bold: bool
    italic: bool
    dashed: bool
    outline_width: float
    stroke_width: float


class LetteringOut(BaseModel):
    """The panel's lettering at the size the export draws it, in the frame the export shows.

    ``width`` x ``height`` is the lettered frame in pixels; ``crop`` the part of the picked picture
    it shows (left, top, right, bottom as fractions of the picture): all of it in a strip, the
    window of the page frame in a page layout.
    """

    width: int
    height: int
    crop: tuple[float, float, float, float]
    framed: bool
    bubbles: list[PlacedBubbleOut]


@router.get("/panels/{panel_id}/lettering", response=LetteringOut)
def panel_lettering(request, panel_id: int):
    """Where every bubble of the panel goes, how it looks and how its text breaks, as exported."""
    lettering = Lettering(owned(request, models.Panel, panel_id))
    width, height = lettering.shown.size
    ids = [b.pk for b in lettering.row.bubbles.all()]
    return LetteringOut(
        width=width,
        height=height,
        crop=lettering.crop,
        framed=lettering.framed,
        bubbles=[_placed_out(p, ids, width, height) for p in lettering.placed()],
    )


@router.get("/panels/{panel_id}/lettered", response={200: bytes})
def lettered_picture(request, panel_id: int):
    """The picked picture in its frame with its lettering drawn, as PNG (what the export will show)."""
    lettering = Lettering(owned(request, models.Panel, panel_id))
    buffer = io.BytesIO()
    draw_bubbles(lettering.shown, lettering.placed()).save(buffer, format="PNG", compress_level=3)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


class Lettering:
    """A panel's picked picture as the export shows it (in its frame), and its bubbles laid out there."""

    def __init__(self, row: models.Panel) -> None:
        self.row = row
        self.comic = checked_comic(row.comic)
        self.index = panel_index(row)
        image = row.images.filter(picked=True).first()
        if image is None:
            raise invalid("panel", "pick a candidate first: lettering is placed on the picked picture")
        with Image.open(stored_path(stored_name(image.file))) as opened:
            picture = opened.convert("RGB")
        self.art = LetteredPanels(self.comic, lambda _index: picture)
        self.shown = self.art.shown(self.index, picture)
        self.crop = self.art.window(self.index, picture.size)
        self.framed = bool(self.art.frames)

    def placed(self, comic: domain.Comic | None = None, *, free_last: bool = False) -> list[PlacedBubble]:
        """The bubbles laid out in the frame (of ``comic`` if given: the stored one changed); 422 if they cannot be."""
        art = self.art if comic is None else LetteredPanels(comic, self.art.load)
        try:
            return art.placed(self.index, self.shown, free_last=free_last)
        except LetteringError as error:
            raise invalid("bubbles", str(error)) from None


def free_position(row: models.Panel, bubble: domain.Bubble) -> XY | None:
    """Where ``bubble``, added last to the panel, covers no other bubble or face (fractions of the frame).

    When every place is taken it goes to the middle of the frame (over the others, for the author to
    move), so that the panel stays lettered; None when the panel has no picked picture yet: the bubble
    is then placed when the panel is lettered.
    """
    try:
        lettering = Lettering(row)
    except ValidationError:  # no picked picture yet
        return None
    panels = list(lettering.comic.panels)
    panel = panels[lettering.index]
    panels[lettering.index] = panel.model_copy(update={"bubbles": [*panel.bubbles, bubble]})
    comic = lettering.comic.model_copy(update={"panels": panels})
    try:
        placed = lettering.placed(comic, free_last=True)[-1]
    except ValidationError:  # no free place left
        return (0.5, 0.5)
    width, height = lettering.shown.size
    return (round(placed.center[0] / width, 4), round(placed.center[1] / height, 4))


def _placed_out(placed: PlacedBubble, ids: list[int], width: int, height: int) -> PlacedBubbleOut:
    def point(xy) -> XY:
        return (xy[0] / width, xy[1] / height)

    left, top, right, bottom = placed.footprint.bounds
    style = placed.style
    family = placed.bubble.font or style.font
    return PlacedBubbleOut(
        bubble_id=ids[placed.index],
        kind=placed.kind.value,
        center=point(placed.center),
        outline=[point(xy) for xy in placed.outline.exterior.coords] if placed.outline is not None else None,
        trail=[[point(xy) for xy in circle.exterior.coords] for circle in placed.trail],
        tail_tip=point(placed.tail_tip) if placed.tail_tip else None,
        tail_tips=[point(t) for t in placed.tail_tips],
        box=(left / width, top / height, right / width, bottom / height),
        font_size=placed.font_size,
        font_family=family,
        font_weight=700 if style.bold and default_fontbook().has_bold(family) else 400,
        lines=[
            LineOut(text=line.text, x=line.x / width, baseline=line.baseline / height, width=line.width / width)
            for line in placed.text.lines
        ],
        rotation=placed.rotation,
        fill=hex_color(style.fill),
        border_color=hex_color(style.border),
        text_color=hex_color(style.text_color),
        bold=style.bold,
        italic=style.italic,
        dashed=style.dashed,
        outline_width=placed.outline_width / width,
        stroke_width=placed.stroke_width / width,
    )
