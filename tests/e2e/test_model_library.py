"""The model library in the browser: the style's checkpoint and a character's LoRA picked from the
library (a tiny SDXL LoRA with a Civitai sidecar put in the studio's model folder before it starts),
then a panel drawn with both. Screenshots at 1280×800 go to test-output/e2e/<test>/."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import SAVE_TIMEOUT, api_get, create_comic, fill_generation_defaults, run_job, sign_up
from tests.engines.diffusers.model_files import write_tiny_lora

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)

LORA = "loras/inky-mia"  # the library's name for loras/inky-mia.safetensors
TRIGGER = "inkymia"


@pytest.fixture(scope="module")
def prepare_data_dir():
    """The data folder's model folder holds a tiny SDXL LoRA whose sidecar names its trigger word."""

    def prepare(data_dir):
        path = write_tiny_lora(data_dir / "models" / f"{LORA}.safetensors", key_format="kohya", seed=3)
        path.with_name(path.stem + ".civitai.info").write_text(
            json.dumps({"trainedWords": [TRIGGER], "baseModel": "SDXL 1.0"})
        )

    return prepare


def test_checkpoint_and_lora_picked_from_the_library(page: Page, shoot):
    sign_up(page, "lin")
    comic_id = create_comic(page, "Library")

    # The style's checkpoint: search the library, pick the built-in tiny SDXL model.
    page.get_by_test_id("section-style").click()
    fill_generation_defaults(page, steps=2, size=64, candidates=1)
    checkpoint = page.get_by_role("combobox", name="Checkpoint")
    checkpoint.fill("tiny sdxl")
    options = page.get_by_role("listbox", name="Model library").get_by_role("option")
    expect(options.first).to_contain_text("tiny-random-sdxl")
    expect(options.filter(has_text="inky-mia")).to_have_count(0)  # a LoRA is no checkpoint
    shoot(page, "checkpoint-picker")
    options.filter(has=page.get_by_text("tiny-random-sdxl", exact=True)).click()
    expect(checkpoint).to_have_value("tiny-random-sdxl")
    expect(page.get_by_test_id("style-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    assert api_get(page, f"/api/comics/{comic_id}")["spec"]["style"]["checkpoint"] == "tiny-random-sdxl"

    # A character's LoRA: "Add LoRA" opens the library; searching by trigger word finds it.
    page.get_by_test_id("section-characters").click()
    page.get_by_label("New character name").fill("Mia")
    page.get_by_role("button", name="Add character").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Mia")
    page.get_by_test_id("character-description").fill("girl, short red hair")
    page.get_by_role("button", name="Add LoRA").click()
    lora = page.get_by_role("combobox", name="Character LoRAs 1 name")
    expect(lora).to_be_focused()
    lora.fill(TRIGGER)
    found = page.get_by_role("listbox", name="Model library").get_by_role("option")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(LORA)
    expect(found).to_contain_text("SDXL")
    expect(found).to_contain_text(f"triggers: {TRIGGER}")
    expect(found).not_to_have_attribute("aria-disabled", "true")  # the same family as the checkpoint
    shoot(page, "lora-picker")
    lora.press("Enter")
    expect(lora).to_have_value(LORA)
    page.get_by_test_id("trigger-offer").get_by_role("button", name="Add to trigger words").click()
    expect(page.get_by_label("Trigger words")).to_have_value(TRIGGER)
    expect(page.get_by_test_id("character-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    (mia,) = api_get(page, f"/api/comics/{comic_id}/characters")
    assert [entry["name"] for entry in mia["spec"]["loras"]] == [LORA]
    assert mia["spec"]["trigger_words"] == [TRIGGER]
    shoot(page, "character-lora")

    # A panel with Mia, drawn with the picked checkpoint and LoRA.
    page.get_by_test_id("section-panels").click()
    page.get_by_label("New panel description").fill("Mia reads a book")
    page.get_by_role("button", name="Add panel").click()
    expect(page.get_by_test_id("panel-link-1")).to_be_visible()
    (panel,) = api_get(page, f"/api/comics/{comic_id}/panels")
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Scene & sketch").click()
    page.get_by_role("checkbox", name="Mia", exact=True).check()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    page.get_by_role("tab", name="Generate").click()
    run_job(page, lambda: page.get_by_test_id("generate").click())
    expect(page.get_by_test_id("candidate-grid").get_by_test_id("candidate")).to_have_count(1)
    shoot(page, "generated")
    (image,) = api_get(page, f"/api/panels/{panel['id']}/images")
    request = json.loads(Image.open(io.BytesIO(page.request.get(image["url"]).body())).text["stripstudio"])
    assert request["model"]["checkpoint"] == "tiny-random-sdxl", request
    assert [entry["name"] for entry in request["loras"]] == [LORA], request
    assert TRIGGER in request["prompt"], request
