"""The shipped example comic in the browser: imported in one step (a zip of its folder), drawn whole with
"Generate all" on the tiny model, checked and exported; the new screens (comic details, the batch's
progress, character portraits, pages as they print, the dashboard's covers) shot at 1280×800 and 820×1180."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import api_get, api_send, assert_fits, assert_pictures_load, run_job, sign_up

pytestmark = pytest.mark.slow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "to-the-stars-and-back.yaml"
BATCH_TIMEOUT = 600_000  # ms: four panels, one after the other, on a loaded 2-core machine
SIZES = {"desktop": (1280, 800), "tablet": (820, 1180)}

expect.set_options(timeout=30_000)


def example_zip(tmp_path: Path) -> Path:
    """The example's folder as an author would zip it: the script and the sketch it names."""
    path = tmp_path / "to-the-stars-and-back.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(EXAMPLE, EXAMPLE.name)
        for sketch in (EXAMPLE.parent / "sketches").glob("*.png"):
            archive.write(sketch, f"sketches/{sketch.name}")
    return path


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the listbox ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_role("combobox", name=label)).to_have_text(option)


def shoot_both(page: Page, shoot, name: str, ready) -> None:
    """Screenshots at the desktop and the tablet size, each once ``ready()`` is visible and nothing scrolls sideways."""
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        expect(ready()).to_be_visible()
        assert_fits(page, f"{name} at {size}")
        shoot(page, f"{name}-{size}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_example_imports_and_generate_all_draws_every_panel(page: Page, shoot, tmp_path):
    sign_up(page, "whole-comic")
    page.get_by_test_id("import-file").set_input_files(str(example_zip(tmp_path)))
    expect(page.get_by_text("Imported “To the Stars and Back - episode 1”.")).to_be_visible()
    (comic,) = api_get(page, "/api/comics")
    comic_id = comic["id"]
    assert comic["panel_count"] == 4 and comic["spec"]["author"] == "after Peglo"
    # The tiny model at a small size and few steps, one candidate a panel: fast on a CPU.
    small = {"steps": 2, "width": 64, "height": 64, "candidates": 1}
    api_send(page, "PATCH", f"/api/comics/{comic_id}", {"generation": small, "layout": {"width": 320}})

    # Comic details: what the exports will say about the comic.
    page.goto(f"/comics/{comic_id}/details")
    choose(page, "Reading direction", "Right to left (manga)")
    choose(page, "Age rating", "Everyone 10+")
    page.get_by_label("Genre").fill("science fiction")
    expect(page.get_by_test_id("details-save-status")).to_have_text("Saved", timeout=15_000)
    shoot_both(page, shoot, "comic-details", lambda: page.get_by_test_id("comic-details"))

    # Generate all: one batch for the four panels, followed in one progress view.
    page.goto(f"/comics/{comic_id}/panels")
    page.get_by_test_id("generate-all-start").click()
    summary = page.get_by_test_id("batch-summary")
    expect(summary).to_contain_text("Drawing 4 panels")
    shoot(page, "generate-all-running")
    expect(summary).to_have_text("Finished: 4 of 4 done", timeout=BATCH_TIMEOUT)
    panels = api_get(page, f"/api/comics/{comic_id}/panels")
    assert all(panel["picked_image"] is not None for panel in panels), panels
    expect(page.locator(".panel-list img.mini")).to_have_count(4)
    assert_pictures_load(page.locator(".panel-list img.mini"))
    shoot_both(page, shoot, "generate-all-done", lambda: page.get_by_test_id("batch-progress"))

    # Character portraits stay in Leo's history; adopting one gives Leo its seed (his own seed unlocked first).
    (leo,) = api_get(page, f"/api/comics/{comic_id}/characters")
    api_send(page, "PATCH", f"/api/characters/{leo['id']}", {"seed": None})
    page.goto(f"/comics/{comic_id}/characters")
    page.get_by_role("spinbutton", name="How many portraits").fill("1")
    run_job(page, lambda: page.get_by_test_id("character-sheet").click())
    expect(page.get_by_test_id("sheet-results").locator("img")).to_have_count(1)
    page.get_by_role("button", name=re.compile(r"^Use the look of portrait 1 ")).click()
    expect(page.get_by_test_id("sheet-results").get_by_text("This look")).to_be_visible()
    (portrait,) = api_get(page, f"/api/characters/{leo['id']}/portraits")
    assert api_get(page, f"/api/characters/{leo['id']}")["spec"]["seed"] == portrait["seed"]
    shoot_both(page, shoot, "character-portraits", lambda: page.get_by_test_id("sheet-results"))

    # The strip renders, and the CBZ carries the comic's details.
    page.goto(f"/comics/{comic_id}/strip")
    strip = page.get_by_test_id("strip-preview").locator("img")
    expect(strip).to_have_count(4)
    assert_pictures_load(strip)
    run_job(page, lambda: page.get_by_test_id("export").click())
    with page.expect_download() as download:
        page.get_by_test_id("download-cbz").click()
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        info = ElementTree.fromstring(archive.read("ComicInfo.xml"))
    assert info.findtext("Writer") == "after Peglo" and info.findtext("Manga") == "YesAndRightToLeft"
    assert info.findtext("Genre") == "science fiction" and info.findtext("AgeRating") == "Everyone 10+"

    # Pages as they print: margin and bleed controls, the trim line, a focus point per panel.
    page_layout = {"mode": "pages", "width": 320, "page": {"dpi": 72, "preset": "2x2"}}
    api_send(page, "PATCH", f"/api/comics/{comic_id}", {"layout": page_layout})
    page.reload()
    preview = page.get_by_test_id("page-preview")
    expect(preview.get_by_role("img", name="Page 1 as it prints")).to_be_visible()
    assert_pictures_load(preview.get_by_role("img", name="Page 1 as it prints"))
    page.get_by_test_id("page-bleed").fill("5")
    expect(page.get_by_test_id("page-save-status")).to_have_text("Saved", timeout=15_000)
    assert api_get(page, f"/api/comics/{comic_id}")["spec"]["layout"]["page"]["bleed_mm"] == 5
    first = panels[0]
    focus = page.get_by_test_id(f"focus-{first['id']}")
    focus.scroll_into_view_if_needed()
    box = focus.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.75)
    page.wait_for_function(
        f"""async () => {{
          const panel = await (await fetch("/api/panels/{first["id"]}")).json();
          return panel.spec.focus_x === 0.25 && panel.spec.focus_y === 0.75;
        }}"""
    )
    # An export written before these changes is marked out of date.
    expect(page.get_by_test_id("export-out-of-date").first).to_be_visible()
    shoot_both(page, shoot, "pages-as-they-print", lambda: preview)

    # The dashboard card shows the first panel's picture as the cover.
    page.goto("/")
    cover = page.get_by_test_id("comic-cover")
    expect(cover).to_have_attribute("src", f"/api/images/{first['picked_image']['id']}/file")
    assert_pictures_load(cover)
    shoot_both(page, shoot, "dashboard-covers", lambda: cover)
