"""Bounds on a script's YAML: an alias bomb, a self-containing alias, too many values or too deep nesting
are refused at their line before anything is built; ordinary anchors and aliases still load."""

from __future__ import annotations

import tracemalloc

import pytest

from stripstudio.script import ScriptError, load_comic, load_comic_text
from stripstudio.script.bounds import MAX_ALIAS_VALUES, MAX_DEPTH, MAX_SCRIPT_VALUES
from tests.hostile import alias_bomb


def test_alias_bomb_is_refused_before_it_is_expanded(write_script) -> None:
    text = alias_bomb()
    assert len(text.encode()) < 500  # the bomb is tiny: 9**7 (4.8 million) values once expanded
    path = write_script(text, "bomb.yaml")
    tracemalloc.start()
    try:
        with pytest.raises(ScriptError) as caught:
            load_comic(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.line in range(5, 13)  # a line of the nested anchors
    assert f"more than {MAX_ALIAS_VALUES} values" in problem.message
    assert "write the repeated values out" in problem.message
    assert peak < 4 * 1024**2


def test_alias_inside_its_own_anchor_is_refused_at_its_line() -> None:
    text = "title: T\npanels: &all\n  - description: a room\n    characters: *all\n"
    with pytest.raises(ScriptError) as caught:
        load_comic_text(text, filename="loop.yaml")
    assert str(caught.value).startswith("loop.yaml:4: the alias *all is used inside the value of its own anchor")


def test_ordinary_anchors_aliases_and_merges_still_load() -> None:
    text = (
        "title: T\n"
        "characters:\n"
        "  - &mia {name: Mia, description: a girl with red hair}\n"
        "panels:\n"
        "  - &room {description: a room, characters: [Mia]}\n"
        "  - *room\n"
        "  - {<<: *room, description: a park}\n"
    )
    comic = load_comic_text(text)
    assert [panel.description for panel in comic.panels] == ["a room", "a room", "a park"]
    assert [panel.characters for panel in comic.panels] == [["Mia"]] * 3


def test_aliases_under_the_bound_reach_validation() -> None:
    # One anchor of 99 values repeated 100 times adds 9,900 values, below the bound: the script
    # is expanded and validated (its made-up field is reported), not refused for its aliases.
    items = ", ".join(["x"] * 98)
    copies = ", ".join(["*b"] * 100)
    text = f"title: T\npanels:\n  - description: d\nnotes:\n  base: &b [{items}]\n  copies: [{copies}]\n"
    with pytest.raises(ScriptError) as caught:
        load_comic_text(text, filename="c.yaml")
    assert str(caught.value).startswith("c.yaml:4: notes: unknown field")
    too_many = text.replace("[" + ", ".join(["*b"] * 100), "[" + ", ".join(["*b"] * 110))
    with pytest.raises(ScriptError, match="more than 10000 values"):
        load_comic_text(too_many)


def test_a_script_with_too_many_values_is_refused_where_it_passes_the_bound() -> None:
    items = "\n".join(f"  - x{index}" for index in range(MAX_SCRIPT_VALUES + 10))
    text = f"title: T\npanels:\n  - description: d\nnotes:\n{items}\n"
    with pytest.raises(ScriptError) as caught:
        load_comic_text(text, filename="long.yaml")
    (problem,) = caught.value.problems
    # Ten values come before the first note (keys count too); composing stopped at the one past the bound.
    assert (problem.file, problem.line) == ("long.yaml", 4 + MAX_SCRIPT_VALUES - 10 + 1)
    assert f"more than {MAX_SCRIPT_VALUES} values" in problem.message and "split it" in problem.message


def test_values_nested_too_deep_are_refused_instead_of_exhausting_the_stack() -> None:
    text = "title: T\nnotes: " + "[" * 5000 + "]" * 5000 + "\n"
    with pytest.raises(ScriptError) as caught:
        load_comic_text(text, filename="deep.yaml")
    (problem,) = caught.value.problems
    assert problem.file == "deep.yaml" and problem.line == 2
    assert f"more than {MAX_DEPTH} levels deep" in problem.message
