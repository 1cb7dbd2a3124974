"""The webtoon strip: panels at the inner width, aspect kept, gutters and margins on the background."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from stripstudio.domain import Layout
from stripstudio.layout import LayoutError, PanelArt, build_strip
from tests.layout.pictures import art, speckled


def test_panels_are_stacked_with_gutters_and_margins_on_the_background():
    layout = Layout(width=400, gutter=30, margin=20, background="#102030")
    strip = build_strip(art([(380, 190), (190, 190), (760, 380)]), layout)

    assert [(r.panel_id, r.x, r.y, r.width, r.height) for r in strip.panels] == [
        ("p1", 20, 20, 360, 180),
        ("p2", 20, 230, 360, 360),
        ("p3", 20, 620, 360, 180),
    ]
    assert strip.image.size == (400, 20 + 180 + 30 + 360 + 30 + 180 + 20)
    pixels = np.asarray(strip.image)
    background = np.array([0x10, 0x20, 0x30])
    assert (pixels[:20] == background).all()
    assert (pixels[200:230] == background).all()
    assert (pixels[-20:] == background).all()
    assert (pixels[:, :20] == background).all() and (pixels[:, -20:] == background).all()


def test_a_panel_already_at_the_inner_width_is_pasted_unchanged():
    picture = speckled(800, 1000)
    strip = build_strip([PanelArt("a", picture)], Layout(width=800, margin=0))
    assert np.array_equal(np.asarray(strip.image), np.asarray(picture))


@settings(max_examples=40)
@given(
    sizes=st.lists(st.tuples(st.integers(8, 300), st.integers(8, 300)), min_size=1, max_size=6),
    width=st.integers(100, 600),
    margin=st.integers(0, 40),
    gutter=st.integers(0, 60),
)
def test_every_panel_keeps_its_aspect_ratio(sizes, width, margin, gutter):
    strip = build_strip(art(sizes), Layout(width=width, margin=margin, gutter=gutter))
    inner = width - 2 * margin
    for (source_w, source_h), rect in zip(sizes, strip.panels, strict=True):
        assert rect.width == inner and rect.x == margin
        # The height is the exact scaled height, rounded to a whole pixel.
        assert abs(rect.height - source_h * inner / source_w) <= 0.5 or rect.height == 1
    tops = [r.y for r in strip.panels]
    assert tops[0] == margin
    assert all(b.y - a.bottom == gutter for a, b in zip(strip.panels, strip.panels[1:], strict=False))
    assert strip.height == strip.panels[-1].bottom + margin


def test_transparent_pictures_show_the_background():
    picture = Image.new("RGBA", (100, 50), (0, 0, 0, 0))
    strip = build_strip([PanelArt("a", picture)], Layout(width=100, background="#ff8800"))
    assert strip.image.mode == "RGB"
    assert strip.image.getpixel((50, 25)) == (255, 136, 0)


def test_no_panels_is_an_error_that_says_what_to_do():
    with pytest.raises(LayoutError, match="add at least one panel"):
        build_strip([], Layout())


def test_a_margin_that_leaves_no_width_is_an_error_naming_the_setting():
    with pytest.raises(LayoutError) as caught:
        build_strip(art([(10, 10)]), Layout(width=100, margin=50))
    assert caught.value.setting == "layout.margin"
