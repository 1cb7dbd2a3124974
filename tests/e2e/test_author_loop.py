"""The browser studio end to end: a new author makes a two-panel comic with the tiny model and exports a CBZ.

Each step drives the real front end (built into the package) in Chromium against a live ``stripstudio serve``,
checks what the server stored through the API with the page's own cookies, and takes a screenshot
(test-output/e2e/<test>/NN-step.png). A second test uses a touch tablet's size: it sketches with a finger,
generates and picks by tapping, and checks that none of the main screens scrolls sideways.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.slow

JOB_TIMEOUT = 120_000  # ms: a job on a loaded 2-core CI machine (the first one also loads the model)
SAVE_TIMEOUT = 15_000  # ms: an autosave (debounce plus a PATCH)
TITLE = "Rooftop Tales"

# Assertions wait as long as actions (the context's 30 s), not Playwright's 5 s: CI machines can be slow.
expect.set_options(timeout=30_000)

# Records every state the job progress box shows (status, bar value, status text), one entry per change.
RECORD_PROGRESS = """() => {
  window.__progress = [];
  const record = () => {
    const box = document.querySelector('[data-testid="job-progress"]');
    if (!box) return;
    const bar = box.querySelector('[data-testid="job-progress-bar"]');
    const text = box.querySelector('[data-testid="job-status"]')?.textContent ?? "";
    const at = Math.round(performance.now());
    const entry = { status: box.dataset.status, value: bar ? bar.value : null, text, at };
    const last = window.__progress[window.__progress.length - 1];
    if (!last || last.status !== entry.status || last.value !== entry.value || last.text !== entry.text) {
      window.__progress.push(entry);
    }
  };
  window.__progressObserver?.disconnect();
  window.__progressObserver = new MutationObserver(record);
  const everything = { subtree: true, childList: true, attributes: true, characterData: true };
  window.__progressObserver.observe(document.body, everything);
  record();
}"""

# The page position of the lettering stage's tail tip (the Konva node named "tail-tip") and the frame's size.
TAIL_TIP = """() => {
  const stage = window.Konva.stages.find((s) => s.container().closest('[data-testid="lettering-canvas"]'));
  const tip = stage && stage.findOne('.tail-tip');
  if (!tip) return null;
  const at = tip.getAbsolutePosition();
  const box = stage.container().getBoundingClientRect();
  const frame = stage.findOne('.frame');
  return { x: box.left + at.x, y: box.top + at.y, width: frame.width(), height: frame.height() };
}"""


def test_author_makes_and_exports_a_comic(page: Page, shoot, tmp_path):
    """Sign up; style; a character with a sheet; two panels (sketch, generate, pick, inpaint, letter); reorder; CBZ."""
    sign_up(page, "ada")
    shoot(page, "signed-up")

    # A comic, with small generation defaults so the tiny model draws fast on a CPU.
    comic_id = create_comic(page, TITLE)
    expect(page.get_by_label("Comic title")).to_have_value(TITLE)
    shoot(page, "comic-created")

    # A new LoRA row waits for its name: nothing is saved and no error shows before anything is typed.
    page.get_by_test_id("section-style").click()
    page.get_by_role("button", name="Add LoRA").click()
    expect(page.get_by_label("Style LoRAs 1 name")).to_be_focused()
    expect(page.get_by_label("Style LoRAs 1 name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_test_id("style-save-status")).to_have_text("")
    shoot(page, "style-lora-row")
    page.get_by_role("button", name="Remove Style LoRAs 1").click()
    fill_generation_defaults(page, steps=3, size=128, candidates=3)
    expect(page.get_by_test_id("style-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    generation = api_get(page, f"/api/comics/{comic_id}")["spec"]["generation"]
    assert [generation[k] for k in ("steps", "width", "height", "candidates")] == [3, 128, 128, 3]
    shoot(page, "style-saved")

    # A character with a look and a locked seed.
    page.get_by_test_id("section-characters").click()
    page.get_by_label("New character name").fill("Mia")
    page.get_by_role("button", name="Add character").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Mia")
    page.get_by_test_id("character-description").fill("short red hair, green jacket, freckles")
    page.get_by_test_id("seed-lock").check()
    expect(page.get_by_label("Seed value")).not_to_have_value("")
    expect(page.get_by_test_id("character-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    (character,) = api_get(page, f"/api/comics/{comic_id}/characters")
    assert character["spec"]["description"] == "short red hair, green jacket, freckles"
    assert character["spec"]["seed"] is not None
    page.get_by_role("spinbutton", name="How many portraits").fill("2")
    run_job(page, lambda: page.get_by_test_id("character-sheet").click())
    expect(page.get_by_test_id("sheet-results").locator("img")).to_have_count(2)
    assert_pictures_load(page.get_by_test_id("sheet-results").locator("img"))
    shoot(page, "character")

    # Two panels; Mia is in the first.
    page.get_by_test_id("section-panels").click()
    for description in ["Mia waves from a rooftop at sunset", "A pigeon lands on the railing"]:
        page.get_by_label("New panel description").fill(description)
        page.get_by_role("button", name="Add panel").click()
        expect(page.get_by_label("New panel description")).to_have_value("")
    expect(page.get_by_test_id("panel-link-2")).to_be_visible()
    first, second = (p["id"] for p in api_get(page, f"/api/comics/{comic_id}/panels"))
    page.get_by_test_id("panel-link-1").click()
    expect(page.get_by_role("heading", name="Panel 1")).to_be_visible()
    page.get_by_role("tab", name="Scene & sketch").click()
    page.get_by_role("checkbox", name="Mia").check()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    assert api_get(page, f"/api/panels/{first}")["spec"]["characters"] == ["Mia"]
    shoot(page, "panels")

    # A rough sketch drawn with the mouse, saved to the panel.
    sketch = page.get_by_test_id("sketch-canvas")
    draw(page, sketch, [(0.2, 0.8), (0.35, 0.4), (0.5, 0.25), (0.65, 0.4), (0.8, 0.8)])
    expect(sketch).to_have_attribute("data-strokes", "1")
    draw(page, sketch, [(0.3, 0.6), (0.7, 0.6)])
    expect(sketch).to_have_attribute("data-strokes", "2")
    shoot(page, "sketch-drawn")
    page.get_by_test_id("save-sketch").click()
    expect(page.get_by_test_id("sketch-status")).to_have_text("Sketch saved", timeout=SAVE_TIMEOUT)
    expect(sketch).to_have_attribute("data-strokes", "0")
    assert api_get(page, f"/api/panels/{first}")["sketch"] is not None
    shoot(page, "sketch-saved")

    # Generate candidates and watch the progress arrive.
    page.get_by_role("tab", name="Generate").click()
    expect(page.get_by_test_id("candidate-count")).to_have_value("3")  # the comic's "Candidates per panel"
    seen = run_job(page, lambda: page.get_by_test_id("generate").click())
    assert_progress_shown(seen)
    grid = page.get_by_test_id("candidate-grid")
    expect(grid.get_by_test_id("candidate")).to_have_count(3)
    assert_pictures_load(grid.locator("img"))
    shoot(page, "generated")

    pick(page, grid, 1)
    picked = api_get(page, f"/api/panels/{first}")["picked_image"]
    assert picked is not None
    expect(page.get_by_test_id("panel-link-1").locator("img")).to_be_visible()
    shoot(page, "picked")

    # Paint a mask over part of the picked picture and inpaint it.
    page.get_by_role("tab", name="Canvas").click()
    page.get_by_test_id("layer-mask").click()  # the panel canvas, on its inpaint mask layer
    mask = page.get_by_test_id("mask-canvas")
    draw(page, mask, [(0.3, 0.3), (0.5, 0.45), (0.7, 0.3)])
    expect(mask).to_have_attribute("data-strokes", "1")
    page.get_by_test_id("inpaint-prompt").fill("a red baseball cap")
    shoot(page, "mask-painted")
    images_before = len(api_get(page, f"/api/panels/{first}/images"))
    run_job(page, lambda: page.get_by_test_id("inpaint").click())
    expect(page.get_by_test_id("candidate-grid").get_by_test_id("candidate")).to_have_count(2)
    images = api_get(page, f"/api/panels/{first}/images")
    assert len(images) == images_before + 2
    assert {i["id"] for i in images if i["picked"]} == {picked["id"]}
    assert_pictures_load(page.get_by_test_id("candidate-grid").locator("img"))
    page.get_by_test_id("candidate-grid").scroll_into_view_if_needed()
    shoot(page, "inpainted")

    # A speech bubble with new text; its tail tip dragged to a new spot.
    page.get_by_test_id("layer-lettering").click()  # the same canvas, on its lettering layer
    page.get_by_test_id("add-speech").click()
    expect(page.get_by_test_id("bubble-1")).to_be_visible()
    (bubble,) = api_get(page, f"/api/panels/{first}/bubbles")
    assert bubble["spec"]["x"] is not None  # placed in free space when added
    page.get_by_test_id("bubble-text").fill("Hi up there!")
    page.get_by_test_id("bubble-text").blur()
    expect(page.get_by_test_id("lettering-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    page.wait_for_function(f"() => !!({TAIL_TIP})()")
    tip = page.evaluate(TAIL_TIP)
    # The new bubble's tail points at its speaker until the author moves it.
    start = api_get(page, f"/api/panels/{first}/lettering")["bubbles"][0]["tail_tip"]
    shift = (0.3, 0.25)  # fractions of the frame: right and down
    target = (tip["x"] + shift[0] * tip["width"], tip["y"] + shift[1] * tip["height"])
    bubble_url = f"/api/bubbles/{bubble['id']}"
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(bubble_url)) as answer:
        page.mouse.move(tip["x"], tip["y"])
        page.mouse.down()
        for k in range(1, 9):
            page.mouse.move(tip["x"] + (target[0] - tip["x"]) * k / 8, tip["y"] + (target[1] - tip["y"]) * k / 8)
        page.mouse.up()
    assert answer.value.ok, answer.value.text()
    (moved,) = api_get(page, f"/api/panels/{first}/bubbles")
    assert moved["spec"]["text"] == "Hi up there!"
    assert moved["spec"]["tail_x"] == pytest.approx(start[0] + shift[0], abs=0.02)
    assert moved["spec"]["tail_y"] == pytest.approx(start[1] + shift[1], abs=0.02)
    placed = api_get(page, f"/api/panels/{first}/lettering")["bubbles"][0]
    assert placed["tail_tip"] == pytest.approx([moved["spec"]["tail_x"], moved["spec"]["tail_y"]])
    # "Saved" once the server's new outline (with the moved tail) is drawn.
    expect(page.get_by_test_id("lettering-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    shoot(page, "lettered")
    page.get_by_label("Show the exported picture").check()
    assert_pictures_load(page.get_by_test_id("lettered-image"))
    shoot(page, "lettered-export")

    # The second panel: generate and pick.
    page.get_by_test_id("panel-link-2").click()
    expect(page.get_by_role("heading", name="Panel 2")).to_be_visible()
    page.get_by_role("tab", name="Generate").click()
    page.get_by_test_id("candidate-count").fill("2")
    expect(page.get_by_test_id("generate")).to_have_text("Generate 2 candidates")
    run_job(page, lambda: page.get_by_test_id("generate").click())
    grid = page.get_by_test_id("candidate-grid")
    expect(grid.get_by_test_id("candidate")).to_have_count(2)
    pick(page, grid, 2)
    assert api_get(page, f"/api/panels/{second}")["picked_image"] is not None
    shoot(page, "second-panel")

    # Reorder by drag and drop on the strip page.
    page.get_by_test_id("section-strip").click()
    expect(page.get_by_test_id("order-item-2")).to_have_attribute("data-panel-id", str(second))
    with page.expect_response(lambda r: r.request.method == "PUT" and r.url.endswith("/panels/order")) as answer:
        page.get_by_test_id("order-item-1").drag_to(page.get_by_test_id("order-item-2"))
    assert answer.value.ok, answer.value.text()
    assert [p["id"] for p in api_get(page, f"/api/comics/{comic_id}/panels")] == [second, first]
    expect(page.get_by_test_id("order-item-1")).to_have_attribute("data-panel-id", str(second))
    shoot(page, "reordered")

    # Export a CBZ and download it.
    expect(page.get_by_test_id("export-cbz")).to_be_checked()
    run_job(page, lambda: page.get_by_test_id("export").click())
    with page.expect_download() as download:
        page.get_by_test_id("download-cbz").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    shoot(page, "exported")
    check_cbz(path, TITLE)


def test_tablet_screens_fit(browser, studio_url, shoot):
    """At 820×1180 with touch: sketch with a finger, generate and pick by tapping; no screen scrolls sideways."""
    context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True, base_url=studio_url)
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        sign_up(page, "tablet")
        page.get_by_label("Title", exact=True).fill("Tablet comic")
        page.get_by_test_id("create-comic").tap()
        page.wait_for_url(re.compile(r"/comics/\d+"))
        comic_id = int(re.search(r"/comics/(\d+)", page.url).group(1))
        generation = {"steps": 2, "width": 128, "height": 128, "candidates": 1}
        api_send(page, "PATCH", f"/api/comics/{comic_id}", {"generation": generation})
        api_send(page, "POST", f"/api/comics/{comic_id}/characters", {"name": "Mia"})
        panel = {"description": "Mia reads on a bench", "characters": ["Mia"]}
        api_send(page, "POST", f"/api/comics/{comic_id}/panels", panel)

        page.get_by_role("link", name="stripstudio").tap()
        expect(page.get_by_role("link", name="Open Tablet comic")).to_be_visible()
        assert_fits(page, "dashboard")
        shoot(page, "dashboard")

        page.get_by_role("link", name="Open Tablet comic").tap()
        expect(page.get_by_test_id("panel-link-1")).to_be_visible()
        page.get_by_role("tab", name="Scene & sketch").tap()
        sketch = page.get_by_test_id("sketch-canvas")
        touch_draw(page, sketch, [(0.2, 0.7), (0.5, 0.3), (0.8, 0.7)])
        expect(sketch).to_have_attribute("data-strokes", "1")
        assert_fits(page, "scene and sketch")
        shoot(page, "panel-scene")

        page.get_by_role("tab", name="Generate").tap()
        run_job(page, lambda: page.get_by_test_id("generate").tap())
        grid = page.get_by_test_id("candidate-grid")
        expect(grid.get_by_test_id("candidate")).to_have_count(1)
        with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/pick")):
            grid.get_by_role("button", name="Pick candidate 1").tap()
        assert_fits(page, "generate")
        shoot(page, "panel-generate")

        page.get_by_role("tab", name="Canvas").tap()
        page.get_by_test_id("layer-mask").tap()
        expect(page.get_by_test_id("mask-canvas")).to_be_visible()
        assert_fits(page, "inpaint")
        shoot(page, "panel-inpaint")

        page.get_by_test_id("layer-lettering").tap()
        page.get_by_test_id("add-speech").tap()
        expect(page.get_by_test_id("bubble-1")).to_be_visible()
        expect(page.get_by_test_id("lettering-canvas")).to_be_visible()
        assert_fits(page, "lettering")
        shoot(page, "panel-lettering")

        for section, ready in [
            ("characters", lambda: page.get_by_test_id("character-description")),
            ("style", lambda: page.get_by_label("Steps", exact=True)),
            ("strip", lambda: page.get_by_test_id("strip-preview").locator("img")),
        ]:
            page.get_by_test_id(f"section-{section}").tap()
            expect(ready()).to_be_visible()
            assert_fits(page, section)
            shoot(page, section)
    finally:
        context.close()


def sign_up(page: Page, username: str) -> None:
    """Create an account through the sign-up form (the server starts with nobody signed in)."""
    page.goto("/")
    page.get_by_role("button", name="Create an account").click()
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("a long enough password 42")
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page.get_by_test_id("current-user")).to_have_text(username)


def create_comic(page: Page, title: str) -> int:
    """Create a comic from the dashboard and return its id (the page then shows the comic)."""
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_test_id("create-comic").click()
    page.wait_for_url(re.compile(r"/comics/\d+"))
    return int(re.search(r"/comics/(\d+)", page.url).group(1))


def fill_generation_defaults(page: Page, steps: int, size: int, candidates: int) -> None:
    """Small generation defaults in the open style section, so the tiny model draws fast on a CPU."""
    fields = [("Steps", steps), ("Width (px)", size), ("Height (px)", size), ("Candidates per panel", candidates)]
    for label, value in fields:
        page.get_by_label(label, exact=True).fill(str(value))


def api_get(page: Page, path: str):
    """GET an API path with the page's session; the JSON answer."""
    answer = page.request.get(path)
    assert answer.ok, f"GET {path}: {answer.status} {answer.text()}"
    return answer.json()


def api_send(page: Page, method: str, path: str, body: dict):
    """POST/PATCH JSON with the page's session and CSRF token; the JSON answer."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.fetch(path, method=method, data=body, headers={"X-CSRFToken": token})
    assert answer.ok, f"{method} {path}: {answer.status} {answer.text()}"
    return answer.json()


def draw(page: Page, canvas: Locator, points: list[tuple[float, float]]) -> None:
    """One mouse stroke through ``points`` (fractions of the canvas box)."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box, "the canvas is not laid out"
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(at, at[1:], strict=False):
        for k in range(1, 6):
            page.mouse.move(x0 + (x1 - x0) * k / 5, y0 + (y1 - y0) * k / 5)
    page.mouse.up()


def touch_draw(page: Page, canvas: Locator, points: list[tuple[float, float]]) -> None:
    """One finger stroke through ``points`` (fractions of the canvas box), as touch input through CDP."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box, "the canvas is not laid out"
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": at[0][0], "y": at[0][1]}]})
        for (x0, y0), (x1, y1) in zip(at, at[1:], strict=False):
            for k in range(1, 6):
                point = {"x": x0 + (x1 - x0) * k / 5, "y": y0 + (y1 - y0) * k / 5}
                cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()


def run_job(page: Page, start) -> list[dict]:
    """Start a job with ``start()`` and wait until its progress box ends; the states it showed on the way."""
    page.evaluate(RECORD_PROGRESS)
    start()
    box = page.get_by_test_id("job-progress")
    expect(box).to_be_visible()
    page.wait_for_function(
        """() => {
          const seen = window.__progress || [];
          const box = document.querySelector('[data-testid="job-progress"]');
          return seen.some((e) => e.status !== "succeeded") && box &&
            ["succeeded", "failed", "cancelled"].includes(box.dataset.status);
        }""",
        timeout=JOB_TIMEOUT,
    )
    seen = page.evaluate("() => window.__progress")
    status = box.get_attribute("data-status")
    assert status == "succeeded", f"the job ended {status}: {box.get_by_test_id('job-status').text_content()}"
    return seen


def pick(page: Page, grid: Locator, n: int) -> None:
    """Pick candidate ``n`` of ``grid`` and wait until the server has it (the badge shows before it answers)."""
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/pick")) as answer:
        grid.get_by_role("button", name=f"Pick candidate {n}").click()
    assert answer.value.ok, answer.value.text()
    expect(grid.get_by_test_id("candidate").nth(n - 1).get_by_text("Picked")).to_be_visible()


def assert_pictures_load(pictures: Locator) -> None:
    """Every <img> that ``pictures`` matches has loaded a picture (none broken, none still empty)."""
    expect(pictures.first).to_be_visible()
    pictures.page.wait_for_function(
        "(imgs) => imgs.every((i) => i.complete && i.naturalWidth > 0)", arg=pictures.element_handles()
    )


def assert_progress_shown(seen: list[dict]) -> None:
    """The box went through a running state (a step counter or a moving bar) before it said succeeded."""
    statuses = [e["status"] for e in seen]
    assert statuses[-1] == "succeeded", seen
    running = [e for e in seen[:-1] if e["status"] == "running"]
    assert running, f"no running state was shown before the end: {seen}"
    values = [e["value"] for e in running]
    steps = [e["text"] for e in running if re.search(r"step \d+ of \d+", e["text"])]
    assert steps or len(set(values)) > 1, f"neither a step counter nor a moving bar: {seen}"


def assert_fits(page: Page, where: str) -> None:
    """Nothing on the page is wider than the viewport."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{where} scrolls sideways: {widths[0]} px wide in a {widths[1]} px window"


def check_cbz(path, title: str) -> None:
    """The CBZ holds numbered page images, and a ComicInfo.xml with the title and the right page count."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pages = sorted(n for n in names if re.fullmatch(r"\d{3}\.(png|jpg|jpeg|webp)", n))
        assert pages, f"no page images in {names}"
        assert "ComicInfo.xml" in names
        info = ElementTree.fromstring(archive.read("ComicInfo.xml"))
        fields = {element.tag.rsplit("}", 1)[-1]: (element.text or "") for element in info}
        assert fields["Title"] == title
        assert int(fields["PageCount"]) == len(pages)
        with Image.open(io.BytesIO(archive.read(pages[0]))) as picture:
            picture.load()
            assert picture.width > 0 and picture.height > 0
