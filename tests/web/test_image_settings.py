"""Every picture shows what drew it (final prompts and settings), and those settings can be put back on
the panel ("reuse these settings") to draw the same picture again."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from stripstudio.generation.request import GenerationRequest, ModelRef
from stripstudio.web.studio.api.serialize import image_settings

COMIC = {"title": "Settings", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 1, "cfg": 6.5}}


def test_settings_come_from_the_request_that_drew_the_picture():
    drawn = GenerationRequest(
        model=ModelRef(checkpoint="/srv/models/dyna.safetensors"),
        prompt="Mia waves",
        negative_prompt="blurry",
        seed=42,
        num_inference_steps=9,
        guidance_scale=4.5,
        sampler="euler",
        scheduler="normal",
        width=512,
        height=768,
    )
    settings = image_settings(drawn.model_dump(mode="json"))
    assert settings is not None
    assert (settings.prompt, settings.negative_prompt, settings.seed) == ("Mia waves", "blurry", 42)
    assert (settings.steps, settings.cfg, settings.sampler, settings.scheduler) == (9, 4.5, "euler", "normal")
    assert (settings.width, settings.height, settings.task, settings.strength) == (512, 768, "text_to_image", 1.0)
    assert settings.model == "dyna.safetensors"  # a server path shows as its file name only


@pytest.mark.parametrize(
    "name", ["tiny-random-sdxl", "stabilityai/stable-diffusion-xl-base-1.0", "loras/x.safetensors"]
)
def test_model_names_and_hub_ids_show_as_they_are(name):
    settings = image_settings(GenerationRequest(model=ModelRef(checkpoint=name)).model_dump(mode="json"))
    assert settings is not None and settings.model == name


def test_a_picture_without_kept_settings_has_none():
    assert image_settings({}) is None
    assert image_settings({"prompt": 3}) is None


def _generate(author, panel_id: int) -> tuple[dict, np.ndarray]:
    job = author.call("POST", f"/api/panels/{panel_id}/generate", 202, json={"candidates": 1})
    assert author.events(job["events_url"])[-1]["type"] == "succeeded"
    (image,) = [i for i in author.call("GET", f"/api/panels/{panel_id}/images") if i["job_id"] == job["id"]]
    with Image.open(io.BytesIO(author.http.get(image["url"]).content)) as picture:
        return image, np.asarray(picture.convert("RGB"))


@pytest.mark.slow
def test_reusing_a_pictures_settings_on_the_panel_draws_it_again(author):
    comic = author.call("POST", "/api/comics", 201, json=COMIC)
    author.call("POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": "Mia", "description": "red hair"})
    panel = author.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "Mia waves", "characters": ["Mia"]}
    )
    first, first_pixels = _generate(author, panel["id"])
    settings = first["settings"]
    assert "Mia waves" in settings["prompt"] and "red hair" in settings["prompt"]
    assert settings["seed"] == first["seed"] and settings["model"] == "tiny-random-sdxl"
    assert (settings["steps"], settings["cfg"], settings["sampler"], settings["scheduler"]) == (
        2,
        6.5,
        "dpmpp_2m",
        "karras",
    )
    assert (settings["width"], settings["height"]) == (64, 64)

    # The panel's own sampling settings win over the comic's.
    author.call(
        "PATCH", f"/api/panels/{panel['id']}", json={"steps": 3, "cfg": 5.0, "sampler": "euler", "scheduler": "normal"}
    )
    other, other_pixels = _generate(author, panel["id"])
    assert [other["settings"][k] for k in ("steps", "cfg", "sampler", "scheduler")] == [3, 5.0, "euler", "normal"]
    assert not np.array_equal(other_pixels, first_pixels)

    # "Reuse these settings" of the first picture: the same picture again.
    reuse = {k: settings[k] for k in ("seed", "steps", "cfg", "sampler", "scheduler", "width", "height")}
    author.call("PATCH", f"/api/panels/{panel['id']}", json=reuse)
    again, again_pixels = _generate(author, panel["id"])
    assert again["seed"] == first["seed"]
    assert np.array_equal(again_pixels, first_pixels)


def test_panel_sampling_settings_are_checked_at_their_field(db, runtime):
    client_of_author = Client()
    client_of_author.force_login(get_user_model().objects.create_user("settings-author"))
    comic = client_of_author.post("/api/comics", {"title": "Bad"}, content_type="application/json").json()
    panel = client_of_author.post(
        f"/api/comics/{comic['id']}/panels", {"description": "a cat"}, content_type="application/json"
    ).json()
    answer = client_of_author.patch(
        f"/api/panels/{panel['id']}", {"steps": 0, "cfg": 99}, content_type="application/json"
    )
    assert answer.status_code == 422
    fields = {tuple(e["loc"][-1:]) for e in answer.json()["detail"]}
    assert {("steps",), ("cfg",)} <= fields, answer.json()
