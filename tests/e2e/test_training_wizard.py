"""Training a character LoRA in the browser on the tiny model: upload photos (made from scikit-image's
photos), edit a caption, set a tiny training, watch its progress, see the test grid of both saved epochs,
pick one (the character gets the LoRA and its trigger word), and draw a panel with the character.
Screenshots at 1280×800 and 820×1180 go to test-output/e2e/<test>/."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.e2e.test_author_loop import (
    SAVE_TIMEOUT,
    api_get,
    api_send,
    assert_pictures_load,
    create_comic,
    run_job,
    sign_up,
)

pytestmark = pytest.mark.slow

expect.set_options(timeout=30_000)
PHOTOS = (
    "astronaut",
    "coffee",
    "chelsea",
    "rocket",
    "camera",
    "hubble_deep_field",
    "retina",
    "immunohistochemistry",
    "brick",
    "moon",
)
TRAINING_TIMEOUT = 300_000  # 20 steps and 6 grid pictures on a shared CPU


def photo_files(folder) -> list[str]:
    """Ten different photos that ship with scikit-image, as small PNG files."""
    from skimage import data

    paths = []
    for name in PHOTOS:
        path = folder / f"{name}.png"
        Image.fromarray(getattr(data, name)()).convert("RGB").resize((96, 96)).save(path)
        paths.append(str(path))
    return paths


def class_photo(folder) -> str:
    """A picture that is not one of the character's photos, for the regularisation drop zone."""
    from skimage import data

    path = folder / "coins.png"
    Image.fromarray(data.coins()).convert("RGB").resize((96, 96)).save(path)
    return str(path)


def choose(page: Page, test_id: str, option: str) -> None:
    """Pick ``option`` in the select box ``test_id``."""
    page.get_by_test_id(test_id).click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_test_id(test_id)).to_have_text(option)


def test_author_trains_a_character_lora_and_draws_with_it(page: Page, shoot, tmp_path):
    sign_up(page, "trainer")
    comic_id = create_comic(page, "Trained")
    api_send(
        page,
        "PATCH",
        f"/api/comics/{comic_id}",
        {"generation": {"steps": 2, "width": 64, "height": 64, "candidates": 1}},
    )
    page.get_by_test_id("section-characters").click()
    page.get_by_label("New character name").fill("Rc")
    page.get_by_role("button", name="Add character").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Rc")
    (character,) = api_get(page, f"/api/comics/{comic_id}/characters")

    # A dataset: trigger, class, whole photos at 64 px, each seen once an epoch.
    page.get_by_test_id("open-training").click()
    page.get_by_test_id("dataset-trigger").fill("rc_test")
    page.get_by_test_id("dataset-class").fill("man")
    choose(page, "dataset-mode", "Whole photo (aspect-ratio buckets)")
    page.get_by_test_id("dataset-resolution").fill("64")
    page.get_by_test_id("dataset-repeats").fill("1")
    page.get_by_test_id("create-dataset").click()

    # Ten photos; then they are prepared into captioned images.
    page.get_by_test_id("photo-input").set_input_files(photo_files(tmp_path))
    expect(page.get_by_test_id("photo-count")).to_have_text("10 of 100 photos uploaded", timeout=60_000)
    shoot(page, "photos-uploaded")

    # An optional regularisation image: a photo of the character is refused there; another picture is
    # counted with its effect on the steps, then taken out again (this tiny run trains without one).
    regularisation = page.get_by_role("region", name="Regularisation images")
    page.get_by_test_id("regularisation-input").set_input_files(str(tmp_path / "astronaut.png"))
    expect(regularisation.get_by_role("alert")).to_contain_text("already a photo of the character")
    page.get_by_test_id("regularisation-input").set_input_files(class_photo(tmp_path))
    expect(page.get_by_test_id("regularisation-count")).to_have_text("1 of 100 regularisation images uploaded")
    expect(page.get_by_test_id("regularisation-effect")).to_have_text(
        "Each epoch takes twice the steps: 10 photos × 1 × 2 = 20 instead of 10."
    )
    regularisation.scroll_into_view_if_needed()
    shoot(page, "regularisation-image")
    page.get_by_role("button", name="Remove coins.png").click()
    expect(page.get_by_test_id("regularisation-count")).to_have_text("0 of 100 regularisation images uploaded")
    page.get_by_test_id("prepare-dataset").click()
    cards = page.get_by_test_id("caption-card")
    expect(cards).to_have_count(10, timeout=60_000)
    assert_pictures_load(cards.locator("img"))
    first = cards.first
    expect(first.get_by_test_id("caption-input")).to_have_value(re.compile(r"^rc_test, photo of a man"))
    first.get_by_test_id("caption-input").fill("rc_test, photo of a man, in a spacesuit")
    with page.expect_response(lambda r: r.request.method == "PUT" and r.url.endswith("/caption")) as saved:
        first.get_by_test_id("caption-save").click()
    assert saved.value.ok, saved.value.text()
    (dataset,) = api_get(page, f"/api/characters/{character['id']}/training-datasets")
    assert "rc_test, photo of a man, in a spacesuit" in [image["caption"] for image in dataset["images"]]
    shoot(page, "captions")

    # Settings: defaults shown, a tiny run typed in, the total steps shown before starting.
    page.get_by_test_id("to-settings").click()
    expect(page.get_by_test_id("setting-network_dim")).to_have_value("128")
    expect(page.get_by_test_id("training-estimate")).to_contain_text("100 steps")  # 10 photos × 1 × 10 epochs
    page.get_by_test_id("setting-epochs").fill("2")
    page.get_by_test_id("setting-save_every_n_epochs").fill("1")
    page.get_by_text("Advanced settings").click()
    page.get_by_test_id("setting-network_dim").fill("4")
    page.get_by_test_id("setting-network_alpha").fill("4")
    choose(page, "setting-optimizer", "AdamW")
    choose(page, "setting-mixed_precision", "full precision")
    expect(page.get_by_test_id("training-estimate")).to_contain_text("20 steps")
    page.get_by_test_id("training-estimate").scroll_into_view_if_needed()
    shoot(page, "settings")

    # Training: live steps and loss curve, then the test grid of both saved epochs.
    page.get_by_test_id("start-training").click()
    progress = page.get_by_test_id("training-progress")
    expect(progress).to_be_visible()
    # A few steps in: the step counter, speed and a loss curve of several points.
    status = page.get_by_test_id("training-status")
    expect(status).to_contain_text(re.compile(r"Step ([4-9]|1\d|20) of 20"), timeout=120_000)
    expect(page.get_by_test_id("training-speed")).to_contain_text("it/s")
    expect(page.get_by_test_id("loss-curve")).to_have_attribute("aria-label", re.compile(r"over ([3-9]|\d\d) points"))
    progress.scroll_into_view_if_needed()
    shoot(page, "training-progress")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=TRAINING_TIMEOUT)
    page.get_by_test_id("to-epochs").click()
    grid = page.get_by_test_id("epoch-grid")
    expect(grid.get_by_test_id("grid-picture")).to_have_count(6, timeout=60_000)  # 2 epochs × 3 prompts
    assert_pictures_load(grid.get_by_test_id("grid-picture"))
    assert grid.get_by_test_id("grid-picture").evaluate_all("(imgs) => imgs.map((i) => i.naturalWidth)") == [64] * 6
    grid.scroll_into_view_if_needed()
    shoot(page, "epoch-grid")

    # Picking epoch 2 gives the character that LoRA and the trigger word.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/pick")) as picked:
        page.get_by_test_id("pick-epoch-2").click()
    assert picked.value.ok, picked.value.text()
    lora = picked.value.json()["lora_name"]
    expect(page.get_by_test_id("picked-lora")).to_contain_text(lora)
    spec = api_get(page, f"/api/characters/{character['id']}")["spec"]
    assert [entry["name"] for entry in spec["loras"]] == [lora] and spec["trigger_words"] == ["rc_test"]
    expect(page.get_by_test_id("pick-epoch-2")).to_have_text("Picked")
    # The character editor above shows them too.
    expect(page.get_by_label("Character LoRAs 1 name")).to_have_value(lora)
    expect(page.get_by_label("Trigger words")).to_have_value("rc_test")
    page.set_viewport_size({"width": 820, "height": 1180})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 820
    shoot(page, "epoch-grid-tablet")
    page.set_viewport_size({"width": 1280, "height": 800})

    # A panel with the character is drawn with the trained LoRA.
    page.get_by_test_id("section-panels").click()
    page.get_by_label("New panel description").fill("rc_test waves at the camera")
    page.get_by_role("button", name="Add panel").click()
    expect(page.get_by_test_id("panel-link-1")).to_be_visible()
    (panel,) = api_get(page, f"/api/comics/{comic_id}/panels")
    page.get_by_test_id("panel-link-1").click()
    page.get_by_role("tab", name="Scene & sketch").click()
    page.get_by_role("checkbox", name="Rc", exact=True).check()
    expect(page.get_by_test_id("panel-save-status")).to_have_text("Saved", timeout=SAVE_TIMEOUT)
    page.get_by_role("tab", name="Generate").click()
    run_job(page, lambda: page.get_by_test_id("generate").click())
    (drawn,) = api_get(page, f"/api/panels/{panel['id']}/images")
    (installed,) = [a for a in api_get(page, "/api/assets?kind=model") if a["name"] == f"{lora}.safetensors"]
    with Image.open(io.BytesIO(page.request.get(drawn["url"]).body())) as picture:
        request = json.loads(picture.text["stripstudio"])  # the request the panel was drawn with
    assert "rc_test" in request["prompt"]
    assert [installed["sha256"] in entry["name"] for entry in request["loras"]] == [True]
    shoot(page, "panel-with-trained-lora")
