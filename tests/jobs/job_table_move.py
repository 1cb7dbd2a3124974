"""The Job table's move from the studio app to the jobs app, as a scenario any database can run.

``python -m tests.jobs.job_table_move DATABASE_URL`` runs it on an empty database of that URL (the
PostgreSQL scale test does); ``tests/jobs/test_migration.py`` runs it on the SQLite test database.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

BEFORE_THE_MOVE = [("studio", "0001_initial"), ("jobs", None)]


def migrate(connection, targets=None) -> None:
    """Migrate ``connection`` to ``targets`` (None: the latest migration of every app)."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(targets if targets is not None else executor.loader.graph.leaf_nodes())


def old_job(connection) -> dict:
    """Migrate to before the move and save a job of the studio's old table with an image; returns their ids."""
    from django.db.migrations.executor import MigrationExecutor

    migrate(connection, BEFORE_THE_MOVE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE[:1]).apps
    user = old.get_model("auth", "User").objects.create(username=f"before-{uuid.uuid4().hex[:8]}")
    comic = old.get_model("studio", "Comic").objects.create(owner=user, title="Old comic")
    panel = old.get_model("studio", "Panel").objects.create(owner=user, comic=comic)
    job = old.get_model("studio", "Job").objects.create(
        owner=user, kind="generate", status="succeeded", comic=comic, panel=panel, request={"engine": "x"}
    )
    image = old.get_model("studio", "GeneratedImage").objects.create(
        owner=user, panel=panel, job=job, candidate=0, file="objects/aa/bb/x.png", seed=1, width=8, height=8
    )
    return {"job": job.pk, "user": user.pk, "comic": comic.pk, "panel": panel.pk, "image": image.pk}


def check_moved(connection, ids: dict) -> None:
    """Assert the job is a jobs-app job with its data and links, and deleting its comic deletes it."""
    from stripstudio.jobs.models import Job
    from stripstudio.web.studio import models

    job = Job.objects.get(pk=ids["job"])
    assert (job.kind, job.status, job.request) == ("generate", "succeeded", {"engine": "x"})
    assert (job.comic_id, job.panel_id, job.owner_id) == (ids["comic"], ids["panel"], ids["user"])
    assert list(job.images.values_list("pk", flat=True)) == [ids["image"]]
    tables = connection.introspection.table_names()
    assert "jobs_job" in tables and "studio_job" not in tables
    models.Comic.objects.get(pk=ids["comic"]).delete()
    assert not Job.objects.filter(pk=ids["job"]).exists()
    assert models.GeneratedImage.objects.filter(pk=ids["image"]).count() == 0  # went with its panel


def main(database_url: str) -> None:
    """Run the scenario on the empty database at ``database_url``."""
    import django
    from django.conf import settings

    from stripstudio.settings import StudioSettings
    from stripstudio.web.config import django_settings

    data_dir = Path(tempfile.mkdtemp(prefix="job-table-move-"))
    settings.configure(**django_settings(StudioSettings(data_dir=data_dir, secret_key="x", database_url=database_url)))
    django.setup()
    from django.db import connection

    ids = old_job(connection)
    migrate(connection)
    check_moved(connection, ids)
    print("the job survived the move")


if __name__ == "__main__":
    main(sys.argv[1])
