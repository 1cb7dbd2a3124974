"""The author the schema fuzzer signs in as: a comic with one of everything, built through the API with
its jobs really run (on the bounded fake engine), and the ids the fuzzer swaps into generated requests."""

from __future__ import annotations

import io
import time

from asgiref.sync import async_to_sync
from django.test import Client

from tests.fakes import FakeEngine
from tests.web.author_objects import png, tiny_lora

SCRIPT = b"""title: Imported
characters:
  Mia:
    description: girl, red hair
panels:
  - description: Mia waves at a spaceship
    characters: [Mia]
    bubbles:
      - Mia: Wait for me!
"""
PASSWORD = "a long enough secret 42"
SPARE_AUTHOR = "spare-fuzzer"  # whose fresh sessions signing up, in and out get (they end the session)
FAKE_MAX_SIDE = 64  # the fake engine draws at most this many pixels a side
JOBS_TIMEOUT = 120  # seconds for every job the fuzzer queued to end


class Author:
    """A signed-in author's cookies and CSRF header, and the ids of what they own."""

    def __init__(self, username: str = "fuzzer") -> None:
        self.client = signed_in(username, "/api/auth/signup", 201)
        self.csrf = self.client.cookies["csrftoken"].value
        self.cookies = {name: morsel.value for name, morsel in self.client.cookies.items()}
        self.ids: dict[str, list] = {}
        self.files: dict[str, list[dict]] = {}

    def call(self, method: str, url: str, expected: int = 200, **kwargs):
        """A request through Django's test client (main thread); returns the JSON answer."""
        if "json" in kwargs:
            kwargs = {"data": kwargs.pop("json"), "content_type": "application/json", **kwargs}
        response = getattr(self.client, method.lower())(url, headers={"X-CSRFToken": self.csrf}, **kwargs)
        assert response.status_code == expected, (method, url, response.status_code, response.content[:500])
        return response.json() if response.content else None

    def upload(self, name: str, data: bytes, kind: str = "image") -> dict:
        """Upload a file as this author."""
        return self.call("POST", "/api/assets", 201, data={"file": named(name, data), "kind": kind})

    def keep(self, name: str, *values) -> None:
        """Remember ids for the parameter ``name``."""
        self.ids.setdefault(name, []).extend(values)


def signed_in(username: str, route: str, expected: int) -> Client:
    """A test client with the session of ``username`` (signed up or in through ``route``)."""
    client = Client(enforce_csrf_checks=True)
    token = client.get("/api/auth/csrf").json()["csrf_token"]
    answer = client.post(
        route,
        {"username": username, "password": PASSWORD},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert answer.status_code == expected, answer.content
    return client


def spare_session() -> tuple[dict[str, str], str]:
    """A fresh session of the spare author: (cookies, CSRF token)."""
    client = signed_in(SPARE_AUTHOR, "/api/auth/login", 200)
    return {name: morsel.value for name, morsel in client.cookies.items()}, client.cookies["csrftoken"].value


class BoundedFakeEngine(FakeEngine):
    """The fake engine, drawing at most FAKE_MAX_SIDE pixels a side: fuzzed requests ask for up to 4096."""

    def run(self, request, on_event, cancel=None):
        """Draw the request's candidates, shrunk to the bound."""
        bounded = request.model_copy(
            update={"width": min(request.width, FAKE_MAX_SIDE), "height": min(request.height, FAKE_MAX_SIDE)}
        )
        return super().run(bounded, on_event, cancel)


def final_jobs(job_ids, timeout: float = JOBS_TIMEOUT) -> list:
    """The rows of these jobs once every one has ended; fails naming the others after ``timeout`` seconds."""
    from stripstudio.jobs.models import Job

    deadline = time.monotonic() + timeout
    while True:
        rows = list(Job.objects.filter(pk__in=list(job_ids)))
        waiting = [f"{row.kind} {row.pk} {row.status} {row.message}" for row in rows if not row.is_final]
        if not waiting:
            return rows
        assert time.monotonic() < deadline, f"{len(waiting)} job(s) still not ended: {waiting[:10]}"
        time.sleep(0.05)


def succeeded(job: dict):
    """The row of a job once it succeeded."""
    (row,) = final_jobs([job["id"]])
    assert row.status == "succeeded", (row.status, row.error_type, row.error_message)
    return row


async def _read(chunks) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def named(name: str, data: bytes) -> io.BytesIO:
    """``data`` as an uploaded file called ``name``."""
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def build_objects(author: Author) -> None:
    """A comic with one of everything, its ids kept by the parameter names that take them."""
    from stripstudio.web.studio import models

    comic = author.call(
        "POST",
        "/api/comics",
        201,
        json={"title": "Fuzzed", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 2}},
    )
    reference = author.upload("reference.png", png(1))
    sketch = author.upload("sketch.png", png(2))
    mask = author.upload("mask.png", png(3))
    model = author.upload("style.safetensors", tiny_lora(), kind="model")
    character = author.call(
        "POST",
        f"/api/comics/{comic['id']}/characters",
        201,
        json={"name": "Mia", "description": "girl", "reference_image_ids": [reference["id"]]},
    )
    panel = author.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "Mia waves", "characters": ["Mia"]}
    )
    sketched = author.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "a house", "sketch_id": sketch["id"]}
    )
    bubble = author.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, json={"text": "Hi!", "speaker": "Mia"})
    job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={})
    succeeded(job)
    images = author.call("GET", f"/api/panels/{panel['id']}/images")
    assert len(images) == 2, images
    author.call("POST", f"/api/images/{images[0]['id']}/pick", 200)
    drawn_sketch = author.call("POST", f"/api/panels/{sketched['id']}/generate", 202, json={"candidates": 1})
    succeeded(drawn_sketch)  # every panel has a picture: the export can run
    export_job = author.call("POST", f"/api/comics/{comic['id']}/exports", 202, json={"formats": ["cbz"]})
    succeeded(export_job)
    (export,) = models.Export.objects.filter(job_id=export_job["id"])

    dataset = author.call(
        "POST",
        f"/api/characters/{character['id']}/training-datasets",
        201,
        json={"trigger": "mia_x", "class_word": "girl", "mode": "buckets", "resolution": 64, "repeats": 1},
    )
    photos = f"/api/training-datasets/{dataset['id']}/photos"
    for seed in range(10):
        author.client.post(photos, {"file": named(f"{seed}.png", png(50 + seed))}, headers={"X-CSRFToken": author.csrf})
    prepared = author.call("POST", f"/api/training-datasets/{dataset['id']}/prepare")

    author.keep("comic_id", comic["id"])
    author.keep("character_id", character["id"])
    author.keep("panel_id", panel["id"], sketched["id"])
    author.keep("bubble_id", bubble["id"])
    author.keep("asset_id", reference["id"], sketch["id"], model["id"])
    author.keep("job_id", job["id"], export_job["id"], drawn_sketch["id"])
    author.keep("candidate", 0, 1)
    author.keep("image_id", *(image["id"] for image in images))
    author.keep("export_id", export.pk)
    author.keep("dataset_id", dataset["id"])
    author.keep("name", *(image["name"] for image in prepared["images"][:2]))
    author.keep("photo_id", *(photo["id"] for photo in prepared["photos"][:2]))
    # Ids inside bodies.
    author.keep("sketch_id", sketch["id"], mask["id"])
    author.keep("mask_id", mask["id"])
    author.keep("source_image_id", *(image["id"] for image in images))
    author.keep("reference_image_ids", [reference["id"]], [reference["id"], sketch["id"]])
    author.keep("ids", *(lambda turn=turn: panel_order(comic["id"], turn) for turn in range(2)))
    # Files inside multipart bodies: the comic's own script and project zip bring back a copy of it.
    script = author.client.get(f"/api/comics/{comic['id']}/script")
    project = author.client.get(f"/api/comics/{comic['id']}/project")
    author.files["/api/comics/import-script"] = [{"file": SCRIPT}, {"file": script.content}]  # the 2nd names files
    author.files["/api/comics/import-project"] = [{"file": async_to_sync(_read)(project.streaming_content)}]
    author.files["/api/training-datasets/{dataset_id}/photos"] = [{"file": png(40)}, {"file": png(41, (96, 64))}]
    author.files["/api/training-datasets/{dataset_id}/regularisation"] = [{"regularisation": png(42)}]
    author.files["/api/assets"] = [{"file": png(30), "kind": "image"}, {"file": png(31, (96, 64))}]


def panel_order(comic_id: int, turn: int) -> list[int]:
    """The ids of the comic's panels now, rotated by ``turn``: a complete new order."""
    from stripstudio.web.studio import models

    ids = list(models.Panel.objects.filter(comic_id=comic_id).values_list("pk", flat=True))
    return ids[turn % len(ids) :] + ids[: turn % len(ids)] if ids else []


def with_real_ids(case, author: Author, pick: int) -> None:
    """Swap generated ids (path, query, body) and uploaded files for the author's, unless ``pick`` says not."""
    if pick >= 3:
        return

    def choose(name: str, generated):
        values = author.ids.get(name)
        chosen = values[pick % len(values)] if values else generated
        return chosen() if callable(chosen) else chosen

    if case.path_parameters:
        case.path_parameters = {name: choose(name, value) for name, value in case.path_parameters.items()}
    if case.query:
        case.query = {name: choose(name, value) for name, value in case.query.items()}
    if isinstance(case.body, dict) and any(name in author.ids for name in case.body):
        case.body = {name: choose(name, value) for name, value in case.body.items()}
    files = author.files.get(case.operation.path)
    if files and isinstance(case.body, dict):
        case.body = {**case.body, **files[pick % len(files)]}
