"""Face detail on the tiny model: only the faces' pixels change, and a redraw gives the same pixels."""

from __future__ import annotations

import numpy as np
import pytest

from stripstudio.engines.diffusers.face_detail import plan_face
from stripstudio.faces import detect_faces
from stripstudio.generation import JobEvent
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import FaceDetailSpec, Task

from ...faces.photos import ASTRONAUT_FACE, astronaut, centre_inside
from .helpers import PSNR_BOUND_DB, psnr, tiny_request

pytestmark = pytest.mark.slow

SPEC = FaceDetailSpec(draw_size=64, dilation=6, feather=4)


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    path = tmp_path_factory.mktemp("faces") / "astronaut.png"
    astronaut().save(path)
    return path


def face_request(photo, **fields):
    defaults = dict(
        task=Task.FACE_DETAIL,
        init_image=str(photo),
        prompt="beautiful young woman face, cartoon style",
        strength=0.45,
        num_inference_steps=6,
        face_detail=SPEC,
    )
    return tiny_request(**{**defaults, **fields})


def test_only_pixels_inside_the_feathered_face_masks_change(engine, photo):
    events: list[JobEvent] = []
    (result,) = engine.run(face_request(photo), events.append)
    before, after = np.asarray(astronaut()), np.asarray(result.image)
    assert after.shape == before.shape
    (face,) = detect_faces(astronaut(), SPEC.detector, min_size=SPEC.min_size)
    assert centre_inside(ASTRONAUT_FACE, face)
    plan = plan_face(face, astronaut().size, SPEC)
    inside = np.zeros(before.shape[:2], dtype=bool)
    left, top, right, bottom = plan.crop
    inside[top:bottom, left:right] = np.asarray(plan.mask) > 0
    changed = np.any(before != after, axis=2)
    assert changed[~inside].sum() == 0
    assert changed[inside].sum() > 0.5 * inside.sum()
    # The mask is the face box grown by `dilation`, no more.
    grown = np.zeros_like(inside)
    grown[face.top - 6 : face.top + face.height + 6, face.left - 6 : face.left + face.width + 6] = True
    assert not (inside & ~grown).any()
    assert any(event.message == "1 face found" for event in events)


def test_a_redraw_gives_the_same_pixels_and_candidates_differ(engine, photo):
    first = engine.run(face_request(photo, num_images=2), lambda event: None)
    again = engine.run(face_request(photo, num_images=2), lambda event: None)
    assert [r.image.tobytes() for r in first] == [r.image.tobytes() for r in again]
    assert first[0].image.tobytes() != first[1].image.tobytes()
    alone = engine.run(face_request(photo, seed=1), lambda event: None)
    assert alone[0].image.tobytes() == first[1].image.tobytes()


def test_progress_counts_every_face_run_of_every_candidate(engine, photo):
    events: list[JobEvent] = []
    engine.run(face_request(photo, num_images=2), events.append)
    steps = [(e.step, e.total, e.data.get("batch")) for e in events if e.kind == "progress" and e.total and e.total > 1]
    assert steps[-1][0] == steps[-1][1]
    assert {candidate for _, _, batch in steps for candidate in batch} == {0, 1}  # one face, both candidates


def test_a_picture_without_faces_comes_back_unchanged(engine, tmp_path):
    from PIL import Image

    blank = tmp_path / "blank.png"
    Image.new("RGB", (128, 128), (200, 180, 160)).save(blank)
    events: list[JobEvent] = []
    (result,) = engine.run(face_request(blank), events.append)
    assert result.image.tobytes() == Image.open(blank).convert("RGB").tobytes()
    assert any("no faces found" in event.message for event in events)


def test_an_unusable_detector_is_refused_at_its_field(engine, photo):
    with pytest.raises(InvalidRequest) as caught:
        engine.run(face_request(photo, face_detail=FaceDetailSpec(detector="missing.onnx")), lambda event: None)
    assert caught.value.field == "face_detail.detector"


def test_each_face_gets_the_prompt_of_the_region_it_is_in(engine, photo):
    from stripstudio.engines.diffusers.face_detail import face_prompt
    from stripstudio.generation.request import Region

    (face,) = detect_faces(astronaut(), "auto")
    left, right = Region(prompt="Mia, red hair", box=(0, 0, 0.5, 1)), Region(prompt="Leo", box=(0.5, 0, 0.5, 1))
    request = face_request(photo, regions=(left, right))
    assert face_prompt(request, face, astronaut().size) == "beautiful young woman face, cartoon style, Mia, red hair"
    (with_region,) = engine.run(request, lambda event: None)
    (without,) = engine.run(face_request(photo), lambda event: None)
    assert with_region.image.tobytes() != without.image.tobytes()


def test_the_face_crops_of_every_candidate_are_redrawn_in_one_batch(engine, photo, unet_batches):
    results = engine.run(face_request(photo, num_images=3), lambda event: None)
    assert unet_batches and set(unet_batches) == {6}  # one face, three candidates: runs of three crops
    for image in results:
        assert psnr(image, engine.run(image.request, lambda event: None)[0]) >= PSNR_BOUND_DB
