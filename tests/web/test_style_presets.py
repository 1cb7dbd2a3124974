"""Style presets work with what is installed: they keep the studio's default model, come with only the
style LoRAs installed here (naming the others), and a LoRA a comic names that is not installed is
reported at its field before queueing, with the choice to draw without it."""

from __future__ import annotations

import pytest
from django.conf import settings

from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from tests.web.test_content_api import field_path, signed_in


@pytest.fixture
def api(db):
    """A signed-in author on a studio with the built-in engines and no LoRA files installed."""
    install_runtime(JobRuntime(settings.STRIPSTUDIO))
    return signed_in("ann")


def preset(api, name: str) -> dict:
    (style,) = [s for s in api.call("GET", "/api/styles") if s["name"] == name]
    return style


def comic_with(api, style: dict) -> int:
    generation = {"engine": "diffusers", "steps": 2, "width": 64, "height": 64, "candidates": 1}
    return api.call("POST", "/api/comics", 201, {"title": "Preset", "style": style, "generation": generation})["id"]


def panel_of(api, comic_id: int, **spec) -> dict:
    return api.call("POST", f"/api/comics/{comic_id}/panels", 201, {"description": "a cat on a roof", **spec})


def test_no_preset_overrides_the_studio_default_model(api):
    styles = api.call("GET", "/api/styles")
    assert len(styles) >= 5 and all(style["checkpoint"] is None for style in styles)
    panel = panel_of(api, comic_with(api, without_missing(preset(api, "realistic"))))

    api.call("POST", f"/api/panels/{panel['id']}/generate", 202, {})

    assert Job.objects.get().payload().generation.model.checkpoint == settings.STRIPSTUDIO.default_model


def without_missing(style: dict) -> dict:
    return {key: value for key, value in style.items() if key != "missing_loras"}


def test_a_preset_leaves_out_the_style_loras_that_are_not_installed_and_names_them(api):
    cartoon = preset(api, "cartoon")
    assert cartoon["loras"] == [] and cartoon["missing_loras"] == ["cartoon_style_xl"]
    panel = panel_of(api, comic_with(api, without_missing(cartoon)))

    api.call("POST", f"/api/panels/{panel['id']}/generate", 202, {})  # the first Generate queues

    assert "((cartoon style))" in Job.objects.get().payload().generation.prompt


def test_a_preset_keeps_its_style_lora_once_it_is_installed(api):
    loras = settings.STRIPSTUDIO.models_dir / "loras"
    loras.mkdir(parents=True, exist_ok=True)
    installed = loras / "manga_lineart_xl.safetensors"
    installed.write_bytes(b"")
    try:
        manga = preset(api, "manga")
    finally:
        installed.unlink()  # the model folders are shared by the tests of this process
    assert [lora["name"] for lora in manga["loras"]] == ["manga_lineart_xl"] and manga["missing_loras"] == []


def test_missing_loras_are_all_refused_at_their_fields_before_queueing(api):
    style = {**without_missing(preset(api, "cartoon")), "loras": [{"name": "cartoon_style_xl"}]}
    comic_id = comic_with(api, style)
    mia = {"name": "Mia", "description": "red hair", "loras": [{"name": "rooftops_xl"}]}
    api.call("POST", f"/api/comics/{comic_id}/characters", 201, mia)
    panel = panel_of(api, comic_id, characters=["Mia"])

    detail = api.call("POST", f"/api/panels/{panel['id']}/generate", 422, {})["detail"]

    problems = {field_path(problem["loc"]): problem["msg"] for problem in detail}
    assert set(problems) == {"generation.loras.0", "generation.loras.1"}, problems
    folder = str(settings.STRIPSTUDIO.models_dir / "loras")
    for name, message in zip(("cartoon_style_xl", "rooftops_xl"), problems.values(), strict=True):
        assert f"LoRA '{name}' not found (not installed): put {name}.safetensors in {folder}" in message
        assert message.endswith("or generate without it") and message.count(". ") == 0
    assert not Job.objects.exists()


def test_generating_without_the_missing_loras_queues_and_records_them(api):
    style = {**without_missing(preset(api, "cartoon")), "loras": [{"name": "cartoon_style_xl"}]}
    panel = panel_of(api, comic_with(api, style))

    api.call("POST", f"/api/panels/{panel['id']}/generate", 202, {"skip_missing_loras": True})

    payload = Job.objects.get().payload()
    assert payload.generation.loras == () and payload.skipped_loras == ("cartoon_style_xl",)
    assert "((cartoon style))" in payload.generation.prompt  # the rest of the preset still applies
