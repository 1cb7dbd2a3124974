"""Printed pages: paper sizes, presets and custom grids, frames inside the margins, reading order."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from stripstudio.domain import GridCell, Layout, PageLayout
from stripstudio.layout import PRESETS, LayoutError, PanelArt, build_pages, mm_to_px, page_geometry
from tests.layout.pictures import art, marked

PAPER_SIZES_MM = {"A4": (210, 297), "Letter": (215.9, 279.4), "B5": (182, 257)}


def pages_layout(**page) -> Layout:
    return Layout(mode="pages", page=PageLayout(**{"dpi": 100, **page}))


@pytest.mark.parametrize("paper", ["A4", "Letter", "B5"])
def test_the_page_is_the_trim_size_plus_bleed_on_every_side(paper):
    geometry = page_geometry(PageLayout(paper=paper, dpi=300, bleed_mm=3, margin_mm=10))
    width_mm, height_mm = PAPER_SIZES_MM[paper]
    assert geometry.trim.width == mm_to_px(width_mm, 300) and geometry.trim.height == mm_to_px(height_mm, 300)
    assert geometry.bleed == mm_to_px(3, 300) == 35
    assert geometry.width == geometry.trim.width + 70 and geometry.height == geometry.trim.height + 70
    assert (geometry.trim.x, geometry.trim.y) == (35, 35)
    margin = mm_to_px(10, 300)
    assert (geometry.live.x, geometry.live.y) == (35 + margin, 35 + margin)
    assert geometry.live.width == geometry.trim.width - 2 * margin


@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_places_frames_inside_the_margins_without_overlap_in_reading_order(preset):
    layout = pages_layout(preset=preset, paper="B5", margin_mm=12, bleed_mm=3, gutter_mm=4)
    per_page = len(PRESETS[preset].cells)
    panels = art([(200, 150)] * (per_page * 2 + 1))
    pages = build_pages(panels, layout)

    assert len(pages) == 3
    placed = [frame.panel_id for page in pages for frame in page.frames]
    assert placed == [p.panel_id for p in panels]
    live = pages[0].geometry.live
    gutter = pages[0].geometry.gutter
    for page in pages:
        assert page.image.size == (page.geometry.width, page.geometry.height)
        for frame in page.frames:
            assert live.x <= frame.x and frame.right <= live.x + live.width
            assert live.y <= frame.y and frame.bottom <= live.y + live.height
        for a, b in itertools.combinations(page.frames, 2):
            assert not a.overlaps(b)
            # Neighbouring frames are a gutter apart.
            gap = max(b.x - a.right, a.x - b.right, b.y - a.bottom, a.y - b.bottom)
            assert gap >= gutter - 1
    assert len(pages[-1].frames) == 1


def test_reading_order_goes_left_to_right_then_down():
    pages = build_pages(art([(100, 100)] * 4), pages_layout(preset="2x2"))
    frames = pages[0].frames
    assert frames[0].y == frames[1].y < frames[2].y == frames[3].y
    assert frames[0].x < frames[1].x and frames[2].x < frames[3].x


def test_manga_5_is_a_wide_top_frame_a_tall_frame_and_three_beside_it():
    layout = pages_layout(preset="manga-5", margin_mm=10, gutter_mm=0, bleed_mm=0)
    top, tall, wide, left, right = build_pages(art([(100, 100)] * 5), layout)[0].frames
    live = page_geometry(layout.page).live
    assert (top.x, top.width) == (live.x, live.width)
    assert tall.x == live.x and tall.y == top.bottom and tall.bottom == live.y + live.height
    assert wide.x == tall.right and wide.right == live.x + live.width and wide.y == tall.y
    assert left.x == tall.right and left.y == wide.bottom and right.x == left.right
    assert right.right == live.x + live.width and right.bottom == tall.bottom


def test_a_custom_grid_with_spans_fills_cells_in_the_order_listed():
    cells = [
        GridCell(row=0, column=0, column_span=3),
        GridCell(row=1, column=2, row_span=2),
        GridCell(row=1, column=0, column_span=2),
        GridCell(row=2, column=0),
    ]
    layout = pages_layout(rows=3, columns=3, cells=cells, gutter_mm=0, margin_mm=0, bleed_mm=0)
    page = build_pages(art([(100, 100)] * 4), layout)[0]
    banner, side, middle, corner = page.frames
    assert banner.width == page.image.width and banner.y == 0
    assert side.x > middle.x and abs(side.height - 2 * middle.height) <= 1
    assert corner.x == 0 and corner.y == middle.bottom and abs(2 * corner.width - middle.width) <= 1


def test_overlapping_custom_cells_are_an_error_naming_them():
    cells = [GridCell(row=0, column=0, column_span=2), GridCell(row=0, column=1)]
    with pytest.raises(LayoutError, match="cells 1 and 2 both cover row 0, column 1") as caught:
        build_pages(art([(10, 10)]), pages_layout(rows=1, columns=2, cells=cells))
    assert caught.value.setting == "layout.page.cells"


def test_an_unknown_preset_is_an_error_listing_the_known_ones():
    page = PageLayout.model_construct(**{**PageLayout().model_dump(), "preset": "4x4"})
    layout = Layout.model_construct(**{**Layout(mode="pages").model_dump(), "page": page})
    with pytest.raises(LayoutError, match="unknown page preset '4x4': use one of single, two-stacked") as caught:
        build_pages(art([(10, 10)]), layout)
    assert caught.value.setting == "layout.page.preset"


def test_gutters_too_wide_for_the_page_are_an_error():
    with pytest.raises(LayoutError, match="smaller gutter"):
        build_pages(art([(10, 10)]), pages_layout(preset="three-rows", gutter_mm=50, margin_mm=100))


def test_panels_are_cropped_around_their_focus_point_never_stretched():
    # A square picture in a wide frame: scaled to the frame's width, cropped top and bottom.
    focus = (0.5, 0.85)
    picture = marked(600, 600, focus, size=40)
    layout = pages_layout(preset="three-rows", margin_mm=0, bleed_mm=0, gutter_mm=0)
    page = build_pages([PanelArt("a", picture, *focus)], layout)[0]
    frame = page.frames[0]
    assert frame.width > frame.height
    pixels = np.asarray(page.image).astype(int)
    scale = frame.width / 600
    # The marker is at 85% of the picture's height; the window slid down to keep it in view.
    top = min(max(round(0.85 * 600 * scale - frame.height / 2), 0), round(600 * scale) - frame.height)
    marker_y = frame.y + round(0.85 * 600 * scale) - top
    assert frame.y <= marker_y < frame.bottom
    assert tuple(pixels[marker_y, frame.x + frame.width // 2]) == (255, 0, 0)
    # Not stretched: the marker is as wide as it is tall.
    red = (pixels[..., 0] > 200) & (pixels[..., 1] < 60)
    rows, columns = np.nonzero(red)
    assert abs((rows.max() - rows.min()) - (columns.max() - columns.min())) <= 2


def test_unused_frames_on_the_last_page_stay_background():
    layout = pages_layout(preset="2x2", bleed_mm=0)
    page = build_pages(art([(100, 100)]), layout)[0]
    assert len(page.frames) == 1
    pixels = np.asarray(page.image)
    assert (pixels[page.frames[0].bottom + 5 :] == 255).all()
