"""A deleted comic, panel or training run takes its jobs with it; a deleted dataset or run its folder, and
a training job that ended for good its working folder (it is never resumed).

Jobs name their comic and panel by id only (the jobs app knows nothing of the studio's tables), so
the database cannot cascade: these receivers delete the jobs in the same transaction as the row.
Deleting a comic deletes its panels one by one through Django's collector, so both signals fire.
"""

from __future__ import annotations

import shutil

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from stripstudio.jobs.models import Job
from stripstudio.jobs.signals import job_ended
from stripstudio.web.studio.models import Comic, Panel, TrainingDataset, TrainingRun


@receiver(post_delete, sender=Comic, dispatch_uid="studio-comic-jobs")
def delete_comic_jobs(sender, instance: Comic, **kwargs) -> None:
    """Delete every job of a deleted comic."""
    Job.objects.filter(comic_id=instance.pk).delete()


@receiver(post_delete, sender=Panel, dispatch_uid="studio-panel-jobs")
def delete_panel_jobs(sender, instance: Panel, **kwargs) -> None:
    """Delete every job of a deleted panel."""
    Job.objects.filter(panel_id=instance.pk).delete()


@receiver(post_delete, sender=TrainingDataset, dispatch_uid="studio-training-dataset-folder")
def delete_dataset_folder(sender, instance: TrainingDataset, **kwargs) -> None:
    """Remove a deleted dataset's prepared folder once the deletion is committed."""
    from stripstudio.web.studio.training_datasets import dataset_folder

    folder = dataset_folder(instance)  # now: the row loses its id once deleted
    transaction.on_commit(lambda: shutil.rmtree(folder, ignore_errors=True))


@receiver(post_delete, sender=TrainingRun, dispatch_uid="studio-training-run-job")
def delete_run_job(sender, instance: TrainingRun, **kwargs) -> None:
    """Delete a deleted run's job, and its working folder once the deletion is committed."""
    from stripstudio.web.studio.runners.training import remove_run_folder

    if instance.job_id is not None:
        Job.objects.filter(pk=instance.job_id).delete()
        transaction.on_commit(lambda: remove_run_folder(instance.job_id))


@receiver(job_ended, dispatch_uid="studio-training-job-folder")
def remove_ended_training_folder(sender, job_id: str, kind: str, status: str, **kwargs) -> None:
    """Remove the working folder (dataset copy, resume state) of a training job that ended for good
    (succeeded, cancelled or failed): only a retry resumes from it, and an ended job is never retried.
    The signal comes once the end is committed, a succeeded job's epochs with it."""
    from stripstudio.web.studio.runners.training import remove_run_folder

    if kind == Job.Kind.TRAIN:
        transaction.on_commit(lambda: remove_run_folder(job_id))
