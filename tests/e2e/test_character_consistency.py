"""Character consistency in the browser on the tiny model: a reference image with its strength and
"face only" switch, a second character in a panel whose region box the author moves and resizes on the
canvas, the composed prompt, generation, and "fix faces" on a candidate. Screenshots at 1280×800 go to
test-output/e2e/<test>/."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import SAVE_TIMEOUT, api_get, create_comic, fill_generation_defaults, run_job, sign_up
from tests.faces.photos import astronaut

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)


def test_two_characters_with_a_reference_and_placed_regions(page: Page, shoot, tmp_path):
    sign_up(page, "grace")
    comic_id = create_comic(page, "Two friends")

    page.get_by_test_id("section-style").click()
    fill_generation_defaults(page, steps=3, size=128, candidates=2)
    expect(page.get_by_test_id("style-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)

    # Mia with a reference picture (a real photo), a stronger strength and "face only".
    page.get_by_test_id("section-characters").click()
    page.get_by_label("New character name").fill("Mia")
    page.get_by_role("button", name="Add character").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Mia")
    page.get_by_test_id("character-description").fill("girl, short red hair, freckles")
    reference = tmp_path / "mia-reference.png"
    astronaut().resize((128, 128)).save(reference)
    page.get_by_test_id("reference-upload").set_input_files(str(reference))
    expect(page.get_by_test_id("reference-thumbs").locator("img")).to_have_count(1)
    slider = page.get_by_test_id("reference-strength")
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")  # 60% -> 75% in steps of 5%
    expect(page.get_by_text("Reference strength: 75%")).to_be_visible()
    page.get_by_role("switch", name=re.compile("Face only")).check()
    expect(page.get_by_test_id("character-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    (mia,) = api_get(page, f"/api/comics/{comic_id}/characters")
    assert mia["spec"]["reference_strength"] == pytest.approx(0.75)
    assert mia["spec"]["reference_focus"] == "face"
    assert [a["name"] for a in mia["reference_images"]] == ["mia-reference.png"]
    shoot(page, "character-references")

    page.get_by_label("New character name").fill("Leo")
    page.get_by_role("button", name="Add character").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Leo")
    page.get_by_test_id("character-description").fill("boy, green cap")
    expect(page.get_by_test_id("character-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)

    # A panel with both: one box each, side by side, over the canvas.
    page.get_by_test_id("section-panels").click()
    page.get_by_label("New panel description").fill("two friends in a park")
    page.get_by_role("button", name="Add panel").click()
    expect(page.get_by_test_id("panel-link-1")).to_be_visible()
    (panel,) = api_get(page, f"/api/comics/{comic_id}/panels")
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Scene & sketch").click()
    page.get_by_role("checkbox", name="Mia", exact=True).check()
    page.get_by_role("checkbox", name="Leo", exact=True).check()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    expect(page.get_by_test_id("region-Leo")).to_contain_text("x 50%, y 0%, 50% × 100%")

    # Move Leo's box left by a tenth of the panel, then pull its bottom edge up by a fifth.
    canvas = page.get_by_test_id("region-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box
    at = lambda fx, fy: (box["x"] + fx * box["width"], box["y"] + fy * box["height"])  # noqa: E731
    panel_url = f"/api/panels/{panel['id']}"
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(panel_url)) as answer:
        drag(page, at(0.75, 0.5), at(0.65, 0.5))
    assert answer.value.ok, answer.value.text()
    expect(page.get_by_test_id("region-Leo")).to_contain_text("x 40%, y 0%, 50% × 100%")
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(panel_url)) as answer:
        drag(page, (at(0.65, 1)[0], box["y"] + box["height"] - 2), at(0.65, 0.8))
    assert answer.value.ok, answer.value.text()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    regions = {r["character"]: r for r in api_get(page, panel_url)["spec"]["regions"]}
    assert regions["Mia"]["box"] == pytest.approx([0, 0, 0.5, 1], abs=0.001)
    assert regions["Leo"]["box"] == pytest.approx([0.4, 0, 0.5, 0.8], abs=0.03)

    # The composed prompt: the shared scene, and each character's look in their own box.
    composed = page.get_by_test_id("composed-prompt")
    expect(composed.get_by_test_id("composed-base")).to_contain_text("two friends in a park")
    expect(composed.get_by_test_id("composed-base")).not_to_contain_text("red hair")
    expect(composed).to_contain_text("boy, green cap")
    expect(composed.get_by_test_id("composed-reference-Mia")).to_contain_text("strength 75%, face only")
    expect(composed).to_contain_text(re.compile(r"Leo \(x 40%, y 0%, 50% × (79|80|81)%\)"))
    composed.scroll_into_view_if_needed()
    shoot(page, "regions-and-composed-prompt")

    # Generate: the candidates carry the regions and Mia's reference in their metadata.
    page.get_by_role("tab", name="Generate").click()
    run_job(page, lambda: page.get_by_test_id("generate").click())
    grid = page.get_by_test_id("candidate-grid")
    expect(grid.get_by_test_id("candidate")).to_have_count(2)
    shoot(page, "generated")
    images = api_get(page, f"{panel_url}/images")
    drawn = page.request.get(images[0]["url"])
    request = json.loads(Image.open(io.BytesIO(drawn.body())).text["stripstudio"])
    assert [r["box"] for r in request["regions"]] == [
        pytest.approx(regions["Mia"]["box"]),
        pytest.approx(regions["Leo"]["box"]),
    ]
    assert "green cap" in request["regions"][1]["prompt"] and "green cap" not in request["prompt"]
    (reference_spec,) = request["reference_images"]
    assert reference_spec["strength"] == pytest.approx(0.75) and reference_spec["focus"] == "face"
    assert reference_spec["region"] == 0

    # "Fix faces" on a candidate adds a candidate drawn by face detail.
    run_job(page, lambda: grid.get_by_role("button", name="Fix faces of candidate 1").click())
    expect(page.get_by_test_id("candidate-grid").get_by_test_id("candidate")).to_have_count(1)
    assert len(api_get(page, f"{panel_url}/images")) == 3
    shoot(page, "faces-fixed")

    # "Always fix faces": for this panel, and for the whole comic.
    page.get_by_role("tab", name="Scene & sketch").click()
    page.get_by_test_id("panel-fix-faces").check()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    assert api_get(page, panel_url)["spec"]["fix_faces"] is True
    expect(page.get_by_test_id("composed-prompt")).to_contain_text("faces fixed after drawing")
    page.get_by_test_id("section-style").click()
    page.get_by_test_id("comic-fix-faces").check()
    expect(page.get_by_test_id("style-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    assert api_get(page, f"/api/comics/{comic_id}")["spec"]["generation"]["fix_faces"] is True
    page.get_by_test_id("comic-fix-faces").scroll_into_view_if_needed()
    shoot(page, "comic-fix-faces")


def drag(page: Page, start: tuple[float, float], end: tuple[float, float], steps: int = 8) -> None:
    """Press the mouse at ``start``, move to ``end`` in small steps, release."""
    page.mouse.move(*start)
    page.mouse.down()
    for k in range(1, steps + 1):
        page.mouse.move(start[0] + (end[0] - start[0]) * k / steps, start[1] + (end[1] - start[1]) * k / steps)
    page.mouse.up()
