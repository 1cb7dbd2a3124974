"""A generate call is checked against the comic's engine before a job is queued: what the engine
cannot honour is a 422 naming each field, and no job row is created."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings

from stripstudio.generation import EngineUnavailable, Region
from stripstudio.generation.registry import default_registry
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.web.studio import generation_requests, models
from tests.web.test_content_api import field_path, signed_in


def free_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def api(db):
    """A signed-in author on a studio whose ComfyUI server is not running."""
    studio = settings.STRIPSTUDIO.model_copy(update={"comfyui_urls": [free_port_url()]})
    install_runtime(JobRuntime(studio, lambda config, name: default_registry().create(name, config)))
    return signed_in("ann")


def panel_of(api, engine: str, **generation) -> dict:
    comic = api.call("POST", "/api/comics", 201, {"title": "Checks", "generation": {"engine": engine, **generation}})
    return api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "a cat on a roof"})


def refused(api, panel: dict, status: int = 422) -> dict:
    answer = api.call("POST", f"/api/panels/{panel['id']}/generate", status, {"candidates": 1})
    assert not models.Job.objects.exists()
    return answer


@pytest.fixture
def with_regions_and_references(monkeypatch):
    """Panels whose requests carry regions and reference images (as a later feature will build them)."""
    build = generation_requests.build_panel_request

    def richer(*args, **kwargs):
        region = Region(prompt="a dog", box=(0.0, 0.0, 0.5, 1.0))
        return build(*args, **kwargs).model_copy(update={"regions": (region,), "reference_images": ("/in/mia.png",)})

    monkeypatch.setattr(generation_requests, "build_panel_request", richer)


@pytest.mark.parametrize("engine", ["diffusers", "comfyui"])
def test_regions_and_reference_images_are_refused_at_their_fields(api, engine, with_regions_and_references):
    detail = refused(api, panel_of(api, engine))["detail"]
    problems = {field_path(problem["loc"]): problem["msg"] for problem in detail}
    assert set(problems) == {"generation.regions", "generation.reference_images"}
    assert f"the {engine} engine cannot honour regions" in problems["generation.regions"]


def test_an_unknown_sampler_is_refused_with_the_known_ones(api):
    (problem,) = refused(api, panel_of(api, "diffusers", sampler="dpmpp_9m"))["detail"]
    assert field_path(problem["loc"]) == "generation.sampler" and "dpmpp_2m" in problem["msg"]


def test_a_request_the_engine_honours_is_queued(api):
    job = api.call("POST", f"/api/panels/{panel_of(api, 'diffusers')['id']}/generate", 202, {"candidates": 1})
    assert str(models.Job.objects.get().pk) == job["id"]


def test_a_comfyui_server_out_of_reach_is_a_503_saying_what_to_do(api):
    detail = refused(api, panel_of(api, "comfyui"), status=503)["detail"]
    assert "no ComfyUI server answered" in detail and "STRIPSTUDIO_COMFYUI_URLS" in detail


def test_an_unknown_engine_is_refused_at_the_engine(api):
    (problem,) = refused(api, panel_of(api, "no-such-engine"))["detail"]
    assert field_path(problem["loc"]) == "engine" and "diffusers" in problem["msg"]


def test_a_web_process_that_cannot_load_the_engine_leaves_the_check_to_the_worker(db):
    def missing(config, name):
        raise EngineUnavailable("engine 'diffusers' cannot be imported here")

    install_runtime(JobRuntime(settings.STRIPSTUDIO, missing))
    api = signed_in("bea")
    api.call("POST", f"/api/panels/{panel_of(api, 'diffusers')['id']}/generate", 202, {"candidates": 1})
    assert models.Job.objects.count() == 1
