"""Jobs: generate a panel, export a comic, follow, cancel; candidates, picks and downloads."""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from ninja import Router, Status

from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import ExportPayload
from stripstudio.jobs.storage import stored_name
from stripstudio.jobs.submit import request_cancel, submit_job
from stripstudio.production.export_comic import check_export_size
from stripstudio.web.studio import models
from stripstudio.web.studio.api import schemas
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.comics import checked_comic
from stripstudio.web.studio.api.files import file_response
from stripstudio.web.studio.api.serialize import export_out, image_out, job_out
from stripstudio.web.studio.changes import changed_at
from stripstudio.web.studio.generation_requests import character_sheet_request, generation_request
from stripstudio.web.studio.quota import check_storage
from stripstudio.web.studio.runners.exporting import finished_panels

router = Router(tags=["jobs"])


@router.post("/panels/{panel_id}/generate", response={202: schemas.JobOut, 429: schemas.ErrorOut})
def generate(request, panel_id: int, payload: schemas.GenerateIn):
    """Queue drawing candidates for a panel (from its description or sketch, or editing an image)."""
    panel = owned(request, models.Panel, panel_id)
    check_storage(request.user.pk, what="new candidates")
    comic = checked_comic(panel.comic)
    job_request = generation_request(request, comic, panel, payload)
    with transaction.atomic():
        job = submit_job(request.user, job_request, comic_id=panel.comic_id, panel_id=panel.pk)
    return Status(202, job_out(job))


@router.post("/characters/{character_id}/sheet", response={202: schemas.JobOut, 429: schemas.ErrorOut})
def character_sheet(request, character_id: int, payload: schemas.SheetIn):
    """Queue a few portraits of a character (the job's results) to check their look."""
    character = owned(request, models.Character, character_id)
    check_storage(request.user.pk, what="portraits")
    comic = checked_comic(character.comic)
    job_request = character_sheet_request(comic, character.name, payload.count)
    with transaction.atomic():
        job = submit_job(request.user, job_request, comic_id=character.comic_id)
        models.SheetJob.objects.create(character=character, job=job)
    return Status(202, job_out(job))


@router.post("/comics/{comic_id}/exports", response={202: schemas.JobOut, 429: schemas.ErrorOut})
def export(request, comic_id: int, payload: schemas.ExportIn):
    """Queue an export of the comic (webtoon slices, tall PNG, PDF, CBZ) from each panel's picked image."""
    comic = owned(request, models.Comic, comic_id)
    check_storage(request.user.pk, what="an export")
    check_export_size(checked_comic(comic))
    finished_panels(comic, skip_unfinished=payload.skip_unfinished)  # 422 naming the panels without a picture
    job_payload = ExportPayload(formats=tuple(payload.formats), skip_unfinished=payload.skip_unfinished)
    with transaction.atomic():
        job = submit_job(request.user, job_payload, comic_id=comic.pk)
    return Status(202, job_out(job))


@router.get("/jobs", response=list[schemas.JobOut])
def list_jobs(
    request, comic_id: schemas.RowId | None = None, panel_id: schemas.RowId | None = None, active: bool = False
):
    """The author's jobs, newest first (``active``: only queued and running ones)."""
    rows = mine(request, Job)
    if comic_id is not None:
        rows = rows.filter(comic_id=comic_id)
    if panel_id is not None:
        rows = rows.filter(panel_id=panel_id)
    if active:
        rows = rows.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
    return [job_out(j) for j in rows[:200]]


@router.get("/jobs/{job_id}", response=schemas.JobOut)
def get_job(request, job_id: str):
    """A job's state and progress."""
    return job_out(owned(request, Job, job_id))


@router.post("/jobs/{job_id}/cancel", response=schemas.JobOut)
def cancel_job(request, job_id: str):
    """Cancel a job (a running one stops within one sampling step)."""
    return job_out(request_cancel(owned(request, Job, job_id)))


@router.get("/jobs/{job_id}/candidates/{candidate}/file", response={200: bytes})
def candidate_file(request, job_id: str, candidate: int):
    """A candidate of a running or finished generation job, as soon as it is drawn."""
    job = owned(request, Job, job_id)
    entry = next((e for e in job.results if e.get("candidate") == candidate), None)
    if entry is None:
        raise Http404("that candidate is not drawn yet")
    return file_response(entry["file"])


@router.get("/panels/{panel_id}/images", response=list[schemas.ImageOut])
def panel_images(request, panel_id: int):
    """Every candidate drawn for a panel, newest first: its generation history."""
    return [image_out(i) for i in owned(request, models.Panel, panel_id).images.all()]


@router.post("/images/{image_id}/pick", response=schemas.ImageOut)
def pick_image(request, image_id: int):
    """Make this candidate the panel's picture (used by lettering and export)."""
    image = owned(request, models.GeneratedImage, image_id)
    with transaction.atomic():
        models.GeneratedImage.objects.filter(panel_id=image.panel_id, picked=True).update(picked=False)
        image.picked = True
        image.save(update_fields=["picked", "updated_at"])
    return image_out(image)


@router.get("/images/{image_id}", response=schemas.ImageOut)
def get_image(request, image_id: int):
    """One candidate."""
    return image_out(owned(request, models.GeneratedImage, image_id))


@router.get("/images/{image_id}/file", response={200: bytes})
def image_file(request, image_id: int):
    """The candidate as PNG, with its generation parameters inside."""
    return file_response(stored_name(owned(request, models.GeneratedImage, image_id).file))


@router.get("/comics/{comic_id}/exports", response=list[schemas.ExportOut])
def list_exports(request, comic_id: int):
    """The comic's exported files, newest first."""
    comic = owned(request, models.Comic, comic_id)
    changed = changed_at(comic)
    return [export_out(e, changed) for e in comic.exports.select_related("job")]


@router.get("/exports/{export_id}/file", response={200: bytes})
def export_file(request, export_id: int):
    """Download an exported file."""
    export = owned(request, models.Export, export_id)
    return file_response(stored_name(export.file), export.name)
