"""The lettering editor in Chromium shows what the export draws: for a bubble of every kind, the editor's
canvas, rendered at the export's size, covers the same pixels as the exported picture's lettering, within a
few pixels, in the panel's page frame. Keyboard moves and the new lettering views are shown at a desktop's
and a tablet's size."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import Page, expect
from shapely.geometry import MultiPoint, box

from tests.e2e.test_author_loop import JOB_TIMEOUT, SAVE_TIMEOUT, api_get, api_send, create_comic, draw, sign_up

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)

TOLERANCE = 3  # pixels between the editor's drawing and the export's
PAGE = {"mode": "pages", "page": {"paper": "A4", "dpi": 72, "preset": "two-stacked"}}
BUBBLES = [
    {"kind": "speech", "text": "Hello there!", "speaker": "Mia", "x": 0.2, "y": 0.22, "tail_x": 0.22, "tail_y": 0.65},
    {"kind": "thought", "text": "Hmm...", "speaker": "Leo", "x": 0.5, "y": 0.2, "tail_x": 0.5, "tail_y": 0.6},
    {"kind": "shout", "text": "STOP!", "x": 0.8, "y": 0.25, "fill": "#ffe0e0", "border_color": "#aa0000"},
    {"kind": "whisper", "text": "psst", "speaker": "Mia", "x": 0.15, "y": 0.75, "tail_x": 0.05, "tail_y": 0.45},
    {"kind": "caption", "text": "Later. Позже, αύριο.", "x": 0.5, "y": 0.85, "italic": True, "bold": True},
    {"kind": "sfx", "text": "BAM", "x": 0.8, "y": 0.7, "rotation": 25, "font_size": 60},
]

# The editor's lettering alone (the picture layer hidden, nothing selected), at the exported frame's size.
RENDER_LETTERING = """(exportWidth) => {
  const stage = window.Konva.stages.find((s) => s.container().closest('[data-testid="lettering-canvas"]'));
  const others = ['.picture-layer', '.mask-layer', '.outpaint-layer'].flatMap((name) => stage.find(name));
  const frame = stage.findOne('.frame');
  others.forEach((n) => n.hide());
  const at = frame.getAbsolutePosition();
  const url = stage.toDataURL({ x: at.x, y: at.y, width: frame.width(), height: frame.height(),
                                pixelRatio: exportWidth / frame.width() });
  others.forEach((n) => n.show());
  return url;
}"""

# True once the job at ``url`` has ended: each poll reads the status the previous one fetched and fetches again.
JOB_ENDED = """(url) => {
  const job = (window.__job ??= { status: null, busy: false });
  if (!job.busy) {
    job.busy = true;
    fetch(url).then((r) => r.json()).then((j) => { job.status = j.status; }).finally(() => { job.busy = false; });
  }
  return ["succeeded", "failed", "cancelled"].includes(job.status);
}"""

DRAWN = """(count) => {
  const stage = window.Konva.stages.find((s) => s.container().closest('[data-testid="lettering-canvas"]'));
  return !!stage && stage.find((n) => n.name().startsWith('bubble-drawing-')).length === count;
}"""


def picture_of(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as opened:
        return opened.convert("RGBA")


def lettered_png(page: Page, panel_id: int) -> np.ndarray:
    answer = page.request.get(f"/api/panels/{panel_id}/lettered")
    assert answer.ok, answer.text()
    return np.asarray(picture_of(answer.body()).convert("RGB")).astype(int)


def coverage(outer: np.ndarray, inner: np.ndarray) -> float:
    """The share of ``inner``'s pixels within TOLERANCE pixels of ``outer``'s."""
    grown = Image.fromarray(outer.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(2 * TOLERANCE + 1))
    return float((np.asarray(grown) > 0)[inner].sum() / max(1, inner.sum()))


def region_mask(bubble: dict, size: tuple[int, int]) -> np.ndarray:
    """Where one bubble is drawn: its box and tail tips, grown by a little."""
    left, top, right, bottom = bubble["box"]
    corners = [(left * size[0], top * size[1]), (right * size[0], bottom * size[1])]
    tips = [(x * size[0], y * size[1]) for x, y in bubble["tail_tips"]]
    hull = MultiPoint(
        [*corners, (left * size[0], bottom * size[1]), (right * size[0], top * size[1]), *tips]
    ).convex_hull
    area = hull if hull.geom_type == "Polygon" else box(*hull.bounds)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon(list(area.buffer(2 * TOLERANCE).exterior.coords), fill=255)
    return np.asarray(mask) > 0


def inner_mask(bubble: dict, size: tuple[int, int]) -> np.ndarray:
    """Inside the bubble's outline, clear of its border."""
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).polygon([(x * size[0], y * size[1]) for x, y in bubble["outline"]], fill=255)
    band = round(bubble["outline_width"] * size[0]) + 3
    return np.asarray(mask.filter(ImageFilter.MinFilter(2 * band + 1))) > 0


def rgb(color: str) -> tuple[int, int, int]:
    return (int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16))


def make_panel(page: Page, author: str) -> tuple[int, int]:
    """A comic in a page layout with Mia and Leo and one panel drawn by the tiny model and picked."""
    sign_up(page, author)
    comic = create_comic(page, "Every kind")
    small = {"steps": 2, "width": 128, "height": 128, "candidates": 1}
    api_send(page, "PATCH", f"/api/comics/{comic}", {"generation": small, "layout": PAGE})
    for name in ("Mia", "Leo"):
        api_send(page, "POST", f"/api/comics/{comic}/characters", {"name": name, "description": f"{name}, smiling"})
    panel = api_send(
        page, "POST", f"/api/comics/{comic}/panels", {"description": "two friends", "characters": ["Mia", "Leo"]}
    )
    job = api_send(page, "POST", f"/api/panels/{panel['id']}/generate", {})
    page.wait_for_function(
        JOB_ENDED,
        arg=f"/api/jobs/{job['id']}",
        polling=500,
        timeout=JOB_TIMEOUT,
    )
    assert api_get(page, f"/api/jobs/{job['id']}")["status"] == "succeeded"
    (image,) = api_get(page, f"/api/panels/{panel['id']}/images")
    api_send(page, "POST", f"/api/images/{image['id']}/pick", {})
    return comic, panel["id"]


def open_lettering(page: Page, comic: int, panel: int) -> None:
    """The panel's canvas with its lettering layer active (the layer it opens on)."""
    page.goto(f"/comics/{comic}/panels/{panel}")
    page.get_by_role("tab", name="Canvas").click()
    expect(page.get_by_test_id("layer-lettering")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_test_id("lettering-canvas")).to_be_visible()


def test_the_editor_draws_every_kind_as_the_export_does(page: Page, shoot):
    comic, panel = make_panel(page, "lena")
    plain = lettered_png(page, panel)  # no bubbles yet: the picture in its frame
    for bubble in BUBBLES:
        api_send(page, "POST", f"/api/panels/{panel}/bubbles", bubble)
    lettering = api_get(page, f"/api/panels/{panel}/lettering")
    size = (lettering["width"], lettering["height"])
    assert lettering["framed"] and plain.shape[:2] == (size[1], size[0])

    open_lettering(page, comic, panel)
    page.wait_for_function(DRAWN, arg=len(BUBBLES))
    expect(page.get_by_test_id("lettering-canvas")).to_have_attribute("data-fonts", "loaded")
    url = page.evaluate(RENDER_LETTERING, size[0])
    editor = picture_of(base64.b64decode(url.split(",", 1)[1])).resize(size)
    drawn = np.asarray(editor)[:, :, 3] > 128
    lettered = lettered_png(page, panel)
    exported = np.abs(lettered - plain).sum(axis=2) > 40
    results, letters = {}, {}
    for bubble in lettering["bubbles"]:
        where = region_mask(bubble, size)
        mine, theirs = drawn & where, exported & where
        assert theirs.sum() > 200, bubble["kind"]  # the export drew it
        results[bubble["kind"]] = (coverage(mine, theirs), coverage(theirs, mine))
        if bubble["outline"]:  # the letters inside the body: same font, size, line breaks, slant and place
            inside = inner_mask(bubble, size)
            ink = np.array(rgb(bubble["text_color"]))
            mine = np.abs(np.asarray(editor)[:, :, :3].astype(int) - ink).sum(axis=2)
            theirs = np.abs(lettered - ink).sum(axis=2)
            # Each one's clearly inked pixels lie near the other's inked ones (anti-aliasing differs a little).
            strong, faint = 150, 400
            assert ((theirs < strong) & inside).sum() > 20, bubble["kind"]
            letters[bubble["kind"]] = (
                coverage((mine < faint) & drawn & inside, (theirs < strong) & inside),
                coverage((theirs < faint) & inside, (mine < strong) & drawn & inside),
            )
    assert set(results) == {b["kind"] for b in BUBBLES}
    low = {kind: pair for kind, pair in results.items() if min(pair) < 0.97}
    assert low == {}, results
    low_letters = {kind: pair for kind, pair in letters.items() if min(pair) < 0.97}
    assert low_letters == {}, letters
    print("editor vs export coverage (editor in export, export in editor):", results, "letters:", letters)
    shoot(page, "lettering-every-kind")


def drag_outpaint_frame(page: Page) -> None:
    """Drag the outpaint frame's right handle a fifth of the picture further right."""
    handle = page.evaluate(
        """() => {
          const stage = window.Konva.stages.find((s) => s.container().closest('[data-layer="outpaint"]'));
          const anchor = stage.findOne('.middle-right');
          const at = anchor.getAbsolutePosition();
          const box = stage.container().getBoundingClientRect();
          const frame = stage.findOne('.frame');
          const step = frame.width() / 5;
          return { x: box.left + at.x + anchor.width() / 2, y: box.top + at.y + anchor.height() / 2, step };
        }"""
    )
    page.mouse.move(handle["x"], handle["y"])
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(handle["x"] + handle["step"] * k / 8, handle["y"])
    page.mouse.up()


# Where a screen point lies on the picture as the canvas draws it (picture pixels, through Konva's transforms).
PICTURE_AT = """([x, y]) => {
  const stage = window.Konva.stages.find((s) => s.container().closest('[data-testid="mask-canvas"]'));
  const image = stage.findOne((n) => n.getClassName() === 'Image');
  const box = stage.container().getBoundingClientRect();
  const local = image.getAbsoluteTransform().copy().invert().point({ x: x - box.left, y: y - box.top });
  const per = image.image().naturalWidth / image.width();
  return [local.x * per, local.y * per];
}"""

# The screen point of a fraction of the picture as drawn.
SCREEN_AT = """([fx, fy]) => {
  const stage = window.Konva.stages.find((s) => s.container().closest('[data-testid="mask-canvas"]'));
  const image = stage.findOne((n) => n.getClassName() === 'Image');
  const box = stage.container().getBoundingClientRect();
  const at = image.getAbsoluteTransform().point({ x: fx * image.width(), y: fy * image.height() });
  return [box.left + at.x, box.top + at.y];
}"""

ZOOM_IS = (
    """([id, zoom]) => Math.abs(Number(document.querySelector(`[data-testid="${id}"]`).dataset.zoom) - zoom) < 1e-3"""
)

ZOOMED_PAST = """([id, zoom]) => Number(document.querySelector(`[data-testid="${id}"]`).dataset.zoom) > zoom"""

# The screen centre of the first bubble's box, the stage's zoom and the frame's width (view pixels).
BUBBLE_AT = """() => {
  const stage = window.Konva.stages.find((s) => s.container().closest('[data-testid="lettering-canvas"]'));
  const bubble = stage.findOne('.bubble-box');
  const rect = bubble.getClientRect();
  const box = stage.container().getBoundingClientRect();
  const inside = rect.x > 0 && rect.y > 0 && rect.x + rect.width < box.width;
  return { x: box.left + rect.x + rect.width / 2, y: box.top + rect.y + rect.height / 2, scale: stage.scaleX(),
           width: stage.findOne('.frame').width(), inside };
}"""

LAST_STROKE_START = """() => {
  const key = Object.keys(localStorage).find((k) => k.startsWith('stripstudio:mask:'));
  const strokes = JSON.parse(localStorage.getItem(key)).strokes;
  return strokes[strokes.length - 1].points[0].slice(0, 2);
}"""


def paint_zoomed_in(page: Page, mask, shoot) -> None:
    """Zoom in about a point with ctrl + wheel, pan with the middle button, then paint: the stroke starts at the
    picture pixel under the pointer, as the zoomed canvas draws the picture."""
    fitted = float(mask.get_attribute("data-zoom"))
    anchor = page.evaluate(SCREEN_AT, [0.3, 0.6])
    before = page.evaluate(PICTURE_AT, anchor)
    page.mouse.move(*anchor)
    page.keyboard.down("Control")
    for _ in range(3):
        page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    zoom = fitted * 1.25**3  # a wheel notch zooms by a quarter
    page.wait_for_function(ZOOM_IS, arg=["mask-canvas", zoom])
    assert page.evaluate(PICTURE_AT, anchor) == pytest.approx(before, abs=0.05)  # zoomed about the pointer
    page.mouse.down(button="middle")
    page.mouse.move(anchor[0] - 40, anchor[1] - 30, steps=4)
    page.mouse.up(button="middle")
    panned = page.evaluate(PICTURE_AT, anchor)
    assert panned == pytest.approx([before[0] + 40 / zoom, before[1] + 30 / zoom], abs=0.05)
    strokes = int(mask.get_attribute("data-strokes"))
    target = (anchor[0] + 25, anchor[1] - 15)
    expected = page.evaluate(PICTURE_AT, list(target))
    page.mouse.move(*target)
    page.mouse.down()
    page.mouse.move(target[0] + 30, target[1] + 10, steps=5)
    page.mouse.up()
    expect(mask).to_have_attribute("data-strokes", str(strokes + 1))
    assert page.evaluate(LAST_STROKE_START) == pytest.approx(expected, abs=0.25)
    shoot(page, "canvas-mask-zoomed-desktop")
    page.keyboard.press("0")
    page.wait_for_function(ZOOM_IS, arg=["mask-canvas", fitted])


def drag_bubble_zoomed_in(page: Page, panel: int) -> None:
    """Zoom in with the + key and drag the bubble: it moves by the dragged screen distance over the zoom."""
    canvas = page.get_by_test_id("lettering-canvas")
    fitted = float(canvas.get_attribute("data-zoom"))
    page.keyboard.press("+")
    page.keyboard.press("+")
    page.wait_for_function(ZOOMED_PAST, arg=["lettering-canvas", fitted * 1.4])
    (before,) = api_get(page, f"/api/panels/{panel}/lettering")["bubbles"]
    at = page.evaluate(BUBBLE_AT)
    assert at["scale"] > 1.4 and at["inside"], at
    drag = (60, 25)
    page.mouse.move(at["x"], at["y"])
    page.mouse.down()
    page.mouse.move(at["x"] + drag[0], at["y"] + drag[1], steps=8)
    page.mouse.up()
    expect(page.get_by_test_id("lettering-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    (moved,) = api_get(page, f"/api/panels/{panel}/bubbles")
    # Snapping may shift the drop by up to its distance, which stays 6 screen pixels at any zoom.
    slack = 6.5 / at["scale"] / at["width"]
    assert moved["spec"]["x"] == pytest.approx(before["center"][0] + drag[0] / at["scale"] / at["width"], abs=slack)
    page.keyboard.press("0")
    page.wait_for_function(ZOOM_IS, arg=["lettering-canvas", fitted])


def test_keyboard_moves_and_the_canvas_layers_on_desktop_and_tablet(page: Page, shoot):
    comic, panel = make_panel(page, "kai")
    api_send(page, "POST", f"/api/panels/{panel}/bubbles", BUBBLES[0])
    open_lettering(page, comic, panel)
    page.wait_for_function(DRAWN, arg=1)
    before = api_get(page, f"/api/panels/{panel}/lettering")
    page.get_by_test_id("bubble-1").click()
    page.get_by_test_id("lettering-canvas").focus()
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_test_id("lettering-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    (moved,) = api_get(page, f"/api/panels/{panel}/bubbles")
    width = page.evaluate("""() => window.Konva.stages[0].findOne('.frame').width()""")
    assert moved["spec"]["x"] == pytest.approx(before["bubbles"][0]["center"][0] + 30 / width, abs=0.002)
    assert moved["spec"]["y"] > BUBBLES[0]["y"]
    shoot(page, "canvas-lettering-desktop")
    drag_bubble_zoomed_in(page, panel)
    # The other layers of the same canvas: the mask painted, the outpaint frame dragged past the right edge.
    page.get_by_test_id("layer-mask").click()
    mask = page.get_by_test_id("mask-canvas")
    draw(page, mask, [(0.4, 0.4), (0.5, 0.5), (0.6, 0.45)])
    expect(mask).to_have_attribute("data-strokes", "1")
    expect(page.get_by_test_id("inpaint")).to_be_enabled()
    paint_zoomed_in(page, mask, shoot)
    shoot(page, "canvas-mask-desktop")
    page.get_by_test_id("layer-outpaint").click()
    drag_outpaint_frame(page)
    expect(page.get_by_test_id("outpaint-right")).not_to_have_value("0")
    shoot(page, "canvas-outpaint-desktop")
    page.get_by_test_id("layer-picture-visible").click()  # hide the picture: the layers above stay
    shoot(page, "canvas-picture-hidden-desktop")
    page.get_by_test_id("layer-picture-visible").click()
    page.set_viewport_size({"width": 820, "height": 1180})
    page.get_by_test_id("layer-lettering").click()
    expect(page.get_by_test_id("lettering-canvas")).to_be_visible()
    page.get_by_test_id("bubble-1").click()
    page.get_by_test_id("lettering-canvas").scroll_into_view_if_needed()
    shoot(page, "canvas-lettering-tablet")
    page.get_by_test_id("layer-mask").click()
    shoot(page, "canvas-mask-tablet")
