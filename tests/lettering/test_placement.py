"""Automatic placement and sizing: reading order, no overlaps, faces kept clear, clear errors."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from stripstudio.domain import Bubble
from stripstudio.lettering import LetteringError, default_speaker_points, layout_bubbles
from stripstudio.lettering.placement import face_polygons
from tests.lettering.helpers import PANEL_SIZE, panel_with

LINES = [
    "Where are we going?",
    "To the stars and back.",
    "Tonight?",
    "Of course tonight, the sky is clear.",
    "Fine. But I am driving.",
]


def _no_overlaps(placed) -> None:
    for a, b in itertools.combinations(placed, 2):
        assert not a.footprint.intersects(b.footprint), (a.index, b.index)


def test_default_speakers_spread_left_to_right_at_sixty_percent():
    assert default_speaker_points(["A", "B", "C"]) == {"A": (0.25, 0.6), "B": (0.5, 0.6), "C": (0.75, 0.6)}


@settings(max_examples=12)
@given(
    count=st.integers(1, 4),
    speakers=st.lists(st.sampled_from(["Mira", "Tom"]), min_size=4, max_size=4),
)
def test_auto_placed_bubbles_do_not_overlap_and_follow_reading_order(count, speakers):
    bubbles = [Bubble(text=LINES[i], speaker=speakers[i]) for i in range(count)]
    placed = layout_bubbles(panel_with(*bubbles), (800, 600))
    _no_overlaps(placed)
    for bubble in placed:
        left, top, right, bottom = bubble.footprint.bounds
        assert left >= 0 and top >= 0 and right <= 800 and bottom <= 600
    for before, after in itertools.pairwise(placed):
        b_left, b_top, b_right, b_bottom = before.footprint.bounds
        a_left, a_top, _, _ = after.footprint.bounds
        below = a_top >= b_bottom - 0.25 * (b_bottom - b_top)
        right_of = after.center[0] > before.center[0] and a_top >= b_top - 0.25 * (b_bottom - b_top)
        assert below or right_of


def test_bubbles_keep_clear_of_faces_and_point_at_their_speaker():
    faces = [(0.2, 0.45, 0.18, 0.3), (0.6, 0.4, 0.16, 0.3)]
    bubbles = [Bubble(text=LINES[0], speaker="Mira"), Bubble(text=LINES[1], speaker="Tom")]
    placed = layout_bubbles(panel_with(*bubbles), (800, 600), faces=faces)
    face_boxes = face_polygons(faces, (800, 600))
    _no_overlaps(placed)
    for bubble in placed:
        assert not any(bubble.footprint.intersects(face) for face in face_boxes)
    mira, tom = placed
    assert mira.tail_tip is not None and tom.tail_tip is not None
    # Tails head toward Mira (1/3 across, 60% down) and Tom (2/3 across).
    assert mira.tail_tip[1] > mira.center[1] and tom.tail_tip[1] > tom.center[1]
    assert mira.tail_tip[0] < tom.tail_tip[0]


def test_given_speaker_points_and_tail_tips_are_used():
    bubbles = [
        Bubble(text="Up here!", speaker="Mira", x=0.5, y=0.7),
        Bubble(text="Over here!", x=0.5, y=0.2, width=0.4, height=0.2, tail_x=0.9, tail_y=0.05),
    ]
    placed = layout_bubbles(panel_with(*bubbles), PANEL_SIZE, speakers={"Mira": (0.5, 0.05)})
    assert placed[0].center == pytest.approx((200, 210))
    assert placed[0].tail_tip[1] < placed[0].center[1]  # the speaker is above the bubble
    assert placed[1].tail_tip == pytest.approx((360, 15))
    assert placed[1].outline.buffer(0.5).contains(box(359.9, 14.9, 360.1, 15.1))


def test_captions_go_to_the_top_left_corner_and_sfx_to_the_middle():
    bubbles = [Bubble(kind="caption", text="Meanwhile, on the roof…"), Bubble(kind="sfx", text="BOOM!")]
    caption, sfx = layout_bubbles(panel_with(*bubbles), PANEL_SIZE)
    left, top, _, _ = caption.footprint.bounds
    assert left < 10 and top < 10 and caption.tail_tip is None
    assert sfx.center == (200, 150) and sfx.outline is None


def test_text_that_cannot_fit_names_the_bubble_and_says_what_to_do():
    long_text = " ".join(["Far too many words for such a tiny bubble."] * 6)
    bubbles = [Bubble(text="Hi"), Bubble(text=long_text, x=0.5, y=0.5, width=0.15, height=0.1)]
    with pytest.raises(LetteringError) as caught:
        layout_bubbles(panel_with(*bubbles), PANEL_SIZE, panel_index=1)
    message = str(caught.value)
    assert 'panel 2, bubble 2 ("Far too many words for…")' in message
    assert "shorten the text" in message and "enlarge the bubble" in message


def test_auto_size_grows_the_bubble_within_its_limit_before_shrinking_text():
    text = "To the stars and back, of course. Where else would we go on a night like this one?"
    placed = layout_bubbles(panel_with(Bubble(text=text)), (800, 600))[0]
    left, top, right, bottom = placed.footprint.bounds
    assert placed.font_size == 28  # the wanted size: the bubble grew instead
    assert right - left <= 0.6 * 800 + 1
    huge = " ".join([text] * 12)
    with pytest.raises(LetteringError, match="bubble 1 .*shorten the text"):
        layout_bubbles(panel_with(Bubble(text=huge)), (800, 600))


def test_font_size_scales_with_the_panel_width():
    small = layout_bubbles(panel_with(Bubble(text="Hi!")), (400, 300))[0]
    large = layout_bubbles(panel_with(Bubble(text="Hi!", font_size=40)), (1600, 1200))[0]
    assert small.font_size == 14 and large.font_size == 80


def test_a_crowded_panel_says_there_is_no_room():
    bubbles = [Bubble(text="Big", x=0.5, y=0.5, width=1.0, height=1.0), Bubble(text="Where do I go?")]
    with pytest.raises(LetteringError, match=r"bubble 2 .*no room.*\(x and y\)"):
        layout_bubbles(panel_with(*bubbles), PANEL_SIZE)


def test_layout_is_json_ready_with_line_breaks_for_the_editor():
    placed = layout_bubbles(panel_with(Bubble(text=LINES[3], speaker="Tom")), (800, 600))
    data = json.loads(json.dumps(placed[0].to_dict((800, 600))))
    assert " ".join(data["lines"]) == LINES[3]
    assert data["font_size"] == 28 and data["font_size_800"] == 28
    assert 0 < data["x"] < 1 and 0 < data["width"] <= 0.6
    assert data["outline"]["type"] == "Polygon"


@pytest.mark.parametrize("kind", ["speech", "thought", "shout", "whisper", "caption", "sfx"])
def test_inside_keeps_a_bubble_at_the_edge_and_its_tail_within_the_panel(kind):
    bubble = Bubble(kind=kind, text="Right at the edge!", x=0.99, y=0.98, tail_x=1.5, tail_y=-0.5, rotation=30)
    panel = panel_with(bubble)
    frame = box(0, 0, *PANEL_SIZE)
    loose = layout_bubbles(panel, PANEL_SIZE)[0]
    kept = layout_bubbles(panel, PANEL_SIZE, inside=True)[0]
    shapes = [kept.outline, *kept.trail] if kept.outline is not None else [kept.footprint]
    loose_shapes = [loose.outline, *loose.trail] if loose.outline is not None else [loose.footprint]
    assert not all(frame.contains(shape) for shape in loose_shapes)  # as a webtoon letters it: past the edge
    assert all(frame.buffer(1e-6).contains(shape) for shape in shapes)
    assert kept.text.line_texts == loose.text.line_texts and kept.font_size == loose.font_size
    assert frame.contains(kept.footprint)


def test_bubbles_are_placed_for_right_to_left_reading_when_asked():
    first, second = Bubble(text="I am read first."), Bubble(text="And I come second.")
    ltr = layout_bubbles(panel_with(first, second, characters=()), (600, 400))
    rtl = layout_bubbles(panel_with(first, second, characters=()), (600, 400), rtl=True)
    assert ltr[0].center[0] < ltr[1].center[0]  # left to right
    assert rtl[0].center[0] > rtl[1].center[0]  # right to left, as manga reads
    assert rtl[0].center[0] > 300 and ltr[0].center[0] < 300  # the first bubble starts on the reading side
