"""Every text and list an author can send is bounded: the schema says so, an over-long value is a 422 that
names the field, and a body past the request size limit is refused before it is parsed."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from stripstudio.web.api import api as studio_api

from .django_api import DjangoApi


@pytest.fixture
def author(db) -> DjangoApi:
    """A signed-in author's test client."""
    client = Client()
    client.force_login(get_user_model().objects.create_user("ann", password="a long enough secret 42"))
    return DjangoApi(client)


def _unbounded(node: dict, where: str, components: dict) -> list[str]:
    """Places under ``node`` (an OpenAPI schema) where a string has no maxLength or a list no maxItems."""
    while "$ref" in node:
        node = components[node["$ref"].rsplit("/", 1)[1]]
    found = [
        p
        for key in ("anyOf", "oneOf", "allOf")
        for sub in node.get(key, [])
        for p in _unbounded(sub, where, components)
    ]
    kind = node.get("type")
    if kind == "string" and not ({"maxLength", "enum", "const"} & node.keys()) and node.get("format") != "binary":
        found.append(where)
    if kind == "array":
        found += [] if "maxItems" in node else [where]
        found += _unbounded(node.get("items", {}), f"{where}[]", components)
    for name, child in node.get("properties", {}).items():
        found += _unbounded(child, f"{where}.{name}", components)
    return found


def test_every_string_and_list_in_request_bodies_and_queries_is_bounded(db):
    schema = studio_api.get_openapi_schema()
    components = schema["components"]["schemas"]
    checked, unbounded = 0, []
    for url, operations in schema["paths"].items():
        for method, operation in operations.items():
            for body in operation.get("requestBody", {}).get("content", {}).values():
                checked += 1
                unbounded += _unbounded(body["schema"], f"{method} {url} body", components)
            # Path parameters are bounded by the HTTP server's limit on the request line.
            for parameter in (p for p in operation.get("parameters", []) if p["in"] != "path"):
                checked += 1
                unbounded += _unbounded(parameter["schema"], f"{method} {url} {parameter['name']}", components)
    assert checked >= 15, checked
    assert unbounded == []


def _field(answer) -> str:
    """The dotted field of the single problem of a 422 (without "body" and the payload's name)."""
    (problem,) = answer["detail"]
    location = [str(part) for part in problem["loc"][1:]]
    return ".".join(location[1:] if location[0] == "payload" else location)


def test_a_ten_megabyte_title_is_refused_naming_the_field(author):
    answer = author.call("POST", "/api/comics", 422, {"title": "x" * 10_000_000})
    assert _field(answer) == "title" and "200 characters" in answer["detail"][0]["msg"]
    assert author.call("GET", "/api/comics") == []


@pytest.mark.parametrize(
    ("where", "payload", "field"),
    [
        ("comic", {"title": "T", "summary": "s" * 4001}, "summary"),
        ("comic", {"title": "T", "style": {"prompt_prefix": "p" * 4001}}, "style.prompt_prefix"),
        ("comic", {"title": "T", "style": {"loras": [{"name": "a"}] * 17}}, "style.loras"),
        ("character", {"name": "n" * 101}, "name"),
        ("character", {"name": "Mia", "trigger_words": ["w" * 101]}, "trigger_words.0"),
        ("character", {"name": "Mia", "reference_image_ids": list(range(1, 18))}, "reference_image_ids"),
        ("panel", {"description": "d" * 4001}, "description"),
        ("panel", {"description": "d", "negative_prompt": "n" * 4001}, "negative_prompt"),
        ("bubble", {"text": "t" * 2001}, "text"),
        ("bubble", {"text": "hi", "speaker": "s" * 101}, "speaker"),
    ],
)
def test_over_long_fields_are_422_naming_the_field(author, where, payload, field):
    comic = author.call("POST", "/api/comics", 201, {"title": "Limits"})
    panel = author.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "a panel"})
    url = {
        "comic": "/api/comics",
        "character": f"/api/comics/{comic['id']}/characters",
        "panel": f"/api/comics/{comic['id']}/panels",
        "bubble": f"/api/panels/{panel['id']}/bubbles",
    }[where]
    assert _field(author.call("POST", url, 422, payload)) == field


def test_a_json_body_past_the_request_size_limit_is_refused_unread(author):
    title = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    answer = author.client.post("/api/comics", {"title": title}, content_type="application/json")
    assert answer.status_code == 400
    assert author.call("GET", "/api/comics") == []


def test_a_panel_takes_at_most_fifty_bubbles(author):
    comic = author.call("POST", "/api/comics", 201, {"title": "Crowded"})
    panel = author.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "a crowd"})
    for n in range(50):
        author.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, {"text": f"line {n}"})
    refused = author.call("POST", f"/api/panels/{panel['id']}/bubbles", 422, {"text": "one more"})
    assert _field(refused) == "bubbles" and "at most 50 bubbles" in refused["detail"][0]["msg"]
    assert len(author.call("GET", f"/api/panels/{panel['id']}/bubbles")) == 50


def test_a_comic_takes_at_most_its_limits_of_panels_and_characters(author, monkeypatch):
    from stripstudio.web.studio.api import content

    monkeypatch.setattr(content, "PANELS_MAX", 2)  # the real limits (1000, 200) take too many requests
    monkeypatch.setattr(content, "CHARACTERS_MAX", 1)
    comic = author.call("POST", "/api/comics", 201, {"title": "Short"})
    for n in range(2):
        author.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": f"panel {n}"})
    author.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": "Mia"})
    assert _field(author.call("POST", f"/api/comics/{comic['id']}/panels", 422, {"description": "3"})) == "panels"
    assert _field(author.call("POST", f"/api/comics/{comic['id']}/characters", 422, {"name": "Leo"})) == "characters"
