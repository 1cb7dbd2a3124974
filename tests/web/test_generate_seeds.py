"""Each "Generate" draws a fresh seed unless the panel or a character in it has its seed locked."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

pytestmark = pytest.mark.slow

COMIC = {"title": "Seeds", "generation": {"steps": 2, "width": 64, "height": 64, "candidates": 1, "seed": 7}}


def generate_once(author, panel_id: int) -> tuple[int, np.ndarray]:
    """Generate one candidate of the panel; its seed and its pixels."""
    job = author.call("POST", f"/api/panels/{panel_id}/generate", 202, json={"candidates": 1})
    events = author.events(job["events_url"])
    assert events[-1]["type"] == "succeeded", events[-1]
    (image,) = [i for i in author.call("GET", f"/api/panels/{panel_id}/images") if i["job_id"] == job["id"]]
    with Image.open(io.BytesIO(author.http.get(image["url"]).content)) as picture:
        return image["seed"], np.asarray(picture.convert("RGB"))


def test_generate_again_draws_new_seeds_until_one_is_locked(author):
    comic = author.call("POST", "/api/comics", 201, json=COMIC)
    author.call("POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": "Mia", "description": "girl"})
    panel = author.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "Mia waves", "characters": ["Mia"]}
    )

    first_seed, first = generate_once(author, panel["id"])
    second_seed, second = generate_once(author, panel["id"])
    assert first_seed != second_seed
    assert not np.array_equal(first, second)

    author.call("PATCH", f"/api/panels/{panel['id']}", json={"seed": first_seed})  # "lock this seed"
    locked = [generate_once(author, panel["id"]) for _ in range(2)]
    assert [seed for seed, _ in locked] == [first_seed, first_seed]
    assert np.array_equal(locked[0][1], first) and np.array_equal(locked[1][1], first)


def test_a_character_seed_locks_the_panels_it_is_in(author):
    comic = author.call("POST", "/api/comics", 201, json=COMIC)
    author.call(
        "POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": "Mia", "description": "girl", "seed": 31}
    )
    panel = author.call(
        "POST", f"/api/comics/{comic['id']}/panels", 201, json={"description": "Mia waves", "characters": ["Mia"]}
    )
    assert [generate_once(author, panel["id"])[0] for _ in range(2)] == [31, 31]
