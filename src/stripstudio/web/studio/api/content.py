"""Characters, panels and bubbles of a comic: create, read, change, reorder, delete."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, Prefetch
from ninja import Router, Status

from stripstudio import domain
from stripstudio.domain.comic import CHARACTERS_MAX, PANELS_MAX
from stripstudio.domain.panel import BUBBLES_MAX
from stripstudio.web.studio import models
from stripstudio.web.studio.api import schemas
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.lettering import free_position
from stripstudio.web.studio.api.regions import regions_in
from stripstudio.web.studio.api.serialize import bubble_out, character_out, panel_out
from stripstudio.web.studio.api.server_paths import check_font, check_loras
from stripstudio.web.studio.api.validation import domain_errors, invalid
from stripstudio.web.studio.changes import touch
from stripstudio.web.studio.convert import character_spec, panel_spec

router = Router(tags=["comic content"])


def _panels(request):
    images = Prefetch("images", queryset=models.GeneratedImage.objects.filter(picked=True))
    return mine(request, models.Panel).select_related("sketch").prefetch_related("bubbles", images)


def _next_position(rows) -> int:
    return (rows.aggregate(top=Max("position"))["top"] or 0) + 1 if rows.exists() else 0


def _room_for_one_more(rows, limit: int, field: str, owner: str) -> None:
    """422 naming ``field`` when ``rows`` already hold ``limit`` rows (the domain's limit on the list)."""
    if rows.count() >= limit:
        raise invalid(field, f"{owner} has at most {limit} {field}; delete one first")


# --- characters -------------------------------------------------------------------------------


@router.get("/comics/{comic_id}/characters", response=list[schemas.CharacterOut])
def list_characters(request, comic_id: int):
    """The comic's characters, in order."""
    comic = owned(request, models.Comic, comic_id)
    return [character_out(c) for c in comic.characters.prefetch_related("reference_images")]


@router.post("/comics/{comic_id}/characters", response={201: schemas.CharacterOut})
def create_character(request, comic_id: int, payload: schemas.CharacterIn):
    """A new character; its name must be unique in the comic."""
    comic = owned(request, models.Comic, comic_id)
    _room_for_one_more(comic.characters, CHARACTERS_MAX, "characters", "a comic")
    data = payload.model_dump(exclude_unset=True, mode="json")
    references = _reference_images(request, data.pop("reference_image_ids", []))
    with domain_errors():
        character = domain.Character.model_validate(data)
    check_loras(character.loras)
    _unique_name(comic, character.name)
    row = models.Character.objects.create(
        owner=request.user,
        comic=comic,
        name=character.name,
        spec=character_spec(character),
        position=_next_position(comic.characters),
    )
    row.reference_images.set(references)
    return Status(201, character_out(row))


@router.get("/characters/{character_id}", response=schemas.CharacterOut)
def get_character(request, character_id: int):
    """One character."""
    return character_out(owned(request, models.Character, character_id))


@router.patch("/characters/{character_id}", response=schemas.CharacterOut)
def update_character(request, character_id: int, payload: schemas.CharacterPatch):
    """Change a character; a new name is carried into the panels and bubbles that name it."""
    row = owned(request, models.Character, character_id)
    data = payload.model_dump(exclude_unset=True, mode="json")
    references = data.pop("reference_image_ids", None)
    with domain_errors():
        character = domain.Character.model_validate({**row.spec, "name": row.name, **data})
    check_loras(character.loras)
    old_name = row.name
    with transaction.atomic():
        if character.name != old_name:
            _unique_name(row.comic, character.name)
            _rename_in_panels(row.comic, old_name, character.name)
        row.name, row.spec = character.name, character_spec(character)
        row.save()
        if references is not None:
            row.reference_images.set(_reference_images(request, references))
    return character_out(row)


@router.delete("/characters/{character_id}", response={204: None})
def delete_character(request, character_id: int):
    """Delete a character; panels stop naming it and its bubbles lose their speaker."""
    row = owned(request, models.Character, character_id)
    with transaction.atomic():
        _rename_in_panels(row.comic, row.name, None)
        row.delete()
        touch(row.comic_id)
    return Status(204, None)


def _unique_name(comic: models.Comic, name: str) -> None:
    if comic.characters.filter(name=name).exists():
        raise invalid("name", f"another character is already called {name!r}; choose another name")


def _reference_images(request, ids: list[int]) -> list[models.Asset]:
    assets = list(mine(request, models.Asset).filter(pk__in=ids, kind=models.Asset.Kind.IMAGE))
    missing = sorted(set(ids) - {a.pk for a in assets})
    if missing:
        raise invalid("reference_image_ids", f"no uploaded image with id {missing[0]}; upload it first")
    return assets


def _rename_in_panels(comic: models.Comic, old: str, new: str | None) -> None:
    for panel in comic.panels.prefetch_related("bubbles"):
        names = panel.spec.get("characters", [])
        if old in names:
            panel.spec["characters"] = [n for n in (new if n == old else n for n in names) if n]
            regions = [{**r, "character": new} if r["character"] == old else r for r in panel.spec.get("regions", [])]
            panel.spec["regions"] = [r for r in regions if r["character"]]
            panel.save(update_fields=["spec", "updated_at"])
        for bubble in panel.bubbles.all():
            if bubble.spec.get("speaker") == old:
                bubble.spec["speaker"] = new
                bubble.save(update_fields=["spec", "updated_at"])


# --- panels -----------------------------------------------------------------------------------


@router.get("/comics/{comic_id}/panels", response=list[schemas.PanelOut])
def list_panels(request, comic_id: int):
    """The comic's panels in reading order, with bubbles and picked images."""
    comic = owned(request, models.Comic, comic_id)
    return [panel_out(p) for p in _panels(request).filter(comic=comic)]


@router.post("/comics/{comic_id}/panels", response={201: schemas.PanelOut})
def create_panel(request, comic_id: int, payload: schemas.PanelIn):
    """A new panel, at the end or at ``position``."""
    comic = owned(request, models.Comic, comic_id)
    _room_for_one_more(comic.panels, PANELS_MAX, "panels", "a comic")
    data = payload.model_dump(exclude_unset=True, mode="json")
    position, sketch_id = data.pop("position", None), data.pop("sketch_id", None)
    data["regions"] = regions_in(request, data.get("regions") or [])
    panel = _valid_panel(comic, data)
    with transaction.atomic():
        row = models.Panel.objects.create(
            owner=request.user,
            comic=comic,
            spec=panel_spec(panel),
            sketch=_sketch(request, sketch_id),
            position=_next_position(comic.panels),
        )
        if position is not None:
            _move(comic, row, position)
    return Status(201, panel_out(_panels(request).get(pk=row.pk)))


@router.get("/panels/{panel_id}", response=schemas.PanelOut)
def get_panel(request, panel_id: int):
    """One panel."""
    return panel_out(owned(request, models.Panel, panel_id, _panels(request)))


@router.patch("/panels/{panel_id}", response=schemas.PanelOut)
def update_panel(request, panel_id: int, payload: schemas.PanelPatch):
    """Change a panel's description, characters, shot, sketch, size or focus."""
    row = owned(request, models.Panel, panel_id)
    data = payload.model_dump(exclude_unset=True, mode="json")
    if "sketch_id" in data:
        row.sketch = _sketch(request, data.pop("sketch_id"))
    if "regions" in data:
        data["regions"] = regions_in(request, data["regions"] or [])
    merged = {**row.spec, **data}
    if "regions" not in data:  # a character taken out of the panel takes their region along
        merged["regions"] = [r for r in merged.get("regions", []) if r["character"] in merged.get("characters", [])]
    row.spec = panel_spec(_valid_panel(row.comic, merged, row))
    row.save()
    return panel_out(_panels(request).get(pk=row.pk))


@router.delete("/panels/{panel_id}", response={204: None})
def delete_panel(request, panel_id: int):
    """Delete a panel with its bubbles and images."""
    row = owned(request, models.Panel, panel_id)
    row.delete()
    touch(row.comic_id)
    return Status(204, None)


@router.put("/comics/{comic_id}/panels/order", response=list[schemas.PanelOut])
def reorder_panels(request, comic_id: int, payload: schemas.OrderIn):
    """Put the comic's panels in the order of ``ids`` (every panel exactly once)."""
    comic = owned(request, models.Comic, comic_id)
    panels = {p.pk: p for p in comic.panels.all()}
    if sorted(payload.ids) != sorted(panels):
        raise invalid("ids", "give every panel of the comic exactly once")
    with transaction.atomic():
        for position, pk in enumerate(payload.ids):
            models.Panel.objects.filter(pk=pk).update(position=position)
        touch(comic.pk)
    return [panel_out(p) for p in _panels(request).filter(comic=comic)]


def _valid_panel(comic: models.Comic, data: dict, row: models.Panel | None = None) -> domain.Panel:
    bubbles = [b.spec for b in row.bubbles.all()] if row else []
    with domain_errors():
        panel = domain.Panel.model_validate({**data, "bubbles": bubbles})
    others = comic.panels.exclude(pk=row.pk) if row else comic.panels.all()
    if panel.id and others.filter(spec__id=panel.id).exists():
        raise invalid("id", f"another panel of this comic already has the id {panel.id!r}; choose another id")
    known = set(comic.characters.values_list("name", flat=True))
    for index, name in enumerate(panel.characters):
        if name not in known:
            raise invalid(f"characters.{index}", f"unknown character {name!r}; add them to the comic first")
    for index, region in enumerate(panel.regions):
        if region.character not in panel.characters:
            message = f"{region.character!r} is not in this panel; add them to its characters or remove the region"
            raise invalid(f"regions.{index}.character", message)
    for index, bubble in enumerate(panel.bubbles):
        if bubble.speaker and bubble.speaker not in panel.characters:
            message = f"bubble {index + 1} is spoken by {bubble.speaker!r}, who must stay in the panel"
            raise invalid("characters", message)
    return panel


def _sketch(request, asset_id: int | None) -> models.Asset | None:
    if asset_id is None:
        return None
    asset = mine(request, models.Asset).filter(pk=asset_id, kind=models.Asset.Kind.IMAGE).first()
    if asset is None:
        raise invalid("sketch_id", f"no uploaded image with id {asset_id}; upload the sketch first")
    return asset


def _move(comic: models.Comic, row: models.Panel, position: int) -> None:
    order = [p.pk for p in comic.panels.exclude(pk=row.pk)]
    order.insert(max(0, min(position, len(order))), row.pk)
    for index, pk in enumerate(order):
        models.Panel.objects.filter(pk=pk).update(position=index)


# --- bubbles ----------------------------------------------------------------------------------


@router.get("/panels/{panel_id}/bubbles", response=list[schemas.BubbleOut])
def list_bubbles(request, panel_id: int):
    """A panel's bubbles in stacking order (last on top)."""
    return [bubble_out(b) for b in owned(request, models.Panel, panel_id).bubbles.all()]


@router.post("/panels/{panel_id}/bubbles", response={201: schemas.BubbleOut})
def create_bubble(request, panel_id: int, payload: schemas.BubbleIn):
    """A new bubble on top of the others (or at ``position``); without x and y it goes where it covers no
    other bubble or face of the picked picture."""
    panel = owned(request, models.Panel, panel_id)
    _room_for_one_more(panel.bubbles, BUBBLES_MAX, "bubbles", "a panel")
    data = payload.model_dump(exclude_unset=True, mode="json")
    position = data.pop("position", None)
    bubble = _valid_bubble(panel, data)
    if bubble.x is None and bubble.y is None and position is None:
        spot = free_position(panel, bubble)
        if spot is not None:
            bubble = bubble.model_copy(update={"x": spot[0], "y": spot[1]})
    row = models.Bubble.objects.create(
        owner=request.user,
        panel=panel,
        spec=bubble.model_dump(mode="json"),
        position=position if position is not None else _next_position(panel.bubbles),
    )
    return Status(201, bubble_out(row))


@router.patch("/bubbles/{bubble_id}", response=schemas.BubbleOut)
def update_bubble(request, bubble_id: int, payload: schemas.BubblePatch):
    """Move, resize, re-point or re-word a bubble, or change its stacking position."""
    row = owned(request, models.Bubble, bubble_id)
    data = payload.model_dump(exclude_unset=True, mode="json")
    if "position" in data:
        row.position = data.pop("position") or 0
    row.spec = _valid_bubble(row.panel, {**row.spec, **data}).model_dump(mode="json")
    row.save()
    return bubble_out(row)


@router.delete("/bubbles/{bubble_id}", response={204: None})
def delete_bubble(request, bubble_id: int):
    """Delete a bubble."""
    row = owned(request, models.Bubble, bubble_id)
    row.delete()
    touch(row.panel.comic_id)
    return Status(204, None)


def _valid_bubble(panel: models.Panel, data: dict) -> domain.Bubble:
    with domain_errors():
        bubble = domain.Bubble.model_validate(data)
    check_font(bubble)
    present = panel.spec.get("characters", [])
    if bubble.speaker and bubble.speaker not in present:
        raise invalid("speaker", f"{bubble.speaker!r} is not in this panel (present: {', '.join(present) or 'nobody'})")
    return bubble
