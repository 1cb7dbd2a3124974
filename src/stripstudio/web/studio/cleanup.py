"""A deleted comic or panel takes its jobs with it.

Jobs name their comic and panel by id only (the jobs app knows nothing of the studio's tables), so
the database cannot cascade: these receivers delete the jobs in the same transaction as the row.
Deleting a comic deletes its panels one by one through Django's collector, so both signals fire.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from stripstudio.jobs.models import Job
from stripstudio.web.studio.models import Comic, Panel


@receiver(post_delete, sender=Comic, dispatch_uid="studio-comic-jobs")
def delete_comic_jobs(sender, instance: Comic, **kwargs) -> None:
    """Delete every job of a deleted comic."""
    Job.objects.filter(comic_id=instance.pk).delete()


@receiver(post_delete, sender=Panel, dispatch_uid="studio-panel-jobs")
def delete_panel_jobs(sender, instance: Panel, **kwargs) -> None:
    """Delete every job of a deleted panel."""
    Job.objects.filter(panel_id=instance.pk).delete()
