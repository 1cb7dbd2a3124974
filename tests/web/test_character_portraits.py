"""Character-sheet portraits stay in their character's history, whichever character is opened next,
and adopting one gives the character that portrait's seed (tiny model, live studio)."""

from __future__ import annotations

import pytest

from tests.web.test_studio_loop import TINY_COMIC

pytestmark = pytest.mark.slow


def draw_sheet(author, character: dict, count: int) -> dict:
    job = author.call("POST", f"/api/characters/{character['id']}/sheet", 202, json={"count": count})
    assert author.events(job["events_url"])[-1]["type"] == "succeeded"
    return author.call("GET", f"/api/jobs/{job['id']}")


def test_portraits_stay_with_their_character_and_adopting_one_sets_its_seed(author):
    comic = author.call("POST", "/api/comics", 201, json=TINY_COMIC)
    mia, leo = (
        author.call("POST", f"/api/comics/{comic['id']}/characters", 201, json={"name": name, "description": name})
        for name in ("Mia", "Leo")
    )
    mia_sheet = draw_sheet(author, mia, 2)
    draw_sheet(author, leo, 1)  # "another character is opened" and draws its own sheet

    portraits = author.call("GET", f"/api/characters/{mia['id']}/portraits")
    assert sorted(p["seed"] for p in portraits) == sorted(r["seed"] for r in mia_sheet["results"])
    assert len(author.call("GET", f"/api/characters/{leo['id']}/portraits")) == 1
    picture = author.http.get(portraits[1]["url"])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"

    adopted = author.call("POST", f"/api/portraits/{portraits[1]['id']}/adopt")
    assert adopted["spec"]["seed"] == portraits[1]["seed"]
    assert author.call("GET", f"/api/characters/{mia['id']}")["spec"]["seed"] == portraits[1]["seed"]

    author.call("DELETE", f"/api/portraits/{portraits[0]['id']}", 204)
    assert [p["id"] for p in author.call("GET", f"/api/characters/{mia['id']}/portraits")] == [portraits[1]["id"]]
