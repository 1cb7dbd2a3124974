"""Every kind of problem is reported with its file, line and field, all in one pass."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from stripstudio.domain import Comic
from stripstudio.domain.comic import readable_path
from stripstudio.script import ScriptError, ScriptProblem, load_comic, load_comic_text


def test_problem_reads_file_line_field_message() -> None:
    problem = ScriptProblem("comic.yaml", 14, 7, "panels[2].characters[0]", "unknown character 'Bob'")
    assert str(problem) == "comic.yaml:14: panel 3, character 1: unknown character 'Bob'"
    assert str(ScriptProblem("comic.yaml", 3, 1, "", "invalid YAML")) == "comic.yaml:3: invalid YAML"


def test_error_lists_one_problem_per_line_in_file_order() -> None:
    late = ScriptProblem("c.yaml", 9, 1, "b", "late")
    early = ScriptProblem("c.yaml", 2, 1, "a", "early")
    error = ScriptError([late, early])
    assert error.problems == [early, late]
    assert str(error) == "c.yaml:2: a: early\nc.yaml:9: b: late"


def test_unknown_character_names_the_known_ones(problems, where) -> None:
    found = problems(
        """
        title: T
        characters:
          - name: Alex
          - name: Mia
        panels:
          - description: a street
          - description: a room
          - description: a park
            characters: [Mia, Bob]
        """
    )
    assert [str(p) for p in found] == [
        f"{found[0].file}:9: panel 3, character 2: unknown character 'Bob' (known: Alex, Mia)"
    ]


def test_value_out_of_range_points_at_its_key(problems) -> None:
    (found,) = problems(
        """
        title: T
        generation:
          steps: 20
          width: 32
        """
    )
    assert (found.line, found.column, found.field) == (4, 3, "generation.width")
    assert found.message == "must be at least 64 (got 32)"


def test_missing_field_is_placed_at_its_parent_mapping(problems, where) -> None:
    found = problems(
        """
        title: T
        panels:
          - description: one
          - shot: close-up
            seed: 3
        """
    )
    assert where(found) == [(4, "panels[1].description")]
    assert found[0].message == "field required"


def test_missing_title_is_placed_at_the_top(problems) -> None:
    (found,) = problems("summary: no title here\n")
    assert (found.line, found.field, found.message) == (1, "title", "field required")


def test_unknown_key_suggests_the_closest_field(problems, where) -> None:
    found = problems(
        """
        title: T
        pannels: []
        panels:
          - descripton: a street
        """
    )
    assert where(found) == [(2, "pannels"), (4, "panels[0].description"), (4, "panels[0].descripton")]
    messages = {p.field: p.message for p in found}
    assert messages["pannels"] == "unknown field (did you mean 'panels'?)"
    assert messages["panels[0].descripton"] == "unknown field (did you mean 'description'?)"


def test_unknown_key_without_a_close_field_lists_the_known_ones(problems) -> None:
    (found,) = problems("title: T\nlayout:\n  zzz: 1\n")
    assert found.field == "layout.zzz"
    assert found.message == "unknown field (known: mode, width, gutter, margin, background, page)"


def test_plain_words_for_types_and_choices(problems) -> None:
    found = problems(
        """
        title: T
        language: English
        generation:
          steps: many
          cfg: high
          width: 1001
        layout:
          mode: strip
          background: white
        """
    )
    messages = {p.field: p.message for p in found}
    assert messages == {
        "language": "must be a language code such as 'en', 'fr' or 'pt-BR' (got 'English')",
        "generation.steps": "must be a whole number",
        "generation.cfg": "must be a number",
        "generation.width": "must be a multiple of 8 (got 1001)",
        "layout.mode": "must be one of webtoon, pages (got 'strip')",
        "layout.background": "must be a colour written as '#rrggbb', e.g. '#ffffff' (got 'white')",
    }


def test_duplicate_names_and_ids(problems, where) -> None:
    found = problems(
        """
        title: T
        characters:
          - name: Mia
          - name: Mia
        panels:
          - id: start
            description: one
          - id: start
            description: two
        """
    )
    assert where(found) == [(4, "characters[1].name"), (8, "panels[1].id")]
    assert found[0].message == "another character is already called 'Mia'"


def test_speaker_must_be_in_the_panel(problems, where) -> None:
    found = problems(
        """
        title: T
        characters: {Alex: {}, Mia: {}}
        panels:
          - description: a room
            characters: [Alex]
            bubbles:
              - Alex: Hi
              - Mia: Hello
        """
    )
    assert where(found) == [(8, "panels[0].bubbles[1].speaker")]
    assert found[0].message == "speaker 'Mia' is not in this panel (present: Alex)"


def test_yaml_syntax_error_has_its_line(problems) -> None:
    (found,) = problems(
        """
        title: T
        panels:
          - description: [unclosed
          - description: fine
        """
    )
    assert found.line == 4
    assert found.field == ""
    assert found.message.startswith("invalid YAML:")


def test_duplicate_key_is_a_syntax_error(problems) -> None:
    (found,) = problems("title: A\ntitle: B\n")
    assert found.line == 2
    assert "duplicate key" in found.message


@pytest.mark.parametrize(
    ("text", "found"), [("", "an empty file"), ("- a\n- b\n", "a list"), ("just words\n", "found text")]
)
def test_top_level_must_be_a_mapping(text: str, found: str) -> None:
    with pytest.raises(ScriptError) as caught:
        load_comic_text(text, filename="x.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("x.yaml", 1)
    assert found in problem.message


def test_lists_that_are_not_lists(problems, where) -> None:
    found = problems("title: T\ncharacters: Mia\npanels: a street\n")
    assert where(found) == [(2, "characters"), (3, "panels")]
    assert found[1].message == "must be a list of panels"


def test_unreadable_script_is_a_script_error(tmp_path: Path) -> None:
    with pytest.raises(ScriptError) as caught:
        load_comic(tmp_path / "nowhere.yaml")
    assert "cannot read the script" in str(caught.value)


MANY_PROBLEMS = """\
title: Many problems
generation:
  stepps: 20
characters:
  Alex:
    seed: -1
  Mia:
    descripton: red hair
panels:
  - description: a street
    characters: [Alex, Bob]
    bubbles:
      - Alex: Hi
      - thought: hmm
        by: Mia
  - descripton: a typo and a missing field
    sketch: sketches/missing.png
  - description: a room
    id: p1
  - description: another room
    id: p1
    characters: [Mia]
    shot: close-up
    width: 100
    bubbles:
      - {kind: speech, text: "", speaker: Alex}
"""


def test_every_problem_is_reported_at_once(write_script) -> None:
    path = write_script(MANY_PROBLEMS)
    with pytest.raises(ScriptError) as caught:
        load_comic(path)
    report = str(caught.value).splitlines()
    missing = path.parent / "sketches" / "missing.png"
    assert report == [
        f"{path}:3: generation.stepps: unknown field (did you mean 'steps'?)",
        f"{path}:6: character 1, seed: must be at least 0 (got -1)",
        f"{path}:8: character 2, descripton: unknown field (did you mean 'description'?)",
        f"{path}:11: panel 1, character 2: unknown character 'Bob' (known: Alex, Mia)",
        f"{path}:15: panel 1, bubble 2, speaker: speaker 'Mia' is not in this panel (present: Alex, Bob)",
        f"{path}:16: panel 2, description: field required",
        f"{path}:16: panel 2, descripton: unknown field (did you mean 'description'?)",
        f"{path}:17: panel 2, sketch: file not found: {missing} (put the drawing there or fix the path)",
        f"{path}:21: panel 4, id: another panel already has the id 'p1'",
        f"{path}:24: panel 4, width: must be a multiple of 8 (got 100)",
        f"{path}:26: panel 4, bubble 1, text: must not be empty",
        f"{path}:26: panel 4, bubble 1, speaker: speaker 'Alex' is not in this panel (present: Mia)",
    ]


def test_nothing_is_half_loaded(write_script) -> None:
    path = write_script("title: T\npanels:\n  - description: fine\n  - description: ''\n")
    result = None
    with pytest.raises(ScriptError):
        result = load_comic(path)
    assert result is None


_KEYS = ["title", "style", "generation", "characters", "panels", "layout", "name", "description", "bubbles"]
_KEYS += [
    "kind",
    "text",
    "speaker",
    "by",
    "speech",
    "caption",
    "sketch",
    "reference_images",
    "seed",
    "width",
    "Mia",
]
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5000), st.floats(), st.text(max_size=5))
_TREES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)),
    max_leaves=30,
)
_PIECES = [
    "title: T\n",
    "panels:\n",
    "  - ",
    "description: x\n",
    "    ",
    "- Mia: hi\n",
    "{",
    "]",
    ": ",
    "&a ",
]
_PIECES += [
    "*a",
    "<<: *a\n",
    "? ",
    "!!binary x",
    "\t",
    "'",
    "\n",
    "characters:\n",
    "  Mia:\n",
    "---\n",
    "2001-01-01",
]


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _TREES, max_size=8))
def test_any_mapping_gives_a_comic_or_a_script_error(data: dict) -> None:
    stream = io.StringIO()
    YAML().dump(data, stream)
    try:
        assert isinstance(load_comic_text(stream.getvalue(), check_files=False), Comic)
    except ScriptError as error:
        assert all(problem.line >= 1 for problem in error.problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
@pytest.mark.filterwarnings("ignore::ruamel.yaml.error.ReusedAnchorWarning")
def test_any_text_gives_a_comic_or_a_script_error(text: str) -> None:
    try:
        assert isinstance(load_comic_text(text, check_files=False), Comic)
    except ScriptError as error:
        assert error.problems


def test_script_error_survives_pickling() -> None:
    error = ScriptError([ScriptProblem("c.yaml", 2, 1, "title", "field required")])
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems and str(copy) == str(error)


@pytest.mark.parametrize(
    ("field", "readable"),
    [
        ("panels[0].sketch", "panel 1, sketch"),
        ("panels[2].bubbles[1].font", "panel 3, bubble 2, font"),
        ("characters[0].reference_images[1]", "character 1, reference image 2"),
        ("style.loras[0].name", "style, LoRA 1, name"),
        ("layout.page.preset", "layout.page.preset"),
        ("panels[9]", "panel 10"),
    ],
)
def test_field_paths_are_shown_counted_from_one(field: str, readable: str) -> None:
    assert readable_path(field) == readable
    assert str(ScriptProblem("c.yaml", 3, 1, field, "wrong")) == f"c.yaml:3: {readable}: wrong"
