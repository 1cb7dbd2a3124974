"""Per-author storage quotas: an upload or a job past the quota is a 413 naming the quota and the use,
and stores nothing; shared content counts for each author; other authors are not affected."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from stripstudio.jobs.models import Job
from stripstudio.jobs.storage import store_bytes
from stripstudio.web.studio import models
from stripstudio.web.studio.quota import storage_used

from .test_uploads_api import noise, png_bytes, upload


@pytest.fixture
def authors(db):
    clients = []
    for name in ("ana", "ben"):
        client = Client()
        client.force_login(get_user_model().objects.create_user(name, password="a long enough secret 42"))
        clients.append(client)
    return clients


@pytest.fixture
def quota(settings):
    def set_quota(size: int) -> None:
        settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"storage_quota_bytes": size})

    return set_quota


def test_use_counts_each_stored_file_once_per_author_from_every_kind_of_row(authors):
    owner = get_user_model().objects.get(username="ana")
    picture, _ = store_bytes(b"x" * 1000, ".png")
    export, _ = store_bytes(b"y" * 300, ".pdf")
    portrait, _ = store_bytes(b"z" * 50, ".png")
    for _ in range(2):  # the same bytes uploaded twice are stored, and counted, once
        models.Asset.objects.create(owner=owner, kind="image", file=picture, name="a", sha256="0", size=1000)
    comic = models.Comic.objects.create(owner=owner, title="C")
    models.Export.objects.create(owner=owner, comic=comic, format="pdf", file=export, name="c.pdf", size=300)
    Job.objects.create(owner=owner, kind="generate", results=[{"candidate": 0, "file": portrait}])
    assert storage_used(owner.pk) == 1350
    assert storage_used(get_user_model().objects.get(username="ben").pk) == 0


def test_an_upload_past_the_quota_is_a_413_naming_quota_and_use_and_stores_nothing(authors, quota):
    ana, ben = authors
    first, second = png_bytes(noise(40, 40, seed=1)), png_bytes(noise(40, 40, seed=2))
    quota(len(first) + len(second) // 2)
    assert upload(ana, "one.png", first).status_code == 201
    refused = upload(ana, "two.png", second)
    assert refused.status_code == 413
    detail = refused.json()["detail"]
    assert "storage quota" in detail and "STRIPSTUDIO_STORAGE_QUOTA_BYTES" in detail and "MB" in detail
    assert models.Asset.objects.filter(owner__username="ana").count() == 1
    assert upload(ben, "two.png", second).status_code == 201  # the quota is per author


def test_jobs_are_refused_once_the_quota_is_full_and_accepted_after_deleting(authors, quota):
    ana, _ = authors
    data = png_bytes(noise(40, 40, seed=3))
    quota(len(data))
    asset = upload(ana, "full.png", data).json()
    comic = ana.post("/api/comics", {"title": "Full"}, content_type="application/json").json()
    refused = ana.post(f"/api/comics/{comic['id']}/exports", {"formats": ["pdf"]}, content_type="application/json")
    assert refused.status_code == 413 and "an export cannot be stored" in refused.json()["detail"]
    assert not Job.objects.exists()
    assert ana.delete(f"/api/assets/{asset['id']}").status_code == 204
    again = ana.post(f"/api/comics/{comic['id']}/exports", {"formats": ["pdf"]}, content_type="application/json")
    assert again.status_code == 422 and "no panels" in again.json()["detail"]  # past the quota check


def test_a_project_import_past_the_quota_is_refused(authors, quota):
    ana, _ = authors
    quota(100)
    response = ana.post("/api/comics/import-project", {"file": SimpleUploadedFile("p.zip", b"z" * 200)})
    assert response.status_code == 413 and "the project cannot be stored" in response.json()["detail"]
    assert not models.Comic.objects.exists()
