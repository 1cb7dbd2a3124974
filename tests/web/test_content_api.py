"""Comics, characters, panels and bubbles through the API: create, read, change, reorder, duplicate, delete.

Validation errors are 422s naming the field; a refused change leaves everything as it was; names of
characters stay consistent across panels and bubbles. Requests go through Django's test client.
"""

from __future__ import annotations

import io

import httpx
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from stripstudio.jobs.storage import store_bytes
from stripstudio.web.studio import models
from tests.web.django_api import DjangoApi


class Api(DjangoApi):
    """JSON calls through a signed-in test client, asserting the status."""

    def invalid(self, method: str, url: str, json: dict | list | None = None) -> dict[str, str]:
        """Send a request that must be refused with 422; returns {dotted field: message}.

        The schema check names a field ``["body", "payload", field…]``, the domain checks ``["body", field…]``;
        both come back as the dotted field path.
        """
        detail = self.call(method, url, 422, json)["detail"]
        assert isinstance(detail, list) and detail, detail
        return {field_path(problem["loc"]): problem["msg"] for problem in detail}

    def upload_png(self, image: Image.Image) -> dict:
        """Upload a picture as an asset; returns the asset."""
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        request = httpx.Request(
            "POST", "http://testserver/api/assets", files={"file": ("sketch.png", buffer.getvalue(), "image/png")}
        )
        response = self.client.post("/api/assets", data=request.read(), content_type=request.headers["content-type"])
        assert response.status_code == 201, response.content
        return response.json()


def field_path(loc: list) -> str:
    """``["body", "payload", "characters", 0]`` or ``["body", "characters", 0]`` -> ``characters.0``."""
    parts = [str(part) for part in loc[1:]]
    return ".".join(parts[1:] if parts[:1] == ["payload"] else parts)


def signed_in(username: str) -> Api:
    """A new author with their own test client."""
    client = Client()
    client.force_login(get_user_model().objects.create_user(username, password="a long enough secret 42"))
    return Api(client)


@pytest.fixture
def api(db) -> Api:
    """A signed-in author."""
    return signed_in("ann")


@pytest.fixture
def comic(api) -> dict:
    """A comic with Mia and Leo and two panels; the first has a bubble spoken by Mia."""
    comic = api.call("POST", "/api/comics", 201, {"title": "Moon trip", "generation": {"steps": 7, "width": 512}})
    for name in ("Mia", "Leo"):
        api.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": name, "description": f"{name} look"})
    first = api.call(
        "POST",
        f"/api/comics/{comic['id']}/panels",
        201,
        {"description": "Mia and Leo at the launch pad", "characters": ["Mia", "Leo"], "shot": "wide shot"},
    )
    api.call("POST", f"/api/panels/{first['id']}/bubbles", 201, {"text": "Ready?", "speaker": "Mia"})
    api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "Leo alone", "characters": ["Leo"]})
    return comic


def panels_of(api: Api, comic: dict) -> list[dict]:
    """The comic's panels in reading order."""
    return api.call("GET", f"/api/comics/{comic['id']}/panels")


def png(colour: str = "white", size: tuple[int, int] = (32, 32)) -> Image.Image:
    """A plain picture."""
    return Image.new("RGB", size, colour)


# Comics -------------------------------------------------------------------------------------------------------


def test_comic_create_read_list_patch_delete(api):
    made = api.call("POST", "/api/comics", 201, {"title": "First", "language": "de", "generation": {"steps": 9}})
    assert made["title"] == "First" and made["spec"]["language"] == "de"
    assert made["spec"]["generation"]["steps"] == 9 and made["spec"]["generation"]["width"] == 1024  # default
    assert (made["panel_count"], made["character_count"]) == (0, 0)
    assert api.call("GET", f"/api/comics/{made['id']}") == made
    other = api.call("POST", "/api/comics", 201, {"title": "Second"})
    assert [c["id"] for c in api.call("GET", "/api/comics")] == [other["id"], made["id"]]  # newest change first

    changed = api.call("PATCH", f"/api/comics/{made['id']}", json={"summary": "A trip"})
    assert changed["title"] == "First" and changed["spec"]["summary"] == "A trip"
    assert {k: v for k, v in changed["spec"].items() if k != "summary"} == {
        k: v for k, v in made["spec"].items() if k != "summary"
    }

    api.call("DELETE", f"/api/comics/{made['id']}", 204)
    api.call("GET", f"/api/comics/{made['id']}", 404)
    assert [c["id"] for c in api.call("GET", "/api/comics")] == [other["id"]]


def test_comic_patch_of_one_nested_field_keeps_its_siblings(api, comic):
    before = api.call("GET", f"/api/comics/{comic['id']}")["spec"]
    assert (before["generation"]["steps"], before["generation"]["width"]) == (7, 512)

    after = api.call("PATCH", f"/api/comics/{comic['id']}", json={"generation": {"steps": 12}})["spec"]

    assert after["generation"] == {**before["generation"], "steps": 12}
    assert after["layout"] == before["layout"] and after["style"] == before["style"]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"title": "X", "language": "English"}, "language", "pattern"),
        ({"title": ""}, "title", "at least 1"),
        ({"title": "X", "generation": {"steps": 0}}, "generation.steps", "greater than or equal to 1"),
        ({"title": "X", "colour": "red"}, "colour", "Extra inputs"),
        ({"language": "en"}, "title", "required"),
    ],
)
def test_bad_comic_is_422_naming_the_field(api, payload, field, fragment):
    problems = api.invalid("POST", "/api/comics", payload)
    assert field in problems, problems
    assert fragment.lower() in problems[field].lower()
    assert not models.Comic.objects.exists()


def test_failed_comic_patch_changes_nothing(api, comic):
    before = api.call("GET", f"/api/comics/{comic['id']}")
    problems = api.invalid("PATCH", f"/api/comics/{comic['id']}", {"title": "Renamed", "language": "not a language"})
    assert "language" in problems
    after = api.call("GET", f"/api/comics/{comic['id']}")
    assert after == before


def test_other_authors_comics_are_not_found(api, comic):
    other = signed_in("bob")
    panel = panels_of(api, comic)[0]
    assert other.call("GET", "/api/comics") == []
    other.call("GET", f"/api/comics/{comic['id']}", 404)
    other.call("PATCH", f"/api/comics/{comic['id']}", 404, {"title": "Mine now"})
    other.call("POST", f"/api/comics/{comic['id']}/characters", 404, {"name": "Intruder"})
    other.call("PATCH", f"/api/panels/{panel['id']}", 404, {"description": "changed"})
    other.call("DELETE", f"/api/bubbles/{panel['bubbles'][0]['id']}", 404)
    other.call("POST", f"/api/comics/{comic['id']}/duplicate", 404)
    other.call("DELETE", f"/api/comics/{comic['id']}", 404)
    assert api.call("GET", f"/api/comics/{comic['id']}")["title"] == "Moon trip"
    assert len(panels_of(api, comic)[0]["bubbles"]) == 1


def test_signed_out_visitor_gets_401(client, db):
    assert client.get("/api/comics").status_code == 401
    assert client.post("/api/comics", {"title": "x"}, content_type="application/json").status_code == 401


# Characters ---------------------------------------------------------------------------------------------------


def test_character_create_read_patch_delete(api, comic):
    mia, leo = api.call("GET", f"/api/comics/{comic['id']}/characters")
    assert (mia["name"], leo["name"]) == ("Mia", "Leo") and mia["position"] < leo["position"]
    assert api.call("GET", f"/api/characters/{mia['id']}") == mia

    changed = api.call("PATCH", f"/api/characters/{mia['id']}", json={"clothes": "red space suit", "seed": 5})
    assert changed["spec"]["clothes"] == "red space suit" and changed["spec"]["seed"] == 5
    assert changed["spec"]["description"] == "Mia look" and changed["name"] == "Mia"  # untouched fields kept

    zoe = api.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": "Zoe"})
    api.call("DELETE", f"/api/characters/{zoe['id']}", 204)
    api.call("GET", f"/api/characters/{zoe['id']}", 404)
    assert api.call("GET", f"/api/comics/{comic['id']}")["character_count"] == 2


def test_duplicate_character_name_is_422_and_adds_nobody(api, comic):
    problems = api.invalid("POST", f"/api/comics/{comic['id']}/characters", {"name": "Mia"})
    assert "already called 'Mia'" in problems["name"]
    assert len(api.call("GET", f"/api/comics/{comic['id']}/characters")) == 2


def test_bad_character_is_422_naming_the_field(api, comic):
    problems = api.invalid("POST", f"/api/comics/{comic['id']}/characters", {"name": "Kid", "seed": -1})
    assert "seed" in problems
    payload = {"name": "Kid", "reference_image_ids": [999]}
    problems = api.invalid("POST", f"/api/comics/{comic['id']}/characters", payload)
    assert "no uploaded image with id 999" in problems["reference_image_ids"]
    assert len(api.call("GET", f"/api/comics/{comic['id']}/characters")) == 2


def test_renaming_a_character_renames_it_in_panels_and_bubble_speakers(api, comic):
    mia = api.call("GET", f"/api/comics/{comic['id']}/characters")[0]

    renamed = api.call("PATCH", f"/api/characters/{mia['id']}", json={"name": "Mira"})

    assert renamed["name"] == "Mira" and renamed["spec"]["description"] == "Mia look"
    first, second = panels_of(api, comic)
    assert first["spec"]["characters"] == ["Mira", "Leo"] and second["spec"]["characters"] == ["Leo"]
    assert first["bubbles"][0]["spec"]["speaker"] == "Mira"
    api.call("POST", f"/api/panels/{first['id']}/bubbles", 201, {"text": "Still me", "speaker": "Mira"})
    assert "speaker" in api.invalid("POST", f"/api/panels/{first['id']}/bubbles", {"text": "Hi", "speaker": "Mia"})


def test_renaming_onto_another_name_or_with_a_bad_reference_changes_nothing(api, comic):
    mia, _leo = api.call("GET", f"/api/comics/{comic['id']}/characters")
    panels_before = panels_of(api, comic)

    assert "name" in api.invalid("PATCH", f"/api/characters/{mia['id']}", {"name": "Leo"})
    problems = api.invalid("PATCH", f"/api/characters/{mia['id']}", {"name": "Mira", "reference_image_ids": [4242]})
    assert "reference_image_ids" in problems

    assert api.call("GET", f"/api/characters/{mia['id']}") == mia
    assert panels_of(api, comic) == panels_before  # the rename into the panels was rolled back too


def test_deleting_a_character_removes_it_from_panels_and_bubbles(api, comic):
    mia = api.call("GET", f"/api/comics/{comic['id']}/characters")[0]

    api.call("DELETE", f"/api/characters/{mia['id']}", 204)

    first, _second = panels_of(api, comic)
    assert first["spec"]["characters"] == ["Leo"]
    (bubble,) = first["bubbles"]
    assert bubble["spec"]["text"] == "Ready?" and bubble["spec"]["speaker"] is None
    assert "characters.0" in api.invalid("PATCH", f"/api/panels/{first['id']}", {"characters": ["Mia"]})


def test_character_reference_images_are_the_authors_uploads(api, comic):
    mine = api.upload_png(png("red"))
    theirs = signed_in("bob").upload_png(png("blue"))
    mia = api.call("GET", f"/api/comics/{comic['id']}/characters")[0]

    changed = api.call("PATCH", f"/api/characters/{mia['id']}", json={"reference_image_ids": [mine["id"]]})
    assert [a["id"] for a in changed["reference_images"]] == [mine["id"]]

    problems = api.invalid("PATCH", f"/api/characters/{mia['id']}", {"reference_image_ids": [theirs["id"]]})
    assert "reference_image_ids" in problems
    kept = api.call("GET", f"/api/characters/{mia['id']}")
    assert [a["id"] for a in kept["reference_images"]] == [mine["id"]]
    cleared = api.call("PATCH", f"/api/characters/{mia['id']}", json={"reference_image_ids": []})
    assert cleared["reference_images"] == []


# Panels -------------------------------------------------------------------------------------------------------


def test_panel_create_read_patch_delete(api, comic):
    first, second = panels_of(api, comic)
    assert (first["position"], second["position"]) == (0, 1)
    assert api.call("GET", f"/api/panels/{first['id']}") == first
    assert first["spec"]["follow_sketch"] == 0.8 and first["sketch"] is None and first["picked_image"] is None

    changed = api.call("PATCH", f"/api/panels/{first['id']}", json={"shot": "close-up", "follow_sketch": 0.3})
    assert changed["spec"]["shot"] == "close-up" and changed["spec"]["follow_sketch"] == 0.3
    assert changed["spec"]["description"] == first["spec"]["description"]  # untouched fields kept
    assert changed["spec"]["characters"] == ["Mia", "Leo"] and changed["bubbles"] == first["bubbles"]

    api.call("DELETE", f"/api/panels/{first['id']}", 204)
    api.call("GET", f"/api/panels/{first['id']}", 404)
    assert not models.Bubble.objects.filter(pk=first["bubbles"][0]["id"]).exists()
    assert [p["id"] for p in panels_of(api, comic)] == [second["id"]]


def test_panel_at_a_position_is_inserted_there(api, comic):
    first, second = panels_of(api, comic)
    middle = api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "In between", "position": 1})
    assert [p["id"] for p in panels_of(api, comic)] == [first["id"], middle["id"], second["id"]]
    assert [p["position"] for p in panels_of(api, comic)] == [0, 1, 2]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"description": "x", "follow_sketch": 3}, "follow_sketch", "less than or equal to 1"),
        ({"description": "x", "characters": ["Mia", "Nobody"]}, "characters.1", "unknown character 'Nobody'"),
        ({"description": ""}, "description", "at least 1"),
        ({"description": "x", "width": 100}, "width", "multiple of 8"),
        ({"description": "x", "sketch_id": 123456}, "sketch_id", "upload the sketch first"),
        ({"description": "x", "bubbles": []}, "bubbles", "Extra inputs"),
    ],
)
def test_bad_panel_is_422_naming_the_field(api, comic, payload, field, fragment):
    problems = api.invalid("POST", f"/api/comics/{comic['id']}/panels", payload)
    assert field in problems, problems
    assert fragment.lower() in problems[field].lower()
    assert len(panels_of(api, comic)) == 2


def test_panel_id_must_be_unique_in_the_comic(api, comic):
    first, second = panels_of(api, comic)
    api.call("PATCH", f"/api/panels/{first['id']}", json={"id": "launch"})

    assert "id" in api.invalid("POST", f"/api/comics/{comic['id']}/panels", {"description": "x", "id": "launch"})
    assert "id" in api.invalid("PATCH", f"/api/panels/{second['id']}", {"id": "launch"})

    api.call("PATCH", f"/api/panels/{first['id']}", json={"id": "launch", "shot": "close-up"})  # its own id is fine
    assert len(panels_of(api, comic)) == 2 and panels_of(api, comic)[1]["spec"]["id"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": "Changed", "follow_sketch": 3}, "follow_sketch"),
        ({"description": "Changed", "characters": ["Leo"]}, "characters"),  # Mia speaks in this panel
        ({"description": "Changed", "characters": ["Ghost"]}, "characters.0"),
        ({"description": "Changed", "sketch_id": 98765}, "sketch_id"),
        ({"description": None}, "description"),
    ],
)
def test_failed_panel_patch_changes_nothing(api, comic, payload, field):
    sketch = api.upload_png(png())
    first = api.call("PATCH", f"/api/panels/{panels_of(api, comic)[0]['id']}", json={"sketch_id": sketch["id"]})

    problems = api.invalid("PATCH", f"/api/panels/{first['id']}", payload)

    assert field in problems, problems
    assert api.call("GET", f"/api/panels/{first['id']}") == first


def test_panel_with_an_uploaded_sketch(api, comic):
    sketch = api.upload_png(png("white", (64, 48)))
    panel = api.call(
        "POST",
        f"/api/comics/{comic['id']}/panels",
        201,
        {"description": "From my drawing", "sketch_id": sketch["id"], "follow_sketch": 0.5},
    )
    assert panel["sketch"]["id"] == sketch["id"] and panel["sketch"]["width"] == 64
    assert panel["spec"]["follow_sketch"] == 0.5 and "sketch" not in panel["spec"]

    kept = api.call("PATCH", f"/api/panels/{panel['id']}", json={"description": "Still from my drawing"})
    assert kept["sketch"]["id"] == sketch["id"]
    cleared = api.call("PATCH", f"/api/panels/{panel['id']}", json={"sketch_id": None})
    assert cleared["sketch"] is None and cleared["spec"]["description"] == "Still from my drawing"

    api.call("PATCH", f"/api/panels/{panel['id']}", json={"sketch_id": sketch["id"]})
    api.call("DELETE", f"/api/assets/{sketch['id']}", 204)
    assert api.call("GET", f"/api/panels/{panel['id']}")["sketch"] is None  # the panel stays, without sketch


def test_sketch_must_be_the_authors_picture(api, comic):
    theirs = signed_in("bob").upload_png(png())
    model = models.Asset.objects.create(
        owner=models.Comic.objects.get(pk=comic["id"]).owner,
        kind="model",
        file="objects/x.safetensors",
        name="x.safetensors",
        sha256="0" * 64,
        size=1,
    )
    for asset_id in (theirs["id"], model.pk):
        problems = api.invalid("POST", f"/api/comics/{comic['id']}/panels", {"description": "x", "sketch_id": asset_id})
        assert "upload the sketch first" in problems["sketch_id"]


def test_reorder_panels(api, comic):
    first, second = panels_of(api, comic)
    third = api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "Lift-off"})

    reordered = api.call(
        "PUT", f"/api/comics/{comic['id']}/panels/order", json={"ids": [third["id"], first["id"], second["id"]]}
    )

    assert [p["id"] for p in reordered] == [third["id"], first["id"], second["id"]]
    assert [p["position"] for p in reordered] == [0, 1, 2]
    assert [p["id"] for p in panels_of(api, comic)] == [third["id"], first["id"], second["id"]]


def test_wrong_panel_order_is_422_and_keeps_the_order(api, comic):
    first, second = panels_of(api, comic)
    elsewhere = api.call("POST", "/api/comics", 201, {"title": "Other"})
    stranger = api.call("POST", f"/api/comics/{elsewhere['id']}/panels", 201, {"description": "Not here"})
    url = f"/api/comics/{comic['id']}/panels/order"
    for ids in (
        [first["id"]],
        [second["id"], first["id"], first["id"]],
        [second["id"], stranger["id"]],
        [second["id"], first["id"], stranger["id"]],
        [],
    ):
        assert "ids" in api.invalid("PUT", url, {"ids": ids}), ids
    assert "ids" in api.invalid("PUT", url, {"ids": "all"})
    assert [p["id"] for p in panels_of(api, comic)] == [first["id"], second["id"]]
    assert api.call("GET", f"/api/panels/{stranger['id']}")["position"] == 0


# Bubbles ------------------------------------------------------------------------------------------------------


def test_bubble_create_read_patch_delete(api, comic):
    first, _ = panels_of(api, comic)
    ready = first["bubbles"][0]
    second = api.call(
        "POST",
        f"/api/panels/{first['id']}/bubbles",
        201,
        {"text": "Go!", "speaker": "Leo", "kind": "shout", "x": 0.3, "y": 0.2},
    )
    assert second["position"] > ready["position"] and second["spec"]["kind"] == "shout"
    assert [b["id"] for b in api.call("GET", f"/api/panels/{first['id']}/bubbles")] == [ready["id"], second["id"]]

    moved = api.call("PATCH", f"/api/bubbles/{second['id']}", json={"x": 0.7, "tail_x": 1.2})
    assert (moved["spec"]["x"], moved["spec"]["tail_x"]) == (0.7, 1.2)
    assert {k: v for k, v in moved["spec"].items() if k not in ("x", "tail_x")} == {
        k: v for k, v in second["spec"].items() if k not in ("x", "tail_x")
    }
    api.call("DELETE", f"/api/bubbles/{ready['id']}", 204)
    assert [b["id"] for b in api.call("GET", f"/api/panels/{first['id']}/bubbles")] == [second["id"]]


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"text": "Hi", "speaker": "Mia"}, "speaker", "not in this panel"),  # Mia is not in panel 2
        ({"text": "Hi", "speaker": "Nobody"}, "speaker", "not in this panel"),
        ({"text": ""}, "text", "at least 1"),
        ({"text": "Hi", "x": 1.5}, "x", "less than or equal to 1"),
        ({"text": "Hi", "kind": "song"}, "kind", "speech"),
    ],
)
def test_bad_bubble_is_422_naming_the_field(api, comic, payload, field, fragment):
    _, second = panels_of(api, comic)
    problems = api.invalid("POST", f"/api/panels/{second['id']}/bubbles", payload)
    assert field in problems, problems
    assert fragment.lower() in problems[field].lower()
    assert api.call("GET", f"/api/panels/{second['id']}/bubbles") == []


def test_failed_bubble_patch_changes_nothing(api, comic):
    first, _ = panels_of(api, comic)
    (bubble,) = first["bubbles"]
    for payload, field in (
        ({"text": "Changed", "speaker": "Ghost"}, "speaker"),
        ({"text": "Changed", "y": -1}, "y"),
        ({"position": 5, "text": ""}, "text"),
    ):
        assert field in api.invalid("PATCH", f"/api/bubbles/{bubble['id']}", payload)
    assert api.call("GET", f"/api/panels/{first['id']}/bubbles") == [bubble]


# Duplicating --------------------------------------------------------------------------------------------------


def picked_image(panel_id: int, colour: str, picked: bool = True) -> models.GeneratedImage:
    """A stored candidate of a panel, as a generation job would leave it."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), colour).save(buffer, "PNG")
    name, _sha = store_bytes(buffer.getvalue(), ".png")
    panel = models.Panel.objects.get(pk=panel_id)
    return models.GeneratedImage.objects.create(
        owner=panel.owner,
        panel=panel,
        candidate=0 if picked else 1,
        file=name,
        seed=11,
        width=64,
        height=64,
        picked=picked,
    )


def test_duplicate_copies_characters_panels_bubbles_and_picked_images(api, comic):
    first, second = panels_of(api, comic)
    reference = api.upload_png(png("red"))
    sketch = api.upload_png(png("gray"))
    mia = api.call("GET", f"/api/comics/{comic['id']}/characters")[0]
    api.call("PATCH", f"/api/characters/{mia['id']}", json={"reference_image_ids": [reference["id"]]})
    api.call("PATCH", f"/api/panels/{second['id']}", json={"sketch_id": sketch["id"]})
    chosen = picked_image(first["id"], "blue")
    picked_image(first["id"], "green", picked=False)

    copy = api.call("POST", f"/api/comics/{comic['id']}/duplicate", 201)

    assert copy["id"] != comic["id"] and copy["title"] == "Moon trip (copy)"
    assert copy["spec"] == api.call("GET", f"/api/comics/{comic['id']}")["spec"]
    assert (copy["panel_count"], copy["character_count"]) == (2, 2)
    originals = api.call("GET", f"/api/comics/{comic['id']}/characters")
    copies = api.call("GET", f"/api/comics/{copy['id']}/characters")
    assert [(c["name"], c["spec"], [a["id"] for a in c["reference_images"]]) for c in copies] == [
        (c["name"], c["spec"], [a["id"] for a in c["reference_images"]]) for c in originals
    ]
    assert not {c["id"] for c in copies} & {c["id"] for c in originals}
    copied_first, copied_second = panels_of(api, copy)
    original_first, original_second = panels_of(api, comic)
    for made, source in ((copied_first, original_first), (copied_second, original_second)):
        assert made["id"] != source["id"] and made["spec"] == source["spec"]
        assert [b["spec"] for b in made["bubbles"]] == [b["spec"] for b in source["bubbles"]]
        assert not {b["id"] for b in made["bubbles"]} & {b["id"] for b in source["bubbles"]}
    assert copied_second["sketch"]["id"] == sketch["id"]
    assert copied_first["picked_image"]["id"] != chosen.pk
    copied_image = models.GeneratedImage.objects.get(pk=copied_first["picked_image"]["id"])
    assert copied_image.file.name == chosen.file.name and copied_image.job_id is None
    assert list(api.call("GET", f"/api/panels/{copied_first['id']}/images")) == [copied_first["picked_image"]]

    api.call("PATCH", f"/api/characters/{copies[0]['id']}", json={"name": "Mira"})  # the copy is its own comic
    api.call("DELETE", f"/api/panels/{copied_second['id']}", 204)
    assert panels_of(api, comic) == [original_first, original_second]
    assert api.call("GET", f"/api/comics/{comic['id']}/characters") == originals
