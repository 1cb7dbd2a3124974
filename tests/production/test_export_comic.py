"""From a render folder to a lettered, published episode (fake engine pictures; real files and readers)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from stripstudio.domain import Bubble, Character, Comic, GenerationDefaults, Panel
from stripstudio.export import ExportError
from stripstudio.production.export_comic import export_comic, file_stem, pick_candidate, picked_files
from stripstudio.production.manifest import read_manifest
from stripstudio.production.render_comic import plan_render, render_comic

from ..fakes import FakeEngine

ROOT = Path(__file__).resolve().parents[2]


def comic() -> Comic:
    return Comic(
        title="Night Shift: Episode 3",
        series="Night Shift",
        episode=3,
        author="A. Writer",
        generation=GenerationDefaults(candidates=2, width=512, height=640),
        characters=[Character(name="Leo"), Character(name="Mia")],
        panels=[
            Panel(id="roof", description="a roof at night", bubbles=[Bubble(kind="caption", text="Later that night…")]),
            Panel(
                id="talk",
                description="two friends",
                characters=["Leo", "Mia"],
                bubbles=[
                    Bubble(text="Where are we going?", speaker="Leo"),
                    Bubble(text="To the stars!", speaker="Mia", kind="shout"),
                ],
            ),
            Panel(id="boom", description="a rocket", bubbles=[Bubble(kind="sfx", text="WHOOSH", rotation=10)]),
        ],
    )


@pytest.fixture
def rendered(tmp_path) -> Path:
    render_comic(comic(), FakeEngine(), tmp_path / "render", plan_render(comic(), "m"))
    return tmp_path / "render"


def test_export_writes_every_format_from_the_picked_candidates(rendered, tmp_path):
    pick_candidate(rendered, "talk", 2)
    result = export_comic(comic(), rendered, tmp_path / "out")
    assert [p.name for p in result.slices] == [f"{n:03d}.png" for n in range(1, len(result.slices) + 1)]
    assert result.slices and all(p.is_file() for p in result.slices)
    assert result.pdf.name == "night-shift-episode-3.pdf" and len(PdfReader(result.pdf).pages) == len(result.slices)
    with zipfile.ZipFile(result.cbz) as archive:
        assert "ComicInfo.xml" in archive.namelist()
        info = archive.read("ComicInfo.xml").decode()
        assert "<Series>Night Shift</Series>" in info and "<Number>3</Number>" in info
    with Image.open(result.strip_png) as strip:
        assert strip.width == 800
    assert picked_files(comic(), rendered)[1].name == "candidate-2.png"


def test_the_lettering_is_on_the_exported_pictures(rendered, tmp_path):
    plain = comic().model_copy(update={"panels": [p.model_copy(update={"bubbles": []}) for p in comic().panels]})
    lettered = export_comic(comic(), rendered, tmp_path / "lettered", {"png"})
    bare = export_comic(plain, rendered, tmp_path / "bare", {"png"})
    with Image.open(lettered.strip_png) as one, Image.open(bare.strip_png) as other:
        assert one.size == other.size and one.tobytes() != other.tobytes()


def test_an_unrendered_panel_is_named_and_nothing_is_written(rendered, tmp_path):
    grown = comic().model_copy(update={"panels": [*comic().panels, Panel(id="new", description="x")]})
    with pytest.raises(ExportError, match=r"panel 4 \(new\).*--panel new"):
        export_comic(grown, rendered, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_bubble_that_cannot_fit_names_the_panel(rendered, tmp_path):
    from stripstudio.lettering import LetteringError

    long_text = " ".join(["word"] * 400)
    crowded = comic().model_copy(
        update={
            "panels": [
                comic()
                .panels[0]
                .model_copy(update={"bubbles": [Bubble(text=long_text, x=0.5, y=0.5, width=0.2, height=0.1)]}),
                *comic().panels[1:],
            ]
        }
    )
    with pytest.raises(LetteringError, match="panel"):
        export_comic(crowded, rendered, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_picks_are_checked_and_recorded(rendered):
    with pytest.raises(ExportError, match="candidates 1 to 2"):
        pick_candidate(rendered, "roof", 3)
    pick_candidate(rendered, "roof", 2)
    assert read_manifest(rendered).panel("roof").picked == 1


def test_file_stem_is_safe():
    assert file_stem("To the Stars and Back - episode 1") == "to-the-stars-and-back-episode-1"
    assert file_stem("../../etc") == "etc" and file_stem("???") == "episode"


def test_example_episode_for_a_person_to_look_at(tmp_path):
    """Renders the thesis example with the fake engine and exports it into test-output/example-episode."""
    from stripstudio.script import load_comic

    example = load_comic(ROOT / "examples" / "to-the-stars-and-back.yaml")
    render_dir = tmp_path / "render"
    render_comic(example, FakeEngine(), render_dir, plan_render(example, "m"))
    result = export_comic(example, render_dir, ROOT / "test-output" / "example-episode")
    assert result.cbz.is_file() and len(result.slices) >= 1
