"""Rows to API output. File URLs point at API views that check the owner, never at storage paths."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath

from pydantic import ValidationError

from stripstudio import domain
from stripstudio.generation.request import GenerationRequest
from stripstudio.jobs.models import Job
from stripstudio.web.studio import models
from stripstudio.web.studio.api import schemas
from stripstudio.web.studio.api.regions import regions_out
from stripstudio.web.studio.changes import changed_at


def asset_out(asset: models.Asset) -> schemas.AssetOut:
    """An asset with its download URL."""
    return schemas.AssetOut(
        id=asset.pk,
        kind=asset.kind,
        name=asset.name,
        size=asset.size,
        sha256=asset.sha256,
        width=asset.width,
        height=asset.height,
        url=f"/api/assets/{asset.pk}/file",
        created_at=asset.created_at,
    )


def image_out(image: models.GeneratedImage) -> schemas.ImageOut:
    """A generated candidate with its download URL and what drew it."""
    settings = image_settings(image.parameters)
    return schemas.ImageOut(
        id=image.pk,
        panel_id=image.panel_id,
        job_id=image.job_id,
        candidate=image.candidate,
        seed=image.seed,
        width=image.width,
        height=image.height,
        picked=image.picked,
        url=f"/api/images/{image.pk}/file",
        created_at=image.created_at,
        drawn_with=drawn_with(settings),
        settings=settings,
    )


def drawn_with(settings: schemas.ImageSettingsOut | None) -> schemas.DrawnWithOut | None:
    """The steps, sampler and LoRAs a picture was drawn with, and the fast profile they are (None when not kept)."""
    if settings is None:
        return None
    return schemas.DrawnWithOut(
        steps=settings.steps,
        cfg=settings.cfg,
        sampler=settings.sampler,
        scheduler=settings.scheduler,
        loras=[lora.name for lora in settings.loras],
        fast_profile=domain.profile_drawn(
            settings.steps,
            settings.cfg,
            settings.sampler,
            settings.scheduler,
            [lora.name for lora in settings.loras],
            settings.model,
        ),
    )


def image_settings(parameters: dict) -> schemas.ImageSettingsOut | None:
    """The prompts and settings of the request that drew a picture; None when they were not kept.

    The checkpoint is named by its file name only: a default model configured as a path on the
    server does not show the server's folders.
    """
    try:
        drawn = GenerationRequest.model_validate(parameters)
    except ValidationError:
        return None
    return schemas.ImageSettingsOut(
        task=drawn.task.value,
        prompt=drawn.prompt,
        negative_prompt=drawn.negative_prompt,
        model=_model_name(drawn.model.checkpoint),
        loras=list(drawn.loras),
        seed=drawn.seed,
        steps=drawn.num_inference_steps,
        cfg=drawn.guidance_scale,
        sampler=drawn.sampler,
        scheduler=drawn.scheduler,
        width=drawn.width,
        height=drawn.height,
        strength=drawn.strength,
    )


def _model_name(checkpoint: str) -> str:
    """A name from the model folders or a hub id as it is; a path on the server (the configured
    default model may be one) by its file name."""
    path = PurePosixPath(checkpoint.replace("\\", "/"))
    return path.name if path.is_absolute() or checkpoint.startswith(("~", ".")) or ":" in checkpoint else checkpoint


def bubble_out(bubble: models.Bubble) -> schemas.BubbleOut:
    """A bubble."""
    return schemas.BubbleOut(id=bubble.pk, panel_id=bubble.panel_id, position=bubble.position, spec=bubble.spec)


def panel_out(panel: models.Panel) -> schemas.PanelOut:
    """A panel with its sketch, bubbles and picked image."""
    picked = next((image for image in panel.images.all() if image.picked), None)
    return schemas.PanelOut(
        id=panel.pk,
        comic_id=panel.comic_id,
        position=panel.position,
        spec={**panel.spec, "regions": regions_out(panel)},
        sketch=asset_out(panel.sketch) if panel.sketch is not None else None,
        bubbles=[bubble_out(b) for b in panel.bubbles.all()],
        picked_image=image_out(picked) if picked else None,
    )


def character_out(character: models.Character) -> schemas.CharacterOut:
    """A character with its reference images."""
    return schemas.CharacterOut(
        id=character.pk,
        comic_id=character.comic_id,
        name=character.name,
        position=character.position,
        spec={**character.spec, "name": character.name},
        reference_images=[asset_out(a) for a in character.reference_images.all()],
    )


def comic_out(comic: models.Comic) -> schemas.ComicOut:
    """A comic's own fields and how many panels and characters it has."""
    return schemas.ComicOut(
        id=comic.pk,
        title=comic.title,
        spec=comic.spec,
        panel_count=comic.panels.count(),
        character_count=comic.characters.count(),
        cover_image_id=comic.cover_id,
        cover_url=_cover_url(comic),
        created_at=comic.created_at,
        updated_at=comic.updated_at,
        changed_at=changed_at(comic),
    )


def portrait_out(portrait: models.Portrait) -> schemas.PortraitOut:
    """A character-sheet portrait with its download URL."""
    return schemas.PortraitOut(
        id=portrait.pk,
        character_id=portrait.character_id,
        candidate=portrait.candidate,
        seed=portrait.seed,
        width=portrait.width,
        height=portrait.height,
        url=f"/api/portraits/{portrait.pk}/file",
        created_at=portrait.created_at,
    )


def _cover_url(comic: models.Comic) -> str | None:
    image_id = comic.cover_id
    if image_id is None:
        first = models.GeneratedImage.objects.filter(panel__comic=comic, picked=True).order_by("panel__position")
        image_id = first.values_list("pk", flat=True).first()
    return None if image_id is None else f"/api/images/{image_id}/file"


def job_out(job: Job) -> schemas.JobOut:
    """A job's state, with the URL of its event stream."""
    return schemas.JobOut(
        id=job.pk,
        kind=job.kind,
        status=job.status,
        comic_id=job.comic_id,
        panel_id=job.panel_id,
        progress=job.progress,
        step=job.step,
        total=job.total,
        message=job.message,
        error_type=job.error_type,
        error_message=job.error_message,
        attempts=job.attempts,
        results=job.results,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        events_url=f"/api/jobs/{job.pk}/events",
    )


def export_out(export: models.Export, comic_changed_at: datetime) -> schemas.ExportOut:
    """An exported file with its download URL, out of date when the comic changed after its export began."""
    began = export.job.created_at if export.job else export.created_at
    return schemas.ExportOut(
        id=export.pk,
        comic_id=export.comic_id,
        job_id=export.job_id,
        format=export.format,
        name=export.name,
        size=export.size,
        warnings=export.warnings,
        url=f"/api/exports/{export.pk}/file",
        created_at=export.created_at,
        out_of_date=began < comic_changed_at,
    )
