"""Generating the whole comic: one job per panel that needs one, one batch to follow and cancel; and
exporting with the unfinished panels left out."""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
import zipfile
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model

from stripstudio.jobs.execution import _run
from stripstudio.jobs.lifecycle import claim
from stripstudio.jobs.models import Job
from stripstudio.jobs.storage import stored_path
from stripstudio.web.studio import models
from tests.web.test_content_api import api, comic, panels_of  # noqa: F401 - fixtures
from tests.web.test_page_preview_api import give_pictures


@pytest.fixture
def three_panels(api, comic, runtime):  # noqa: F811
    """The comic with a third panel; only the second panel has a picked picture."""
    api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "the rocket", "name": "lift-off"})
    give_pictures(api, comic)
    first, _second, third = panels_of(api, comic)
    models.GeneratedImage.objects.filter(panel_id__in=[first["id"], third["id"]]).delete()
    return comic


def test_generate_all_queues_one_job_per_panel_without_a_pick(api, three_panels):  # noqa: F811
    first, _second, third = panels_of(api, three_panels)
    batch = api.call("POST", f"/api/comics/{three_panels['id']}/generate-all", 202, {"steps": 2})
    assert batch["total"] == 2 and batch["queued"] == 2 and not batch["finished"]
    assert [job["panel_id"] for job in batch["jobs"]] == [first["id"], third["id"]]
    assert [job["panel_number"] for job in batch["jobs"]] == [1, 3]
    jobs = Job.objects.filter(pk__in=[job["job_id"] for job in batch["jobs"]])
    assert {job.panel_id for job in jobs} == {first["id"], third["id"]}
    assert all(job.request["generation"]["num_inference_steps"] == 2 for job in jobs)


def test_generate_all_with_every_panel_queues_them_all(api, three_panels):  # noqa: F811
    batch = api.call("POST", f"/api/comics/{three_panels['id']}/generate-all", 202, {"panels": "all"})
    assert batch["total"] == 3 == Job.objects.filter(comic_id=three_panels["id"]).count()


def test_nothing_to_generate_is_a_clear_error_and_queues_nothing(api, comic, runtime):  # noqa: F811
    give_pictures(api, comic)
    problems = api.invalid("POST", f"/api/comics/{comic['id']}/generate-all", {})
    assert "every panel has a picked picture" in problems["panels"]
    assert not Job.objects.exists() and not models.Batch.objects.exists()


def test_the_batch_counts_its_jobs_by_state_and_cancels_them_all(api, three_panels):  # noqa: F811
    batch = api.call("POST", f"/api/comics/{three_panels['id']}/generate-all", 202, {})
    first_job = Job.objects.get(pk=batch["jobs"][0]["job_id"])
    first_job.status, first_job.error_message = Job.Status.FAILED, "out of memory"
    first_job.save()
    status = api.call("GET", f"/api/batches/{batch['id']}")
    assert (status["failed"], status["queued"], status["total"]) == (1, 1, 2)
    assert status["jobs"][0]["error_message"] == "out of memory"
    cancelled = api.call("POST", f"/api/batches/{batch['id']}/cancel")
    assert (cancelled["failed"], cancelled["cancelled"], cancelled["queued"]) == (1, 1, 0)
    assert cancelled["finished"]
    assert [b["id"] for b in api.call("GET", f"/api/comics/{three_panels['id']}/batches")] == [batch["id"]]


def test_another_author_cannot_see_or_cancel_a_batch(api, three_panels):  # noqa: F811
    from tests.web.test_content_api import signed_in

    batch = api.call("POST", f"/api/comics/{three_panels['id']}/generate-all", 202, {})
    other = signed_in("bob")
    other.call("GET", f"/api/batches/{batch['id']}", 404)
    other.call("POST", f"/api/batches/{batch['id']}/cancel", 404)
    assert Job.objects.filter(status=Job.Status.QUEUED).count() == 2


def test_export_refuses_unfinished_panels_naming_them_from_1(api, three_panels):  # noqa: F811
    answer = api.call("POST", f"/api/comics/{three_panels['id']}/exports", 422, {"formats": ["cbz"]})
    assert "panel 1, panel 3 (lift-off) have no picture yet" in answer["detail"]
    assert "skip unfinished panels" in answer["detail"]


def test_export_skipping_unfinished_panels_writes_only_the_finished_ones(api, three_panels, runtime):  # noqa: F811
    job = api.call(
        "POST", f"/api/comics/{three_panels['id']}/exports", 202, {"formats": ["cbz"], "skip_unfinished": True}
    )
    row = Job.objects.get(pk=job["id"])
    _run(runtime, row, claim(row.pk, "test-worker", 30), SimpleNamespace(cancel=threading.Event(), lost=False))
    row.refresh_from_db()
    assert row.status == Job.Status.SUCCEEDED, row.error_message
    (export,) = models.Export.objects.filter(comic_id=three_panels["id"])
    with zipfile.ZipFile(stored_path(str(export.file))) as archive:
        info = ET.fromstring(archive.read("ComicInfo.xml"))
    heights = [int(page.get("ImageHeight")) for page in info.findall("Pages/Page")]
    assert sum(heights) == 1600  # the one finished 200 x 400 panel at the strip's 800 px: no gutter, no other panel


def test_skipping_every_panel_is_still_an_error(api, comic, runtime):  # noqa: F811
    answer = api.call("POST", f"/api/comics/{comic['id']}/exports", 422, {"skip_unfinished": True})
    assert "no panel has a picture yet" in answer["detail"]


def test_exports_older_than_the_comics_last_change_are_marked(api, comic, runtime):  # noqa: F811
    give_pictures(api, comic)
    owner = get_user_model().objects.get(username="ann")
    job = Job.objects.create(owner=owner, kind=Job.Kind.EXPORT, comic_id=comic["id"], request={"formats": ["cbz"]})
    _run(runtime, job, claim(job.pk, "test-worker", 30), SimpleNamespace(cancel=threading.Event(), lost=False))
    (fresh,) = api.call("GET", f"/api/comics/{comic['id']}/exports")
    assert fresh["out_of_date"] is False
    first = panels_of(api, comic)[0]
    bubble = first["bubbles"][0]
    api.call("DELETE", f"/api/bubbles/{bubble['id']}", 204)
    (stale,) = api.call("GET", f"/api/comics/{comic['id']}/exports")
    assert stale["out_of_date"] is True


def test_the_card_shows_the_first_pick_or_the_chosen_cover(api, comic, runtime):  # noqa: F811
    assert api.call("GET", f"/api/comics/{comic['id']}")["cover_url"] is None
    give_pictures(api, comic)
    first, second = panels_of(api, comic)
    card = api.call("GET", f"/api/comics/{comic['id']}")
    assert card["cover_url"] == f"/api/images/{first['picked_image']['id']}/file"
    chosen = api.call("PUT", f"/api/comics/{comic['id']}/cover", json={"image_id": second["picked_image"]["id"]})
    assert chosen["cover_url"] == f"/api/images/{second['picked_image']['id']}/file"
    problems = api.invalid("PUT", f"/api/comics/{comic['id']}/cover", {"image_id": 999999})
    assert "no such picture in this comic" in problems["image_id"]
    assert api.call("GET", f"/api/comics/{comic['id']}")["cover_image_id"] == second["picked_image"]["id"]


@pytest.mark.slow
def test_a_batch_job_picks_the_first_candidate_of_a_panel_without_a_pick(api, three_panels, runtime):  # noqa: F811
    api.call("PATCH", f"/api/comics/{three_panels['id']}", json={"generation": {"steps": 2, "width": 64, "height": 64}})
    batch = api.call("POST", f"/api/comics/{three_panels['id']}/generate-all", 202, {"candidates": 2})
    first = batch["jobs"][0]
    row = Job.objects.get(pk=first["job_id"])
    _run(runtime, row, claim(row.pk, "test-worker", 30), SimpleNamespace(cancel=threading.Event(), lost=False))
    row.refresh_from_db()
    assert row.status == Job.Status.SUCCEEDED, row.error_message
    images = api.call("GET", f"/api/panels/{first['panel_id']}/images")
    assert sorted((image["candidate"], image["picked"]) for image in images) == [(0, True), (1, False)]
    assert api.call("GET", f"/api/batches/{batch['id']}")["succeeded"] == 1
