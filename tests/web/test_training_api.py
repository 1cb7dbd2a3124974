"""The training API: a character's dataset from uploaded photos, captions, settings with their total steps,
starting a run as a queued train job, picking an epoch; field-named errors and author isolation."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image
from safetensors.numpy import save as safetensors_bytes

from stripstudio.jobs.models import Job
from stripstudio.jobs.payloads import TrainPayload
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.jobs.storage import store_bytes
from stripstudio.web.studio import models

from .django_api import DjangoApi

TINY_RUN = {"model": "tiny-random-sdxl", "resolution": 64, "epochs": 2, "save_every_n_epochs": 1}


class Api(DjangoApi):
    """JSON calls plus multipart photo uploads."""

    def upload(self, dataset_id: int, name: str, data: bytes, expected: int = 201):
        response = self.client.post(f"/api/training-datasets/{dataset_id}/photos", {"file": _named(name, data)})
        assert response.status_code == expected, response.content[:1000]
        return response.json()


def _named(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


def signed_in(username: str) -> Api:
    client = Client()
    client.force_login(get_user_model().objects.create_user(username, password="a long enough secret 42"))
    return Api(client)


def photo(seed: int, size: int = 96) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (size, size, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def field_errors(response: dict) -> dict[str, str]:
    return {".".join(str(p) for p in e["loc"][1:]): e["msg"] for e in response["detail"]}


@pytest.fixture
def ann(db) -> Api:
    install_runtime(JobRuntime(settings.STRIPSTUDIO))
    return signed_in("ann")


@pytest.fixture
def character(ann) -> dict:
    comic = ann.call("POST", "/api/comics", 201, json={"title": "Photos", "generation": {"width": 64, "height": 64}})
    return ann.call("POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": "Rc"})


def new_dataset(api: Api, character: dict, photos: int = 10, *, prepare: bool = True, repeats: int = 2) -> dict:
    dataset = api.call(
        "POST",
        f"/api/characters/{character['id']}/training-datasets",
        201,
        json={"trigger": "rc_test", "class_word": "man", "mode": "buckets", "resolution": 64, "repeats": repeats},
    )
    for seed in range(photos):
        api.upload(dataset["id"], f"photo {seed}.png", photo(seed))
    return api.call("POST", f"/api/training-datasets/{dataset['id']}/prepare") if prepare else dataset


def test_photos_are_prepared_into_captioned_images_and_a_caption_edit_is_kept(ann, character):
    dataset = new_dataset(ann, character, 10)
    assert dataset["photo_count"] == 10 and dataset["prepared"] and len(dataset["images"]) == 10
    first = dataset["images"][0]
    assert first["caption"].startswith("rc_test") and "man" in first["caption"]
    assert ann.client.get(first["url"]).status_code == 200

    edited = ann.call(
        "PUT",
        f"/api/training-datasets/{dataset['id']}/images/{first['name']}/caption",
        json={"caption": "  rc_test, photo of a man, smiling "},
    )
    assert edited["caption"] == "rc_test, photo of a man, smiling"
    ann.upload(dataset["id"], "one more.png", photo(99))
    assert ann.call("GET", f"/api/training-datasets/{dataset['id']}")["prepared"] is False
    again = ann.call("POST", f"/api/training-datasets/{dataset['id']}/prepare")
    assert len(again["images"]) == 11 and again["prepared"]
    assert {i["name"]: i["caption"] for i in again["images"]}[first["name"]] == "rc_test, photo of a man, smiling"


def test_bad_input_is_refused_naming_the_field(ann, character):
    refused = ann.call(
        "POST",
        f"/api/characters/{character['id']}/training-datasets",
        422,
        json={"trigger": "rc test", "class_word": ""},
    )
    assert {"payload.trigger", "payload.class_word"} <= set(field_errors(refused))
    dataset = new_dataset(ann, character)
    bad = ann.client.post(f"/api/training-datasets/{dataset['id']}/photos", {"file": _named("x.png", b"not a picture")})
    assert bad.status_code == 400 and field_errors(bad.json()).keys() == {"file"}
    name = dataset["images"][0]["name"]
    caption_url = f"/api/training-datasets/{dataset['id']}/images/{name}/caption"
    for caption in (" ", "two\nlines"):
        assert "caption" in field_errors(ann.call("PUT", caption_url, 422, json={"caption": caption}))
    assert (
        ann.call("GET", f"/api/training-datasets/{dataset['id']}")["images"][0]["caption"]
        == dataset["images"][0]["caption"]
    )

    estimate = f"/api/training-datasets/{dataset['id']}/estimate"
    for change, field in (({"network_dim": 0}, "network_dim"), ({"unet_lr": -1}, "unet_lr"), ({"epochs": 0}, "epochs")):
        errors = field_errors(ann.call("POST", estimate, 422, json={"settings": {**TINY_RUN, **change}}))
        assert any(key.endswith(f"settings.{field}") for key in errors), errors
    errors = field_errors(ann.call("POST", estimate, 422, json={"settings": {**TINY_RUN, "save_every_n_epochs": 3}}))
    assert any("save_every_n_epochs" in message for message in errors.values()), errors

    for path in ("/etc/passwd", "../models/x.safetensors", "C:\\models\\x.safetensors"):
        answer = ann.call("POST", estimate, 422, json={"settings": {**TINY_RUN, "model": path}})
        assert "not a path" in field_errors(answer)["settings.model"]
    config = ann.call("POST", estimate, 422, json={"settings": {**TINY_RUN, "model_config_dir": "/srv/configs"}})
    assert "leave this empty" in field_errors(config)["settings.model_config_dir"]
    missing = {**TINY_RUN, "model": "no-such-model.safetensors"}
    unknown = ann.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 422, json={"settings": missing})
    assert "no-such-model" in field_errors(unknown)["settings.model"]
    assert not Job.objects.exists()


def test_too_few_photos_are_refused_before_preparing_and_training(ann, character):
    dataset = new_dataset(ann, character, 3, prepare=False)
    too_few = ann.call("POST", f"/api/training-datasets/{dataset['id']}/prepare", 422)
    assert "3 photo(s) uploaded; upload 10 to 100" in field_errors(too_few)["photos"]
    not_prepared = ann.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 422, json={"settings": TINY_RUN})
    assert "prepare the dataset first" in field_errors(not_prepared)["photos"]
    assert not Job.objects.exists() and not models.TrainingRun.objects.exists()


def test_a_dataset_holds_at_most_its_photo_limit(ann, character, monkeypatch):
    monkeypatch.setattr("stripstudio.web.studio.training_datasets.PHOTOS_MAX", 3)
    dataset = new_dataset(ann, character, 3, prepare=False)
    refused = ann.upload(dataset["id"], "fourth.png", photo(4), expected=400)
    assert "at most 3 photos" in field_errors(refused)["file"]
    assert models.TrainingPhoto.objects.count() == 3


def test_defaults_show_the_total_steps_and_a_run_is_queued_as_a_train_job(ann, character):
    dataset = new_dataset(ann, character, 10)
    defaults = ann.call("GET", f"/api/training-datasets/{dataset['id']}/defaults")
    assert defaults["settings"]["network_dim"] == 128 and defaults["settings"]["network_alpha"] == 16
    assert defaults["settings"]["model"] == "tiny-random-sdxl"
    assert defaults["estimate"]["total_steps"] == 10 * 2 * 10  # images x repeats x epochs
    assert defaults["estimate"]["saved_epochs"] == [2, 4, 6, 8, 10]
    estimate = ann.call("POST", f"/api/training-datasets/{dataset['id']}/estimate", json={"settings": TINY_RUN})
    assert estimate["total_steps"] == 40 and estimate["saved_epochs"] == [1, 2] and estimate["rough_seconds"] > 0
    assert (estimate["images"], estimate["repeats"]) == (10, 2)

    run = ann.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 202, json={"settings": TINY_RUN})
    assert run["total_steps"] == 40 and run["job"]["kind"] == "train" and run["job"]["status"] == "queued"
    payload = Job.objects.get(pk=run["job"]["id"]).payload()
    assert isinstance(payload, TrainPayload) and payload.settings.epochs == 2
    assert [p.label for p in payload.grid.prompts] == ["alone", "manga", "comic-ink"]
    assert payload.grid.template.width == 64 and payload.trigger == "rc_test"
    assert run["grid_rows"] == ["alone", "manga", "comic-ink"]
    assert ann.call("GET", f"/api/training-datasets/{dataset['id']}/runs")[0]["id"] == run["id"]


def test_stopping_early_is_asked_of_a_training_run_and_refused_naming_the_run_otherwise(ann, character):
    dataset = new_dataset(ann, character)
    run = ann.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 202, json={"settings": TINY_RUN})
    assert run["stop_requested"] is False
    stop = f"/api/training-runs/{run['id']}/stop-early"
    queued = field_errors(ann.call("POST", stop, 422))
    assert "cancel it instead" in queued["run"]
    job = Job.objects.filter(pk=run["job"]["id"])

    job.update(status=Job.Status.RUNNING)
    assert ann.call("POST", stop)["stop_requested"] is True
    assert ann.call("POST", stop)["stop_requested"] is True  # asking again changes nothing
    assert ann.call("GET", f"/api/training-runs/{run['id']}")["stop_requested"] is True

    job.update(cancel_requested=True)
    assert "being cancelled" in field_errors(ann.call("POST", stop, 422))["run"]
    job.update(status=Job.Status.SUCCEEDED)
    assert "already ended (succeeded)" in field_errors(ann.call("POST", stop, 422))["run"]
    job.delete()
    assert "job is gone" in field_errors(ann.call("POST", stop, 422))["run"]


def saved_run(owner, dataset_id: int, epochs: int = 2) -> models.TrainingRun:
    """A finished run with ``epochs`` saved LoRA files, as the training job leaves it."""
    dataset = models.TrainingDataset.objects.get(pk=dataset_id)
    run = models.TrainingRun.objects.create(
        owner=owner, dataset=dataset, settings=TINY_RUN | {"epochs": epochs, "save_every_n_epochs": 1}, total_steps=8
    )
    for epoch in range(1, epochs + 1):
        data = safetensors_bytes({"lora_unet_a.lora_up.weight": np.full((2, 2), epoch, dtype=np.float32)})
        name, _sha = store_bytes(data, ".safetensors")
        models.TrainingEpoch.objects.create(owner=owner, run=run, epoch=epoch, step=4 * epoch, lora_file=name)
    return run


def test_picking_an_epoch_installs_its_lora_and_gives_the_character_the_lora_and_its_trigger(ann, character):
    dataset = new_dataset(ann, character)
    run = saved_run(models.Character.objects.get(pk=character["id"]).owner, dataset["id"])
    picked = ann.call("POST", f"/api/training-runs/{run.pk}/epochs/2/pick")
    assert picked["lora_name"] == f"rc_test-run{run.pk}-epoch2" and picked["trigger_words"] == ["rc_test"]
    assert picked["run"]["picked_epoch"] == 2 and [e["picked"] for e in picked["run"]["epochs"]] == [False, True]
    spec = ann.call("GET", f"/api/characters/{character['id']}")["spec"]
    assert [lora["name"] for lora in spec["loras"]] == [picked["lora_name"]] and spec["trigger_words"] == ["rc_test"]
    library = ann.call("GET", "/api/models?kind=lora")
    assert f"{picked['lora_name']}.safetensors" in {entry["name"] for entry in library if entry["source"] == "upload"}

    # Changing one's mind replaces the LoRA instead of stacking a second one; the trigger stays once.
    again = ann.call("POST", f"/api/training-runs/{run.pk}/epochs/1/pick")
    spec = ann.call("GET", f"/api/characters/{character['id']}")["spec"]
    assert [lora["name"] for lora in spec["loras"]] == [again["lora_name"]] and spec["trigger_words"] == ["rc_test"]
    missing = ann.call("POST", f"/api/training-runs/{run.pk}/epochs/7/pick", 422)
    assert "epoch" in field_errors(missing)


def test_another_author_gets_404_on_every_training_object(ann, character):
    dataset = new_dataset(ann, character)
    run = saved_run(models.Character.objects.get(pk=character["id"]).owner, dataset["id"])
    name = dataset["images"][0]["name"]
    bob = signed_in("bob")
    base = f"/api/training-datasets/{dataset['id']}"
    for method, url, body in (
        ("GET", f"/api/characters/{character['id']}/training-datasets", None),
        ("POST", f"/api/characters/{character['id']}/training-datasets", {"trigger": "bob_x", "class_word": "man"}),
        ("GET", base, None),
        ("GET", f"{base}/defaults", None),
        ("POST", f"{base}/estimate", {"settings": TINY_RUN}),
        ("POST", f"{base}/prepare", None),
        ("GET", f"{base}/images/{name}/file", None),
        ("PUT", f"{base}/images/{name}/caption", {"caption": "bob's words"}),
        ("POST", f"{base}/runs", {"settings": TINY_RUN}),
        ("GET", f"{base}/runs", None),
        ("GET", f"/api/training-runs/{run.pk}", None),
        ("POST", f"/api/training-runs/{run.pk}/cancel", None),
        ("POST", f"/api/training-runs/{run.pk}/stop-early", None),
        ("POST", f"/api/training-runs/{run.pk}/epochs/1/pick", None),
        ("GET", f"/api/training-runs/{run.pk}/epochs/1/grid/0/file", None),
        ("DELETE", base, None),
    ):
        bob.call(method, url, 404, json=body)
    assert bob.client.post(f"{base}/photos", {"file": _named("b.png", photo(50))}).status_code == 404
    assert models.TrainingPhoto.objects.count() == 10 and models.TrainingDataset.objects.count() == 1
    assert ann.call("GET", base)["images"][0]["caption"] == dataset["images"][0]["caption"]
    assert models.TrainingRun.objects.get(pk=run.pk).picked_epoch is None


def test_training_photos_count_against_the_storage_quota(ann, character, settings):
    from stripstudio.web.studio.quota import storage_used

    dataset = new_dataset(ann, character, 2, prepare=False)
    used = storage_used(models.TrainingPhoto.objects.first().owner_id)
    assert used == sum(len(photo(seed)) for seed in range(2))
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"storage_quota_bytes": used + 10})
    refused = ann.client.post(f"/api/training-datasets/{dataset['id']}/photos", {"file": _named("c.png", photo(3))})
    assert refused.status_code == 413 and models.TrainingPhoto.objects.count() == 2


def test_deleting_a_dataset_removes_its_folder_photos_and_runs(ann, character, django_capture_on_commit_callbacks):
    from stripstudio.web.studio.training_datasets import dataset_folder

    dataset = new_dataset(ann, character)
    row = models.TrainingDataset.objects.get(pk=dataset["id"])
    saved_run(row.owner, row.pk)
    folder = dataset_folder(row)
    assert folder.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        ann.call("DELETE", f"/api/training-datasets/{dataset['id']}", 204)
    assert not folder.exists()
    assert not models.TrainingPhoto.objects.exists() and not models.TrainingRun.objects.exists()
    assert ann.call("GET", f"/api/characters/{character['id']}/training-datasets") == []
