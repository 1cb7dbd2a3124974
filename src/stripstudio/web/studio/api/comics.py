"""Comics: list, create, read, change, duplicate, delete."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from ninja import Router, Status

from stripstudio import domain
from stripstudio.domain.presets import STYLE_PRESETS
from stripstudio.production.model_inventory import lora_installed
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.schemas import ComicIn, ComicOut, ComicPatch, CoverIn, StylePresetOut
from stripstudio.web.studio.api.serialize import comic_out
from stripstudio.web.studio.api.server_paths import check_settings
from stripstudio.web.studio.api.validation import domain_errors, invalid
from stripstudio.web.studio.convert import comic_spec, domain_comic
from stripstudio.web.studio.copying import copy_comic
from stripstudio.web.studio.storage_gc import collect_soon

router = Router(tags=["comics"])


@router.get("/styles", response=list[StylePresetOut])
def list_styles(request):
    """The style presets (cartoon, manga, webtoon 3D, comic ink, realistic) a comic can start from, each
    with the style LoRAs that are installed; the others are named in ``missing_loras``, so a comic made
    from a preset draws on the first try with what this studio has."""
    studio = settings.STRIPSTUDIO
    presets = []
    for style in STYLE_PRESETS.values():
        installed = [lora for lora in style.loras if lora_installed(studio, lora.name)]
        missing = [lora.name for lora in style.loras if lora not in installed]
        presets.append(
            StylePresetOut(**style.model_copy(update={"loras": installed}).model_dump(), missing_loras=missing)
        )
    return presets


@router.get("/fast-profiles", response=list[domain.FastProfile])
def list_fast_profiles(request):
    """The fast profiles drafts can be drawn with (distilled LoRAs or checkpoints, 1-8 steps)."""
    return list(domain.FAST_PROFILES.values())


@router.get("/comics", response=list[ComicOut])
def list_comics(request):
    """The author's comics, most recently changed first."""
    return [comic_out(c) for c in mine(request, models.Comic)]


@router.post("/comics", response={201: ComicOut})
def create_comic(request, payload: ComicIn):
    """A new, empty comic."""
    with domain_errors():
        comic = domain.Comic.model_validate(payload.model_dump(exclude_unset=True))
    check_settings(comic)
    row = models.Comic.objects.create(owner=request.user, title=comic.title, spec=comic_spec(comic))
    return Status(201, comic_out(row))


@router.get("/comics/{int:comic_id}", response=ComicOut)
def get_comic(request, comic_id: int):
    """One comic."""
    return comic_out(owned(request, models.Comic, comic_id))


@router.patch("/comics/{int:comic_id}", response=ComicOut)
def update_comic(request, comic_id: int, payload: ComicPatch):
    """Change a comic's title, series data, style, generation defaults or layout."""
    row = owned(request, models.Comic, comic_id)
    current = {**row.spec, "title": row.title}
    with domain_errors():
        comic = domain.Comic.model_validate(_merged(current, payload.model_dump(exclude_unset=True, mode="json")))
    check_settings(comic)
    row.title, row.spec = comic.title, comic_spec(comic)
    row.save()
    return comic_out(row)


@router.put("/comics/{int:comic_id}/cover", response=ComicOut)
def set_cover(request, comic_id: int, payload: CoverIn):
    """Choose the picture on the comic's card (a candidate of one of its panels), or none for the first pick."""
    row = owned(request, models.Comic, comic_id)
    cover = None
    if payload.image_id is not None:
        cover = models.GeneratedImage.objects.filter(pk=payload.image_id, owner=request.user, panel__comic=row).first()
        if cover is None:
            raise invalid("image_id", "no such picture in this comic: choose a candidate of one of its panels")
    row.cover = cover
    row.save(update_fields=["cover", "updated_at"])
    return comic_out(row)


def _merged(current: dict, change: dict) -> dict:
    """``current`` with ``change`` applied: nested objects (style, generation, layout) are merged field by
    field, so a PATCH of ``{"generation": {"steps": 12}}`` keeps the other generation settings; lists and
    plain values are replaced."""
    merged = dict(current)
    for key, value in change.items():
        old = merged.get(key)
        merged[key] = _merged(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


@router.delete("/comics/{int:comic_id}", response={204: None})
def delete_comic(request, comic_id: int):
    """Delete a comic with its characters, panels, images, jobs and exports."""
    owned(request, models.Comic, comic_id).delete()
    transaction.on_commit(collect_soon)
    return Status(204, None)


@router.post("/comics/{comic_id}/duplicate", response={201: ComicOut})
def duplicate_comic(request, comic_id: int):
    """A copy of a comic (characters, panels, bubbles and picked images), titled "… (copy)"."""
    row = owned(request, models.Comic, comic_id)
    with transaction.atomic():
        copy = copy_comic(row)
    return Status(201, comic_out(copy))


def checked_comic(row: models.Comic) -> domain.Comic:
    """The domain comic of ``row``, with its cross-references checked (422 naming the field if broken)."""
    with domain_errors():
        return domain_comic(row)
