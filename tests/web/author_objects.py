"""An author's full comic built through a live studio's API, for the isolation tests: every kind of object,
a real generation on the tiny model and a real export, with a secret in its texts and file names."""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from safetensors.numpy import save as safetensors_bytes

from tests.web.conftest import StudioClient

SECRET = f"secret-of-a-{uuid.uuid4().hex[:8]}"  # in A's texts: never in anything B receives
TINY = {"steps": 2, "width": 64, "height": 64, "candidates": 2, "seed": 7}


def png(seed: int, size: tuple[int, int] = (64, 64)) -> bytes:
    """A small noise picture as PNG bytes."""
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "PNG")
    return buffer.getvalue()


def tiny_lora() -> bytes:
    """A small, valid .safetensors file."""
    return safetensors_bytes({"lora_unet_down.lora_up.weight": np.zeros((4, 4), dtype=np.float32)})


@dataclass
class Objects:
    """An author's object ids by the name of the path parameter that takes them."""

    ids: dict[str, list] = field(default_factory=dict)
    file_urls: list[str] = field(default_factory=list)

    def add(self, parameter: str, value) -> None:
        self.ids.setdefault(parameter, []).append(str(value))


def upload(client: StudioClient, name: str, data: bytes, kind: str = "image", comic_id: int | None = None) -> dict:
    """Upload a file as ``client``; returns the asset."""
    form = {"kind": kind} | ({"comic_id": str(comic_id)} if comic_id is not None else {})
    return client.call("POST", "/api/assets", 201, files={"file": (name, data)}, data=form)


def build_author_a(a: StudioClient) -> tuple[Objects, dict]:
    """A's full comic through the API, with a real generation and export; returns (objects, names)."""
    objects = Objects()
    comic = a.call(
        "POST",
        "/api/comics",
        201,
        json={"title": f"A's comic {SECRET}", "summary": SECRET, "generation": TINY, "layout": {"width": 320}},
    )
    comic_id = comic["id"]
    reference = upload(a, "reference.png", png(1), comic_id=comic_id)
    sketch = upload(a, "sketch.png", png(2))
    mask = upload(a, "mask.png", png(3))
    model = upload(a, f"style-{SECRET}.safetensors", tiny_lora(), kind="model")
    character = a.call(
        "POST",
        f"/api/comics/{comic_id}/characters",
        201,
        json={"name": "Mia", "description": f"girl, red hair, {SECRET}", "reference_image_ids": [reference["id"]]},
    )
    panel = a.call(
        "POST",
        f"/api/comics/{comic_id}/panels",
        201,
        json={"description": f"Mia waves, {SECRET}", "characters": ["Mia"]},
    )
    bubble = a.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, json={"text": SECRET, "speaker": "Mia"})

    job = a.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"candidates": 2})
    assert a.events(job["events_url"])[-1]["type"] == "succeeded"
    images = a.call("GET", f"/api/panels/{panel['id']}/images")
    assert len(images) == 2
    a.call("POST", f"/api/images/{images[0]['id']}/pick")
    # The sketch joins after drawing: a sketch-to-image run needs a ControlNet the tiny model lacks.
    a.call("PATCH", f"/api/panels/{panel['id']}", json={"sketch_id": sketch["id"]})
    export_job = a.call("POST", f"/api/comics/{comic_id}/exports", 202, json={"formats": ["cbz"]})
    assert a.events(export_job["events_url"])[-1]["type"] == "succeeded"
    (export,) = a.call("GET", f"/api/comics/{comic_id}/exports")
    sheet = a.call("POST", f"/api/characters/{character['id']}/sheet", 202, json={"count": 1})
    assert a.events(sheet["events_url"])[-1]["type"] == "succeeded"
    (portrait,) = a.call("GET", f"/api/characters/{character['id']}/portraits")
    batch = a.call("POST", f"/api/comics/{comic_id}/generate-all", 202, json={"panels": "all", "candidates": 1})
    (batch_job,) = batch["jobs"]
    assert a.events(f"/api/jobs/{batch_job['job_id']}/events")[-1]["type"] == "succeeded"
    # Laid out in pages from here on, so that A can preview a page of it.
    pages = {"mode": "pages", "width": 320, "page": {"dpi": 72, "preset": "single"}}
    a.call("PATCH", f"/api/comics/{comic_id}", json={"layout": pages})

    training = train_a_lora(a, character["id"])

    objects.add("comic_id", comic_id)
    objects.add("character_id", character["id"])
    objects.add("panel_id", panel["id"])
    objects.add("bubble_id", bubble["id"])
    for asset in (reference, sketch, mask, model):
        objects.add("asset_id", asset["id"])
        objects.file_urls.append(asset["url"])
    for image in images:
        objects.add("image_id", image["id"])
        objects.file_urls.append(image["url"])
    objects.add("job_id", job["id"])
    objects.add("job_id", export_job["id"])
    objects.add("export_id", export["id"])
    objects.add("portrait_id", portrait["id"])
    objects.file_urls.append(portrait["url"])
    objects.add("batch_id", batch["id"])
    objects.add("job_id", sheet["id"])
    objects.file_urls.append(export["url"])
    finished = a.call("GET", f"/api/jobs/{job['id']}")
    objects.file_urls += [result["url"] for result in finished["results"]]
    objects.file_urls += [f"/api/jobs/{job['id']}/candidates/0/file", f"/api/jobs/{job['id']}/candidates/1/file"]
    objects.ids["candidate"] = ["0", "1"]  # not an object: a candidate's index within job_id
    objects.ids["number"] = ["1"]  # not an object: a page number of comic_id
    objects.add("dataset_id", training["dataset"]["id"])
    objects.add("run_id", training["run"]["id"])
    objects.add("job_id", training["run"]["job"]["id"])
    objects.ids["name"] = [training["dataset"]["images"][0]["name"]]  # not an object: an image of dataset_id
    objects.ids["epoch"] = ["1"]  # not an object: a saved epoch of run_id
    objects.ids["row"] = ["0"]  # not an object: a prompt of the epoch's test grid
    objects.file_urls += [image["url"] for image in training["dataset"]["images"][:2]]
    for uploaded in training["dataset"]["photos"][:2]:
        objects.add("photo_id", uploaded["id"])
        objects.file_urls.append(uploaded["url"])
    objects.file_urls += [picture["url"] for epoch in training["run"]["epochs"] for picture in epoch["grid"]]
    objects.file_urls = list(dict.fromkeys(objects.file_urls))
    names = {"model": model["name"], "mask_id": mask["id"], "image_ids": [i["id"] for i in images]}
    return objects, names


TINY_TRAINING = {
    "model": "tiny-random-sdxl",
    "resolution": 64,
    "epochs": 1,
    "save_every_n_epochs": 1,
    "network_dim": 4,
    "network_alpha": 4,
    "optimizer": "adamw",
    "mixed_precision": "no",
}


def train_a_lora(a: StudioClient, character_id: int) -> dict:
    """A training dataset of ten photos (named with the secret) and a finished one-epoch run on the tiny model."""
    dataset = a.call(
        "POST",
        f"/api/characters/{character_id}/training-datasets",
        201,
        json={"trigger": f"mia-{SECRET}", "class_word": "girl", "mode": "buckets", "resolution": 64, "repeats": 1},
    )
    for seed in range(10):
        photo = {"file": (f"{SECRET}-{seed}.png", png(100 + seed, (80, 80)))}
        a.call("POST", f"/api/training-datasets/{dataset['id']}/photos", 201, files=photo)
    prepared = a.call("POST", f"/api/training-datasets/{dataset['id']}/prepare")
    run = a.call("POST", f"/api/training-datasets/{dataset['id']}/runs", 202, json={"settings": TINY_TRAINING})
    assert a.events(run["job"]["events_url"])[-1]["type"] == "succeeded"
    return {"dataset": prepared, "run": a.call("GET", f"/api/training-runs/{run['id']}")}


def snapshot(a: StudioClient, objects: Objects) -> dict:
    """Everything A can read about their objects, files as hashes: equal before and after B's attempts."""
    (comic_id,) = objects.ids["comic_id"]
    (panel_id,) = objects.ids["panel_id"]
    state = {
        "comics": a.call("GET", "/api/comics"),
        "characters": a.call("GET", f"/api/comics/{comic_id}/characters"),
        "panels": a.call("GET", f"/api/comics/{comic_id}/panels"),
        "assets": a.call("GET", "/api/assets"),
        "jobs": a.call("GET", "/api/jobs"),
        "images": a.call("GET", f"/api/panels/{panel_id}/images"),
        "exports": a.call("GET", f"/api/comics/{comic_id}/exports"),
        "lettering": a.call("GET", f"/api/panels/{panel_id}/lettering"),
        "datasets": [a.call("GET", f"/api/training-datasets/{i}") for i in objects.ids["dataset_id"]],
        "runs": [a.call("GET", f"/api/training-runs/{i}") for i in objects.ids["run_id"]],
        "batches": a.call("GET", f"/api/comics/{comic_id}/batches"),
        "portraits": a.call("GET", f"/api/characters/{objects.ids['character_id'][0]}/portraits"),
    }
    for url in objects.file_urls:
        response = a.http.get(url)
        assert response.status_code == 200, f"A cannot read their own {url}: {response.status_code}"
        state[url] = hashlib.sha256(response.content).hexdigest()
    return state
