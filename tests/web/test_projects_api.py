"""Comic scripts and project zips through the API: export, import as a new comic, and refusals that create nothing.

Most tests use Django's test client; one slow test draws the picked image with the tiny model on a live studio.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import random
import stat
import tracemalloc
import zipfile
from pathlib import Path

import httpx
import numpy as np
import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from stripstudio import domain
from stripstudio.jobs.storage import store_bytes
from stripstudio.production.project_archive import write_project_archive
from stripstudio.script.loader import load_comic_text
from stripstudio.web.studio import models
from stripstudio.web.studio.convert import domain_comic
from tests.hostile import alias_bomb
from tests.web.django_api import DjangoApi

# Helpers ------------------------------------------------------------------------------------------------------


class Api(DjangoApi):
    """JSON calls and file transfers through a signed-in test client, asserting the status."""

    def send_file(self, url: str, filename: str, data: bytes, form: dict | None = None):
        """POST ``data`` as the multipart field ``file`` (the file name exactly as given); returns the response."""
        request = httpx.Request("POST", "http://testserver" + url, files={"file": (filename, data)}, data=form)
        return self.client.post(url, data=request.read(), content_type=request.headers["content-type"])

    def upload_png(self, data: bytes) -> dict:
        """Upload a picture as an asset; returns the asset."""
        response = self.send_file("/api/assets", "picture.png", data, {"kind": "image"})
        assert response.status_code == 201, response.content
        return response.json()

    def download(self, url: str) -> tuple[bytes, object]:
        """The body of a (possibly streamed) download and the response."""
        response = self.client.get(url)
        assert response.status_code == 200, response.content[:500]
        if not response.streaming:
            return response.content, response

        async def read(chunks) -> bytes:
            return b"".join([chunk async for chunk in chunks])

        return asyncio.run(read(response.streaming_content)), response


def signed_in(username: str) -> Api:
    """A new author with their own test client."""
    client = Client()
    client.force_login(get_user_model().objects.create_user(username, password="a long enough secret 42"))
    return Api(client)


def png_bytes(colour: str, size: tuple[int, int] = (48, 32), text: dict[str, str] | None = None) -> bytes:
    """A plain PNG, optionally with text chunks."""
    info = PngInfo()
    for key, value in (text or {}).items():
        info.add_text(key, value)
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def storage_files() -> set[str]:
    """Every file under the studio's storage folder, relative to it."""
    root = django_settings.STRIPSTUDIO.files_dir
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def rows() -> dict[str, int]:
    """How many rows each content table holds."""
    tables = (models.Comic, models.Character, models.Panel, models.Bubble, models.Asset, models.GeneratedImage)
    return {table.__name__: table.objects.count() for table in tables}


def refusal(response, status: int = 422) -> str:
    """The message of a refusal naming the ``file`` field."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == "file", problem
    return problem["msg"]


@pytest.fixture
def api(db) -> Api:
    """A signed-in author."""
    return signed_in("ann")


RICH_COMIC = {
    "title": "To the Moon",
    "series": "Space Kids",
    "episode": 3,
    "summary": "Mia and Leo fly to the moon.",
    "author": "Ann",
    "language": "de",
    "style": {"prompt_prefix": "((cartoon style))", "loras": [{"name": "inkstyle", "strength_model": 0.7}]},
    "generation": {"steps": 5, "cfg": 6.5, "width": 512, "height": 768, "candidates": 3, "seed": 99},
    "layout": {"mode": "pages", "page": {"preset": "three-rows", "paper": "B5"}},
}


def rich_comic(api: Api) -> dict:
    """A comic using most fields: series data, style, generation, layout, two characters, panels, bubbles."""
    comic = api.call("POST", "/api/comics", 201, RICH_COMIC)
    url = f"/api/comics/{comic['id']}"
    api.call(
        "POST",
        f"{url}/characters",
        201,
        {
            "name": "Mia",
            "description": "girl, red hair",
            "clothes": "space suit",
            "trigger_words": ["miachar"],
            "seed": 11,
        },
    )
    api.call("POST", f"{url}/characters", 201, {"name": "Leo", "description": "boy: curly", "negative_prompt": "hat"})
    first = api.call(
        "POST",
        f"{url}/panels",
        201,
        {
            "id": "launch",
            "description": "Mia and Leo at the launch pad,\nsunrise",
            "characters": ["Mia", "Leo"],
            "shot": "wide shot",
            "follow_sketch": 0.4,
            "seed": 5,
            "focus_x": 0.25,
        },
    )
    api.call("POST", f"/api/panels/{first['id']}/bubbles", 201, {"text": "Ready?", "speaker": "Mia"})
    api.call("POST", f"/api/panels/{first['id']}/bubbles", 201, {"text": "Meanwhile…", "kind": "caption", "x": 0.2})
    api.call(
        "POST",
        f"/api/panels/{first['id']}/bubbles",
        201,
        {
            "text": "GO!",
            "speaker": "Leo",
            "kind": "shout",
            "x": 0.7,
            "y": 0.3,
            "tail_x": 1.1,
            "font_size": 40,
        },
    )
    second = api.call(
        "POST",
        f"{url}/panels",
        201,
        {
            "description": "Lift-off",
            "width": 512,
            "height": 512,
            "candidates": 2,
            "negative_prompt": "blurry",
        },
    )
    api.call("POST", f"/api/panels/{second['id']}/bubbles", 201, {"text": "WHOOSH", "kind": "sfx", "rotation": 15})
    return comic


def comic_row(comic: dict) -> models.Comic:
    """The comic's row."""
    return models.Comic.objects.get(pk=comic["id"])


# Scripts ------------------------------------------------------------------------------------------------------


def test_script_export_loads_back_to_an_equal_comic(api):
    comic = rich_comic(api)

    response = api.client.get(f"/api/comics/{comic['id']}/script")

    assert response.status_code == 200
    assert response["content-type"].startswith("application/yaml")
    assert response["content-disposition"] == 'attachment; filename="to-the-moon.yaml"'
    text = response.content.decode("utf-8")
    loaded = load_comic_text(text, filename="to-the-moon.yaml", check_files=False)
    assert loaded == domain_comic(comic_row(comic))
    assert loaded.panels[0].bubbles[2].font_size == 40 and loaded.layout.page.paper == "B5"


def test_script_import_creates_the_same_comic(api):
    original = rich_comic(api)
    text = api.client.get(f"/api/comics/{original['id']}/script").content

    made = api.send_file("/api/comics/import-script", "to-the-moon.yaml", text)

    assert made.status_code == 201, made.content
    copy = made.json()
    assert copy["id"] != original["id"] and copy["title"] == "To the Moon"
    assert (copy["panel_count"], copy["character_count"]) == (2, 2)
    assert domain_comic(comic_row(copy)) == domain_comic(comic_row(original))
    assert api.client.get(f"/api/comics/{copy['id']}/script").content == text
    other = signed_in("bob")
    other.call("GET", f"/api/comics/{copy['id']}", 404)  # the import belongs to the author who made it


@pytest.mark.parametrize(
    ("script", "fragments"),
    [
        (
            "title: Broken\ncharacters:\n  - name: Mia\npanels:\n  - description: Mia waves\n    follow_sketch: 3\n",
            ["broken.yaml:6", "follow_sketch"],
        ),
        (
            "title: Broken\npanels:\n  - description: Who?\n    characters: [Ghost]\n",
            ["broken.yaml:4", "Ghost"],
        ),
        ("title: Broken\nsummary: [unclosed\npanels: []\n", ["broken.yaml:3", "invalid YAML"]),
        ("- just\n- a list\n", ["broken.yaml:1", "mapping"]),
    ],
)
def test_broken_script_is_422_with_the_line(api, script, fragments):
    before = rows()
    message = refusal(api.send_file("/api/comics/import-script", "broken.yaml", script.encode()))
    for fragment in fragments:
        assert fragment in message, message
    assert rows() == before


def test_script_that_names_a_sketch_points_to_project_zips(api):
    script = "title: Sketched\npanels:\n  - description: From a drawing\n    sketch: drawings/one.png\n"
    before = rows()
    message = refusal(api.send_file("/api/comics/import-script", "sketched.yaml", script.encode()))
    assert "panel 1, sketch:" in message and "project zip" in message
    assert rows() == before


def test_script_alias_bomb_is_refused_with_its_line(api):
    before = rows()
    tracemalloc.start()
    try:
        message = refusal(api.send_file("/api/comics/import-script", "bomb.yaml", alias_bomb().encode()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith("bomb.yaml:") and "more than 10000 values once expanded" in message, message
    assert peak < 8 * 1024**2
    assert rows() == before


def test_script_that_is_not_utf8_is_refused(api):
    before = rows()
    message = refusal(api.send_file("/api/comics/import-script", "latin.yaml", "title: Café\n".encode("latin-1")))
    assert "UTF-8" in message
    assert rows() == before


# Project zips -------------------------------------------------------------------------------------------------


def picked_png(seed: int) -> bytes:
    """A picture as a generation job stores it: PNG with the A1111 parameters and the request as JSON."""
    request = {"prompt": "Mia waves", "seed": seed, "steps": 2, "width": 64, "height": 64}
    return png_bytes(
        "navy", (64, 64), {"parameters": f"Mia waves\nSteps: 2, Seed: {seed}", "stripstudio": json.dumps(request)}
    )


def illustrated_comic(api: Api) -> tuple[dict, dict[str, bytes]]:
    """The rich comic with a sketch on panel 2, a reference image for Mia and a picked image on panel 1;
    returns the comic and the stored bytes of those three files."""
    comic = rich_comic(api)
    sketch = api.upload_png(png_bytes("white", (64, 64)))
    reference = api.upload_png(png_bytes("red", (40, 60)))
    first, second = api.call("GET", f"/api/comics/{comic['id']}/panels")
    mia = api.call("GET", f"/api/comics/{comic['id']}/characters")[0]
    api.call("PATCH", f"/api/characters/{mia['id']}", json={"reference_image_ids": [reference["id"]]})
    api.call("PATCH", f"/api/panels/{second['id']}", json={"sketch_id": sketch["id"]})
    panel = models.Panel.objects.get(pk=first["id"])
    for candidate, seed in ((0, 4242), (1, 4243)):
        name, _sha = store_bytes(picked_png(seed), ".png")
        models.GeneratedImage.objects.create(
            owner=panel.owner,
            panel=panel,
            candidate=candidate,
            file=name,
            seed=seed,
            width=64,
            height=64,
            picked=candidate == 0,
            parameters={"seed": seed},
        )
    files = {
        "sketch": api.download(sketch["url"])[0],
        "reference": api.download(reference["url"])[0],
        "picked": picked_png(4242),
    }
    return comic, files


def assert_same_comic(api: Api, original: dict, copy: dict, files: dict[str, bytes]) -> None:
    """``copy`` holds the same characters, panels, bubbles, sketch, reference and picked image as ``original``."""
    assert copy["id"] != original["id"] and copy["title"] == original["title"]
    assert copy["spec"] == api.call("GET", f"/api/comics/{original['id']}")["spec"]
    characters = [api.call("GET", f"/api/comics/{c['id']}/characters") for c in (original, copy)]
    assert [(c["name"], c["spec"]) for c in characters[0]] == [(c["name"], c["spec"]) for c in characters[1]]
    panels = [api.call("GET", f"/api/comics/{c['id']}/panels") for c in (original, copy)]
    assert [p["spec"] for p in panels[0]] == [p["spec"] for p in panels[1]]
    assert [[b["spec"] for b in p["bubbles"]] for p in panels[0]] == [
        [b["spec"] for b in p["bubbles"]] for p in panels[1]
    ]
    first, second = panels[1]
    assert first["sketch"] is None and second["sketch"]["id"] != panels[0][1]["sketch"]["id"]
    assert api.download(second["sketch"]["url"])[0] == files["sketch"]
    (reference,) = characters[1][0]["reference_images"]
    assert api.download(reference["url"])[0] == files["reference"]
    assert characters[1][1]["reference_images"] == []
    picked = first["picked_image"]
    assert picked is not None and second["picked_image"] is None
    assert api.download(picked["url"])[0] == files["picked"]
    assert (picked["seed"], picked["width"], picked["height"]) == (4242, 64, 64)
    assert [i["id"] for i in api.call("GET", f"/api/panels/{first['id']}/images")] == [picked["id"]]


def test_project_zip_round_trip(api):
    original, files = illustrated_comic(api)

    archive, response = api.download(f"/api/comics/{original['id']}/project")

    assert response["content-type"] == "application/zip"
    assert 'filename="to-the-moon.stripstudio.zip"' in response["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(archive)) as unpacked:
        names = set(unpacked.namelist())
        assert {"comic.yaml", "project.json", "picked/launch.png"} <= names
        assert len([n for n in names if n.startswith("assets/")]) == 2
        assert unpacked.read("picked/launch.png") == files["picked"]
    before = rows()

    made = api.send_file("/api/comics/import-project", "to-the-moon.stripstudio.zip", archive)

    assert made.status_code == 201, made.content
    assert_same_comic(api, original, made.json(), files)
    after = rows()
    assert after["Comic"] == before["Comic"] + 1 and after["Asset"] == before["Asset"] + 2
    assert after["GeneratedImage"] == before["GeneratedImage"] + 1  # only the picked image travels


def test_imported_project_belongs_to_the_importer(api):
    original, _files = illustrated_comic(api)
    archive, _response = api.download(f"/api/comics/{original['id']}/project")
    other = signed_in("bob")

    made = other.send_file("/api/comics/import-project", "p.zip", archive).json()

    api.call("GET", f"/api/comics/{made['id']}", 404)
    first, second = other.call("GET", f"/api/comics/{made['id']}/panels")
    assert other.download(second["sketch"]["url"])[0] and other.download(first["picked_image"]["url"])[0]
    assert {a.owner.username for a in models.Asset.objects.filter(pk=second["sketch"]["id"])} == {"bob"}


def test_a_font_file_the_studio_does_not_hold_cannot_be_named(api):
    comic = api.call("POST", "/api/comics", 201, {"title": "Fonts"})
    panel = api.call("POST", f"/api/comics/{comic['id']}/panels", 201, {"description": "x"})
    refused = api.client.post(
        f"/api/panels/{panel['id']}/bubbles", {"text": "Hi", "font": "fonts/Hand.ttf"}, content_type="application/json"
    )
    assert refused.status_code == 422 and "fonts/Hand.ttf" in json.dumps(refused.json())

    response = api.client.get(f"/api/comics/{comic['id']}/project")
    assert response.status_code == 200


# Refused project zips -----------------------------------------------------------------------------------------


def zip_of(entries: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    """A zip holding ``entries`` as they are (names unchecked); ``symlinks`` are marked as links."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in symlinks:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def project_zip(sketch: bytes, picked: bytes | None = None) -> bytes:
    """A well-formed project (checksums right) whose one panel has ``sketch`` and maybe a picked picture."""
    comic = domain.Comic(title="Sneaky", panels=[domain.Panel(description="x", sketch="one.png")])
    buffer = io.BytesIO()
    write_project_archive(
        comic, buffer, read_file=lambda path: sketch, picked={"panel-01": picked} if picked is not None else None
    )
    return buffer.getvalue()


def _entries_of(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        return {name: source.read(name) for name in source.namelist()}


def _with_extra(entries: dict[str, bytes], symlinks: tuple[str, ...] = ()) -> bytes:
    """A valid project zip with more entries added."""
    return zip_of({**_entries_of(project_zip(png_bytes("white"))), **entries}, symlinks)


def _changed_script() -> bytes:
    valid = _entries_of(project_zip(png_bytes("white")))
    valid["comic.yaml"] = valid["comic.yaml"].replace(b"Sneaky", b"Altered")
    return zip_of(valid)


def _relisted(entries: dict[str, bytes]) -> bytes:
    """A zip of ``entries`` with a project.json that lists them all correctly."""
    entries = {name: data for name, data in entries.items() if name != "project.json"}
    files = [
        {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        for name, data in sorted(entries.items())
    ]
    manifest = {"format": "stripstudio-project", "version": 1, "files": files}
    return zip_of({**entries, "project.json": json.dumps(manifest).encode()})


def _alias_bomb_project() -> bytes:
    return _relisted({"comic.yaml": alias_bomb().encode()})


def _many_megabyte_entries() -> bytes:
    entries = _entries_of(project_zip(png_bytes("white")))
    return _relisted({**entries, **{f"assets/{index:016x}.png": bytes(1024**2) for index in range(380)}})


def _truncated_png() -> bytes:
    whole = png_bytes("white", (64, 64))
    return whole[: len(whole) // 2]


MALICIOUS = {
    "zip slip": (lambda: _with_extra({"../../evil.png": png_bytes("red")}), "outside the project folder"),
    "absolute path": (lambda: _with_extra({"/tmp/evil.png": png_bytes("red")}), "absolute"),
    "zip bomb": (lambda: _with_extra({"assets/0123456789abcdef.png": b"\0" * 20_000_000}), "zip bomb"),
    "380 one-MiB entries": (_many_megabyte_entries, "zip bomb"),
    "unlisted entry": (lambda: _with_extra({"assets/0123456789abcdef.png": png_bytes("red")}), "not listed"),
    "neither project nor script": (lambda: zip_of({"notes.txt": b"title: T\n"}), "exactly one comic script"),
    "alias bomb in the script": (_alias_bomb_project, "more than 10000 values once expanded"),
    "symlink": (
        lambda: _with_extra({"assets/link.png": b"/etc/passwd"}, symlinks=("assets/link.png",)),
        "symbolic link",
    ),
    "not a zip": (lambda: b"<html>not a zip</html>", "not a readable zip"),
    "altered after export": (_changed_script, "damaged or altered archive"),
    "html as sketch": (lambda: project_zip(b"<!doctype html><script>alert(1)</script>"), "HTML"),
    "bad picked image": (lambda: project_zip(png_bytes("white"), _truncated_png()), "picked"),
}


@pytest.mark.parametrize("case", sorted(MALICIOUS))
def test_malicious_project_zip_is_refused_and_creates_nothing(api, case):
    build, fragment = MALICIOUS[case]
    data = build()
    assert len(data) < 1_000_000
    rich_comic(api)  # something already there, which must stay as it is
    before, files_before = rows(), storage_files()

    message = refusal(api.send_file("/api/comics/import-project", "evil.zip", data))

    assert fragment in message, message
    assert rows() == before
    assert storage_files() == files_before
    assert not list(Path(django_settings.FILE_UPLOAD_TEMP_DIR).glob("stripstudio-import-*"))


def test_a_project_refused_at_its_last_file_stores_none_of_the_others(api):
    comic = domain.Comic(
        title="Half good",
        panels=[domain.Panel(description="x", sketch="good.png"), domain.Panel(description="y", sketch="bad.png")],
    )
    files = {"good.png": png_bytes("white", (64, 64)), "bad.png": b"<!doctype html><p>not a picture</p>"}
    buffer = io.BytesIO()
    write_project_archive(comic, buffer, read_file=files.__getitem__)
    before, files_before = rows(), storage_files()

    message = refusal(api.send_file("/api/comics/import-project", "half.zip", buffer.getvalue()))

    assert message.startswith("assets/") and "HTML" in message, message
    assert rows() == before
    assert storage_files() == files_before
    assert not list(Path(django_settings.FILE_UPLOAD_TEMP_DIR).glob("stripstudio-import-*"))


def test_a_picture_in_a_project_past_the_upload_limit_is_refused_with_the_limit(api, settings):
    settings.STRIPSTUDIO = settings.STRIPSTUDIO.model_copy(update={"upload_max_bytes": 50_000})
    big = png_bytes("white", (64, 64)) + random.Random(7).randbytes(60_000)  # more than the limit
    before, files_before = rows(), storage_files()

    message = refusal(api.send_file("/api/comics/import-project", "big.zip", project_zip(big)))

    assert "more than the 48.8 KB upload limit" in message, message
    assert rows() == before and storage_files() == files_before


@pytest.mark.parametrize("metadata", ["[1, 2]", '{"seed": "abc"}', '{"seed": -5}', "not json", '{"seed": 1e400}'])
def test_odd_metadata_of_a_picked_image_is_ignored(api, metadata):
    picked = png_bytes("navy", (64, 64), {"stripstudio": metadata})

    made = api.send_file("/api/comics/import-project", "p.zip", project_zip(png_bytes("white"), picked))

    assert made.status_code == 201, made.content
    (panel,) = api.call("GET", f"/api/comics/{made.json()['id']}/panels")
    assert panel["picked_image"]["seed"] == 0
    assert api.download(panel["picked_image"]["url"])[0] == picked


# Through the live studio, with a picture the tiny model drew ------------------------------------------------


@pytest.mark.slow
def test_project_round_trip_with_a_generated_picked_image(author):
    comic = author.call(
        "POST",
        "/api/comics",
        201,
        json={
            "title": "Drawn",
            "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 1, "seed": 3},
        },
    )
    url = f"/api/comics/{comic['id']}"
    author.call("POST", f"{url}/characters", 201, json={"name": "Mia", "description": "girl"})
    panel = author.call("POST", f"{url}/panels", 201, json={"description": "Mia waves", "characters": ["Mia"]})
    author.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, json={"text": "Hello", "speaker": "Mia"})
    sketch = author.call("POST", "/api/assets", 201, files={"file": ("s.png", png_bytes("white", (64, 64)))})
    sketched = author.call("POST", f"{url}/panels", 201, json={"description": "Later", "sketch_id": sketch["id"]})
    job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={})
    assert author.events(job["events_url"])[-1]["type"] == "succeeded"
    (image,) = author.call("GET", f"/api/panels/{panel['id']}/images")
    author.call("POST", f"/api/images/{image['id']}/pick")
    drawn = author.http.get(image["url"]).content

    archive = author.http.get(f"{url}/project")
    assert archive.status_code == 200, archive.text[:500]
    made = author.call("POST", "/api/comics/import-project", 201, files={"file": ("p.zip", archive.content)})

    first, second = author.call("GET", f"/api/comics/{made['id']}/panels")
    assert first["spec"] == panel["spec"] and [b["spec"] for b in first["bubbles"]] == [
        b["spec"] for b in author.call("GET", f"/api/panels/{panel['id']}/bubbles")
    ]
    assert author.http.get(first["picked_image"]["url"]).content == drawn  # byte for byte, metadata included
    assert (first["picked_image"]["seed"], first["picked_image"]["width"]) == (image["seed"], 64)
    assert second["spec"] == sketched["spec"]
    assert author.http.get(second["sketch"]["url"]).content == author.http.get(sketch["url"]).content


def test_a_lora_file_in_a_project_is_streamed_out_checked_and_stored_as_a_model(api):
    from safetensors.numpy import save as save_safetensors

    lora = save_safetensors({"lora_unet_down.lora_down.weight": np.zeros((4, 8), dtype=np.float32)})
    comic = domain.Comic(
        title="Inked",
        style=domain.Style(loras=[domain.LoraRef(name="loras/ink.safetensors", strength_model=0.6)]),
        panels=[domain.Panel(description="x")],
    )
    buffer = io.BytesIO()
    write_project_archive(comic, buffer, read_file=lambda path: lora)

    made = api.send_file("/api/comics/import-project", "inked.zip", buffer.getvalue())

    assert made.status_code == 201, made.content
    (asset,) = models.Asset.objects.filter(kind=models.Asset.Kind.MODEL)
    assert asset.size == len(lora) and asset.sha256 == hashlib.sha256(lora).hexdigest()
    assert Path(django_settings.STRIPSTUDIO.files_dir, asset.file.name).read_bytes() == lora
    assert not list(Path(django_settings.FILE_UPLOAD_TEMP_DIR).glob("stripstudio-import-*"))
