"""Several characters in one panel: regions, reference images and face fixing, from script to render."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image
from pydantic import ValidationError

from stripstudio.domain import Character, CharacterRegion, Comic, GenerationDefaults, Panel
from stripstudio.generation import Task
from stripstudio.generation.metadata import FILES_KEY, REQUEST_KEY
from stripstudio.production.panel_request import build_panel_request
from stripstudio.script import load_comic

EXAMPLE = Path(__file__).parents[2] / "examples" / "two-friends.yaml"


def friends(panel: Panel, **generation) -> Comic:
    mia = Character(name="Mia", description="freckles", reference_images=["/refs/mia.png"], reference_focus="face")
    leo = Character(name="Leo", description="glasses", clothes="cyan t-shirt", reference_strength=0.3)
    return Comic(title="Friends", characters=[mia, leo], panels=[panel], generation=GenerationDefaults(**generation))


def test_two_characters_are_placed_side_by_side_by_default():
    request = build_panel_request(friends(Panel(description="on a bench", characters=["Mia", "Leo"])), 0, "m")
    assert [(r.prompt, r.box) for r in request.regions] == [
        ("freckles", (0.0, 0.0, 0.5, 1.0)),
        ("glasses, cyan t-shirt", (0.5, 0.0, 0.5, 1.0)),
    ]
    assert "freckles" not in request.prompt and "on a bench" in request.prompt
    (reference,) = request.reference_images  # Leo has no pictures
    assert (reference.images, reference.focus, reference.region, reference.strength) == (
        ("/refs/mia.png",),
        "face",
        0,
        0.6,
    )


def test_placements_boxes_and_masks_given_in_the_panel_are_used():
    panel = Panel(
        description="x",
        characters=["Mia", "Leo"],
        regions=[CharacterRegion(character="Leo", place="left"), CharacterRegion(character="Mia", mask="/m/mia.png")],
    )
    request = build_panel_request(friends(panel), 0, "m")
    assert request.regions[0].mask == "/m/mia.png"
    assert request.regions[1].box == (0.0, 0.0, 0.5, 1.0)


def test_one_character_keeps_the_whole_picture():
    request = build_panel_request(friends(Panel(description="waves", characters=["Mia"])), 0, "m")
    assert request.regions == ()
    assert "freckles" in request.prompt
    assert request.reference_images[0].region is None


def test_a_region_names_exactly_one_area_of_a_character_present():
    with pytest.raises(ValidationError, match="give exactly one of place"):
        CharacterRegion(character="Mia", place="left", box=(0, 0, 0.5, 1))
    with pytest.raises(ValidationError, match="'Bob' is not in this panel"):
        friends(Panel(description="x", characters=["Mia"], regions=[CharacterRegion(character="Bob", place="left")]))


def test_the_example_script_loads_with_its_reference_pictures_and_regions():
    comic = load_comic(EXAMPLE)
    bench = comic.panels[1]
    assert [r.place for r in bench.regions] == ["left", "right"] and bench.fix_faces is True
    assert all(Path(p).is_file() for c in comic.characters for p in c.reference_images)


@pytest.mark.slow
def test_the_example_renders_with_faces_fixed_and_its_inputs_recorded(tmp_path):
    from typer.testing import CliRunner

    from stripstudio.cli.app import app

    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["render", str(EXAMPLE), "--model", "tiny-random-sdxl", "--size", "128x128", "--steps", "2", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert [len(panel["candidates"]) for panel in manifest["panels"]] == [2, 2]
    bench = Image.open(out / "the-bench" / "candidate-1.png")
    request = json.loads(bench.text[REQUEST_KEY])
    assert request["task"] == Task.FACE_DETAIL.value  # the bench panel asks for its faces fixed
    assert (out / "the-bench" / "candidate-1-before-faces.png").is_file()
    before = Image.open(out / "the-bench" / "candidate-1-before-faces.png")
    drawn = json.loads(before.text[REQUEST_KEY])
    assert [r["prompt"] for r in drawn["regions"]] == [
        "young woman, short brown hair, freckles, white space suit",
        "young man, black hair, rectangular black glasses, cyan t-shirt, black pants",
    ]
    hashes = json.loads(before.text[FILES_KEY])
    assert len(hashes) == 2 and all(len(digest) == 64 for digest in hashes.values())
    alone = Image.open(out / "mia-alone" / "candidate-1.png")
    assert json.loads(alone.text[REQUEST_KEY])["task"] == Task.TEXT_TO_IMAGE.value


def test_sd1_checkpoints_draw_at_512_unless_the_comic_says_otherwise(tmp_path):
    from tests.models.family_files import write_checkpoint

    panel = Panel(description="waves", characters=["Mia"])
    assert (build_panel_request(friends(panel), 0, "tiny-random-sd15").width) == 512
    sd1_file = write_checkpoint(tmp_path / "v1.safetensors", "sd1")
    assert build_panel_request(friends(panel), 0, str(sd1_file)).height == 512
    assert build_panel_request(friends(panel, width=768, height=768), 0, str(sd1_file)).width == 768
    assert build_panel_request(friends(panel), 0, "tiny-random-sdxl").width == 1024


def test_a_styles_refiner_finishes_panels_drawn_from_text_only():
    from stripstudio.domain import Style

    comic = friends(Panel(description="waves", characters=["Mia"]))
    comic = comic.model_copy(update={"style": Style(refiner="sd_xl_refiner_1.0.safetensors", refiner_switch=0.7)})
    request = build_panel_request(comic, 0, "m")
    assert (request.refiner.checkpoint, request.refiner.switch) == ("sd_xl_refiner_1.0.safetensors", 0.7)
    sketched = comic.model_copy(update={"panels": [Panel(description="waves", sketch="/s.png")]})
    assert build_panel_request(sketched, 0, "m").refiner is None
