"""Jobs name their comic and panel by id only: deleting a comic or a panel deletes its jobs."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from stripstudio.jobs.models import Job
from stripstudio.web.studio import models


@pytest.fixture
def comic(db):
    owner = get_user_model().objects.create_user("cleanup")
    comic = models.Comic.objects.create(owner=owner, title="Cleanup")
    for position in range(2):
        models.Panel.objects.create(owner=owner, comic=comic, position=position)
    return comic


def job_of(comic, panel=None, kind=Job.Kind.GENERATE) -> Job:
    return Job.objects.create(owner=comic.owner, kind=kind, comic_id=comic.pk, panel_id=panel and panel.pk)


def test_deleting_a_panel_deletes_its_jobs_only(comic):
    first, second = comic.panels.all()
    gone, kept = job_of(comic, first), job_of(comic, second)
    export = job_of(comic, kind=Job.Kind.EXPORT)
    first.delete()
    assert set(Job.objects.values_list("pk", flat=True)) == {kept.pk, export.pk}
    assert not Job.objects.filter(pk=gone.pk).exists()


def test_deleting_a_comic_deletes_its_jobs_and_its_panels_jobs_and_keeps_others(comic):
    other = models.Comic.objects.create(owner=comic.owner, title="Other")
    other_panel = models.Panel.objects.create(owner=comic.owner, comic=other)
    kept = job_of(other, other_panel)
    for panel in comic.panels.all():
        job_of(comic, panel)
    job_of(comic, kind=Job.Kind.EXPORT)
    job_of(comic)  # a character sheet: the comic's, no panel
    assert Job.objects.count() == 5
    comic.delete()
    assert list(Job.objects.values_list("pk", flat=True)) == [kept.pk]


def test_deleting_comics_in_bulk_deletes_their_jobs(comic):
    job_of(comic, comic.panels.first())
    job_of(comic, kind=Job.Kind.EXPORT)
    models.Comic.objects.filter(pk=comic.pk).delete()
    assert Job.objects.count() == 0
