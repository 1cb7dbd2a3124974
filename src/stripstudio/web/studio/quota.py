"""Per-author storage quotas: the bytes of the stored files an author's rows refer to.

A file counts once per author however many of their rows name it (content is stored once); a
file two authors share counts for each of them, since either may keep it alive alone.
"""

from __future__ import annotations

import json

from django.conf import settings
from ninja.errors import HttpError

from stripstudio.jobs.models import Job
from stripstudio.jobs.storage import stored_path
from stripstudio.web.studio import models
from stripstudio.web.studio.storage_gc import STORED_NAME, FieldsOf

MB = 1024 * 1024
FILE_COLUMNS: FieldsOf = (
    (models.Asset, "file"),
    (models.GeneratedImage, "file"),
    (models.Export, "file"),
    (models.TrainingPhoto, "file"),
    (models.TrainingEpoch, "lora_file"),
)
JSON_COLUMNS: FieldsOf = ((Job, "results"), (models.TrainingEpoch, "grid"))


def storage_used(owner_id: int) -> int:
    """Bytes of the distinct stored files the author's uploads, images, exports, training photos and
    epochs, and jobs refer to."""
    names: set[str] = set()
    for model, column in FILE_COLUMNS:
        names.update(model._default_manager.filter(owner_id=owner_id).values_list(column, flat=True).iterator())
    for model, column in JSON_COLUMNS:
        for value in model._default_manager.filter(owner_id=owner_id).values_list(column, flat=True).iterator():
            names.update(STORED_NAME.findall(json.dumps(value)))
    return sum(_size(name) for name in names)


def check_storage(owner_id: int, adding: int = 0, *, what: str = "this") -> None:
    """Refuse (HTTP 413) when the author's stored files plus ``adding`` bytes would pass their quota.

    ``adding=0`` (a job whose output size is not known yet) is refused once the quota is full.
    """
    quota = settings.STRIPSTUDIO.storage_quota_bytes
    if not quota:
        return
    used = storage_used(owner_id)
    if used + adding > quota or (adding == 0 and used >= quota):
        raise HttpError(
            413,
            f"storage quota: your files use {_mb(used)} of your {_mb(quota)} quota "
            f"(STRIPSTUDIO_STORAGE_QUOTA_BYTES), so {what} cannot be stored"
            + (f" ({_mb(adding)} more)" if adding else "")
            + ": delete exports, unused candidates or uploads you no longer need",
        )


def _size(name: str) -> int:
    try:
        return stored_path(name).stat().st_size
    except FileNotFoundError:
        return 0


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"
