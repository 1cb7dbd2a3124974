"""A newcomer's first comic with the defaults: a style preset, a character, a panel, Generate — and a
picture on the first try, without clearing any field. Then the image viewer, the dark theme, a deep
link reloaded, and the same screens on a tablet (screenshots at 1280×800 and 820×1180)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import api_get, api_send, assert_fits, assert_pictures_load, run_job, sign_up

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)


SMALL = {"generation": {"steps": 2, "width": 128, "height": 128, "candidates": 2}}  # quick on a CPU


def first_panel(page: Page, comic_id: int) -> None:
    """What a newcomer does after creating a comic: a character, then a panel with the character in it."""
    page.get_by_test_id("section-characters").click()
    page.get_by_label("New character name").fill("Mia")
    page.get_by_role("button", name="Add character").click()
    page.get_by_test_id("character-description").fill("short red hair, green jacket")
    expect(page.get_by_test_id("character-save-status")).to_have_text("Saved", timeout=15_000)

    page.get_by_test_id("section-panels").click()
    page.get_by_label("New panel description").fill("Mia waves from a rooftop at sunset")
    page.get_by_role("button", name="Add panel").click()
    expect(page.get_by_role("heading", name="Panel 1")).to_be_visible()
    expect(page.get_by_role("tab", name="Scene & sketch")).to_have_attribute("aria-selected", "true")
    page.get_by_role("checkbox", name="Mia").check()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=15_000)


def generate_first(page: Page, comic_id: int):
    """Generate on the panel's Generate step; the grid of the two candidates, loaded."""
    page.get_by_role("tab", name="Generate").click()
    expect(page).to_have_url(re.compile(rf"/comics/{comic_id}/panels/\d+/generate$"))
    run_job(page, lambda: page.get_by_test_id("generate").click())
    grid = page.get_by_test_id("candidate-grid")
    expect(grid.get_by_test_id("candidate")).to_have_count(2)
    assert_pictures_load(grid.locator("img"))
    return grid


def test_a_newcomer_gets_a_picture_on_the_first_try(page: Page, shoot):
    sign_up(page, "newcomer")
    presets = page.get_by_label("Style preset").locator("option")
    expect(presets.nth(1)).to_be_attached()  # the presets arrive after the page: "(none)" alone until then
    preset = next(name for name in presets.all_text_contents() if not name.startswith("("))
    page.get_by_label("Title", exact=True).fill("My first comic")
    page.get_by_label("Style preset").select_option(label=preset)
    shoot(page, "dashboard")
    page.get_by_test_id("create-comic").click()
    page.wait_for_url(re.compile(r"/comics/\d+"))
    comic_id = int(re.search(r"/comics/(\d+)", page.url).group(1))
    assert api_get(page, f"/api/comics/{comic_id}")["spec"]["style"]["name"] == preset
    api_send(page, "PATCH", f"/api/comics/{comic_id}", SMALL)  # the preset's style is left as it came

    first_panel(page, comic_id)
    shoot(page, "panel-scene")
    generate_first(page, comic_id)
    shoot(page, "generated")


def test_the_viewer_the_themes_and_a_tablet(page: Page, shoot):
    sign_up(page, "viewer")
    page.get_by_label("Title", exact=True).fill("My first comic")
    page.get_by_test_id("create-comic").click()
    page.wait_for_url(re.compile(r"/comics/\d+"))
    comic_id = int(re.search(r"/comics/(\d+)", page.url).group(1))
    api_send(page, "PATCH", f"/api/comics/{comic_id}", SMALL)
    first_panel(page, comic_id)
    grid = generate_first(page, comic_id)
    shoot(page, "generated")

    # The viewer: full size, zoom, the arrow keys, compare, the settings that drew it.
    grid.get_by_role("button", name="View candidate 1 full size").click()
    viewer = page.get_by_test_id("image-viewer")
    expect(viewer.get_by_role("heading", level=2)).to_have_text("Candidate 1 of 2")
    expect(viewer.get_by_test_id("final-prompt")).to_contain_text("Mia waves from a rooftop at sunset")
    expect(viewer.get_by_test_id("final-prompt")).to_contain_text("short red hair")
    assert_pictures_load(viewer.get_by_test_id("viewer-pane").locator("img"))
    shoot(page, "viewer")
    fitted = viewer.get_by_test_id("zoom-level").text_content()
    viewer.get_by_role("button", name="Zoom in").click()
    expect(viewer.get_by_test_id("zoom-level")).not_to_have_text(fitted)
    viewer.get_by_role("button", name="100%").click()
    expect(viewer.get_by_test_id("zoom-level")).to_have_text("100%")
    page.keyboard.press("ArrowRight")
    expect(viewer.get_by_role("heading", level=2)).to_have_text("Candidate 2 of 2")
    viewer.get_by_role("button", name="Compare side by side").click()
    assert_pictures_load(viewer.get_by_test_id("viewer-compare-pane").locator("img"))
    shoot(page, "viewer-compare")
    viewer.get_by_role("button", name="Reuse these settings").click()
    expect(viewer.get_by_text(re.compile("^Settings copied to the panel"))).to_be_visible()
    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    (panel,) = api_get(page, f"/api/comics/{comic_id}/panels")
    (second,) = [i for i in api_get(page, f"/api/panels/{panel['id']}/images") if i["candidate"] == 1]
    assert panel["spec"]["seed"] == second["seed"] and panel["spec"]["steps"] == 2

    # Dark theme, remembered over a reload of the deep link.
    page.get_by_role("button", name="Theme").click()
    page.get_by_role("menuitemradio", name="Dark").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    page.reload()
    expect(page.get_by_role("tab", name="Generate")).to_have_attribute("aria-selected", "true")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert_pictures_load(page.get_by_test_id("history-grid").locator("img"))
    shoot(page, "dark-generate")
    page.get_by_test_id("history-grid").get_by_role("button", name="View candidate 1 full size").click()
    shoot(page, "dark-viewer")
    page.keyboard.press("Escape")
    page.get_by_role("link", name="stripstudio").click()
    expect(page.get_by_role("link", name="Open My first comic")).to_be_visible()
    shoot(page, "dark-dashboard")

    # The same screens on a tablet.
    page.set_viewport_size({"width": 820, "height": 1180})
    shoot(page, "tablet-dark-dashboard")
    page.get_by_role("button", name="Theme").click()
    page.get_by_role("menuitemradio", name="Light").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    page.get_by_role("link", name="Open My first comic").click()
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Generate").click()
    assert_pictures_load(page.get_by_test_id("history-grid").locator("img"))
    assert_fits(page, "generate")
    shoot(page, "tablet-generate")
    page.get_by_test_id("history-grid").get_by_role("button", name="View candidate 2 full size").click()
    expect(page.get_by_test_id("image-viewer")).to_be_visible()
    assert_fits(page, "viewer")
    shoot(page, "tablet-viewer")
    page.get_by_test_id("image-viewer").get_by_role("button", name="Compare side by side").click()
    shoot(page, "tablet-viewer-compare")
    page.keyboard.press("Escape")
    page.get_by_test_id("section-characters").click()
    expect(page.get_by_test_id("character-description")).to_be_visible()
    shoot(page, "tablet-characters")
