"""The example comic and the example in the format reference load."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from stripstudio.domain import BubbleKind
from stripstudio.script import dump_comic, load_comic, load_comic_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "to-the-stars-and-back.yaml"


def test_thesis_example_loads() -> None:
    comic = load_comic(EXAMPLE)
    assert comic.title == "To the Stars and Back - episode 1"
    assert comic.style.checkpoint is None
    assert (comic.style.prompt_prefix, comic.style.prompt_suffix) == ("((cartoon style))", "high quality")
    assert comic.style.negative_prompt == "bad face, ugly, deformed face, bad quality, beard, earring"
    generation = comic.generation
    assert (generation.sampler, generation.scheduler, generation.steps, generation.cfg) == (
        "dpmpp_2m",
        "karras",
        20,
        8,
    )
    assert (generation.width, generation.height, generation.candidates) == (1024, 1024, 2)
    (leo,) = comic.characters
    assert leo.name == "Leo" and leo.seed is not None
    assert "rectangular black glasses" in leo.description and "solid cyan t-shirt" in leo.clothes
    assert [panel.id for panel in comic.panels] == [
        "street-crossing",
        "apartment-building",
        "reading",
        "scratching-head",
    ]
    assert [panel.characters for panel in comic.panels] == [[], [], ["Leo"], ["Leo"]]
    assert all(panel.bubbles for panel in comic.panels)
    assert comic.panels[2].bubbles[0].kind == BubbleKind.THOUGHT


def test_thesis_example_sketch_is_a_black_on_white_drawing() -> None:
    panel = load_comic(EXAMPLE).panels[1]
    assert panel.sketch == str(ROOT / "examples" / "sketches" / "apartment-building.png")
    assert panel.follow_sketch == 0.8
    assert Path(panel.sketch).stat().st_size < 50_000
    with Image.open(panel.sketch) as image:
        assert image.size == (1024, 1024)
        histogram = image.convert("L").histogram()
    white, black = histogram[255], histogram[0]
    assert white > 0.8 * 1024 * 1024 and black > 0.02 * 1024 * 1024


def test_thesis_example_round_trips() -> None:
    comic = load_comic(EXAMPLE)
    text = dump_comic(comic, base_dir=EXAMPLE.parent)
    assert "sketch: sketches/apartment-building.png" in text
    assert load_comic_text(text, base_dir=EXAMPLE.parent) == comic


def test_format_reference_example_loads() -> None:
    reference = (ROOT / "docs" / "script-format.md").read_text(encoding="utf-8")
    example = re.search(r"## A small complete script\s+```yaml\n(.*?)```", reference, re.DOTALL)
    assert example
    comic = load_comic_text(example.group(1), check_files=False)
    assert [len(panel.bubbles) for panel in comic.panels] == [1, 2, 2]
