"""Databases made when the Job table belonged to the studio app keep their jobs after the move."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from stripstudio.jobs.models import Job
from stripstudio.web.studio import models

BEFORE_THE_MOVE = [("studio", "0001_initial"), ("jobs", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_a_job_of_the_old_studio_table_is_a_job_of_the_jobs_app_after_migrating():
    old = _migrate(BEFORE_THE_MOVE).loader.project_state(BEFORE_THE_MOVE[:1]).apps
    user = old.get_model("auth", "User").objects.create(username="before-the-move")
    comic = old.get_model("studio", "Comic").objects.create(owner=user, title="Old comic")
    panel = old.get_model("studio", "Panel").objects.create(owner=user, comic=comic)
    job_id = uuid.uuid4()
    old.get_model("studio", "Job").objects.create(
        id=job_id, owner=user, kind="generate", status="succeeded", comic=comic, panel=panel, request={"engine": "x"}
    )
    old.get_model("studio", "GeneratedImage").objects.create(
        owner=user, panel=panel, job_id=job_id, candidate=0, file="objects/aa/bb/x.png", seed=1, width=8, height=8
    )

    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())

    job = Job.objects.get(pk=job_id)
    assert (job.kind, job.status, job.request) == ("generate", "succeeded", {"engine": "x"})
    assert (job.comic_id, job.panel_id, job.owner_id) == (comic.pk, panel.pk, user.pk)
    image = models.GeneratedImage.objects.get(job=job)
    assert image.panel_id == panel.pk and list(job.images.all()) == [image]
    assert Job._meta.db_table in connection.introspection.table_names()
    assert "studio_job" not in connection.introspection.table_names()
