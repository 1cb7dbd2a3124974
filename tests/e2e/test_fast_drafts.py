"""Fast drafts in the browser: a comic switched to fast drafts draws a panel in the profile's few steps
with its LoRA (a tiny SDXL LoRA installed under the SDXL-Lightning file's name), and one Generate draws
the final with the comic's own steps. A profile whose LoRA is missing is refused at the Draft/Final
control, with the way to the profile settings. Screenshots at 1280×800 and 820×1180 go to
test-output/e2e/<test>/."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import (
    SAVE_TIMEOUT,
    api_get,
    assert_fits,
    create_comic,
    fill_generation_defaults,
    run_job,
    sign_up,
)
from tests.engines.diffusers.model_files import write_tiny_lora

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)

LIGHTNING = "sdxl_lightning_4step_lora.safetensors"  # the lightning profile's file (domain/fast.py)
COMIC_STEPS = 2


@pytest.fixture(scope="module")
def prepare_data_dir():
    """The loras model folder holds a tiny SDXL LoRA under the name of the lightning profile's file."""
    return lambda data_dir: write_tiny_lora(data_dir / "models" / "loras" / LIGHTNING, key_format="kohya", seed=3)


def test_a_panel_drawn_as_a_fast_draft_and_then_as_a_final(page: Page, shoot):
    sign_up(page, "flash")
    comic_id = create_comic(page, "Drafts")

    # The comic's settings: small defaults, fast drafts on, a profile whose LoRA is not installed.
    page.get_by_test_id("section-style").click()
    fill_generation_defaults(page, steps=COMIC_STEPS, size=64, candidates=1)
    page.get_by_role("switch", name="Fast drafts").click()
    page.get_by_role("radio", name="Hyper-SD, 8 steps").click()
    expect(page.get_by_test_id("fast-lora-status")).to_contain_text("is not in the model library")
    expect(page.get_by_test_id("style-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    generation = api_get(page, f"/api/comics/{comic_id}")["spec"]["generation"]
    assert (generation["fast"], generation["fast_profile"], generation["steps"]) == (True, "hyper", COMIC_STEPS)

    # A panel; its draft is refused at the Draft/Final control, which leads back to the profiles.
    page.get_by_test_id("section-panels").click()
    page.get_by_label("New panel description").fill("a cat naps on a roof")
    page.get_by_role("button", name="Add panel").click()
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Generate").click()
    expect(page.get_by_test_id("generate")).to_have_text("Generate 1 draft")
    page.get_by_test_id("generate").click()
    missing = page.get_by_test_id("draft-lora-missing")
    expect(missing).to_contain_text("Hyper-SDXL-8steps-lora.safetensors")
    expect(page.get_by_test_id("generate-without-missing-loras")).to_have_count(0)
    shoot(page, "draft-lora-missing")
    expect(missing).to_contain_text("choose another fast profile, or draw a final")
    page.get_by_test_id("draft-lora-fix").get_by_role(
        "link", name="Choose another profile or your own LoRA file"
    ).click()
    page.get_by_role("radio", name="SDXL-Lightning, 4 steps").click()
    expect(page.get_by_test_id("fast-lora-status")).to_have_text(f"{LIGHTNING} is installed.")
    expect(page.get_by_test_id("style-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    expect(page.locator("#fast-drafts")).to_be_in_viewport()
    shoot(page, "fast-drafts-settings")

    # The same panel as a draft (the comic's choice), then as a final (this Generate's choice).
    page.get_by_test_id("section-panels").click()
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Generate").click()
    panel = page.get_by_role("region", name="Panel")  # the comic-wide Generate all has its own Draft/Final
    expect(panel.get_by_test_id("draw-as-draft")).to_have_attribute("aria-checked", "true")
    run_job(page, lambda: page.get_by_test_id("generate").click())
    grid = page.get_by_test_id("candidate-grid")
    expect(grid.get_by_test_id("drawn-with")).to_have_text("Draft (lightning) · 4 steps · euler")
    shoot(page, "drawn-as-draft")
    panel.get_by_test_id("draw-as-final").click()
    expect(page.get_by_test_id("generate")).to_have_text("Generate 1 candidate")
    run_job(page, lambda: page.get_by_test_id("generate").click())
    expect(grid.get_by_test_id("drawn-with")).to_have_text(f"{COMIC_STEPS} steps · dpmpp_2m")
    page.get_by_text("History (1)").click()  # the draft, marked, below the final
    expect(page.get_by_test_id("history-grid").get_by_test_id("drawn-with")).to_have_text(
        "Draft (lightning) · 4 steps · euler"
    )
    page.get_by_test_id("history-grid").scroll_into_view_if_needed()
    shoot(page, "drawn-as-final")
    page.set_viewport_size({"width": 820, "height": 1180})
    expect(panel.get_by_test_id("draw-as")).to_be_visible()
    assert_fits(page, "generate with fast drafts")
    shoot(page, "tablet-generate")

    # What the two jobs drew, through the API: the draft with the profile's steps and LoRA, the final without.
    (panel,) = api_get(page, f"/api/comics/{comic_id}/panels")
    final, draft = api_get(page, f"/api/panels/{panel['id']}/images")  # newest first
    assert draft["job_id"] != final["job_id"]
    assert draft["drawn_with"]["fast_profile"] == "lightning"
    assert (draft["drawn_with"]["steps"], draft["drawn_with"]["loras"]) == (4, [LIGHTNING])
    assert final["drawn_with"]["fast_profile"] is None
    assert (final["drawn_with"]["steps"], final["drawn_with"]["loras"]) == (COMIC_STEPS, [])
    for image, steps, loras in [(draft, 4, [LIGHTNING]), (final, COMIC_STEPS, [])]:
        saved = json.loads(Image.open(io.BytesIO(page.request.get(image["url"]).body())).text["stripstudio"])
        assert (saved["num_inference_steps"], [lora["name"] for lora in saved["loras"]]) == (steps, loras), saved
