"""Fast drafts in the studio: the profiles are listed, a comic or a panel draws drafts with its
profile, one Generate can ask for a draft or a final, and the profile's LoRA takes names only."""

from __future__ import annotations

import pytest
from django.conf import settings

from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from tests.web.test_content_api import field_path, signed_in

SMALL = {"engine": "diffusers", "steps": 20, "width": 64, "height": 64, "candidates": 1}


@pytest.fixture
def api(db):
    """A signed-in author on a studio with the built-in engines, and the lightning LoRA installed."""
    loras = settings.STRIPSTUDIO.models_dir / "loras"
    loras.mkdir(parents=True, exist_ok=True)
    from tests.engines.diffusers.model_files import write_tiny_lora

    installed = write_tiny_lora(loras / "sdxl_lightning_4step_lora.safetensors", key_format="kohya", seed=3)
    install_runtime(JobRuntime(settings.STRIPSTUDIO))
    yield signed_in("ann")
    installed.unlink()  # the model folders are shared by the tests of this process


def comic_with(api, **generation) -> int:
    return api.call("POST", "/api/comics", 201, {"title": "Drafts", "generation": {**SMALL, **generation}})["id"]


def queued_request(api, panel_id: int, body: dict):
    job_id = api.call("POST", f"/api/panels/{panel_id}/generate", 202, body)["id"]
    return Job.objects.get(id=job_id).payload().generation


def test_the_fast_profiles_are_listed_with_their_schedules(api):
    profiles = {profile["name"]: profile for profile in api.call("GET", "/api/fast-profiles")}
    assert {"lightning", "hyper", "lcm", "tcd", "turbo"} <= set(profiles)
    assert profiles["lightning"]["steps"] == 4 and profiles["lightning"]["sampler"] == "euler"
    assert all(profile["steps"] <= 8 and profile["cfg"] <= 2 for profile in profiles.values())


def test_a_comic_in_fast_mode_queues_drafts_and_one_generate_can_ask_for_a_final(api):
    comic_id = comic_with(api, fast=True)
    panel = api.call("POST", f"/api/comics/{comic_id}/panels", 201, {"description": "a cat on a roof"})

    draft = queued_request(api, panel["id"], {})
    final = queued_request(api, panel["id"], {"fast": False})

    assert [lora.name for lora in draft.loras] == ["sdxl_lightning_4step_lora.safetensors"]
    assert (draft.num_inference_steps, draft.sampler, draft.scheduler) == (4, "euler", "sgm_uniform")
    assert final.loras == () and final.num_inference_steps == 20


def test_a_panel_marked_fast_drafts_while_the_comic_draws_finals(api):
    comic_id = comic_with(api)
    panel = api.call("POST", f"/api/comics/{comic_id}/panels", 201, {"description": "a cat", "fast": True})
    assert queued_request(api, panel["id"], {}).num_inference_steps == 4


def test_the_profiles_own_lora_takes_a_name_not_a_path(api):
    detail = api.call(
        "POST", "/api/comics", 422, {"title": "x", "generation": {"fast_lora": "/etc/secret.safetensors"}}
    )["detail"]
    assert [field_path(problem["loc"]) for problem in detail] == ["generation.fast_lora"]


def test_an_unknown_profile_is_refused_at_its_field(api):
    comic_id = comic_with(api)
    detail = api.call("PATCH", f"/api/comics/{comic_id}", 422, {"generation": {"fast_profile": "warp"}})["detail"]
    assert any("fast_profile" in field_path(problem["loc"]) for problem in detail)
    assert any("lightning" in problem["msg"] for problem in detail)


def test_a_missing_fast_lora_cannot_be_skipped_and_says_what_to_do_instead(api):
    comic_id = comic_with(api, fast=True, fast_profile="hyper")
    panel = api.call("POST", f"/api/comics/{comic_id}/panels", 201, {"description": "a cat"})

    for body in ({}, {"skip_missing_loras": True}):
        detail = api.call("POST", f"/api/panels/{panel['id']}/generate", 422, body)["detail"]
        (problem,) = detail
        assert field_path(problem["loc"]) == "generation.loras.0"
        assert "Hyper-SDXL-8steps-lora" in problem["msg"] and "choose another fast profile" in problem["msg"]
        assert "generate without it" not in problem["msg"]
    assert not Job.objects.exists()
    api.call("POST", f"/api/panels/{panel['id']}/generate", 202, {"fast": False})


def test_a_candidate_says_whether_it_was_drawn_as_a_draft(api):
    from stripstudio.web.studio.api.serialize import drawn_with, image_settings

    comic_id = comic_with(api, fast=True)
    panel = api.call("POST", f"/api/comics/{comic_id}/panels", 201, {"description": "a cat on a roof"})
    draft = drawn_with(image_settings(queued_request(api, panel["id"], {}).model_dump(mode="json")))
    final = drawn_with(image_settings(queued_request(api, panel["id"], {"fast": False}).model_dump(mode="json")))

    assert draft is not None and final is not None
    assert (draft.fast_profile, draft.steps, draft.sampler) == ("lightning", 4, "euler")
    assert draft.loras == ["sdxl_lightning_4step_lora.safetensors"]
    assert (final.fast_profile, final.steps, final.loras) == (None, 20, [])
    assert drawn_with(image_settings({})) is None  # an image saved without its request
    same_schedule = queued_request(api, panel["id"], {"fast": False, "steps": 4}).model_copy(
        update={"guidance_scale": 1.0, "sampler": "euler", "scheduler": "sgm_uniform"}
    )
    final_like_a_draft = drawn_with(image_settings(same_schedule.model_dump(mode="json")))
    assert final_like_a_draft is not None and final_like_a_draft.fast_profile is None  # no Lightning LoRA
