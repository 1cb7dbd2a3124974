"""Bubble outlines and tails as polygons."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon

from stripstudio.domain.bubble import BubbleKind
from stripstudio.lettering.shapes import body_for, cloud, ellipse, starburst
from stripstudio.lettering.style import SpeechShape
from stripstudio.lettering.tails import tip_toward, trail, with_tail


@settings(max_examples=30)
@given(
    kind=st.sampled_from([BubbleKind.SPEECH, BubbleKind.SHOUT, BubbleKind.WHISPER]),
    width=st.floats(40, 300),
    height=st.floats(30, 200),
    angle=st.floats(0, 2 * math.pi),
    distance=st.floats(1.05, 3.0),
)
def test_tail_and_body_are_one_polygon(kind, width, height, angle, distance):
    outline = body_for(kind, width, height, padding=4).outline
    reach = distance * max(width, height) / 2 + 8
    tip = (reach * math.cos(angle), reach * math.sin(angle))
    merged = with_tail(outline, (0.0, 0.0), tip, base_width=0.3 * min(width, height))
    assert isinstance(merged, Polygon) and merged.is_valid
    assert not merged.interiors
    assert merged.area > outline.area  # the tail added something
    assert merged.buffer(0.5).contains(Point(tip))


def test_a_tip_inside_the_body_gives_no_tail():
    outline = ellipse(200, 100)
    assert with_tail(outline, (0, 0), (10, 5), base_width=20).equals(outline)


def test_thought_trail_shrinks_toward_the_speaker_without_touching_the_cloud():
    outline = cloud(200, 120)
    circles = trail(outline, (0, 0), (0, 160), size=30)
    assert len(circles) == 3
    areas = [c.area for c in circles]
    assert areas == sorted(areas, reverse=True)
    assert all(not c.intersects(outline) for c in circles)
    assert [c.centroid.y for c in circles] == sorted(c.centroid.y for c in circles)


def test_tail_tip_stops_short_of_the_speaker():
    outline = ellipse(200, 100)
    tip = tip_toward(outline, (0, 0), (0, 300), max_length=1000)
    assert tip is not None and 50 < tip[1] < 300 and abs(tip[0]) < 1e-6
    assert tip_toward(outline, (0, 0), (0, 300), max_length=40) == pytest.approx((0, 90))


def test_body_shapes_by_kind():
    assert body_for(BubbleKind.CAPTION, 200, 60, 5).outline.area == pytest.approx(200 * 60)
    speech = body_for(BubbleKind.SPEECH, 200, 100, 5).outline
    assert speech.area == pytest.approx(math.pi * 100 * 50, rel=0.01)
    wide = body_for(BubbleKind.SPEECH, 300, 80, 5, SpeechShape.AUTO).outline
    assert wide.area > math.pi * 150 * 40 * 1.05  # a rounded box fills more than an ellipse
    assert body_for(BubbleKind.SPEECH, 300, 80, 5, SpeechShape.ELLIPSE).outline.area < wide.area
    burst = starburst(200, 150)
    assert len(burst.exterior.coords) > 20 and burst.is_valid
    thought = cloud(200, 120)
    assert thought.is_valid and isinstance(thought, Polygon)
    for kind in BubbleKind:
        body = body_for(kind, 200, 120, 8)
        assert body.outline.contains(body.text_region)
