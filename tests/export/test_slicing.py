"""Where slices are cut: between panels, inside a panel only if it is taller than a slice may be."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stripstudio.domain import Layout
from stripstudio.export import plan_slices, scale_strip
from stripstudio.layout import build_strip
from tests.layout.pictures import art


@st.composite
def strips(draw):
    """(height, panel spans, max_height) of a random strip: panels, gutters and margins."""
    margin = draw(st.integers(0, 50))
    gutter = draw(st.integers(0, 80))
    heights = draw(st.lists(st.integers(1, 3000), min_size=1, max_size=20))
    spans, y = [], margin
    for height in heights:
        spans.append((y, y + height))
        y += height + gutter
    return y - gutter + margin, spans, draw(st.integers(100, 1500))


@given(strips())
def test_slices_cover_the_strip_in_order_within_the_limit(strip):
    height, spans, max_height = strip
    slices = plan_slices(height, spans, max_height)
    assert slices[0][0] == 0 and slices[-1][1] == height
    assert all(a[1] == b[0] for a, b in zip(slices, slices[1:], strict=False))
    assert all(0 < bottom - top <= max_height for top, bottom in slices)


@given(strips())
def test_no_cut_crosses_a_panel_that_fits_in_a_slice(strip):
    height, spans, max_height = strip
    cuts = [top for top, _ in plan_slices(height, spans, max_height)[1:]]
    for cut in cuts:
        for top, bottom in spans:
            if top < cut < bottom:
                assert bottom - top > max_height, (cut, top, bottom)


@given(strips())
def test_a_tall_panel_is_cut_no_more_often_than_it_must_be(strip):
    height, spans, max_height = strip
    cuts = [top for top, _ in plan_slices(height, spans, max_height)[1:]]
    for top, bottom in spans:
        inside = [cut for cut in cuts if top < cut < bottom]
        assert len(inside) <= (bottom - top - 1) // max_height


def test_cuts_fall_in_the_gutters():
    spans = [(0, 500), (540, 1040), (1080, 1580)]
    assert plan_slices(1580, spans, 1280) == [(0, 1080), (1080, 1580)]


def test_a_panel_taller_than_the_limit_is_cut_where_it_must_be():
    spans = [(0, 300), (340, 3000), (3040, 3300)]
    assert plan_slices(3300, spans, 1280) == [(0, 340), (340, 1620), (1620, 2900), (2900, 3300)]


def test_a_wide_strip_is_scaled_down_and_its_panels_with_it():
    strip = build_strip(art([(1600, 1000), (1600, 3000)]), Layout(width=1600, gutter=80, margin=40))
    scaled = scale_strip(strip, 800)
    assert scaled.image.size == (800, strip.height // 2)
    assert [(r.x, r.y, r.width, r.height) for r in scaled.panels] == [(20, 20, 760, 475), (20, 535, 760, 1425)]
    assert scale_strip(scaled, 800) is scaled
