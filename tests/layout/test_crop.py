"""Covering a frame: scaled without stretching, cropped around the focus point."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from stripstudio.layout import cover_crop, crop_to_frame
from tests.layout.pictures import marked

sides = st.integers(16, 3000)
fractions = st.floats(0, 1)


@given(source=st.tuples(sides, sides), frame=st.tuples(sides, sides), focus=st.tuples(fractions, fractions))
def test_the_picture_is_scaled_uniformly_and_covers_the_frame(source, frame, focus):
    crop = cover_crop(source, frame, *focus)
    # One scale for both axes: the scaled picture keeps the source's aspect ratio (to rounding).
    assert abs(crop.scaled_width - source[0] * crop.scale) <= 0.5 or crop.scaled_width == frame[0]
    assert abs(crop.scaled_height - source[1] * crop.scale) <= 0.5 or crop.scaled_height == frame[1]
    assert crop.scaled_width >= frame[0] and crop.scaled_height >= frame[1]
    # Just enough to cover: one side fits the frame exactly.
    assert crop.scaled_width == frame[0] or crop.scaled_height == frame[1]
    # The window lies inside the scaled picture.
    assert 0 <= crop.left <= crop.scaled_width - frame[0]
    assert 0 <= crop.top <= crop.scaled_height - frame[1]


@given(source=st.tuples(sides, sides), frame=st.tuples(sides, sides), focus=st.tuples(fractions, fractions))
def test_the_focus_point_is_as_central_as_the_picture_allows(source, frame, focus):
    crop = cover_crop(source, frame, *focus)
    for start, window, total, fraction in (
        (crop.left, frame[0], crop.scaled_width, focus[0]),
        (crop.top, frame[1], crop.scaled_height, focus[1]),
    ):
        ideal = fraction * total - window / 2
        clamped = min(max(ideal, 0), total - window)
        assert abs(start - clamped) <= 0.5 + 1e-9
        # Wherever the window could not centre it, it still holds the focus point.
        assert start - 1 <= fraction * total <= start + window + 1


@given(
    source=st.tuples(st.integers(64, 400), st.integers(64, 400)),
    frame=st.tuples(st.integers(32, 300), st.integers(32, 300)),
    focus=st.tuples(st.floats(0.1, 0.9), st.floats(0.1, 0.9)),
)
@settings(max_examples=30)
def test_the_focus_region_survives_the_crop(source, frame, focus):
    crop = cover_crop(source, frame, *focus)
    # A marker at least 8 px wide once scaled, so resampling cannot blur it away.
    picture = marked(*source, focus, size=max(12, math.ceil(8 / crop.scale)))
    result = np.asarray(crop_to_frame(picture, frame, *focus)).astype(int)
    assert result.shape == (frame[1], frame[0], 3)
    # Where the red marker should land in the frame.
    x = focus[0] * crop.scaled_width - crop.left
    y = focus[1] * crop.scaled_height - crop.top
    px, py = min(max(round(x), 0), frame[0] - 1), min(max(round(y), 0), frame[1] - 1)
    red, green = result[py, px, 0], result[py, px, 1]
    assert red > 180 and green < 90, (px, py, result[py, px])


def test_a_wide_picture_in_a_tall_frame_keeps_its_focus_off_centre():
    picture = marked(800, 200, (0.8, 0.5), size=20)
    result = np.asarray(crop_to_frame(picture, (100, 200), 0.8, 0.5))
    # Scaled 1:1 (heights match); the 100 px window is centred on x = 640.
    assert tuple(result[100, 50]) == (255, 0, 0)
    assert tuple(result[100, 5]) == (128, 128, 128)
