"""Freeing stored files: only files no row names and older than the grace period go; shared
content survives one author's deletion; a running job's files and files just stored again stay."""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from stripstudio.jobs.models import Job
from stripstudio.jobs.storage import store_bytes, stored_path
from stripstudio.web.studio import models
from stripstudio.web.studio.storage_gc import collect_garbage, referenced_names

HOUR = 3600.0


def age(name: str, seconds: float = 2 * HOUR) -> None:
    old = time.time() - seconds
    os.utime(stored_path(name), (old, old))


def collect(**kwargs):
    return collect_garbage(settings.STRIPSTUDIO.files_dir, HOUR, **kwargs)


@pytest.fixture
def authors(db):
    make = get_user_model().objects.create_user
    return make("ana"), make("ben")


def upload(owner, data: bytes) -> models.Asset:
    name, sha = store_bytes(data, ".png")
    return models.Asset.objects.create(owner=owner, kind="image", file=name, name="a.png", sha256=sha, size=len(data))


def test_content_two_authors_share_survives_one_deleting_it_and_goes_when_both_have(authors):
    ana, ben = authors
    mine, theirs = upload(ana, b"same picture"), upload(ben, b"same picture")
    assert mine.file.name == theirs.file.name
    age(mine.file.name)
    mine.delete()
    result = collect()
    assert result.removed == [] and result.kept_referenced >= 1
    assert stored_path(theirs.file.name).exists()
    theirs.delete()
    assert collect().removed == [(theirs.file.name, len(b"same picture"))]
    assert not stored_path(theirs.file.name).exists()


def test_an_old_unreferenced_file_goes_and_a_fresh_one_stays_within_the_grace_period(db):
    old_name, _ = store_bytes(b"orphan written long ago", ".png")
    fresh_name, _ = store_bytes(b"orphan just written by a job", ".png")
    age(old_name)
    dry = collect(dry_run=True)
    assert (old_name, 23) in dry.removed and stored_path(old_name).exists()
    result = collect()
    assert (old_name, 23) in result.removed and not stored_path(old_name).exists()
    assert fresh_name not in [name for name, _ in result.removed] and stored_path(fresh_name).exists()


def test_files_a_running_job_has_written_and_its_request_names_stay(authors):
    ana, _ = authors
    drawn, _ = store_bytes(b"candidate drawn by a running attempt", ".png")
    sketch, _ = store_bytes(b"the sketch the job draws from", ".png")
    Job.objects.create(
        owner=ana,
        kind=Job.Kind.GENERATE,
        status=Job.Status.RUNNING,
        request={"generation": {"controls": [{"image": sketch}]}},
        results=[{"candidate": 0, "file": drawn}],
    )
    age(drawn)
    age(sketch)
    assert {drawn, sketch} <= referenced_names()
    collect()
    assert stored_path(drawn).exists() and stored_path(sketch).exists()


def test_storing_bytes_that_are_already_stored_makes_the_file_young_again(db):
    name, _ = store_bytes(b"uploaded again by someone else", ".png")
    age(name)
    store_bytes(b"uploaded again by someone else", ".png")  # its row is about to be saved
    collect()
    assert stored_path(name).exists()


def test_deleting_a_comic_frees_its_images_and_exports(authors):
    ana, _ = authors
    comic = models.Comic.objects.create(owner=ana, title="Gone")
    panel = models.Panel.objects.create(owner=ana, comic=comic)
    image, _ = store_bytes(b"a drawn panel", ".png")
    pdf, _ = store_bytes(b"%PDF an export", ".pdf")
    models.GeneratedImage.objects.create(owner=ana, panel=panel, candidate=0, file=image, seed=1, width=1, height=1)
    models.Export.objects.create(owner=ana, comic=comic, format="pdf", file=pdf, name="gone.pdf", size=14)
    age(image)
    age(pdf)
    assert collect().removed == []
    comic.delete()
    assert sorted(collect().removed) == sorted([(image, 13), (pdf, 14)])


def test_the_gc_command_lists_what_it_would_free_then_frees_it(db, monkeypatch):
    from typer.testing import CliRunner

    from stripstudio.cli.app import app
    from stripstudio.web import server

    monkeypatch.setattr(server, "prepare", lambda settings: None)  # Django is set up by the tests already
    name, _ = store_bytes(b"left behind by a deleted upload", ".png")
    age(name)
    runner = CliRunner()
    dry = runner.invoke(app, ["storage", "gc", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would free {name} (31 bytes)" in dry.output.replace("\n", "") and stored_path(name).exists()
    done = runner.invoke(app, ["storage", "gc"])
    assert done.exit_code == 0, done.output
    assert "freed" in done.output and not stored_path(name).exists()


def test_deleting_an_asset_through_the_api_wakes_the_collector_which_frees_its_file(transactional_db):
    from django.test import Client

    from stripstudio.web.studio.storage_gc import StorageCollector

    client = Client()
    owner = get_user_model().objects.create_user("deleter")
    client.force_login(owner)
    asset = upload(owner, b"a sketch the author threw away")
    path = stored_path(asset.file.name)
    # Grace 0 and an interval of a day: only the wake-up after the deletion can run a pass in time.
    collector = StorageCollector(settings.STRIPSTUDIO.files_dir, grace_seconds=0, interval=86_400).start()
    try:
        assert path.exists()
        assert client.delete(f"/api/assets/{asset.pk}").status_code == 204
        gone = threading.Event()
        for _ in range(400):  # up to 20 s for the background pass
            if not path.exists():
                gone.set()
                break
            gone.wait(0.05)
        assert gone.is_set()
    finally:
        collector.stop()
