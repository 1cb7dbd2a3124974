"""Schemathesis against the studio's own OpenAPI schema: well over a thousand generated requests, valid
and invalid, from a signed-in author; none may be answered with a server error.

The requests go to the Django ASGI application in this process (the one uvicorn serves). The author
owns a small comic built first (comic, character with a reference image, panels with and without a
sketch and picked image, bubble, image and model uploads, a generation job with candidates, an export),
and generated ids are often swapped for those objects' ids, so requests get past the owner check into
the code that reads bodies. Jobs that generation and export requests queue stay queued: the runtime's
queue lies in a folder of this test and nothing consumes it. Event streams are plain Django views, not
in the schema, so nothing here can wait on one.

``STRIPSTUDIO_FUZZ_EXAMPLES`` raises the number of examples per operation for a longer hunt. What the
fuzzer found is kept as quick, explicit cases at the end of this file.
"""

from __future__ import annotations

import contextlib
import io
import os
import time
import zipfile
from collections import Counter

import numpy as np
import pytest
import schemathesis
from asgiref.sync import async_to_sync
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image
from safetensors.numpy import save as safetensors_bytes
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime

EXAMPLES_PER_MODE = int(os.environ.get("STRIPSTUDIO_FUZZ_EXAMPLES", "14"))  # per operation, valid and invalid each
MIN_REQUESTS = 1000
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
AUTH_OPERATIONS = ("/api/auth/signup", "/api/auth/login", "/api/auth/logout")  # would end the author's session


def _png(seed: int, size: tuple[int, int] = (64, 64)) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "PNG")
    return buffer.getvalue()


class Author:
    """A signed-in author's cookies and CSRF header, and the ids of what they own."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        token = self.client.get("/api/auth/csrf").json()["csrf_token"]
        answer = self.client.post(
            "/api/auth/signup",
            {"username": "fuzzer", "password": "a long enough secret 42"},
            content_type="application/json",
            headers={"X-CSRFToken": token},
        )
        assert answer.status_code == 201, answer.content
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
        return self.call("POST", "/api/assets", 201, data={"file": _named(name, data), "kind": kind})

    def keep(self, name: str, *values) -> None:
        """Remember ids for the parameter ``name``."""
        self.ids.setdefault(name, []).extend(values)


async def _read(chunks) -> bytes:
    return b"".join([chunk async for chunk in chunks])


def _named(name: str, data: bytes) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def build_objects(author: Author) -> None:
    """A comic with one of everything, its ids kept by the parameter names that take them."""
    from stripstudio.jobs.storage import store_bytes
    from stripstudio.web.studio import models

    comic = author.call(
        "POST",
        "/api/comics",
        201,
        json={"title": "Fuzzed", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 2}},
    )
    reference = author.upload("reference.png", _png(1))
    sketch = author.upload("sketch.png", _png(2))
    mask = author.upload("mask.png", _png(3))
    model = author.upload(
        "style.safetensors", safetensors_bytes({"w": np.zeros((4, 4), dtype=np.float32)}), kind="model"
    )
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

    # The job as a worker would leave it: two candidates drawn (no engine runs in this test).
    row = Job.objects.get(pk=job["id"])
    results = []
    for candidate in (0, 1):
        name, _sha = store_bytes(_png(10 + candidate), ".png")
        models.GeneratedImage.objects.create(
            owner=row.owner,
            panel=row.panel,
            job=row,
            candidate=candidate,
            file=name,
            seed=candidate,
            width=64,
            height=64,
        )
        url = f"/api/jobs/{row.pk}/candidates/{candidate}/file"
        results.append({"candidate": candidate, "file": name, "url": url})
    Job.objects.filter(pk=row.pk).update(status=Job.Status.SUCCEEDED, progress=1.0, results=results)
    images = author.call("GET", f"/api/panels/{panel['id']}/images")
    author.call("POST", f"/api/images/{images[0]['id']}/pick", 200)
    export_job = author.call("POST", f"/api/comics/{comic['id']}/exports", 202, json={"formats": ["cbz"]})
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as cbz:
        cbz.writestr("001.png", _png(20))
    name, _sha = store_bytes(archive.getvalue(), ".cbz")
    export = models.Export.objects.create(
        owner=row.owner,
        comic_id=comic["id"],
        job_id=export_job["id"],
        format="cbz",
        file=name,
        name="fuzzed.cbz",
        size=len(archive.getvalue()),
    )

    author.keep("comic_id", comic["id"])
    author.keep("character_id", character["id"])
    author.keep("panel_id", panel["id"], sketched["id"])
    author.keep("bubble_id", bubble["id"])
    author.keep("asset_id", reference["id"], sketch["id"], model["id"])
    author.keep("job_id", job["id"], export_job["id"])
    author.keep("candidate", 0, 1)
    author.keep("image_id", *(image["id"] for image in images))
    author.keep("export_id", export.pk)
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
    author.files["/api/assets"] = [{"file": _png(30), "kind": "image"}, {"file": _png(31, (96, 64))}]


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


@pytest.fixture
def fuzz_author(transactional_db, tmp_path) -> Author:
    """A signed-in author with a comic full of objects, and a job runtime whose queue nobody consumes."""
    install_runtime(JobRuntime(settings.STRIPSTUDIO.model_copy(update={"data_dir": tmp_path / "queue"})))
    author = Author()
    build_objects(author)
    return author


def order(operation) -> tuple[int, bool]:
    """Reads first (on the objects as built), then changes, then deletes, the comic's own last."""
    method = operation.method.upper()
    return ({"GET": 0, "DELETE": 2}.get(method, 1), "{comic_id}" in operation.path)


def fuzz_operation(operation, author: Author, sent: Counter, statuses: dict):
    """A Hypothesis test sending ``operation``'s generated cases (valid and invalid) as ``author``."""
    anonymous_session = operation.path in AUTH_OPERATIONS
    cookies = {"csrftoken": author.csrf} if anonymous_session else author.cookies
    strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # unless nothing in this operation can be made invalid
        strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_MODE * len(strategies),
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )
    @given(case=st.one_of(strategies), pick=st.integers(0, 3))
    def fuzz(case, pick):
        with_real_ids(case, author, pick)
        response = case.call(cookies=cookies, headers={"X-CSRFToken": author.csrf})
        sent[operation.label] += 1
        statuses.setdefault(operation.label, Counter())[response.status_code] += 1
        case.validate_response(response, checks=[not_a_server_error])

    return fuzz


@pytest.mark.slow
def test_no_generated_request_gets_a_server_error(fuzz_author):
    from django.core.asgi import get_asgi_application

    schema = schemathesis.openapi.from_asgi("/api/openapi.json", get_asgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40, [o.label for o in operations]
    streams = [o.label for o in operations if o.path.endswith("/events")]
    assert not streams, f"event streams in the schema would keep a fuzzed request open: {streams}"
    operations.sort(key=order)

    sent: Counter[str] = Counter()
    statuses: dict[str, Counter[int]] = {}
    failures: list[str] = []
    started = time.monotonic()
    for operation in operations:
        try:
            fuzz_operation(operation, fuzz_author, sent, statuses)()
        except (Exception, BaseExceptionGroup) as error:  # every operation's failures, not only the first's
            notes = "\n".join(getattr(error, "__notes__", []))
            failures.append(f"{operation.label}: {type(error).__name__}: {error}\n{notes}")

    seconds = time.monotonic() - started
    total = sum(sent.values())
    print(f"{total} requests to {len(operations)} operations in {seconds:.0f} s")
    for label in sorted(statuses):
        print(f"  {sent[label]:4d} {label}: {dict(sorted(statuses[label].items()))}")
    assert not failures, "\n\n".join(failures)
    assert total >= MIN_REQUESTS, f"only {total} requests"
    unreachable = [label for label, counts in statuses.items() if counts.get(405)]
    assert not unreachable, f"documented operations answered 405 (a route shadows them): {unreachable}"


HUGE = 2**70  # more than any integer column holds


@pytest.mark.parametrize(
    ("method", "url", "body", "expected", "field"),
    [
        ("GET", "/api/jobs/not-a-uuid", None, 404, None),
        ("POST", "/api/jobs/not-a-uuid/cancel", None, 404, None),
        ("GET", f"/api/assets?comic_id={HUGE}", None, 422, "comic_id"),
        ("GET", f"/api/jobs?comic_id={HUGE}", None, 422, "comic_id"),
        ("GET", f"/api/jobs?panel_id={HUGE}", None, 422, "panel_id"),
        (
            "POST",
            "/api/comics/{comic_id}/characters",
            {"name": "X", "reference_image_ids": [HUGE]},
            422,
            "reference_image_ids",
        ),
        ("PATCH", "/api/characters/{character_id}", {"reference_image_ids": [HUGE]}, 422, "reference_image_ids"),
        ("POST", "/api/panels/{panel_id}/bubbles", {"text": "Hi", "position": HUGE}, 422, "position"),
        ("PATCH", "/api/bubbles/{bubble_id}", {"position": HUGE}, 422, "position"),
        ("POST", "/api/comics/{comic_id}/panels", {"description": "x", "position": HUGE}, 422, "position"),
        ("POST", "/api/comics/import-script", {"file": SCRIPT}, 201, None),  # not shadowed by /comics/{comic_id}
    ],
)
def test_input_the_fuzzer_found_gets_a_4xx_naming_the_field(runtime, method, url, body, expected, field):
    """Inputs that once gave a 500 (or a 405): a clear answer instead."""
    author = Author()
    build_objects(author)
    url = url.format(**{name: values[0] for name, values in author.ids.items()})
    if body is not None and "file" in body:
        form = {"file": _named("comic.yaml", body["file"])}
        answer = author.client.post(url, form, headers={"X-CSRFToken": author.csrf})
    else:
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        answer = getattr(author.client, method.lower())(url, headers={"X-CSRFToken": author.csrf}, **kwargs)
    assert answer.status_code == expected, answer.content
    if field:
        assert field in {str(part) for problem in answer.json()["detail"] for part in problem["loc"]}, answer.json()
