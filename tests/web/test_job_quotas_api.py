"""Quotas through the API: a job too large is a 422 naming the field, an author over a limit gets a 429
naming the limit (with Retry-After when the time is known); nothing is queued for a refused job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import install_runtime
from tests.jobs.jobs_helpers import recording_runtime
from tests.web.test_content_api import picked_image, signed_in


@pytest.fixture
def limits(db):
    """Install a runtime with the given limits (its queue only records messages)."""

    def install(**changes):
        return install_runtime(recording_runtime(settings.STRIPSTUDIO, **changes))

    return install


def panel_of(api, description: str = "a quiet street", look: str = "girl, red hair") -> dict:
    comic = api.call("POST", "/api/comics", 201, {"title": "Quota", "generation": {"steps": 30, "candidates": 4}})
    api.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": "Mia", "description": look})
    return api.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, {"description": description, "characters": ["Mia"]}
    )


def test_a_job_too_large_is_a_422_naming_the_field_and_the_limit(limits):
    limits()
    api = signed_in("ann")
    panel = panel_of(api)
    answer = api.client.post(
        f"/api/panels/{panel['id']}/generate",
        data={"width": 4096, "height": 4096, "steps": 200, "candidates": 16},
        content_type="application/json",
    )
    assert answer.status_code == 422, answer.content
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "steps"]
    assert "51,200 work units" in problem["msg"] and "max_job_work" in problem["msg"]
    assert not Job.objects.exists()


def test_too_many_waiting_jobs_is_a_429_naming_the_limit(limits):
    limits(max_active_jobs_per_author=2)
    api = signed_in("ann")
    panel = panel_of(api)
    url = f"/api/panels/{panel['id']}/generate"
    for _ in range(2):
        api.call("POST", url, 202, {"width": 512, "height": 512})
    answer = api.client.post(url, data={"width": 512, "height": 512}, content_type="application/json")
    assert answer.status_code == 429, answer.content
    body = answer.json()
    assert body["limit"] == "max_active_jobs_per_author" and "you have 2 jobs queued or running" in body["detail"]
    assert "Retry-After" not in answer
    picked_image(panel["id"], "red")  # a finished panel: the export itself is valid
    export = api.client.post(f"/api/comics/{panel['comic_id']}/exports", data={}, content_type="application/json")
    assert export.status_code == 429  # exports wait in the same line
    assert Job.objects.count() == 2


def test_over_the_daily_work_is_a_429_with_retry_after(limits):
    limits(max_daily_work_per_author=100)
    api = signed_in("ann")
    panel = panel_of(api)
    url = f"/api/panels/{panel['id']}/generate"
    first = api.call("POST", url, 202, {"steps": 20, "candidates": 4})  # 80 units
    Job.objects.filter(pk=first["id"]).update(
        status=Job.Status.SUCCEEDED, created_at=timezone.now() - timedelta(hours=20)
    )
    answer = api.client.post(url, data={"steps": 20, "candidates": 2}, content_type="application/json")  # 40 more
    assert answer.status_code == 429, answer.content
    assert answer.json()["limit"] == "max_daily_work_per_author"
    assert "submitted 80 work units in the last 24 hours and this job needs 40" in answer.json()["detail"]
    assert 4 * 3600 - 100 < int(answer["Retry-After"]) <= 4 * 3600
    api.call("POST", url, 202, {"steps": 20, "candidates": 1})  # 20 more still fit


def test_a_composed_prompt_over_the_server_limit_is_a_422_naming_it(limits):
    limits(max_prompt_chars=300)
    api = signed_in("ann")
    panel = panel_of(api, description="street " * 20, look="girl with long red hair " * 10)
    answer = api.client.post(f"/api/panels/{panel['id']}/generate", data={}, content_type="application/json")
    assert answer.status_code == 422, answer.content
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "prompt"] and "this server takes at most 300" in problem["msg"]
    assert not Job.objects.exists()


def test_a_characters_region_prompt_over_the_server_limit_is_a_422_naming_the_region(limits):
    limits(max_prompt_chars=200)
    api = signed_in("ann")
    comic = api.call("POST", "/api/comics", 201, {"title": "Two"})
    for name in ("Mia", "Leo"):
        api.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": name, "description": "tall " * 50})
    panel = api.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "hi", "characters": ["Mia", "Leo"]}
    )
    answer = api.client.post(f"/api/panels/{panel['id']}/generate", data={}, content_type="application/json")
    assert answer.status_code == 422, answer.content
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "regions", "0", "prompt"] and "at most 200" in problem["msg"]
    assert not Job.objects.exists()


def test_a_million_character_description_is_refused_when_it_is_saved(limits):
    limits()
    api = signed_in("ann")
    comic = api.call("POST", "/api/comics", 201, {"title": "Long"})
    look = api.client.post(
        f"/api/comics/{comic['id']}/characters",
        data={"name": "Mia", "description": "red hair " * 111_112},
        content_type="application/json",
    )
    assert look.status_code == 422, look.content
    assert look.json()["detail"][0]["loc"][-1] == "description"
    assert api.call("GET", f"/api/comics/{comic['id']}/characters") == []
