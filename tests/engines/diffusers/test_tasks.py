"""Every engine task runs for real on the tiny model and returns what was asked for."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from stripstudio.generation import ControlInput, EventKind, MaskSpec, OutpaintSpec

from .helpers import pixels


def test_text_to_image_returns_the_requested_size_and_count(run):
    images, events = run(width=96, height=64, num_images=3)
    assert [image.image.size for image in images] == [(96, 64)] * 3
    assert [image.index for image in images] == [0, 1, 2]
    assert [image.seed for image in images] == [0, 1, 2]


def test_events_arrive_in_order_started_progress_image(run):
    _, events = run(num_images=2, num_inference_steps=3)
    kinds = [event.kind for event in events]
    assert kinds[0] is EventKind.STARTED
    # Both candidates are drawn in one batch: each step advances both, then both images arrive.
    assert kinds[1:] == [EventKind.PROGRESS] * 3 + [EventKind.IMAGE] * 2
    steps = [(event.step, event.total, event.data["batch"]) for event in events if event.kind is EventKind.PROGRESS]
    assert steps == [(2, 6, [0, 1]), (4, 6, [0, 1]), (6, 6, [0, 1])]
    assert [event.candidate for event in events if event.kind is EventKind.IMAGE] == [0, 1]
    assert "random weights" in events[0].message


def test_previews_are_sent_when_asked(run):
    _, events = run(num_inference_steps=4, previews=True)
    previews = [event for event in events if event.kind is EventKind.PREVIEW]
    assert previews and all(event.preview.startswith(b"\x89PNG") for event in previews)


def test_image_to_image_keeps_size_and_strength_zero_point_changes_less(run, picture):
    original = np.asarray(Image.open(picture).convert("RGB"), dtype=float)
    light, _ = run(task="image_to_image", init_image=picture, strength=0.3, num_inference_steps=10)
    heavy, _ = run(task="image_to_image", init_image=picture, strength=1.0, num_inference_steps=10)
    assert light[0].image.size == (64, 64)
    light_change = np.abs(np.asarray(light[0].image, dtype=float) - original).mean()
    heavy_change = np.abs(np.asarray(heavy[0].image, dtype=float) - original).mean()
    assert light_change < heavy_change


def test_inpaint_keeps_every_pixel_outside_the_grown_and_feathered_mask(run, picture, square_mask):
    images, _ = run(
        task="inpaint", init_image=picture, mask=MaskSpec(image=square_mask, grow=4, feather=4), num_images=2
    )
    original = np.asarray(Image.open(picture).convert("RGB"))
    far = np.ones((64, 64), dtype=bool)
    far[24 - 4 : 40 + 4, 24 - 4 : 40 + 4] = False  # the square grown by 4 px (feathering stays inside it)
    for image in images:
        result = np.asarray(image.image)
        assert (result[far] == original[far]).all()
        assert (result[28:36, 28:36] != original[28:36, 28:36]).any()
    assert pixels(images[0]) != pixels(images[1])


def test_outpaint_extends_the_side_and_keeps_the_old_picture(run, picture):
    images, _ = run(task="outpaint", init_image=picture, outpaint=OutpaintSpec(right=32, overlap=8))
    result = np.asarray(images[0].image)
    assert images[0].image.size == (96, 64)
    original = np.asarray(Image.open(picture).convert("RGB"))
    assert (result[:, :56] == original[:, :56]).all()  # left of the overlap: untouched


@pytest.mark.parametrize("kind", ["sketch", "scribble"])
def test_sketch_to_image_follows_the_drawing(run, sketch, kind):
    followed, _ = run(task="sketch_to_image", controls=(ControlInput(kind=kind, image=sketch, strength=1.0),))
    ignored, _ = run(task="sketch_to_image", controls=(ControlInput(kind=kind, image=sketch, strength=0.0),))
    plain, _ = run()
    assert followed[0].image.size == (64, 64)
    assert pixels(followed[0]) != pixels(plain[0])
    assert pixels(ignored[0]) == pixels(plain[0])


def test_follow_sketch_slider_sets_strength_and_end_percent():
    control = ControlInput.from_follow_sketch("s.png", 0.6)
    assert (control.strength, control.start_percent, control.end_percent) == (0.6, 0.0, 0.6)
