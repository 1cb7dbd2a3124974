"""A generate call is checked against the comic's engine before a job is queued: what the engine
cannot honour is a 422 naming each field, and no job row is created."""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from PIL import Image

from stripstudio.generation import EngineCapabilities, EngineUnavailable, Task
from stripstudio.generation.registry import default_registry
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from tests.fakes import FakeEngine
from tests.web.test_content_api import field_path, signed_in

NARROW = EngineCapabilities(
    name="narrow", tasks=list(Task), samplers=["dpmpp_2m"], schedulers=["karras"], features=["loras", "previews"]
)


def free_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def engines(config, name):
    """The built-in engines, and ``narrow``: one that honours neither regions nor reference images."""
    return FakeEngine(capabilities=NARROW) if name == "narrow" else default_registry().create(name, config)


@pytest.fixture
def api(db):
    """A signed-in author on a studio whose ComfyUI server is not running."""
    studio = settings.STRIPSTUDIO.model_copy(update={"comfyui_urls": [free_port_url()]})
    install_runtime(JobRuntime(studio, engines))
    return signed_in("ann")


def panel_of(api, engine: str, **generation) -> dict:
    comic = api.call("POST", "/api/comics", 201, {"title": "Checks", "generation": {"engine": engine, **generation}})
    return api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "a cat on a roof"})


def two_characters_panel(api, engine: str) -> dict:
    """A panel with Mia (who has a reference picture) and Leo: its request has regions and references."""
    comic = api.call("POST", "/api/comics", 201, {"title": "Two", "generation": {"engine": engine, "steps": 2}})
    picture = api.upload_png(Image.new("RGB", (64, 64), "orange"))
    characters = f"/api/comics/{comic['id']}/characters"
    api.call(
        "POST", characters, 201, {"name": "Mia", "description": "red hair", "reference_image_ids": [picture["id"]]}
    )
    api.call("POST", characters, 201, {"name": "Leo", "description": "blue cap"})
    panel = {"description": "they wave", "characters": ["Mia", "Leo"]}
    return api.call("POST", f"/api/comics/{comic['id']}/panels", 201, panel)


def generate(api, panel: dict, status: int):
    return api.call("POST", f"/api/panels/{panel['id']}/generate", status, {"candidates": 1})


def refused(api, panel: dict, status: int = 422) -> dict:
    answer = generate(api, panel, status)
    assert not Job.objects.exists()
    return answer


def test_regions_and_reference_images_are_refused_at_their_fields_where_the_engine_lacks_them(api):
    detail = refused(api, two_characters_panel(api, "narrow"))["detail"]
    problems = {field_path(problem["loc"]): problem["msg"] for problem in detail}
    assert set(problems) == {"generation.regions", "generation.reference_images"}
    assert "the narrow engine cannot honour regions" in problems["generation.regions"]


def test_the_same_panel_is_queued_on_the_diffusers_engine_which_honours_them(api):
    job = generate(api, two_characters_panel(api, "diffusers"), 202)
    queued = Job.objects.get()
    assert str(queued.pk) == job["id"]
    generation = queued.payload().generation
    assert len(generation.regions) == 2 and len(generation.reference_images) == 1


def test_an_unknown_sampler_is_refused_with_the_known_ones(api):
    (problem,) = refused(api, panel_of(api, "diffusers", sampler="dpmpp_9m"))["detail"]
    assert field_path(problem["loc"]) == "generation.sampler" and "dpmpp_2m" in problem["msg"]


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
    generate(api, panel_of(api, "diffusers"), 202)
    assert Job.objects.count() == 1
