"""Panel regions at the API boundary: a painted mask travels as an uploaded image's id and is stored by
its storage name, so a panel can only point at the author's own uploads, never at a server path."""

from __future__ import annotations

from typing import Any

from stripstudio.jobs.storage import stored_name
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import mine
from stripstudio.web.studio.api.validation import invalid


def regions_in(request, regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The domain form of API regions: each ``mask_id`` becomes the storage name of that uploaded image."""
    stored = []
    for index, region in enumerate(regions):
        region = {key: value for key, value in region.items() if value is not None}
        mask_id = region.pop("mask_id", None)
        if mask_id is not None:
            asset = mine(request, models.Asset).filter(pk=mask_id, kind=models.Asset.Kind.IMAGE).first()
            if asset is None:
                raise invalid(f"regions.{index}.mask_id", f"no uploaded image with id {mask_id}; upload the mask first")
            region["mask"] = stored_name(asset.file)
        stored.append(region)
    return stored


def regions_out(panel: models.Panel) -> list[dict[str, Any]]:
    """The API form of a panel's stored regions: a mask named by the id of the owner's uploaded image."""
    regions = panel.spec.get("regions") or []
    masks = [r["mask"] for r in regions if r.get("mask")]
    ids = {}
    if masks:
        rows = models.Asset.objects.filter(owner_id=panel.owner_id, file__in=masks).values_list("file", "pk")
        ids = dict(rows)
    return [
        {
            "character": region["character"],
            "place": region.get("place"),
            "box": region.get("box"),
            "mask_id": ids.get(region["mask"]) if region.get("mask") else None,
        }
        for region in regions
    ]


def forget_mask(request, asset: models.Asset) -> None:
    """Take the regions painted with ``asset`` out of the author's panels (the upload is being deleted)."""
    name = stored_name(asset.file)
    for panel in mine(request, models.Panel).iterator():
        regions = panel.spec.get("regions") or []
        kept = [region for region in regions if region.get("mask") != name]
        if len(kept) != len(regions):
            panel.spec["regions"] = kept
            panel.save(update_fields=["spec", "updated_at"])
