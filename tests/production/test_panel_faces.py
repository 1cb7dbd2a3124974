"""Faces kept clear of lettering: found in real photos, and looked for once per picture."""

from __future__ import annotations

import pytest
from PIL import Image

from stripstudio.production import faces
from tests.faces.photos import ASTRONAUT_FACE, astronaut


@pytest.fixture(autouse=True)
def _empty_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faces, "_found", type(faces._found)())


def test_the_astronauts_face_is_found_as_fractions_of_the_picture() -> None:
    boxes = faces.find_faces(astronaut())
    left, top, width, height = (value / 512 for value in ASTRONAUT_FACE)
    assert any(abs(box[0] + box[2] / 2 - (left + width / 2)) < 0.05 for box in boxes), boxes
    assert any(abs(box[1] + box[3] / 2 - (top + height / 2)) < 0.05 for box in boxes), boxes


def test_the_same_picture_is_searched_once_and_a_changed_one_again(monkeypatch: pytest.MonkeyPatch) -> None:
    searched: list[tuple[int, int]] = []
    real_detect = faces._detect
    monkeypatch.setattr(faces, "_detect", lambda image: searched.append(image.size) or real_detect(image))
    photo = astronaut()
    first = faces.find_faces(photo)
    assert faces.find_faces(photo.copy()) == first  # equal pixels: remembered
    first.clear()  # a caller changing its list changes nothing remembered
    assert faces.find_faces(photo) != []
    changed = photo.copy()
    changed.putpixel((0, 0), (1, 2, 3))
    faces.find_faces(changed)
    assert searched == [(512, 512), (512, 512)]


def test_only_the_most_recent_pictures_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faces, "CACHED_PICTURES", 3)
    monkeypatch.setattr(faces, "_detect", lambda image: [])
    for shade in range(5):
        faces.find_faces(Image.new("RGB", (8, 8), (shade, 0, 0)))
    assert len(faces._found) == 3
