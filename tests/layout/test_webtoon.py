"""The webtoon strip: panels at the inner width, aspect kept, gutters and margins on the background."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from stripstudio.domain import Layout
from stripstudio.layout import LayoutError, PanelArt, build_strip, webtoon
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


class CountingArt(Sequence[PanelArt]):
    """A lazy sequence of panels (as the exporter's lettered panels are): records every read."""

    def __init__(self, count: int, size: tuple[int, int]) -> None:
        self.count, self.size, self.reads = count, size, []

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):
        indices = range(self.count)[index]
        if isinstance(index, int):
            indices = [indices]
        self.reads.append(list(indices))
        made = [PanelArt(f"p{i + 1}", Image.new("RGB", self.size, (i, 0, 0))) for i in indices]
        return made if isinstance(index, slice) else made[0]


def test_a_lazy_sequence_is_read_once_a_few_panels_at_a_time():
    panels = CountingArt(20, (200, 100))
    strip = build_strip(panels, Layout(width=200, margin=0, gutter=0))
    assert [len(read) for read in panels.reads] == [8, 8, 4]
    assert [i for read in panels.reads for i in read] == list(range(20))
    assert strip.image.size == (200, 2000)
    assert [rect.y for rect in strip.panels] == list(range(0, 2000, 100))
    assert strip.image.getpixel((0, 1950)) == (19, 0, 0)


def test_a_strip_past_the_pixel_budget_is_refused_before_every_panel_is_read(monkeypatch):
    monkeypatch.setattr(webtoon, "MAX_STRIP_PIXELS", 200 * 1000)  # ten panels of 200 x 100
    panels = CountingArt(40, (200, 100))
    with pytest.raises(LayoutError, match="at panel 11: export the comic as episodes") as caught:
        build_strip(panels, Layout(width=200, margin=0, gutter=0))
    assert caught.value.setting == "panels"
    assert len(panels.reads) == 2  # the panels of two slices, not all forty
    assert build_strip(CountingArt(10, (200, 100)), Layout(width=200, margin=0, gutter=0)).image.size == (200, 1000)
