"""Writing a comic and reading it back gives the same comic; saving is atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stripstudio.domain import (
    Bubble,
    BubbleKind,
    Character,
    Comic,
    GenerationDefaults,
    Layout,
    LoraRef,
    Panel,
    Style,
)
from stripstudio.script import dump_comic, load_comic, load_comic_text, save_comic

TRICKY_NAMES = [
    "speech",
    "Caption",
    "by",
    "speaker",
    "text",
    "kind",
    "speach",
    "null",
    "123",
    "yes",
    "a: b",
    "#c",
    "- x",
]


def hand_built(sketch: str) -> list[Comic]:
    """Comics exercising defaults, every bubble form, both path kinds and awkward text."""
    mia = Character(name="Mia", description="red hair", clothes="raincoat", trigger_words=["m1a"], seed=3)
    shy = Character(name="speech", loras=[LoraRef(name="shy.safetensors", strength_model=0.7, strength_clip=0.3)])
    panel = Panel(
        id="door",
        description="a red door: 'quoted', # not a comment\nsecond line",
        characters=["Mia", "speech"],
        sketch=sketch,
        follow_sketch=0.35,
        width=768,
        bubbles=[
            Bubble(text="Hi!", speaker="Mia"),
            Bubble(text="I'm shy", speaker="speech"),
            Bubble(kind=BubbleKind.CAPTION, text="Later..."),
            Bubble(kind=BubbleKind.THOUGHT, text="hmm", speaker="Mia"),
        ],
    )
    return [
        Comic(title="Minimal"),
        Comic(title="Defaults spelled out", style=Style(), generation=GenerationDefaults(), layout=Layout()),
        Comic(
            title="Full",
            summary="multi\nline\n\nsummary",
            language="pt-BR",
            author="Ada Writer",
            series="Stars",
            episode=2,
            reading_direction="rtl",
            genre="science fiction, comedy",
            age_rating="Teen",
            style=Style(checkpoint="model.safetensors", prompt_prefix="((cartoon style))", negative_prompt="ugly"),
            generation=GenerationDefaults(cfg=7.5, steps=30, seed=2**32 - 1, engine="comfyui"),
            characters=[mia, shy],
            panels=[panel, Panel(description="123"), Panel(description="true", seed=0)],
            layout=Layout(mode="pages", background="#FFaa00", gutter=0),
        ),
    ]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A script folder holding an image, and an image outside that folder."""
    folder = tmp_path_factory.mktemp("comic")
    inside, outside = folder / "sketches" / "a.png", tmp_path_factory.mktemp("other") / "b.png"
    for path in (inside, outside):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"png")
    return folder, outside


@pytest.mark.parametrize("which", range(3))
def test_hand_built_comics_round_trip(which: int, folders) -> None:
    folder, _ = folders
    comic = hand_built(str(folder / "sketches" / "a.png"))[which]
    text = dump_comic(comic, base_dir=folder)
    assert load_comic_text(text, base_dir=folder) == comic


def test_canonical_form_is_short(folders) -> None:
    folder, _ = folders
    text = dump_comic(hand_built(str(folder / "sketches" / "a.png"))[2], base_dir=folder)
    assert "  Mia:\n    description: red hair\n" in text
    assert "characters: [Mia, speech]" in text
    assert "- Mia: Hi!\n" in text
    assert "- speech: I'm shy\n        by: speech\n" in text
    assert "sketch: sketches/a.png" in text
    assert "sampler" not in text and "follow_sketch: 0.35" in text
    assert dump_comic(Comic(title="Minimal")) == "title: Minimal\n"


def test_paths_outside_the_folder_stay_absolute(folders) -> None:
    folder, outside = folders
    comic = Comic(title="T", characters=[Character(name="A", reference_images=[str(outside)])])
    text = dump_comic(comic, base_dir=folder)
    assert str(outside) in text
    assert load_comic_text(text, base_dir=folder) == comic


def test_save_and_load(tmp_path: Path, folders) -> None:
    folder, _ = folders
    comic = hand_built(str(folder / "sketches" / "a.png"))[2]
    path = folder / "saved.yaml"
    save_comic(comic, path)
    assert load_comic(path) == comic
    assert "sketch: sketches/a.png" in path.read_text(encoding="utf-8")


def test_save_never_leaves_half_a_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "comic.yaml"
    save_comic(Comic(title="Old"), path)

    def crash(source: str, target: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        save_comic(Comic(title="New"), path)
    assert path.read_text(encoding="utf-8") == "title: Old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["comic.yaml"]


# Generated comics.

_text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30).map(str.strip).filter(bool)
_names = st.one_of(st.sampled_from(TRICKY_NAMES), _text)
_seeds = st.integers(0, 2**32 - 1)
_sizes = st.integers(8, 512).map(lambda n: n * 8)
_strengths = st.floats(-10, 10, allow_nan=False)
_loras = st.builds(LoraRef, name=_text, strength_model=_strengths, strength_clip=_strengths)


@st.composite
def _panels(draw: st.DrawFn, cast: list[str], sketch: str) -> Panel:
    present = draw(st.lists(st.sampled_from(cast), unique=True, max_size=3)) if cast else []
    speakers = st.sampled_from([None, *present])
    bubble = st.builds(Bubble, kind=st.sampled_from(list(BubbleKind)), text=_text, speaker=speakers)
    return Panel(
        description=draw(_text),
        characters=present,
        shot=draw(st.none() | _text),
        negative_prompt=draw(st.just("") | _text),
        sketch=draw(st.sampled_from([None, sketch])),
        follow_sketch=draw(st.floats(0, 1)),
        width=draw(st.none() | _sizes),
        candidates=draw(st.none() | st.integers(1, 16)),
        seed=draw(st.none() | _seeds),
        bubbles=draw(st.lists(bubble, max_size=4)),
    )


@st.composite
def _comics(draw: st.DrawFn, images: list[str]) -> Comic:
    names = draw(st.lists(_names, unique=True, max_size=4))
    characters = [
        Character(
            name=name,
            description=draw(st.just("") | _text),
            trigger_words=draw(st.lists(_text, max_size=2)),
            loras=draw(st.lists(_loras, max_size=2)),
            reference_images=draw(st.lists(st.sampled_from(images), max_size=2)),
            seed=draw(st.none() | _seeds),
        )
        for name in names
    ]
    ids = draw(st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,8}", fullmatch=True), unique=True, max_size=4))
    panels = [draw(_panels(names, images[0])) for _ in range(draw(st.integers(0, 4)))]
    for panel, panel_id in zip(panels, ids, strict=False):
        panel.id = panel_id
    return Comic(
        title=draw(_text),
        summary=draw(st.just("") | _text),
        style=Style(prompt_prefix=draw(st.just("") | _text), loras=draw(st.lists(_loras, max_size=1))),
        generation=GenerationDefaults(cfg=draw(st.floats(0, 30)), seed=draw(_seeds), sampler=draw(_text)),
        characters=characters,
        panels=panels,
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_comics_round_trip(folders, data: st.DataObject) -> None:
    folder, outside = folders
    comic = data.draw(_comics([str(folder / "sketches" / "a.png"), str(outside)]))
    text = dump_comic(comic, base_dir=folder)
    assert load_comic_text(text, base_dir=folder) == comic, text
