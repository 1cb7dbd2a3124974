"""GET /api/models: the model library with families, hashes, trigger words and previews; no server paths."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from tests.models.family_files import write_checkpoint, write_lora

from .django_api import DjangoApi


def author(name: str) -> DjangoApi:
    client = Client()
    client.force_login(get_user_model().objects.create_user(name, password="a long enough secret 42"))
    return DjangoApi(client)


@pytest.fixture
def library(settings, tmp_path):
    folder = tmp_path / "models"
    write_checkpoint(folder / "checkpoints" / "tinyxl.safetensors", "sdxl")
    lora = write_lora(folder / "loras" / "mia.safetensors", "sdxl")
    (folder / "loras" / "mia.civitai.info").write_text(
        json.dumps({"trainedWords": ["miachar", "red hair"], "baseModel": "SDXL 1.0"})
    )
    Image.new("RGB", (8, 8), "red").save(folder / "loras" / "mia.preview.png")
    write_lora(folder / "loras" / "old-style.safetensors", "sd1")
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"model_dirs": [folder]})
    return folder, lora


def test_models_are_listed_with_kind_family_size_hash_and_sidecar_facts(db, library):
    folder, lora = library
    models = {m["name"]: m for m in author("ann").call("GET", "/api/models")}
    mia = models["loras/mia"]
    assert (mia["kind"], mia["family"], mia["family_label"], mia["source"]) == ("lora", "sdxl", "SDXL", "library")
    assert mia["sha256"] == hashlib.sha256(lora.read_bytes()).hexdigest()
    assert mia["size"] == lora.stat().st_size
    assert mia["trigger_words"] == ["miachar", "red hair"] and mia["base_model"] == "SDXL 1.0"
    assert models["loras/old-style"]["family"] == "sd1"
    assert models["checkpoints/tinyxl"]["kind"] == "checkpoint"
    assert models["tiny-random-sd15"]["family"] == "sd1" and models["tiny-random-sdxl"]["source"] == "built-in"
    assert str(folder) not in json.dumps(list(models.values()))  # names, never server paths


def test_filters_by_kind_family_and_words(db, library):
    api = author("ann")
    assert [m["name"] for m in api.call("GET", "/api/models?kind=lora&family=sdxl")] == ["loras/mia"]
    assert [m["name"] for m in api.call("GET", "/api/models?q=red+hair")] == ["loras/mia"]
    assert api.call("GET", "/api/models?kind=lora&family=sd2") == []


def test_a_preview_is_served_by_model_name(db, library):
    api = author("ann")
    (mia,) = api.call("GET", "/api/models?q=miachar")
    response = api.client.get(mia["preview_url"])
    assert response.status_code == 200
    assert Image.open(io.BytesIO(async_to_sync(_read)(response))).size == (8, 8)
    assert api.client.get("/api/models/preview?name=loras/old-style").status_code == 404


async def _read(response) -> bytes:
    return b"".join([chunk async for chunk in response.streaming_content])


def test_uploaded_models_are_listed_for_their_author_only(db, library, tmp_path):
    folder, _ = library
    ann, bob = author("ann"), author("bob")
    lora = write_lora(tmp_path / "mine.safetensors", "sd1")
    with lora.open("rb") as handle:
        response = ann.client.post("/api/assets", {"file": handle, "kind": "model"})
    assert response.status_code == 201, response.content
    mine = [m for m in ann.call("GET", "/api/models") if m["source"] == "upload"]
    assert [(m["name"], m["family"], m["kind"]) for m in mine] == [("mine.safetensors", "sd1", "lora")]
    assert [m for m in bob.call("GET", "/api/models") if m["source"] == "upload"] == []


def test_a_comfyui_studio_lists_its_servers_files_too(db, library, settings):
    from tests.engines.comfyui.fake_server import fake_comfyui

    with fake_comfyui() as server:
        settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(
            update={"default_engine": "comfyui", "comfyui_urls": [server.url]}
        )
        listed = author("ann").call("GET", "/api/models?kind=checkpoint")
    remote = {m["name"] for m in listed if m["source"] == f"server {server.url}"}
    assert {"tiny_sdxl.safetensors", "tiny_sd15.safetensors"} <= remote
