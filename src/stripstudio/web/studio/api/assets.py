"""Uploads: pictures (sketches, masks, references) checked by decoding, models only as safetensors."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from ninja import File, Form, Router, Status, UploadedFile

from stripstudio.jobs.storage import store_bytes, store_file, stored_name
from stripstudio.uploads import UploadLimits, UploadRejected, clean_image, clean_model_file, safe_filename
from stripstudio.web.studio import models
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.files import file_response
from stripstudio.web.studio.api.regions import forget_mask
from stripstudio.web.studio.api.schemas import AssetOut, RowId
from stripstudio.web.studio.api.serialize import asset_out
from stripstudio.web.studio.quota import check_storage
from stripstudio.web.studio.storage_gc import collect_soon

router = Router(tags=["assets"])


def upload_limits() -> UploadLimits:
    """The upload limits from the studio settings."""
    studio = settings.STRIPSTUDIO
    return UploadLimits(
        max_bytes=studio.upload_max_bytes,
        max_pixels=studio.upload_max_pixels,
        model_max_bytes=studio.model_upload_max_bytes,
    )


@router.post("/assets", response={201: AssetOut})
def upload_asset(
    request,
    file: File[UploadedFile],
    kind: Form[models.Asset.Kind] = models.Asset.Kind.IMAGE,
    comic_id: Form[int | None] = None,
):
    """Upload a picture (PNG, JPEG or WebP) or a model file (.safetensors); nothing is kept if it is rejected."""
    comic = owned(request, models.Comic, comic_id) if comic_id is not None else None
    check_storage(request.user.pk, file.size or 0, what="the upload")
    name = safe_filename(file.name)
    fields = _store_model(file, name) if kind == models.Asset.Kind.MODEL else _store_image(file)
    asset = models.Asset.objects.create(owner=request.user, kind=kind, name=name, comic=comic, **fields)
    return Status(201, asset_out(asset))


def _store_image(file: UploadedFile) -> dict:
    limits = upload_limits()
    if file.size is not None and file.size > limits.max_bytes:
        raise UploadRejected(
            "file",
            f"the picture is {file.size} bytes, more than the {limits.max_bytes}-byte limit; "
            "upload a smaller picture or save it with more compression",
        )
    image = clean_image(file.read(limits.max_bytes + 1), field="file", limits=limits)
    name, sha256 = store_bytes(image.data, image.extension)
    return {"file": name, "sha256": sha256, "size": len(image.data), "width": image.width, "height": image.height}


def _store_model(file: UploadedFile, name: str) -> dict:
    if file.file is None:
        raise UploadRejected("file", "the upload arrived without its file: try again")
    checked = clean_model_file(file.file, filename=name, field="file", limits=upload_limits())
    file.seek(0)
    if hasattr(file, "temporary_file_path"):
        from pathlib import Path

        stored, sha256 = store_file(Path(file.temporary_file_path()), ".safetensors")
    else:
        stored, sha256 = store_bytes(file.read(), ".safetensors")
    return {"file": stored, "sha256": sha256, "size": checked.size}


@router.get("/assets", response=list[AssetOut])
def list_assets(request, kind: models.Asset.Kind | None = None, comic_id: RowId | None = None):
    """The author's uploads, newest first."""
    rows = mine(request, models.Asset)
    if kind:
        rows = rows.filter(kind=kind)
    if comic_id is not None:
        rows = rows.filter(comic_id=comic_id)
    return [asset_out(a) for a in rows[:500]]


@router.get("/assets/{asset_id}", response=AssetOut)
def get_asset(request, asset_id: int):
    """One upload."""
    return asset_out(owned(request, models.Asset, asset_id))


@router.get("/assets/{asset_id}/file", response={200: bytes})
def asset_file(request, asset_id: int):
    """The uploaded file (pictures re-encoded, without metadata)."""
    asset = owned(request, models.Asset, asset_id)
    return file_response(stored_name(asset.file), asset.name if asset.kind == models.Asset.Kind.MODEL else None)


@router.delete("/assets/{asset_id}", response={204: None})
def delete_asset(request, asset_id: int):
    """Forget an upload (panels that used it as their sketch keep no sketch, nor a region painted with it)."""
    asset = owned(request, models.Asset, asset_id)
    with transaction.atomic():
        forget_mask(request, asset)
        asset.delete()
    transaction.on_commit(collect_soon)
    return Status(204, None)
