"""Fixing faces in the studio on the tiny model: the "fix faces" action on a candidate, and panels that
always have their faces fixed."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from stripstudio.jobs.storage import store_bytes
from stripstudio.web.studio import models
from tests.faces.photos import ASTRONAUT_FACE, astronaut
from tests.web.test_studio_loop import new_panel

pytestmark = pytest.mark.slow


def photo_candidate(panel_id: int) -> models.GeneratedImage:
    """scikit-image's astronaut photo stored as a candidate of the panel (a picture with a real face)."""
    buffer = io.BytesIO()
    astronaut().save(buffer, "PNG")
    name, _sha = store_bytes(buffer.getvalue(), ".png")
    panel = models.Panel.objects.get(pk=panel_id)
    return models.GeneratedImage.objects.create(
        owner=panel.owner, panel=panel, candidate=0, file=name, seed=5, width=512, height=512
    )


def finished(author, job: dict) -> dict:
    events = author.events(job["events_url"])
    assert events[-1]["type"] == "succeeded", events[-3:]
    return author.call("GET", f"/api/jobs/{job['id']}")


def test_fix_faces_redraws_only_the_face_of_a_candidate(author):
    _comic, panel = new_panel(author)
    source = photo_candidate(panel["id"])

    job = author.call(
        "POST", f"/api/panels/{panel['id']}/generate", 202, json={"mode": "fix_faces", "source_image_id": source.pk}
    )
    done = finished(author, job)
    (fixed,) = [i for i in author.call("GET", f"/api/panels/{panel['id']}/images") if i["job_id"] == done["id"]]
    assert fixed["seed"] == 5 and (fixed["width"], fixed["height"]) == (512, 512)
    row = models.GeneratedImage.objects.get(pk=fixed["id"])
    assert row.parameters["task"] == "face_detail" and row.parameters["init_image"].endswith(source.file.name)
    after = np.asarray(Image.open(io.BytesIO(author.http.get(fixed["url"]).content)).convert("RGB"))
    before = np.asarray(astronaut())
    changed = np.any(before != after, axis=2)
    left, top, width, height = ASTRONAUT_FACE
    face = np.zeros_like(changed)
    face[top - 40 : top + height + 40, left - 40 : left + width + 40] = True
    assert changed[face].sum() > 0 and changed[~face].sum() == 0


def test_a_panel_that_always_fixes_faces_stores_the_fixed_candidates(author):
    _comic, panel = new_panel(author)
    author.call("PATCH", f"/api/panels/{panel['id']}", json={"fix_faces": True})

    job = author.call("POST", f"/api/panels/{panel['id']}/generate", 202, json={"candidates": 2})
    done = finished(author, job)
    assert [r["candidate"] for r in done["results"]] == [0, 1]
    images = [i for i in author.call("GET", f"/api/panels/{panel['id']}/images") if i["job_id"] == done["id"]]
    rows = models.GeneratedImage.objects.filter(pk__in=[i["id"] for i in images]).order_by("candidate")
    assert [(r.candidate, r.seed, r.parameters["task"]) for r in rows] == [
        (0, 11, "face_detail"),
        (1, 12, "face_detail"),
    ]
    assert {r.file.name for r in rows} == {r["file"] for r in done["results"]}
