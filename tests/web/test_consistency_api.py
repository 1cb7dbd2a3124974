"""Character consistency through the API: reference strength and focus, regions of a panel (placements,
boxes, uploaded masks), "fix faces", and the composed request a panel's generation sends."""

from __future__ import annotations

import io
import zipfile

import pytest
import yaml
from django.conf import settings
from PIL import Image

from stripstudio.generation import EngineCapabilities, Task
from stripstudio.jobs.models import Job
from stripstudio.jobs.runtime import JobRuntime, install_runtime
from stripstudio.web.studio import models
from tests.fakes import FakeEngine
from tests.web.test_content_api import Api, png, signed_in
from tests.web.test_projects_api import png_bytes
from tests.web.test_projects_api import signed_in as project_author


@pytest.fixture
def api(db) -> Api:
    """A signed-in author."""
    return signed_in("ann")


@pytest.fixture
def comic(api) -> dict:
    """A comic with Mia (one reference image) and Leo, and a panel with both."""
    comic = api.call("POST", "/api/comics", 201, {"title": "Two friends", "generation": {"width": 512, "height": 256}})
    reference = api.upload_png(png("red"))
    api.call(
        "POST",
        f"/api/comics/{comic['id']}/characters",
        201,
        {
            "name": "Mia",
            "description": "girl, red hair",
            "clothes": "yellow raincoat",
            "reference_image_ids": [reference["id"]],
        },
    )
    api.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": "Leo", "description": "boy, green cap"})
    comic["panel"] = api.call(
        "POST",
        f"/api/comics/{comic['id']}/panels",
        201,
        {"description": "two friends in the park", "characters": ["Mia", "Leo"]},
    )
    comic["reference"] = reference
    return comic


def characters(api: Api, comic: dict) -> dict[str, dict]:
    return {c["name"]: c for c in api.call("GET", f"/api/comics/{comic['id']}/characters")}


def test_reference_strength_and_focus_round_trip_and_are_checked(api, comic):
    mia = characters(api, comic)["Mia"]
    assert mia["spec"]["reference_strength"] == 0.6 and mia["spec"]["reference_focus"] == "face_and_clothes"
    changed = api.call(
        "PATCH", f"/api/characters/{mia['id']}", json={"reference_strength": 0.85, "reference_focus": "face"}
    )
    assert changed["spec"]["reference_strength"] == 0.85 and changed["spec"]["reference_focus"] == "face"
    assert api.call("GET", f"/api/characters/{mia['id']}") == changed

    errors = api.invalid("PATCH", f"/api/characters/{mia['id']}", {"reference_strength": 1.5})
    assert "reference_strength" in errors and "1" in errors["reference_strength"]
    errors = api.invalid("PATCH", f"/api/characters/{mia['id']}", {"reference_focus": "hands"})
    assert "reference_focus" in errors
    assert api.call("GET", f"/api/characters/{mia['id']}") == changed  # nothing lost


def test_regions_boxes_and_placements_round_trip_and_are_checked(api, comic):
    panel = comic["panel"]
    url = f"/api/panels/{panel['id']}"
    regions = [{"character": "Mia", "box": [0.05, 0.1, 0.4, 0.9]}, {"character": "Leo", "place": "right"}]
    saved = api.call("PATCH", url, json={"regions": regions, "fix_faces": True})
    assert saved["spec"]["regions"] == [
        {"character": "Mia", "place": None, "box": [0.05, 0.1, 0.4, 0.9], "mask_id": None},
        {"character": "Leo", "place": "right", "box": None, "mask_id": None},
    ]
    assert saved["spec"]["fix_faces"] is True
    assert api.call("GET", url)["spec"] == saved["spec"]

    errors = api.invalid("PATCH", url, {"regions": [{"character": "Mia", "box": [0.8, 0, 0.5, 1]}]})
    assert any(field.startswith("regions.0") for field in errors) and "inside" in " ".join(errors.values())
    errors = api.invalid("PATCH", url, {"regions": [{"character": "Nobody", "place": "left"}]})
    assert errors == {"regions.0.character": errors["regions.0.character"]}
    assert "not in this panel" in errors["regions.0.character"]
    errors = api.invalid("PATCH", url, {"regions": [{"character": "Mia", "place": "left", "box": [0, 0, 1, 1]}]})
    assert "exactly one" in " ".join(errors.values())
    errors = api.invalid("PATCH", url, {"regions": [{"character": "Mia", "mask": "/etc/passwd"}]})
    assert any("mask" in field for field in errors)
    assert api.call("GET", url)["spec"] == saved["spec"]  # nothing lost

    # Taking Leo out of the panel takes his region along; the panel stays valid.
    alone = api.call("PATCH", url, json={"characters": ["Mia"]})
    assert alone["spec"]["regions"] == [saved["spec"]["regions"][0]]


def test_a_region_mask_is_an_uploaded_image_of_the_author(api, comic):
    url = f"/api/panels/{comic['panel']['id']}"
    mask = api.upload_png(Image.new("L", (32, 32), 255))
    saved = api.call("PATCH", url, json={"regions": [{"character": "Leo", "mask_id": mask["id"]}]})
    assert saved["spec"]["regions"] == [{"character": "Leo", "place": None, "box": None, "mask_id": mask["id"]}]

    theirs = signed_in("bob").upload_png(Image.new("L", (32, 32), 255))
    errors = api.invalid("PATCH", url, {"regions": [{"character": "Leo", "mask_id": theirs["id"]}]})
    assert "regions.0.mask_id" in errors and "upload the mask" in errors["regions.0.mask_id"]
    composed = api.call("GET", f"{url}/composed")
    assert [r["masked"] for r in composed["regions"]] == [False, True]

    api.call("DELETE", f"/api/assets/{mask['id']}", 204)  # the panel loses the region painted with it
    assert api.call("GET", url)["spec"]["regions"] == []
    assert [r["masked"] for r in api.call("GET", f"{url}/composed")["regions"]] == [False, False]


def test_renaming_a_character_renames_their_region(api, comic):
    url = f"/api/panels/{comic['panel']['id']}"
    api.call("PATCH", url, json={"regions": [{"character": "Leo", "place": "left"}]})
    api.call("PATCH", f"/api/characters/{characters(api, comic)['Leo']['id']}", json={"name": "Leon"})
    assert api.call("GET", url)["spec"]["regions"] == [
        {"character": "Leon", "place": "left", "box": None, "mask_id": None}
    ]


def test_composed_request_shows_the_scene_each_region_and_the_references(api, comic):
    panel = comic["panel"]
    mia = characters(api, comic)["Mia"]
    api.call("PATCH", f"/api/characters/{mia['id']}", json={"reference_strength": 0.7, "reference_focus": "face"})
    api.call("PATCH", f"/api/panels/{panel['id']}", json={"regions": [{"character": "Leo", "place": "left"}]})

    composed = api.call("GET", f"/api/panels/{panel['id']}/composed")
    assert "two friends in the park" in composed["prompt"]
    assert "red hair" not in composed["prompt"] and "green cap" not in composed["prompt"]  # each in its region
    regions = {r["character"]: r for r in composed["regions"]}
    assert list(regions) == ["Mia", "Leo"]
    assert "red hair" in regions["Mia"]["prompt"] and "yellow raincoat" in regions["Mia"]["prompt"]
    assert "green cap" in regions["Leo"]["prompt"] and "red hair" not in regions["Leo"]["prompt"]
    assert regions["Mia"]["box"] == [0.0, 0.0, 0.5, 1.0]  # side by side by default
    assert regions["Leo"]["box"] == [0.0, 0.0, 0.5, 1.0]  # placed on the left
    (reference,) = composed["references"]
    assert reference["character"] == "Mia" and reference["strength"] == 0.7 and reference["focus"] == "face"
    assert reference["region"] == 0 and [a["id"] for a in reference["images"]] == [comic["reference"]["id"]]
    assert (composed["width"], composed["height"], composed["fix_faces"]) == (512, 256, False)

    api.call("PATCH", f"/api/comics/{comic['id']}", json={"generation": {"fix_faces": True}})
    assert api.call("GET", f"/api/panels/{panel['id']}/composed")["fix_faces"] is True
    api.call("PATCH", f"/api/panels/{panel['id']}", json={"fix_faces": False})
    assert api.call("GET", f"/api/panels/{panel['id']}/composed")["fix_faces"] is False  # the panel's choice wins


def test_composed_request_of_another_authors_panel_is_not_found(api, comic):
    other = signed_in("bob")
    other.call("GET", f"/api/panels/{comic['panel']['id']}/composed", 404)
    api.call("GET", f"/api/panels/{comic['panel']['id']}/composed", 200)


def test_fix_faces_mode_needs_an_image_of_the_panel(api, comic, runtime):
    errors = api.invalid("POST", f"/api/panels/{comic['panel']['id']}/generate", {"mode": "fix_faces"})
    assert "source_image_id" in errors and "pick a candidate" in errors["source_image_id"]


def test_a_script_that_names_a_region_mask_points_to_project_zips(db):
    author = project_author("cleo")
    script = (
        "title: Masked\ncharacters:\n  - name: Mia\n  - name: Leo\npanels:\n  - description: two friends\n"
        "    characters: [Mia, Leo]\n    regions:\n      - character: Leo\n        mask: /etc/masks/leo.png\n"
    )
    response = author.send_file("/api/comics/import-script", "masked.yaml", script.encode())
    assert response.status_code == 422, response.content
    (problem,) = response.json()["detail"]
    assert "panel 1, region 1, mask:" in problem["msg"] and "project zip" in problem["msg"]
    assert models.Panel.objects.count() == 0


def test_a_region_mask_travels_in_the_project_zip(db):
    author = project_author("dora")
    comic = author.call("POST", "/api/comics", 201, {"title": "Masked"})
    for name in ("Mia", "Leo"):
        author.call("POST", f"/api/comics/{comic['id']}/characters", 201, {"name": name})
    mask = author.upload_png(png_bytes("white"))
    panel = author.call(
        "POST",
        f"/api/comics/{comic['id']}/panels",
        201,
        {
            "description": "two friends",
            "characters": ["Mia", "Leo"],
            "regions": [{"character": "Leo", "mask_id": mask["id"]}],
        },
    )
    assert panel["spec"]["regions"][0]["mask_id"] == mask["id"]

    archive, _response = author.download(f"/api/comics/{comic['id']}/project")
    with zipfile.ZipFile(io.BytesIO(archive)) as unpacked:
        script = yaml.safe_load(unpacked.read("comic.yaml"))
        (region,) = script["panels"][0]["regions"]
        assert region["mask"].startswith("assets/") and unpacked.read(region["mask"])
    other = project_author("erin")
    made = other.send_file("/api/comics/import-project", "masked.zip", archive)
    assert made.status_code == 201, made.content
    (copy,) = other.call("GET", f"/api/comics/{made.json()['id']}/panels")
    (copied,) = copy["spec"]["regions"]
    assert copied["character"] == "Leo" and copied["mask_id"] not in (None, mask["id"])
    imported = models.Asset.objects.get(pk=copied["mask_id"])
    assert imported.sha256 == mask["sha256"] and imported.owner.username == "erin"
    assert other.call("GET", f"/api/panels/{copy['id']}/composed")["regions"][1]["masked"] is True


FACELESS = EngineCapabilities(
    name="faceless",
    tasks=[task for task in Task if task != Task.FACE_DETAIL],
    samplers=["dpmpp_2m"],
    schedulers=["karras"],
    features=["loras", "previews"],
)


def test_always_fixing_faces_is_refused_before_queueing_where_the_engine_cannot_detail_faces(db):
    install_runtime(JobRuntime(settings.STRIPSTUDIO, lambda config, name: FakeEngine(capabilities=FACELESS)))
    api = signed_in("faye")
    comic = api.call("POST", "/api/comics", 201, {"title": "Faces", "generation": {"engine": "faceless"}})
    panel = api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "a portrait"})
    api.call("POST", f"/api/panels/{panel['id']}/generate", 202, {"candidates": 1})  # without the face pass

    api.call("PATCH", f"/api/panels/{panel['id']}", json={"fix_faces": True})
    errors = api.invalid("POST", f"/api/panels/{panel['id']}/generate", {"candidates": 1})
    assert list(errors) == ["generation.task"] and "face_detail" in errors["generation.task"]
    assert Job.objects.count() == 1
