"""When a comic last changed: its own row, or any of its characters, panels, bubbles and picks.

Exports older than that are out of date. Deleting a row leaves no time stamp behind, so the views
that delete or reorder content touch the comic (:func:`touch`).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from stripstudio.web.studio import models


def changed_at(comic: models.Comic) -> datetime:
    """The latest ``updated_at`` of the comic and everything an export draws from."""
    tables = (
        models.Character.objects.filter(comic=comic),
        models.Panel.objects.filter(comic=comic),
        models.Bubble.objects.filter(panel__comic=comic),
        models.GeneratedImage.objects.filter(panel__comic=comic, picked=True),
    )
    latest = [rows.aggregate(latest=Max("updated_at"))["latest"] for rows in tables]
    return max([comic.updated_at, *(moment for moment in latest if moment is not None)])


def touch(comic_id: int) -> None:
    """Mark the comic changed now (after content was deleted or reordered)."""
    models.Comic.objects.filter(pk=comic_id).update(updated_at=timezone.now())
