"""Drawing: golden pictures for every kind of bubble, SFX rotation, and an example for people to look at.

The goldens in tests/lettering/golden/ are compared with a tolerance (mean difference under
2/255 and under 1% of pixels off by more than 32). After an intended change of the drawing,
rewrite them and look at them before committing:

    STRIPSTUDIO_UPDATE_GOLDEN=1 .venv/bin/pytest tests/lettering/test_render.py
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from stripstudio.domain import Bubble
from stripstudio.lettering import layout_bubbles, letter_panel
from tests.lettering.helpers import GREY, OUTPUT_DIR, PANEL_SIZE, grey_panel, panel_with

GOLDEN_DIR = Path(__file__).with_name("golden")
UPDATE = os.environ.get("STRIPSTUDIO_UPDATE_GOLDEN") == "1"

SCENES = {
    "speech": Bubble(text="Where are we going tonight?", speaker="Mira"),
    "thought": Bubble(kind="thought", text="I hope she likes the stars.", speaker="Mira"),
    "shout": Bubble(kind="shout", text="Watch out!", speaker="Tom"),
    "whisper": Bubble(kind="whisper", text="Don't wake the cat…", speaker="Tom"),
    "caption": Bubble(kind="caption", text="Meanwhile, on the roof of the yellow building…"),
    "sfx": Bubble(kind="sfx", text="BOOM!", rotation=12),
}


def _difference(actual: Image.Image, expected: Image.Image) -> tuple[float, float]:
    """(mean absolute difference, fraction of pixels off by more than 32) over all channels."""
    a = np.asarray(actual.convert("RGB"), dtype=np.int16)
    b = np.asarray(expected.convert("RGB"), dtype=np.int16)
    diff = np.abs(a - b)
    return float(diff.mean()), float((diff.max(axis=2) > 32).mean())


@pytest.mark.parametrize("name", sorted(SCENES))
def test_each_kind_matches_its_golden_picture(name):
    picture = letter_panel(grey_panel(), panel_with(SCENES[name]))
    golden = GOLDEN_DIR / f"{name}.png"
    if UPDATE or not golden.exists():
        GOLDEN_DIR.mkdir(exist_ok=True)
        picture.save(golden)
        if not UPDATE:
            pytest.fail(f"{golden.name} was missing and has been written; look at it and commit it")
    expected = Image.open(golden)
    assert picture.size == expected.size
    mean, off = _difference(picture, expected)
    assert mean < 2.0 and off < 0.01, f"{name}: mean difference {mean:.2f}, {off:.2%} of pixels off"


def test_lettering_draws_on_a_copy_and_returns_rgb():
    original = Image.new("RGBA", PANEL_SIZE, (*GREY, 255))
    before = original.tobytes()
    picture = letter_panel(original, panel_with(SCENES["speech"]))
    assert original.tobytes() == before
    assert picture.mode == "RGB" and picture.size == PANEL_SIZE
    assert picture.tobytes() != original.convert("RGB").tobytes()


def test_bubbles_are_white_with_a_black_outline_and_captions_pale_yellow():
    picture = letter_panel(grey_panel(), panel_with(SCENES["speech"], SCENES["caption"]))
    speech, caption = layout_bubbles(panel_with(SCENES["speech"], SCENES["caption"]), PANEL_SIZE)
    x0, _, x1, _ = speech.footprint.bounds
    top_of_text = speech.text.lines[0].box[1]
    assert picture.getpixel((round((x0 + x1) / 2), round(top_of_text) - 3)) == (255, 255, 255)
    left, top, right, bottom = (round(v) for v in caption.footprint.bounds)
    assert picture.getpixel((left + 2, top + 2))[2] < 220 and picture.getpixel((left + 2, top + 2))[0] > 240
    assert max(picture.getpixel((left + 1, (top + bottom) // 2))) < 40  # the outline


def test_sfx_turns_counter_clockwise():
    def ink_slope(rotation: float) -> float:
        panel = panel_with(Bubble(kind="sfx", text="WHAAAM", rotation=rotation))
        picture = np.asarray(letter_panel(grey_panel(), panel)).astype(int)
        ys, xs = np.nonzero(np.abs(picture - np.array(GREY)).sum(axis=2) > 60)
        return float(np.polyfit(xs, ys, 1)[0])  # pixels down per pixel right

    assert abs(ink_slope(0)) < 0.05
    assert ink_slope(20) < -0.2  # the right end rises
    assert ink_slope(-20) > 0.2


def test_write_an_example_lettered_panel():
    """Not a check: a picture for people to look at, in test-output/lettering/example.png."""
    picture = Image.new("RGB", (800, 1000))
    pixels = np.linspace([40, 50, 110], [230, 150, 90], 1000).astype(np.uint8)  # a dusk sky
    picture.paste(Image.fromarray(np.repeat(pixels[:, None, :], 800, axis=1)))
    panel = panel_with(
        Bubble(kind="caption", text="Later that night, on the roof of the yellow building…"),
        Bubble(text="Where are we going tonight, Tom?", speaker="Mira"),
        Bubble(kind="shout", text="To the stars and back!", speaker="Tom"),
        Bubble(kind="whisper", text="Not so loud…", speaker="Mira"),
        Bubble(kind="thought", text="She will never guess.", speaker="Tom"),
        Bubble(kind="sfx", text="WHOOSH!", rotation=10, x=0.5, y=0.9),
    )
    faces = [(0.2, 0.55, 0.14, 0.12), (0.6, 0.52, 0.14, 0.12)]
    speakers = {"Mira": (0.27, 0.64), "Tom": (0.67, 0.61)}
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    letter_panel(picture, panel, faces=faces, speakers=speakers).save(OUTPUT_DIR / "example.png")
    assert (OUTPUT_DIR / "example.png").stat().st_size > 10_000
