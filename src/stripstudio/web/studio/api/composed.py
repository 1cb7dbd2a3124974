"""The request a panel's generation sends to the engine, shown to the author before drawing."""

from __future__ import annotations

from ninja import Router

from stripstudio.jobs.storage import stored_name
from stripstudio.production.panel_request import build_panel_request
from stripstudio.production.render_comic import fixes_faces
from stripstudio.web.config import studio_settings
from stripstudio.web.studio import models
from stripstudio.web.studio.api import schemas
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.serialize import asset_out
from stripstudio.web.studio.api.validation import domain_errors
from stripstudio.web.studio.convert import panel_index

router = Router(tags=["comic content"])


@router.get("/panels/{panel_id}/composed", response=schemas.ComposedOut)
def composed_request(request, panel_id: int):
    """The panel's final prompt (shared scene), each character's region prompt and box, the reference
    images per character with their strength and focus, and the LoRAs, as generating would send them."""
    panel = owned(request, models.Panel, panel_id)
    comic = checked_comic(panel.comic)
    index = panel_index(panel)
    with domain_errors():
        built = build_panel_request(comic, index, studio_settings().default_model)
    present = list(dict.fromkeys(comic.panels[index].characters))  # regions follow this order
    regions = [
        schemas.ComposedRegionOut(character=name, prompt=region.prompt, box=region.box, masked=region.mask is not None)
        for name, region in zip(present, built.regions, strict=False)
    ]
    return schemas.ComposedOut(
        task=built.task.value,
        prompt=built.prompt,
        negative_prompt=built.negative_prompt,
        regions=regions,
        references=_references(panel.comic, built.reference_images),
        loras=list(built.loras),
        seed=built.seed,
        width=built.width,
        height=built.height,
        num_images=built.num_images,
        fix_faces=fixes_faces(comic, index),
    )


def _references(row: models.Comic, specs) -> list[schemas.ComposedReferenceOut]:
    """Each reference spec with the character and the uploads its files (storage names) come from."""
    owners = {}
    for character in row.characters.prefetch_related("reference_images"):
        for asset in character.reference_images.all():
            owners[stored_name(asset.file)] = (character.name, asset)
    return [
        schemas.ComposedReferenceOut(
            character=owners[spec.images[0]][0] if spec.images[0] in owners else "",
            images=[asset_out(owners[name][1]) for name in spec.images if name in owners],
            strength=spec.strength,
            focus=spec.focus,
            region=spec.region,
        )
        for spec in specs
    ]
