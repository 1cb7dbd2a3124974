"""Every object and file belongs to one author; another author gets 404 on it — on every endpoint, file
URL and event stream.

Author A builds a full comic through the API on the tiny model (comic, character with a reference image,
panel with an uploaded sketch, bubble, uploaded model file, a generation job with its candidates, a picked
image, an export job with its file, a training dataset of photos and a finished training run). Author B
then tries every operation of the OpenAPI schema that takes an id on every one of A's objects: each must
answer 404 and leave A's comic exactly as it was. The paths come from ``/api/openapi.json``, so a new
endpoint that takes an id is covered without touching this file — and one whose id names an object this
test does not build fails it until it does.
"""

from __future__ import annotations

import itertools
import math
import re
import uuid
from collections import Counter

import pytest

from tests.web.author_objects import SECRET, TINY, Objects, build_author_a, png, snapshot
from tests.web.conftest import StudioClient

pytestmark = pytest.mark.slow

METHODS = ("get", "post", "put", "patch", "delete")

# A body each operation accepts (so the 404 comes from the owner check, not from input validation),
# by the name of its request schema. An operation with a schema missing here fails the test.
# The only operations open to anonymous clients: signing up or in needs no session.
OPEN_OPERATIONS = {("get", "/api/auth/csrf"), ("post", "/api/auth/signup"), ("post", "/api/auth/login")}
REFERENCE_ATTEMPTS = 10  # B's requests in check_references that name one of A's objects
PLAUSIBLE_BODIES = {
    "ComicIn": {"title": "B's comic"},
    "ComicPatch": {"title": "taken over by B"},
    "CharacterIn": {"name": "Intruder", "description": "B's character"},
    "CharacterPatch": {"name": "Renamed by B", "description": "changed by B", "reference_image_ids": []},
    "PanelIn": {"description": "B's panel"},
    "PanelPatch": {"description": "changed by B", "sketch_id": None},
    "BubbleIn": {"text": "B's words"},
    "BubblePatch": {"text": "changed by B", "position": 0},
    "GenerateIn": {"candidates": 1, "steps": 2},
    "SheetIn": {"count": 1},
    "ExportIn": {"formats": ["cbz"]},
    "OrderIn": {"ids": []},  # filled with A's panel ids
    "DatasetIn": {"trigger": "bob_x", "class_word": "man"},
    "CaptionIn": {"caption": "B's words"},
    "RunIn": {"settings": {"model": "tiny-random-sdxl", "resolution": 64, "epochs": 1, "save_every_n_epochs": 1}},
    "CoverIn": {"image_id": None},
    "GenerateAllIn": {"panels": "all", "steps": 2},
}


def id_operations(openapi: dict) -> list[tuple[str, str, dict]]:
    """(method, path, operation) of every operation whose path takes a parameter."""
    return [
        (method, path, operation)
        for path, operations in openapi["paths"].items()
        if "{" in path
        for method, operation in operations.items()
        if method in METHODS
    ]


def all_operations(openapi: dict) -> set[tuple[str, str]]:
    """(method, path) of every operation in the schema."""
    return {
        (method, path) for path, operations in openapi["paths"].items() for method in operations if method in METHODS
    }


def operations_with_path_parameters(openapi: dict) -> set[tuple[str, str]]:
    """(method, path) of every operation the schema gives a path parameter (an id of something)."""
    return {
        (method, path)
        for path, operations in openapi["paths"].items()
        for method, operation in operations.items()
        if method in METHODS and any(parameter["in"] == "path" for parameter in operation.get("parameters", []))
    }


def combinations(path: str, objects: Objects) -> int:
    """How many URLs :func:`urls_for` makes of ``path``: one per combination of A's objects."""
    return math.prod(len(objects.ids[name]) for name in re.findall(r"{(\w+)}", path))


def urls_for(path: str, objects: Objects) -> list[str]:
    """``path`` with every combination of A's objects for its parameters; fails for an unknown parameter."""
    names = re.findall(r"{(\w+)}", path)
    missing = [name for name in names if not objects.ids.get(name)]
    assert not missing, (
        f"{path} takes {missing}, but this test builds no object of A for it: build one in build_author_a, "
        "so that the new endpoint is checked for isolation too"
    )
    urls = []
    for values in itertools.product(*(objects.ids[name] for name in names)):
        chosen = dict(zip(names, values, strict=True))
        urls.append(re.sub(r"{(\w+)}", lambda match, chosen=chosen: chosen[match[1]], path))
    return urls


def ghost_url(path: str) -> str:
    """``path`` with ids that nobody's objects have."""
    ghosts = {"job_id": str(uuid.uuid4()), "candidate": "0"}
    return re.sub(r"{(\w+)}", lambda match: ghosts.get(match[1], "987654321"), path)


def body_for(openapi: dict, method: str, path: str, operation: dict, objects: Objects) -> dict:
    """httpx keyword arguments with a body the operation accepts; fails for a schema without a known body."""
    content = operation.get("requestBody", {}).get("content", {})
    if not content:
        return {}
    if "application/json" in content:
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert name in PLAUSIBLE_BODIES, f"{method.upper()} {path}: add a plausible {name} body to PLAUSIBLE_BODIES"
        body = dict(PLAUSIBLE_BODIES[name])
        if name == "OrderIn":
            body["ids"] = [int(i) for i in objects.ids["panel_id"]]
        return {"json": body}
    form = content["multipart/form-data"]["schema"]
    if "$ref" in form:
        form = openapi["components"]["schemas"][form["$ref"].rsplit("/", 1)[-1]]
    files = {
        name: (f"{name}.png", png(9))
        for name, spec in form.get("properties", {}).items()
        if spec.get("format") == "binary"
    }
    return {"files": files}


def assert_no_leak(response, what: str) -> None:
    """Nothing of A's content in a response B or an anonymous client got."""
    assert SECRET not in response.text, f"{what} shows A's content: {response.text[:500]}"


def assert_stream_status(client: StudioClient, url: str, expected: int) -> None:
    """The status of an event stream, without reading it (a leaked stream would never end)."""
    with client.http.stream("GET", url, timeout=30) as response:
        assert response.status_code == expected, f"GET {url}: {response.status_code}"
        if expected != 200:
            response.read()
            assert_no_leak(response, f"GET {url}")


def refused(client: StudioClient, method: str, url: str, field_name: str | None = None, **kwargs):
    """A request B makes with one of A's objects inside: a 4xx naming the field, never a 5xx."""
    response = client.http.request(method, url, **kwargs)
    assert 400 <= response.status_code < 500, f"{method} {url}: {response.status_code} {response.text[:500]}"
    if field_name:
        assert field_name in response.text, f"{method} {url}: {response.text[:500]}"
    assert_no_leak(response, f"{method} {url}")
    return response


def b_counts(b: StudioClient) -> dict:
    """How many objects of each kind B has, to prove refused requests created nothing."""
    comics = b.call("GET", "/api/comics")
    return {
        "comics": len(comics),
        "panels": sum(c["panel_count"] for c in comics),
        "characters": sum(c["character_count"] for c in comics),
        "assets": len(b.call("GET", "/api/assets")),
        "jobs": len(b.call("GET", "/api/jobs")),
    }


def test_another_author_gets_404_on_everything(live_studio):
    a, b, anonymous = StudioClient(live_studio), StudioClient(live_studio), StudioClient(live_studio)
    a.signup()
    objects, names = build_author_a(a)
    before = snapshot(a, objects)
    b.signup()
    openapi = anonymous.call("GET", "/api/openapi.json")

    # Every operation that takes an id, on every object of A: 404 for B, and the URL is A's (200 to a GET).
    checked: Counter[tuple[str, str]] = Counter()
    operations = id_operations(openapi)
    assert {(m, p) for m, p, _ in operations} == operations_with_path_parameters(openapi)
    assert len(operations) >= 30, [f"{m} {p}" for m, p, _ in operations]
    ordered = sorted(operations, key=lambda item: item[0] == "delete")  # deletes last: the rest must see A's
    for method, path, operation in ordered:
        urls = urls_for(path, objects)
        for url in urls:
            response = b.http.request(method.upper(), url, **body_for(openapi, method, path, operation, objects))
            assert response.status_code == 404, f"B {method.upper()} {url}: {response.status_code} {response.text}"
            assert_no_leak(response, f"B {method.upper()} {url}")
            checked[method, path] += 1
        # Indistinguishable from an object that does not exist at all.
        ghost = b.http.request(method.upper(), ghost_url(path), **body_for(openapi, method, path, operation, objects))
        assert (ghost.status_code, ghost.json()) == (response.status_code, response.json()), f"{method} {path}"
        if method == "get":  # the same URLs do reach A's objects
            assert 200 in {a.http.get(url).status_code for url in urls}, f"A GET {path} with A's ids"
    checks = sum(checked.values())
    print(f"{checks} endpoint x method x object checks of B on {len(checked)} operations")
    # Each operation with an id was tried on every combination of A's objects for its parameters.
    assert checked == {(m, p): combinations(p, objects) for m, p in operations_with_path_parameters(openapi)}
    assert checks > len(operations)  # several objects for most parameters

    # Every file URL A was given, and both event streams.
    for url in objects.file_urls:
        response = b.http.get(url)
        assert response.status_code == 404 and response.headers["content-type"].startswith("application/json"), url
        assert_no_leak(response, f"B GET {url}")
    for job_id in objects.ids["job_id"]:
        assert_stream_status(b, f"/api/jobs/{job_id}/events", 404)
        assert_stream_status(anonymous, f"/api/jobs/{job_id}/events", 404)
    (comic_id,) = objects.ids["comic_id"]
    (panel_id,) = objects.ids["panel_id"]
    assert_stream_status(b, f"/api/comics/{comic_id}/events", 404)
    assert_stream_status(anonymous, f"/api/comics/{comic_id}/events", 404)
    assert_stream_status(b, f"/api/jobs/{uuid.uuid4()}/events", 404)  # same answer as a job nobody has

    # B's lists show nothing of A, even when filtered by A's ids.
    for url in (
        "/api/comics",
        "/api/assets",
        "/api/assets?kind=model",
        f"/api/assets?comic_id={comic_id}",
        "/api/jobs",
        f"/api/jobs?comic_id={comic_id}",
        f"/api/jobs?panel_id={panel_id}",
        "/api/jobs?active=true",
    ):
        assert b.call("GET", url) == [], url

    # B's own requests that name A's objects are refused without creating anything.
    refused_requests = check_references(b, objects, names)
    assert refused_requests == REFERENCE_ATTEMPTS

    # An anonymous client: 401 on every operation that needs a signed-in author (all but signing in).
    anonymous_checked: Counter[tuple[str, str]] = Counter()
    secured = set()
    for path, operations_of_path in openapi["paths"].items():
        for method, operation in operations_of_path.items():
            if method not in METHODS or not operation.get("security"):
                continue
            secured.add((method, path))
            urls = urls_for(path, objects) if "{" in path else [path]
            kwargs = body_for(openapi, method, path, operation, objects)
            for url in urls:
                response = anonymous.http.request(method.upper(), url, **kwargs)
                assert response.status_code == 401, f"anonymous {method.upper()} {url}: {response.status_code}"
                assert_no_leak(response, f"anonymous {method.upper()} {url}")
                anonymous_checked[method, path] += 1
    assert all_operations(openapi) - secured == OPEN_OPERATIONS
    assert anonymous_checked == {(m, p): combinations(p, objects) for m, p in secured}
    anonymous_checks = sum(anonymous_checked.values())
    print(f"{anonymous_checks} anonymous checks on {len(secured)} operations, {refused_requests} refused references")

    assert snapshot(a, objects) == before, "B's attempts changed A's objects"
    assert a.call("GET", "/api/comics")[0]["title"] == f"A's comic {SECRET}"
    for client in (a, b, anonymous):
        client.close()


def check_references(b: StudioClient, objects: Objects, names: dict) -> int:
    """B names A's assets, images, panels and comic inside B's own requests: each is a 4xx, nothing is made."""
    (a_comic,) = objects.ids["comic_id"]
    (a_panel,) = objects.ids["panel_id"]
    a_reference, a_sketch = objects.ids["asset_id"][:2]
    a_image = names["image_ids"][0]

    comic = b.call("POST", "/api/comics", 201, json={"title": "B's comic", "generation": {**TINY, "candidates": 1}})
    b.call("POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": "Bo"})
    (character,) = b.call("GET", f"/api/comics/{comic['id']}/characters")
    panel = b.call("POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "Bo", "characters": ["Bo"]})
    job = b.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={})
    assert b.events(job["events_url"])[-1]["type"] == "succeeded"
    (own_image,) = b.call("GET", f"/api/panels/{panel['id']}/images")
    counts = b_counts(b)
    panel_before = b.call("GET", f"/api/panels/{panel['id']}")
    character_before = b.call("GET", f"/api/characters/{character['id']}")

    generate = f"/api/panels/{panel['id']}/generate"
    attempts = [
        (
            "POST",
            f"/api/comics/{comic['id']}/panels",
            "sketch_id",
            {"json": {"description": "x", "sketch_id": int(a_sketch)}},
        ),
        ("PATCH", f"/api/panels/{panel['id']}", "sketch_id", {"json": {"sketch_id": int(a_sketch)}}),
        (
            "POST",
            f"/api/comics/{comic['id']}/characters",
            "reference_image_ids",
            {"json": {"name": "Thief", "reference_image_ids": [int(a_reference)]}},
        ),
        (
            "PATCH",
            f"/api/characters/{character['id']}",
            "reference_image_ids",
            {"json": {"reference_image_ids": [int(a_reference)]}},
        ),
        ("POST", generate, "source_image_id", {"json": {"mode": "variation", "source_image_id": a_image}}),
        (
            "POST",
            generate,
            "source_image_id",
            {"json": {"mode": "outpaint", "source_image_id": a_image, "outpaint": {"right": 64}}},
        ),
        (
            "POST",
            generate,
            "mask_id",
            {"json": {"mode": "inpaint", "source_image_id": own_image["id"], "mask_id": names["mask_id"]}},
        ),
        ("PUT", f"/api/comics/{comic['id']}/panels/order", "ids", {"json": {"ids": [panel["id"], int(a_panel)]}}),
        ("PUT", f"/api/comics/{comic['id']}/panels/order", "ids", {"json": {"ids": [int(a_panel)]}}),
        (
            "POST",
            "/api/assets",
            None,
            {"files": {"file": ("x.png", png(5))}, "data": {"kind": "image", "comic_id": str(a_comic)}},
        ),
    ]
    refusals = 0
    for method, url, field_name, kwargs in attempts:
        refused(b, method, url, field_name, **kwargs)
        refusals += 1
    assert b_counts(b) == counts, "a refused request created something"
    assert b.call("GET", f"/api/panels/{panel['id']}") == panel_before
    assert b.call("GET", f"/api/characters/{character['id']}") == character_before

    # A LoRA named like A's uploaded model file stays a name: it never resolves to A's stored file, so
    # for B it is a LoRA that is not installed, refused at its field before anything is queued.
    lora = names["model"].removesuffix(".safetensors")
    b.call("PATCH", f"/api/comics/{comic['id']}", json={"style": {"loras": [{"name": lora}]}})
    jobs_before = b.call("GET", "/api/jobs")
    refusal = b.call("POST", generate, 422, json={})
    (problem,) = refusal["detail"]
    assert problem["loc"][-2:] == ["loras", 0] and f"LoRA {lora!r} not found" in problem["msg"], problem
    assert b.call("GET", "/api/jobs") == jobs_before
    return refusals
