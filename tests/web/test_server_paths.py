"""The studio takes names, not server paths, for fonts, LoRAs and checkpoints (the CLI may take paths)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.fixture
def client_of_author(db, runtime) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.create_user("paths-author"))
    return client


def post(client: Client, url: str, body: dict):
    return client.post(url, body, content_type="application/json")


def test_style_checkpoint_and_lora_paths_are_refused(client_of_author):
    for style, field in (
        ({"checkpoint": "/etc/passwd"}, "checkpoint"),
        ({"checkpoint": "../models/x.safetensors"}, "checkpoint"),
        ({"vae": "C:\\models\\vae.safetensors"}, "vae"),
        ({"loras": [{"name": "/srv/secret.safetensors"}]}, "loras"),
    ):
        answer = post(client_of_author, "/api/comics", {"title": "t", "style": style})
        assert answer.status_code == 422, answer.content
        assert field in str(answer.json()["detail"][0]["loc"]) and "path" in answer.json()["detail"][0]["msg"]
    ok = post(
        client_of_author,
        "/api/comics",
        {"title": "t", "style": {"checkpoint": "org/model-xl", "loras": [{"name": "cartoon_style_xl"}]}},
    )
    assert ok.status_code == 201


def test_character_lora_paths_and_bubble_font_files_are_refused(client_of_author):
    comic = post(client_of_author, "/api/comics", {"title": "t"}).json()
    answer = post(
        client_of_author,
        f"/api/comics/{comic['id']}/characters",
        {"name": "Mia", "loras": [{"name": "~/loras/mia.safetensors"}]},
    )
    assert answer.status_code == 422 and "loras" in str(answer.json()["detail"][0]["loc"])
    panel = post(client_of_author, f"/api/comics/{comic['id']}/panels", {"description": "a street"}).json()
    answer = post(client_of_author, f"/api/panels/{panel['id']}/bubbles", {"text": "hi", "font": "/etc/fonts/x.ttf"})
    assert answer.status_code == 422 and "Comic Neue" in answer.json()["detail"][0]["msg"]
    answer = post(client_of_author, f"/api/panels/{panel['id']}/bubbles", {"text": "hi", "font": "bangers"})
    assert answer.status_code == 201


def test_an_imported_script_naming_a_checkpoint_path_is_refused(client_of_author):
    from django.core.files.uploadedfile import SimpleUploadedFile

    script = b"title: t\nstyle:\n  checkpoint: /root/model.safetensors\npanels:\n  - description: a street\n"
    answer = client_of_author.post(
        "/api/comics/import-script", {"file": SimpleUploadedFile("comic.yaml", script, "application/yaml")}
    )
    assert answer.status_code == 422 and "checkpoint" in str(answer.json()["detail"])
    assert client_of_author.get("/api/comics").json() == []


def test_names_the_model_library_gives_for_files_in_subfolders_are_taken(client_of_author, settings, tmp_path):
    folder = tmp_path / "models"
    (folder / "loras" / "people").mkdir(parents=True)
    (folder / "loras" / "people" / "mia.safetensors").write_bytes(b"")
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"model_dirs": [folder]})
    comic = post(client_of_author, "/api/comics", {"title": "t"}).json()
    url = f"/api/comics/{comic['id']}/characters"
    answer = post(client_of_author, url, {"name": "Mia", "loras": [{"name": "loras/people/mia"}]})
    assert answer.status_code == 201, answer.content
    for name in ("loras/people/leo", "loras/../loras/people/mia", "/srv/loras/people/mia"):
        answer = post(client_of_author, url, {"name": "Leo", "loras": [{"name": name}]})
        assert answer.status_code == 422 and "not a path" in answer.json()["detail"][0]["msg"], name
