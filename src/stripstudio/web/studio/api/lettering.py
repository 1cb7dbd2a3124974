"""Lettering as the exporter draws it: the laid-out bubbles of a panel (outline, tail, line breaks,
font size) and the picked picture lettered, so the editor shows exactly what the export will contain."""

from __future__ import annotations

import io

from django.http import HttpResponse
from ninja import Router
from PIL import Image
from pydantic import BaseModel

from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.lettering import LetteringError
from stripstudio.lettering.layout import PlacedBubble, layout_bubbles
from stripstudio.lettering.render import draw_bubbles
from stripstudio.production.export_comic import at_least_width, lettering_width
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.convert import panel_index

router = Router(tags=["lettering"])


class LineOut(BaseModel):
    """One line of a bubble's text as the renderer breaks it (fractions of the panel)."""

    text: str
    x: float
    baseline: float
    width: float


class PlacedBubbleOut(BaseModel):
    """A bubble laid out on the panel: outline with tail, text lines and font size (fractions of the panel)."""

    bubble_id: int
    kind: str
    center: tuple[float, float]
    outline: list[tuple[float, float]] | None
    tail_tip: tuple[float, float] | None
    font_size: float
    lines: list[LineOut]
    rotation: float


class LetteringOut(BaseModel):
    """The panel's lettering at the size the export draws it."""

    width: int
    height: int
    bubbles: list[PlacedBubbleOut]


@router.get("/panels/{panel_id}/lettering", response=LetteringOut)
def panel_lettering(request, panel_id: int):
    """Where every bubble of the panel goes and how its text breaks, at the exported size."""
    panel, picture, placed = _laid_out(request, panel_id)
    width, height = picture.size
    ids = [b.pk for b in panel.bubbles.all()]
    return LetteringOut(width=width, height=height, bubbles=[_placed_out(p, ids, width, height) for p in placed])


@router.get("/panels/{panel_id}/lettered", response={200: bytes})
def lettered_picture(request, panel_id: int):
    """The picked picture with its lettering drawn, as PNG (what the export will show)."""
    _panel, picture, placed = _laid_out(request, panel_id)
    buffer = io.BytesIO()
    draw_bubbles(picture, placed).save(buffer, format="PNG", compress_level=3)
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


def _laid_out(request, panel_id: int):
    panel = owned(request, models.Panel, panel_id)
    comic = checked_comic(panel.comic)
    image = panel.images.filter(picked=True).first()
    if image is None:
        raise invalid("panel", "pick a candidate first: lettering is placed on the picked picture")
    with Image.open(stored_path(stored_name(image.file))) as opened:
        picture = at_least_width(opened.convert("RGB"), lettering_width(comic))
    index = panel_index(panel)
    try:
        placed = layout_bubbles(comic.panels[index], picture.size, panel_index=index)
    except LetteringError as error:
        raise invalid("bubbles", str(error)) from None
    return panel, picture, placed


def _placed_out(placed: PlacedBubble, ids: list[int], width: int, height: int) -> PlacedBubbleOut:
    def point(xy) -> tuple[float, float]:
        return (xy[0] / width, xy[1] / height)

    outline = [point(xy) for xy in placed.outline.exterior.coords] if placed.outline is not None else None
    return PlacedBubbleOut(
        bubble_id=ids[placed.index],
        kind=placed.kind.value,
        center=point(placed.center),
        outline=outline,
        tail_tip=point(placed.tail_tip) if placed.tail_tip else None,
        font_size=placed.font_size,
        lines=[
            LineOut(text=line.text, x=line.x / width, baseline=line.baseline / height, width=line.width / width)
            for line in placed.text.lines
        ],
        rotation=placed.rotation,
    )
