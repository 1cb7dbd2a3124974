"""Rows of the studio database <-> the core's domain objects.

Files are named by their storage name (``objects/ab/cd/….png``) inside domain objects; a worker
turns those into local paths, a project export into archive paths.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stripstudio import domain
from stripstudio.jobs.storage import stored_name
from stripstudio.web.studio import models

FileName = Callable[[models.Asset], str]

COMIC_ROW_FIELDS = {"title", "characters", "panels"}
CHARACTER_ROW_FIELDS = {"name", "reference_images"}
PANEL_ROW_FIELDS = {"sketch", "bubbles"}


def storage_name(asset: models.Asset) -> str:
    """An asset's name inside the studio's storage."""
    return stored_name(asset.file)


def comic_spec(comic: domain.Comic) -> dict[str, Any]:
    """The parts of a domain comic kept in ``Comic.spec``."""
    return comic.model_dump(mode="json", exclude=COMIC_ROW_FIELDS)


def character_spec(character: domain.Character) -> dict[str, Any]:
    """The parts of a domain character kept in ``Character.spec``."""
    return character.model_dump(mode="json", exclude=CHARACTER_ROW_FIELDS)


def panel_spec(panel: domain.Panel) -> dict[str, Any]:
    """The parts of a domain panel kept in ``Panel.spec``."""
    return panel.model_dump(mode="json", exclude=PANEL_ROW_FIELDS)


def domain_character(row: models.Character, file_name: FileName = storage_name) -> domain.Character:
    """The domain character of a row (reference images named by ``file_name``)."""
    images = [file_name(asset) for asset in row.reference_images.all()]
    return domain.Character.model_validate({**row.spec, "name": row.name, "reference_images": images})


def domain_panel(row: models.Panel, file_name: FileName = storage_name) -> domain.Panel:
    """The domain panel of a row, with its bubbles in stacking order."""
    bubbles = [bubble.spec for bubble in row.bubbles.all()]
    sketch = file_name(row.sketch) if row.sketch is not None else None
    regions = [_region(region, row, file_name) for region in row.spec.get("regions", [])]
    return domain.Panel.model_validate({**row.spec, "sketch": sketch, "bubbles": bubbles, "regions": regions})


def region_masks(row: models.Panel) -> list[models.Asset]:
    """The uploaded images a panel's regions use as masks (stored by storage name in its spec)."""
    names = [region["mask"] for region in row.spec.get("regions", []) if region.get("mask")]
    return list(models.Asset.objects.filter(owner_id=row.owner_id, file__in=names)) if names else []


def _region(region: dict[str, Any], row: models.Panel, file_name: FileName) -> dict[str, Any]:
    if not region.get("mask"):
        return region
    mask = next((asset for asset in region_masks(row) if stored_name(asset.file) == region["mask"]), None)
    return {**region, "mask": file_name(mask)} if mask is not None else region


def domain_comic(row: models.Comic, file_name: FileName = storage_name, *, check: bool = True) -> domain.Comic:
    """The whole comic of a row: characters and panels in order. ``check=False`` skips cross-reference checks."""
    characters = row.characters.prefetch_related("reference_images")
    panels = row.panels.select_related("sketch").prefetch_related("bubbles")
    data = {
        **row.spec,
        "title": row.title,
        "characters": [domain_character(c, file_name).model_dump(mode="json") for c in characters],
        "panels": [domain_panel(p, file_name).model_dump(mode="json") for p in panels],
    }
    context = None if check else {"skip_reference_checks": True}
    return domain.Comic.model_validate(data, context=context)


def panel_index(row: models.Panel) -> int:
    """The 0-based position of a panel among its comic's panels."""
    return list(row.comic.panels.values_list("pk", flat=True)).index(row.pk)
