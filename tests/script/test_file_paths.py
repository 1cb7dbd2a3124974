"""Sketches and reference images: relative to the script's folder, absolute in the Comic."""

from __future__ import annotations

from pathlib import Path

import pytest

from stripstudio.script import ScriptError, load_comic, load_comic_text

SCRIPT = """\
title: T
characters:
  Mia:
    reference_images: [faces/mia.png, {absolute}]
panels:
  - description: a door
    sketch: sketches/door.png
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """A script folder with a sketch and a reference image, and an image outside it."""
    folder = tmp_path / "comic"
    outside = tmp_path / "elsewhere" / "mia-2.png"
    for path in (folder / "sketches" / "door.png", folder / "faces" / "mia.png", outside):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"png")
    script = folder / "comic.yaml"
    script.write_text(SCRIPT.format(absolute=outside), encoding="utf-8")
    return {"folder": folder, "script": script, "outside": outside}


def test_relative_paths_become_absolute(files) -> None:
    comic = load_comic(files["script"])
    assert comic.panels[0].sketch == str(files["folder"] / "sketches" / "door.png")
    assert comic.characters[0].reference_images == [
        str(files["folder"] / "faces" / "mia.png"),
        str(files["outside"]),
    ]


def test_paths_are_taken_from_the_script_folder_not_the_current_one(files, monkeypatch) -> None:
    monkeypatch.chdir(files["outside"].parent)
    assert load_comic(files["script"]).panels[0].sketch == str(files["folder"] / "sketches" / "door.png")


def test_missing_sketch_and_reference_image_are_reported(files) -> None:
    (files["folder"] / "sketches" / "door.png").unlink()
    files["outside"].unlink()
    with pytest.raises(ScriptError) as caught:
        load_comic(files["script"])
    sketch = files["folder"] / "sketches" / "door.png"
    assert [str(problem) for problem in caught.value.problems] == [
        f"{files['script']}:4: character 1, reference image 2: file not found: {files['outside']} "
        "(put the image there or fix the path)",
        f"{files['script']}:7: panel 1, sketch: file not found: {sketch} (put the drawing there or fix the path)",
    ]


def test_check_files_false_accepts_missing_files(tmp_path: Path) -> None:
    comic = load_comic_text(SCRIPT.format(absolute="/nowhere/x.png"), base_dir=tmp_path, check_files=False)
    assert comic.panels[0].sketch == str(tmp_path / "sketches" / "door.png")


def test_text_without_a_folder_uses_the_current_one(files, monkeypatch) -> None:
    monkeypatch.chdir(files["folder"])
    comic = load_comic_text(SCRIPT.format(absolute=files["outside"]))
    assert comic.panels[0].sketch == str(files["folder"] / "sketches" / "door.png")


def test_path_that_is_not_text_is_a_type_problem(tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as caught:
        load_comic_text("title: T\npanels:\n  - description: d\n    sketch: 12\n", filename="c.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "c.yaml:4: panel 1, sketch: must be text (put it in quotes if it looks like a number or a date)"
    ]
