"""Character-sheet portraits: each character's history of them, and adopting one's seed."""

from __future__ import annotations

from django.db import transaction
from ninja import Router, Status

from stripstudio.jobs.storage import stored_name
from stripstudio.web.studio import models
from stripstudio.web.studio.api import schemas
from stripstudio.web.studio.api.access import owned
from stripstudio.web.studio.api.files import file_response
from stripstudio.web.studio.api.serialize import character_out, portrait_out
from stripstudio.web.studio.storage_gc import collect_soon

router = Router(tags=["portraits"])
PORTRAITS_LISTED = 200


@router.get("/characters/{character_id}/portraits", response=list[schemas.PortraitOut])
def list_portraits(request, character_id: int):
    """The character's portraits from every sheet drawn for them, newest first."""
    character = owned(request, models.Character, character_id)
    return [portrait_out(p) for p in character.portraits.all()[:PORTRAITS_LISTED]]


@router.get("/portraits/{portrait_id}/file", response={200: bytes})
def portrait_file(request, portrait_id: int):
    """The portrait as PNG."""
    return file_response(stored_name(owned(request, models.Portrait, portrait_id).file))


@router.post("/portraits/{portrait_id}/adopt", response=schemas.CharacterOut)
def adopt_portrait(request, portrait_id: int):
    """Give the character this portrait's seed, so their panels start from the look it shows."""
    portrait = owned(request, models.Portrait, portrait_id)
    character = portrait.character
    character.spec = {**character.spec, "seed": portrait.seed}
    character.save(update_fields=["spec", "updated_at"])
    return character_out(character)


@router.delete("/portraits/{portrait_id}", response={204: None})
def delete_portrait(request, portrait_id: int):
    """Remove a portrait from the character's history."""
    owned(request, models.Portrait, portrait_id).delete()
    transaction.on_commit(collect_soon)
    return Status(204, None)
