"""The runner of generation jobs: draw the candidates, store each as it arrives, save them at the end."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

from stripstudio.generation.batching import BatchJob, batch_key, run_batch
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage as DrawnImage
from stripstudio.generation.request import GenerationRequest
from stripstudio.jobs.lifecycle import record_progress
from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import GeneratePayload, InvalidJobPayload
from stripstudio.jobs.runners import Outcome, RunningJob
from stripstudio.jobs.storage import store_bytes, stored_path
from stripstudio.production.panel_edits import face_detail_request
from stripstudio.web.studio import models


def run_generation(runtime, job: Job, payload: GeneratePayload, report, cancel) -> Outcome:
    """Run the payload's request on its engine; the images become the panel's candidates on success."""
    request = local_request(payload.generation)
    report.store_image = lambda drawn: _store(job, report, drawn)
    engine = runtime.engine(payload.engine)
    drawn = engine.run(request, report, cancel)
    return _outcome(job, payload, report, cancel, engine, request, drawn)


def generation_batch_key(job: Job) -> str | None:
    """Generation jobs with equal keys may be drawn in one batch: same engine, same batch key of the request."""
    try:
        payload = job.payload()
    except InvalidJobPayload:
        return None  # it fails on its own when it runs
    if not isinstance(payload, GeneratePayload):
        return None
    key = batch_key(payload.generation)
    return None if key is None else f"{payload.engine or ''}\n{key}"


def run_generation_batch(runtime, members: list[RunningJob]) -> list[Outcome | BaseException]:
    """Draw several generation jobs in one batch on their (common) engine; each job's outcome or error."""
    requests = [local_request(member.payload.generation) for member in members]
    for member in members:
        member.report.store_image = lambda drawn, m=member: _store(m.job, m.report, drawn)
    engine = runtime.engine(members[0].payload.engine)
    jobs = [BatchJob(request, m.report, m.cancel) for request, m in zip(requests, members, strict=True)]
    results: list[Outcome | BaseException] = []
    for member, request, drawn in zip(members, requests, run_batch(engine, jobs), strict=True):
        if drawn.error is not None:
            results.append(drawn.error)
            continue
        try:
            results.append(
                _outcome(member.job, member.payload, member.report, member.cancel, engine, request, drawn.images)
            )
        except Exception as error:  # storing or fixing faces of one job ends that job only
            results.append(error)
    return results


def _outcome(job: Job, payload: GeneratePayload, report, cancel, engine, request, drawn) -> Outcome:
    """Store the images no event delivered, fix faces if asked, and the commit that saves the candidates."""
    for image in drawn:  # engines that sent no image event for a candidate
        if image.index not in report.images:
            report.images[image.index] = _store(job, report, image)
    if payload.fix_faces:
        for index in sorted(report.images):
            report.images[index] = _faces_fixed(job, report, engine, request, report.images[index], cancel)
    stored = [report.images[index] for index in sorted(report.images)]
    if payload.fix_faces:
        record_progress(report.lease, results=stored)

    def commit() -> None:
        if job.panel_id is None:  # a character sheet: its portraits join the character's history
            _keep_portraits(job, stored)
            return
        # Drawing the whole comic fills every empty frame: a panel without a pick gets its first candidate.
        pick_first = (
            _in_batch(job) and not models.GeneratedImage.objects.filter(panel_id=job.panel_id, picked=True).exists()
        )
        models.GeneratedImage.objects.bulk_create(
            [
                models.GeneratedImage(
                    **_drawn(job, entry),
                    panel_id=job.panel_id,
                    parameters=entry["parameters"],
                    picked=pick_first and index == 0,
                )
                for index, entry in enumerate(stored)
            ]
        )

    return Outcome(commit, message=f"{len(stored)} candidate(s) drawn", data={"images": len(stored)})


def _in_batch(job: Job) -> bool:
    return models.Batch.objects.filter(jobs=job).exists()


def _keep_portraits(job: Job, stored: list[dict[str, Any]]) -> None:
    sheet = models.SheetJob.objects.filter(job=job).first()
    if sheet is None:
        return
    models.Portrait.objects.bulk_create(
        models.Portrait(**_drawn(job, entry), character_id=sheet.character_id) for entry in stored
    )


def _drawn(job: Job, entry: dict[str, Any]) -> dict[str, Any]:
    """The fields a stored picture of ``job`` gives every row that keeps one (candidate or portrait)."""
    return {
        "owner_id": job.owner_id,
        "job": job,
        **{name: entry[name] for name in ("candidate", "file", "seed", "width", "height")},
    }


def _faces_fixed(job: Job, report, engine, request: GenerationRequest, drawn: dict, cancel) -> dict[str, Any]:
    """A stored candidate with its faces redrawn, stored as the candidate in its place."""
    size = (drawn["width"], drawn["height"])
    faces = face_detail_request(request, _local(drawn["file"]), size, seed=drawn["seed"])

    def progress_only(event: JobEvent) -> None:  # the fixed picture replaces candidate N, not candidate 0
        if event.kind != EventKind.IMAGE:
            report(event)

    (fixed,) = engine.run(faces, progress_only, cancel)
    return _store(job, report, dataclasses.replace(fixed, index=drawn["candidate"]))


def local_request(request: GenerationRequest) -> GenerationRequest:
    """The request with every storage name (init image, masks, controls, references) as a local path."""
    changes: dict[str, Any] = {}
    if request.init_image:
        changes["init_image"] = _local(request.init_image)
    if request.mask:
        changes["mask"] = request.mask.model_copy(update={"image": _local(request.mask.image)})
    if request.controls:
        changes["controls"] = tuple(c.model_copy(update={"image": _local(c.image)}) for c in request.controls)
    if request.reference_images:
        changes["reference_images"] = tuple(
            spec.model_copy(update={"images": tuple(_local(name) for name in spec.images)})
            for spec in request.reference_images
        )
    if any(region.mask for region in request.regions):
        changes["regions"] = tuple(
            region.model_copy(update={"mask": _local(region.mask)}) if region.mask else region
            for region in request.regions
        )
    if request.loras:
        changes["loras"] = tuple(
            lora.model_copy(update={"name": _local(lora.name)}) if lora.name.startswith("objects/") else lora
            for lora in request.loras
        )
    return request.model_copy(update=changes)


def _local(name: str) -> str:
    return str(stored_path(name)) if name.startswith("objects/") else name


def _store(job: Job, report, drawn: DrawnImage) -> dict[str, Any]:
    """Write one drawn candidate (PNG with its metadata) to storage and note it on the job."""
    buffer = io.BytesIO()
    drawn.image.save(buffer, format="PNG", pnginfo=drawn.png_info())
    name, _sha = store_bytes(buffer.getvalue(), ".png")
    entry = {
        "candidate": drawn.index,
        "file": name,
        "seed": drawn.seed,
        "width": drawn.image.width,
        "height": drawn.image.height,
        "parameters": drawn.request.model_dump(mode="json"),
        "url": f"/api/jobs/{job.pk}/candidates/{drawn.index}/file",
    }
    record_progress(report.lease, results=[*report.images.values(), entry])
    return entry
