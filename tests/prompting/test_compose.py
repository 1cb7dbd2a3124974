"""Composing a panel's prompt from the comic's style, its characters and the panel."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stripstudio.domain import Character, Comic, LoraRef, Panel, Style
from stripstudio.prompting import (
    ComposedPrompt,
    compose_panel_prompt,
    compose_prompt,
    join_unique_fragments,
    lora_key,
    merge_loras,
    split_top_level_commas,
)


def lora(name: str, model: float = 1.0, clip: float | None = None) -> LoraRef:
    return LoraRef(name=name, strength_model=model, strength_clip=model if clip is None else clip)


def make_comic(*panels: Panel, style: Style | None = None) -> Comic:
    style = style or Style(
        prompt_prefix="((cartoon style)), comic panel",
        prompt_suffix="high quality",
        negative_prompt="blurry, text",
        loras=[lora("styles/ink.safetensors", 0.7)],
    )
    alex = Character(
        name="Alex",
        description="young adult man, 25, short brown hair",
        clothes="green hoodie",
        trigger_words=["alexchar"],
        loras=[lora("alex", 0.9, 0.8)],
        negative_prompt="beard",
    )
    mia = Character(
        name="Mia",
        description="young woman, red hair",
        clothes="yellow raincoat",
        trigger_words=["miachar", "freckles"],
        loras=[lora("characters/mia.safetensors")],
        negative_prompt="blurry, glasses",
    )
    return Comic(title="To the Stars and Back", style=style, characters=[alex, mia], panels=list(panels))


def compose(panel: Panel, style: Style | None = None) -> ComposedPrompt:
    return compose_panel_prompt(make_comic(panel, style=style), panel)


def test_thesis_panel():
    composed = compose(Panel(description="is reading a book", characters=["Alex"], shot="close-up"))
    assert composed.prompt == (
        "((cartoon style)), comic panel, alexchar, close-up, young adult man, 25, short brown hair, "
        "green hoodie, is reading a book, high quality"
    )
    assert composed.negative_prompt == "blurry, text, beard"
    assert composed.loras == [lora("styles/ink.safetensors", 0.7), lora("alex", 0.9, 0.8)]


def test_several_characters_each_get_their_own_prompt_and_the_scene_is_shared():
    composed = compose(Panel(description="talking on a bench", characters=["Mia", "Alex"]))
    assert composed.prompt == "((cartoon style)), comic panel, talking on a bench, high quality"
    assert composed.character_prompts == {
        "Mia": "miachar, freckles, young woman, red hair, yellow raincoat",
        "Alex": "alexchar, young adult man, 25, short brown hair, green hoodie",
    }
    assert list(composed.character_prompts) == ["Mia", "Alex"]
    assert composed.negative_prompt == "blurry, text, glasses, beard"
    assert [ref.name for ref in composed.loras] == [
        "styles/ink.safetensors",
        "characters/mia.safetensors",
        "alex",
    ]


def test_absent_characters_add_nothing():
    composed = compose(Panel(description="an empty street at night"))
    assert composed.prompt == "((cartoon style)), comic panel, an empty street at night, high quality"
    assert composed.negative_prompt == "blurry, text"
    assert composed.loras == [lora("styles/ink.safetensors", 0.7)]


def test_a_character_named_twice_counts_once():
    composed = compose(Panel(description="waves", characters=["Alex", "Alex"]))
    assert composed.prompt.count("alexchar") == 1
    assert len(composed.loras) == 2


def test_repeated_fragments_appear_once_at_their_first_place():
    panel = Panel(
        description="((Cartoon  style)), Alexchar, is reading a book, comic panel, (cartoon style)",
        characters=["Alex"],
    )
    composed = compose(panel)
    assert composed.prompt == (
        "((cartoon style)), comic panel, alexchar, young adult man, 25, short brown hair, green hoodie, "
        "is reading a book, (cartoon style), high quality"
    )


def test_commas_inside_brackets_do_not_split():
    panel = Panel(description="(red hair, blue eyes:1.2), red hair, blue eyes")
    style = Style(prompt_prefix="blue eyes")
    assert compose(panel, style).prompt == "blue eyes, (red hair, blue eyes:1.2), red hair"


def test_negative_prompt_collects_style_characters_and_panel():
    panel = Panel(description="a fight", characters=["Alex", "Mia"], negative_prompt="Blurry, extra fingers, beard")
    assert compose(panel).negative_prompt == "blurry, text, beard, glasses, extra fingers"


def test_lora_tags_in_texts_are_removed_and_added():
    panel = Panel(description="is reading a book, <lora:books:0.6>, at night", characters=["Alex"])
    composed = compose(panel)
    assert "<lora" not in composed.prompt
    assert "is reading a book, at night" in composed.prompt
    assert composed.loras[-1] == lora("books", 0.6)


def test_tag_in_the_panel_overrides_a_character_strength():
    panel = Panel(description="<lora:Alex.safetensors:0.5:0.3> is running", characters=["Alex"])
    loras = compose(panel).loras
    assert loras == [lora("styles/ink.safetensors", 0.7), lora("alex", 0.5, 0.3)]


def test_tag_in_a_character_text_overrides_the_style():
    comic = make_comic()
    comic.characters[1].description = "young woman, <lora:INK:0.2>"
    panel = Panel(description="waves", characters=["Mia"])
    loras = compose_panel_prompt(comic, panel).loras
    assert loras[0] == lora("styles/ink.safetensors", 0.2)
    assert "<lora" not in compose_panel_prompt(comic, panel).prompt


def test_tags_in_negative_prompts_are_removed_and_ignored():
    panel = Panel(description="a dog", negative_prompt="cat, <lora:bad:1>, fur")
    composed = compose(panel)
    assert composed.negative_prompt == "blurry, text, cat, fur"
    assert "bad" not in [ref.name for ref in composed.loras]


def test_trigger_words_may_carry_tags():
    comic = make_comic()
    comic.characters[0].trigger_words = ["<lora:alex:0.75> alexchar"]
    panel = Panel(description="waves", characters=["Alex"])
    composed = compose_panel_prompt(comic, panel)
    assert "alexchar, young adult man" in composed.prompt and "green hoodie, waves" in composed.prompt
    assert composed.loras[1] == lora("alex", 0.75)


def test_break_fragments_are_never_merged():
    style = Style(prompt_prefix="comic, BREAK", prompt_suffix="BREAK, high quality")
    assert compose(Panel(description="a dog"), style).prompt == "comic, BREAK, a dog, BREAK, high quality"


def test_unknown_character_is_a_clear_error():
    panel = Panel(description="waves", characters=["Zed"])
    comic = Comic.model_validate(
        {"title": "t", "characters": [{"name": "Alex"}], "panels": [panel.model_dump()]},
        context={"skip_reference_checks": True},
    )
    with pytest.raises(ValueError, match="unknown character 'Zed'.*Alex"):
        compose_panel_prompt(comic, comic.panels[0])


def test_tag_strength_out_of_range_is_a_clear_error():
    with pytest.raises(ValueError, match=r"<lora:x:50>"):
        compose(Panel(description="a dog <lora:x:50>"))


def test_compose_prompt_for_a_free_prompt():
    composed = compose_prompt(
        "a cat, A  Cat, <lora:Ink:0.4>, on a mat, <lora:new:1:0.5>",
        negative="blurry, Blurry, <lora:x:1>",
        loras=[lora("models/ink.safetensors", 0.9), lora("other")],
    )
    assert composed == ComposedPrompt(
        prompt="a cat, on a mat",
        negative_prompt="blurry",
        loras=[lora("models/ink.safetensors", 0.4), lora("other"), lora("new", 1.0, 0.5)],
    )


def test_compose_prompt_defaults():
    assert compose_prompt("") == ComposedPrompt(prompt="", negative_prompt="", loras=[])


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Alex", "alex"),
        ("alex.safetensors", "alex"),
        ("characters/Alex.SafeTensors", "alex"),
        ("C:\\loras\\alex.safetensors", "alex"),
        ("alex.pt", "alex.pt"),
    ],
)
def test_lora_key(name, key):
    assert lora_key(name) == key


def test_merge_loras_keeps_first_place_and_name_with_last_strengths():
    merged = merge_loras([lora("a/x.safetensors", 0.5), lora("y"), lora("X", 0.9, 0.1)])
    assert merged == [lora("a/x.safetensors", 0.9, 0.1), lora("y")]


def test_join_unique_fragments_drops_empty_pieces():
    assert join_unique_fragments(["a,, b,", "", " ,c ", "B"]) == "a, b, c"


@given(st.lists(st.text(alphabet="abAB ,()[]:1.\\"), max_size=5))
def test_joined_fragments_are_unique_and_stable(texts):
    joined = join_unique_fragments(texts)
    keys = [" ".join(piece.split()).casefold() for piece in split_top_level_commas(joined)]
    assert join_unique_fragments([joined]) == joined
    pieces = [key for key in keys if key != "break"]
    assert len(pieces) == len(set(pieces))
