"""Page-size bounds: a page too large to draw is refused where the layout is written, and an export
too many pixels in all is refused before any page is drawn, both naming the dpi and the limit."""

from __future__ import annotations

import pydantic
import pytest

from stripstudio.domain import Layout, PageLayout
from stripstudio.domain.layout import MAX_PAGE_PIXELS
from stripstudio.layout import MAX_EXPORT_PIXELS, LayoutError, check_page_budget, page_count, page_geometry
from stripstudio.script import ScriptError
from stripstudio.script.loader import load_comic_text


def test_a_1200_dpi_a4_page_is_refused_at_the_dpi_with_the_limit_and_the_fix():
    with pytest.raises(pydantic.ValidationError) as caught:
        PageLayout(paper="A4", dpi=1200)
    message = str(caught.value)
    assert "1200 dpi" in message and "146.1 megapixels" in message and "80-megapixel" in message
    assert "set dpi to 888 or less" in message
    assert (
        PageLayout(paper="A4", dpi=888).pixel_count()
        <= MAX_PAGE_PIXELS
        < PageLayout(paper="A4", dpi=888).pixel_count(889)
    )


def test_the_page_pixel_count_is_the_page_geometry_that_layout_draws():
    for paper in ("A4", "Letter", "B5"):
        page = PageLayout(paper=paper, dpi=600, bleed_mm=5)
        geometry = page_geometry(page)
        assert page.pixel_size() == (geometry.width, geometry.height)


def test_a_script_with_a_page_too_large_fails_at_load_naming_the_field():
    text = "title: Big\nlayout:\n  mode: pages\n  page: {dpi: 1200}\npanels:\n  - description: a roof\n"
    with pytest.raises(ScriptError) as caught:
        load_comic_text(text, "big.yaml")
    assert "layout.page" in str(caught.value) and "set dpi to" in str(caught.value)


def test_too_many_pages_together_are_refused_naming_the_dpi_and_how_many_pages_fit():
    layout = Layout(mode="pages", page=PageLayout(paper="A4", dpi=800, preset="single"))
    per_page = layout.page.pixel_count()
    fitting = MAX_EXPORT_PIXELS // per_page
    check_page_budget(fitting, layout)
    with pytest.raises(LayoutError) as caught:
        check_page_budget(fitting + 1, layout)
    assert caught.value.setting == "layout.page.dpi"
    assert (
        f"{fitting + 1} pages at 800 dpi" in caught.value.message and f"at most {fitting} pages" in caught.value.message
    )


def test_page_count_follows_the_grid():
    layout = Layout(mode="pages", page=PageLayout(preset="2x2"))
    assert [page_count(n, layout) for n in (1, 4, 5, 40)] == [1, 1, 2, 10]
