"""The author's whole loop through the API on the tiny model: comic → character → panel → two
candidates with live events → pick → CBZ export → download and open it."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile

import pytest
from PIL import Image

pytestmark = pytest.mark.slow

TINY_COMIC = {
    "title": "Loop test",
    "generation": {"steps": 3, "width": 64, "height": 64, "candidates": 2, "seed": 7},
    "layout": {"width": 320},
}


def new_panel(author) -> tuple[dict, dict]:
    """A comic with a character and one panel; returns (comic, panel)."""
    comic = author.call("POST", "/api/comics", 201, json=TINY_COMIC)
    author.call(
        "POST",
        f"/api/comics/{comic['id']}/characters",
        201,
        json={"name": "Mia", "description": "girl, red hair", "seed": 11},
    )
    panel = author.call(
        "POST",
        f"/api/comics/{comic['id']}/panels",
        201,
        json={"description": "Mia waves at a spaceship", "characters": ["Mia"]},
    )
    return comic, panel


def test_generate_pick_export_cbz(author):
    comic, panel = new_panel(author)
    author.call("POST", f"/api/panels/{panel['id']}/bubbles", 201, json={"text": "Wait for me!", "speaker": "Mia"})

    job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"candidates": 2})
    events = author.events(job["events_url"])
    types = [e["type"] for e in events]
    assert types[0] == "queued" and types[1] == "started" and types[-1] == "succeeded", types
    assert types.count("image") == 2 and types.count("succeeded") == 1
    assert types.index("progress") < types.index("image")
    # Both candidates are drawn in one batch: every step advances both.
    progress = [e for e in events if e["type"] == "progress"]
    assert len(progress) >= 3, types
    assert [e["step"] for e in progress] == sorted(e["step"] for e in progress)
    assert progress[-1]["step"] == progress[-1]["total"] == 3 * 2 and progress[-1]["data"]["batch"] == [0, 1]
    images = [e for e in events if e["type"] == "image"]
    assert [e["candidate"] for e in images] == [0, 1]
    assert [e["data"]["seed"] for e in images] == [11, 12]

    finished = author.call("GET", f"/api/jobs/{job['id']}")
    assert finished["status"] == "succeeded" and finished["progress"] == 1.0 and finished["attempts"] == 1
    history = author.call("GET", f"/api/panels/{panel['id']}/images")
    assert sorted(i["candidate"] for i in history) == [0, 1] and not any(i["picked"] for i in history)
    second = next(i for i in history if i["candidate"] == 1)
    png = author.http.get(second["url"])
    assert png.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(png.content)) as picture:
        assert picture.size == (64, 64) and "parameters" in picture.info
    live_copy = author.http.get(images[1]["data"]["url"])  # the URL the image event carried
    assert live_copy.content == png.content

    picked = author.call("POST", f"/api/images/{second['id']}/pick")
    assert picked["picked"] is True
    assert author.call("GET", f"/api/panels/{panel['id']}")["picked_image"]["id"] == second["id"]

    lettering = author.call("GET", f"/api/panels/{panel['id']}/lettering")
    (bubble,) = lettering["bubbles"]
    assert lettering["width"] == 320 and " ".join(line["text"] for line in bubble["lines"]) == "Wait for me!"
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in bubble["outline"])
    lettered = author.http.get(f"/api/panels/{panel['id']}/lettered")
    with Image.open(io.BytesIO(lettered.content)) as picture:
        assert picture.size == (lettering["width"], lettering["height"])

    export_job = author.call("POST", f"/api/comics/{comic['id']}/exports", 202, json={"formats": ["cbz"]})
    export_events = author.events(export_job["events_url"])
    assert export_events[-1]["type"] == "succeeded", export_events[-1]
    (cbz,) = author.call("GET", f"/api/comics/{comic['id']}/exports")
    assert cbz["format"] == "cbz" and cbz["name"].endswith(".cbz")
    download = author.http.get(cbz["url"])
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        info = ET.fromstring(archive.read("ComicInfo.xml"))
        pages = [n for n in archive.namelist() if n != "ComicInfo.xml"]
        assert info.findtext("Title") == "Loop test" and int(info.findtext("PageCount")) == len(pages) >= 1
        with Image.open(io.BytesIO(archive.read(pages[0]))) as page:
            assert page.width == 320


def test_cancel_queued_and_failed_job_keep_the_reason(author):
    comic, panel = new_panel(author)
    answer = author.http.post(f"/api/panels/{panel['id']}/generate", json={"mode": "sketch"})
    assert answer.status_code == 422 and "no sketch" in answer.text

    job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"steps": 200, "candidates": 4})
    author.call("POST", f"/api/jobs/{job['id']}/cancel")
    events = author.events(job["events_url"])
    assert events[-1]["type"] == "cancelled"
    assert author.call("GET", f"/api/jobs/{job['id']}")["status"] == "cancelled"

    # A panel without a picture is named when the export is asked for, before any job is queued.
    refused = author.call("POST", f"/api/comics/{comic['id']}/exports", 422, json={"formats": ["pdf"]})
    assert "panel 1 has no picture yet: generate it first" in refused["detail"]
    assert not [j for j in author.call("GET", "/api/jobs") if j["kind"] == "export"]


def test_character_sheet_draws_portraits_on_the_job(author):
    comic, _panel = new_panel(author)
    (mia,) = author.call("GET", f"/api/comics/{comic['id']}/characters")
    job = author.call("POST", f"/api/characters/{mia['id']}/sheet", 202, json={"count": 2})
    events = author.events(job["events_url"])
    assert events[-1]["type"] == "succeeded"
    done = author.call("GET", f"/api/jobs/{job['id']}")
    assert [r["candidate"] for r in done["results"]] == [0, 1]
    portrait = author.http.get(done["results"][0]["url"])
    assert portrait.status_code == 200 and portrait.headers["content-type"] == "image/png"
