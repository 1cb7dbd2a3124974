"""From an API generate call to the job's request: the panel's own request, changed for the mode asked."""

from __future__ import annotations

import secrets

from django.conf import settings

from stripstudio import domain
from stripstudio.generation.request import GenerationRequest, Task
from stripstudio.jobs.payloads import GeneratePayload
from stripstudio.jobs.storage import stored_name
from stripstudio.production.panel_edits import face_detail_request, inpaint_request, outpaint_request, variation_request
from stripstudio.production.panel_request import (
    PanelOverrides,
    build_panel_request,
    draws_fast,
    fast_lora_name,
    seed_is_locked,
)
from stripstudio.production.render_comic import fixes_faces
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import mine
from stripstudio.web.studio.api.schemas import GenerateIn
from stripstudio.web.studio.api.validation import domain_errors, invalid
from stripstudio.web.studio.convert import panel_index
from stripstudio.web.studio.engine_checks import refuse_what_the_engine_cannot_honour


def generation_request(request, comic: domain.Comic, panel: models.Panel, payload: GenerateIn) -> GeneratePayload:
    """The payload of a generate job for ``panel`` (422 naming the field when something is missing)."""
    studio = settings.STRIPSTUDIO
    overrides = PanelOverrides(
        candidates=payload.candidates,
        steps=payload.steps,
        width=payload.width,
        height=payload.height,
        fast=payload.fast,
    )
    with domain_errors():
        base = build_panel_request(comic, panel_index(panel), studio.default_model, overrides)
        locked = seed_is_locked(comic, panel_index(panel))
        base = base.model_copy(update=_base_changes(request, base, payload, locked=locked))
        built = _for_mode(request, base, panel, payload)
    fix_faces = payload.mode in ("text", "sketch") and fixes_faces(comic, panel_index(panel))
    engine = comic.generation.engine or studio.default_engine
    fast_lora = fast_lora_name(comic) if draws_fast(comic, panel_index(panel), overrides) else None
    required = {fast_lora: FAST_LORA_FIX} if fast_lora else {}
    return _checked(
        engine, built, fix_faces=fix_faces, skip_missing_loras=payload.skip_missing_loras, required_loras=required
    )


FAST_LORA_FIX = "choose another fast profile, or draw a final (the fast profile cannot draw without its LoRA)"


SHEET_DESCRIPTION = "character sheet, portrait, looking at the viewer, plain light background"


def character_sheet_request(comic: domain.Comic, character: str, count: int) -> GeneratePayload:
    """A job payload for ``count`` portraits of ``character`` to check their look before drawing panels."""
    studio = settings.STRIPSTUDIO
    sheet = domain.Panel(description=SHEET_DESCRIPTION, characters=[character], shot="portrait")
    with domain_errors():
        alone = comic.model_copy(update={"panels": [sheet]})
        built = build_panel_request(alone, 0, studio.default_model, PanelOverrides(candidates=count))
    changes: dict = {"previews": True}
    if not seed_is_locked(alone, 0):
        changes["seed"] = secrets.randbelow(2**32)
    built = built.model_copy(update=changes)
    return _checked(comic.generation.engine or studio.default_engine, built)


def _checked(
    engine: str,
    built: GenerationRequest,
    *,
    fix_faces: bool = False,
    skip_missing_loras: bool = False,
    required_loras: dict[str, str] | None = None,
) -> GeneratePayload:
    """The job payload, once ``engine`` says it can honour every field of ``built`` (else a 422), and the
    face pass after it when ``fix_faces``; LoRAs not installed are dropped (and named) when ``skip_missing_loras``."""
    checked = refuse_what_the_engine_cannot_honour(
        engine, built, skip_missing_loras=skip_missing_loras, required_loras=required_loras
    )
    if fix_faces:  # each candidate's faces: the same request redrawing a picture of its size
        size = (checked.width, checked.height)
        faces = face_detail_request(checked, "candidate.png", size, seed=checked.seed)
        refuse_what_the_engine_cannot_honour(engine, faces)
    skipped = tuple(lora.name for lora in built.loras if lora not in checked.loras)
    return GeneratePayload(engine=engine, generation=checked, fix_faces=fix_faces, skipped_loras=skipped)


def _base_changes(request, base: GenerationRequest, payload: GenerateIn, *, locked: bool) -> dict:
    """The seed asked for, the locked one, else a fresh one each Generate; uploaded LoRAs by their files."""
    changes: dict = {"previews": payload.previews}
    if payload.seed is not None:
        changes["seed"] = payload.seed
    elif not locked:
        changes["seed"] = secrets.randbelow(2**32)
    if base.loras:
        changes["loras"] = tuple(_uploaded_lora(request, lora) for lora in base.loras)
    return changes


def _for_mode(request, base: GenerationRequest, panel: models.Panel, payload: GenerateIn) -> GenerationRequest:
    if payload.mode == "text":
        return base
    if payload.mode == "sketch":
        if base.task != Task.SKETCH_TO_IMAGE:
            raise invalid("mode", "this panel has no sketch: draw or upload one first, or generate from text")
        return base
    source = _source_image(request, panel, payload.source_image_id)
    size = (source.width, source.height)
    if payload.mode == "variation":
        return variation_request(base, stored_name(source.file), size, payload.strength)
    if payload.mode == "fix_faces":
        return face_detail_request(base, stored_name(source.file), size, seed=source.seed)
    if payload.mode == "inpaint":
        mask = _mask(request, payload.mask_id)
        return inpaint_request(
            base,
            stored_name(source.file),
            size,
            stored_name(mask.file),
            grow=payload.grow,
            feather=payload.feather,
            strength=payload.strength,
            prompt=payload.prompt,
        )
    if payload.outpaint is None:
        raise invalid("outpaint", 'say how many pixels to add on which side, e.g. {"right": 256}')
    return outpaint_request(base, stored_name(source.file), size, payload.outpaint, prompt=payload.prompt)


def _source_image(request, panel: models.Panel, image_id: int | None) -> models.GeneratedImage:
    images = mine(request, models.GeneratedImage).filter(panel=panel)
    source = images.filter(pk=image_id).first() if image_id is not None else images.filter(picked=True).first()
    if source is None:
        raise invalid(
            "source_image_id",
            "no such image of this panel" if image_id is not None else "pick a candidate first, or name one",
        )
    return source


def _mask(request, mask_id: int | None) -> models.Asset:
    mask = mine(request, models.Asset).filter(pk=mask_id, kind=models.Asset.Kind.IMAGE).first() if mask_id else None
    if mask is None:
        raise invalid("mask_id", "upload the mask (white where the picture is repainted) and give its id")
    return mask


def _uploaded_lora(request, lora):
    """A LoRA named like one of the author's uploaded model files points at that file."""
    stem = lora.name.removesuffix(".safetensors")
    uploads = mine(request, models.Asset).filter(kind=models.Asset.Kind.MODEL)
    match = uploads.filter(name__in=[stem, f"{stem}.safetensors"]).first()
    return lora.model_copy(update={"name": stored_name(match.file)}) if match else lora
