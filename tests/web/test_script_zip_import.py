"""Importing a zip of a script's folder (the script beside the files it names) as a new comic."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from tests.web.test_projects_api import Api, png_bytes, refusal, rows, signed_in

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SKETCH = EXAMPLES / "sketches" / "apartment-building.png"


@pytest.fixture
def api(db) -> Api:
    """A signed-in author."""
    return signed_in("ann")


def zipped(entries: dict[str, bytes]) -> bytes:
    """A zip holding ``entries`` (name -> bytes), as an author's archiver makes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_example_imports_in_one_step_with_its_sketch(api):
    script = (EXAMPLES / "to-the-stars-and-back.yaml").read_bytes()
    archive = zipped(
        {
            "to-the-stars-and-back/to-the-stars-and-back.yaml": script,
            "to-the-stars-and-back/sketches/apartment-building.png": SKETCH.read_bytes(),
            "to-the-stars-and-back/sketches/draw_apartment_building.py": b"print('not needed')\n",
        }
    )

    made = api.send_file("/api/comics/import-project", "to-the-stars-and-back.zip", archive)

    assert made.status_code == 201, made.content
    comic = made.json()
    assert comic["title"] == "To the Stars and Back - episode 1"
    panels = api.call("GET", f"/api/comics/{comic['id']}/panels")
    sketched = [p for p in panels if p["sketch"] is not None]
    assert len(sketched) == 1 and sketched[0]["spec"]["follow_sketch"] == 0.8
    stored = api.download(sketched[0]["sketch"]["url"])[0]  # re-encoded like every upload: same pixels
    with Image.open(io.BytesIO(stored)) as copy, Image.open(SKETCH) as original:
        assert copy.size == original.size and copy.convert("RGB").tobytes() == original.convert("RGB").tobytes()
    assert [c["name"] for c in api.call("GET", f"/api/comics/{comic['id']}/characters")] == ["Leo"]


SCRIPT = "title: Sketched\npanels:\n  - description: From a drawing\n    sketch: {path}\n"


def test_a_script_zip_naming_a_file_it_lacks_or_outside_it_is_refused(api):
    before = rows()
    missing = zipped({"comic.yaml": SCRIPT.format(path="drawings/one.png").encode()})
    message = refusal(api.send_file("/api/comics/import-project", "comic.zip", missing))
    assert "panel 1, sketch:" in message and "drawings/one.png is not in the zip" in message

    outside = zipped({"comic.yaml": SCRIPT.format(path="../../etc/hostname").encode(), "x.png": png_bytes("red")})
    message = refusal(api.send_file("/api/comics/import-project", "comic.zip", outside))
    assert "panel 1, sketch:" in message and "outside the zipped folder" in message

    two = zipped({"a.yaml": b"title: A\n", "b.yml": b"title: B\n"})
    assert "exactly one comic script" in refusal(api.send_file("/api/comics/import-project", "two.zip", two))
    assert rows() == before
