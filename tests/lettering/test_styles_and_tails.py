"""The renderer honours the comic's lettering style and each bubble's own, draws a tail to every
speaker of a bubble (on the panel or off it), and grows auto-sized bubbles to fit their text before
shrinking it: checked on the pictures it draws."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point

from stripstudio.domain import Bubble, BubbleKind, LetteringStyle, TailTip
from stripstudio.lettering import LetteringError, layout_bubbles, letter_panel
from stripstudio.lettering.style import KIND_STYLES, MIN_SIZE_FRACTION, REFERENCE_WIDTH
from tests.lettering.helpers import GREY, grey_panel, panel_with

SIZE = (600, 400)


def pixels(panel, **options) -> np.ndarray:
    return np.asarray(letter_panel(grey_panel(SIZE), panel, **options)).astype(int)


def colour_at(picture: np.ndarray, xy: tuple[float, float]) -> tuple[int, ...]:
    return tuple(picture[round(xy[1]), round(xy[0])])


def test_the_comic_style_colours_every_bubble_and_a_bubble_style_wins():
    plain = Bubble(text="Comic style", x=0.3, y=0.3, width=0.3, height=0.2)
    own = Bubble(text="My own", x=0.7, y=0.7, width=0.3, height=0.2, fill="#00ff00", border_color="#0000ff")
    style = LetteringStyle(fill="#ff0000", border_color="#ffff00")
    picture = pixels(panel_with(plain, own), lettering=style)
    # Inside the bubbles, above the text: the fill; at the top edge of the outline: the border.
    assert colour_at(picture, (0.3 * SIZE[0], 0.23 * SIZE[1])) == (255, 0, 0)
    assert colour_at(picture, (0.7 * SIZE[0], 0.63 * SIZE[1])) == (0, 255, 0)
    assert colour_at(picture, (0.3 * SIZE[0], 0.2 * SIZE[1] + 1)) == (255, 255, 0)
    assert colour_at(picture, (0.7 * SIZE[0], 0.6 * SIZE[1] + 1)) == (0, 0, 255)
    unstyled = pixels(panel_with(plain, own))
    assert colour_at(unstyled, (0.3 * SIZE[0], 0.23 * SIZE[1])) == (255, 255, 255)


def text_pixels(picture: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    return np.abs(picture - np.array(colour)).sum(axis=2) < 60


def test_italic_text_leans_right_and_a_text_stroke_outlines_the_letters():
    bubble = dict(kind=BubbleKind.CAPTION, text="IIIIII", x=0.5, y=0.5, width=0.6, height=0.3, font_size=60)
    upright = text_pixels(pixels(panel_with(Bubble(**bubble))), (0, 0, 0))
    slanted = text_pixels(pixels(panel_with(Bubble(**bubble, italic=True))), (0, 0, 0))

    def lean(mask: np.ndarray) -> float:
        """How much further right the letters' top rows are than their bottom rows."""
        rows = np.nonzero(mask.any(axis=1))[0]
        top, bottom = rows[: len(rows) // 4], rows[-len(rows) // 4 :]
        return float(np.nonzero(mask[top])[1].mean() - np.nonzero(mask[bottom])[1].mean())

    inner = (slice(150, 250), slice(140, 460))  # the text, inside the caption's outline
    assert abs(lean(upright[inner])) < 2 and lean(slanted[inner]) > 2.5
    stroked = pixels(panel_with(Bubble(**bubble, text_stroke=4, border_color="#ff00ff", text_color="#ffffff")))
    assert text_pixels(stroked[inner], (255, 0, 255)).sum() > 500  # magenta around the white letters


@pytest.mark.parametrize("kind", [BubbleKind.SPEECH, BubbleKind.SHOUT, BubbleKind.WHISPER])
def test_one_bubble_points_at_two_speakers(kind):
    bubble = Bubble(
        kind=kind, text="Both of you!", x=0.5, y=0.25, tail_x=0.15, tail_y=0.8, tails=[TailTip(x=0.85, y=0.8)]
    )
    (placed,) = layout_bubbles(panel_with(bubble), SIZE)
    assert len(placed.tail_tips) == 2
    picture = pixels(panel_with(bubble))
    assert placed.outline is not None
    for tip in placed.tail_tips:
        assert placed.outline.distance(Point(tip)) < 1, (kind, tip)
        # Around each tip the tail is drawn over the grey picture.
        x, y = round(tip[0]), round(tip[1])
        around = picture[y - 4 : y + 1, x - 4 : x + 5].reshape(-1, 3)
        assert any(tuple(p) != GREY for p in around), (kind, tip)


def test_a_thought_to_two_speakers_trails_circles_to_both():
    bubble = Bubble(
        kind=BubbleKind.THOUGHT, text="Who?", x=0.5, y=0.25, tail_x=0.2, tail_y=0.85, tails=[TailTip(x=0.8, y=0.85)]
    )
    (placed,) = layout_bubbles(panel_with(bubble), SIZE)
    assert len(placed.trail) == 6
    lefts = [c for c in placed.trail if c.centroid.x < placed.center[0]]
    assert len(lefts) == 3


def test_a_tail_to_an_off_panel_speaker_runs_to_the_frame_edge():
    bubble = Bubble(text="Who's there?", x=0.75, y=0.3, tail_x=1.4, tail_y=0.4)
    (placed,) = layout_bubbles(panel_with(bubble), SIZE, inside=True)
    assert placed.tail_tip is not None and placed.tail_tip[0] == SIZE[0]
    assert placed.outline is not None and placed.outline.bounds[2] == pytest.approx(SIZE[0], abs=0.5)
    picture = pixels(panel_with(bubble), inside=True)
    edge = picture[:, -1]
    assert (np.abs(edge - np.array(GREY)).sum(axis=1) > 30).sum() >= 3  # the tail reaches the right edge


def test_an_auto_sized_bubble_grows_to_fit_its_text_and_shrinks_it_only_past_its_limit():
    wanted = round(KIND_STYLES[BubbleKind.SPEECH].font_size * SIZE[0] / REFERENCE_WIDTH)
    sizes, widths = [], []
    for words in (2, 6, 14, 150):
        (placed,) = layout_bubbles(panel_with(Bubble(text=" ".join(["word"] * words))), SIZE)
        left, _top, right, _bottom = placed.footprint.bounds
        sizes.append(placed.font_size)
        widths.append(right - left)
    assert sizes[:3] == [wanted] * 3  # grown, not shrunk
    assert widths[0] < widths[1] < widths[2]
    assert round(wanted * MIN_SIZE_FRACTION) <= sizes[3] < wanted  # too long for the largest bubble: smaller text


def test_a_thought_far_wider_than_high_still_gets_a_cloud():
    # Next to no height and the whole panel wide: the bumps are bounded instead of one per sliver of a pixel.
    flat = Bubble(kind=BubbleKind.THOUGHT, text="a", x=0.5, y=0.5, width=1.0, height=1e-300, font_size=1)
    try:
        (placed,) = layout_bubbles(panel_with(flat), SIZE)
    except LetteringError as error:  # too small for its text: said so, naming the bubble
        assert "bubble 1" in str(error)
    else:
        assert placed.outline is not None and placed.outline.area > 0
