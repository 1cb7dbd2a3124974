"""The A1111 weight syntax, BREAK, <lora:...> tags, canonical formatting, ComfyUI rewriting, problems."""

from __future__ import annotations

import contextlib
import math
import re
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stripstudio.prompting import (
    BREAK,
    LoraTag,
    WeightedFragment,
    extract_lora_tags,
    format_fragments,
    format_lora_tag,
    parse_prompt,
    parse_weights,
    prompt_problems,
    split_top_level_commas,
    to_comfyui,
)

# --- helpers -----------------------------------------------------------------------------------


def pairs(text: str) -> list[tuple[str, float]]:
    return [(f.text, f.weight) for f in parse_weights(text)]


def assert_pairs(text: str, expected: list[tuple[str, float]]) -> None:
    got = pairs(text)
    assert [t for t, _ in got] == [t for t, _ in expected], got
    for (_, weight), (_, want) in zip(got, expected, strict=True):
        assert math.isclose(weight, want, rel_tol=1e-12), got


def weights_per_character(fragments) -> list[tuple[str, float | None]]:
    """Each character with its weight; a BREAK is one ("BREAK", None) entry."""
    out: list[tuple[str, float | None]] = []
    for fragment in fragments:
        if fragment.is_break:
            out.append(("BREAK", None))
        else:
            out.extend((char, fragment.weight) for char in fragment.text)
    return out


def assert_same_reading(got, expected) -> None:
    got_chars, want_chars = weights_per_character(got), weights_per_character(expected)
    assert [c for c, _ in got_chars] == [c for c, _ in want_chars]
    for (_, weight), (_, want) in zip(got_chars, want_chars, strict=True):
        if want is None:
            assert weight is None
        else:
            assert math.isclose(weight, want, rel_tol=1e-9, abs_tol=6e-5), (weight, want)


def escape(text: str) -> str:
    return re.sub(r"[\\()\[\]]", r"\\\g<0>", text)


# --- weights: examples -------------------------------------------------------------------------


def test_plain_text_has_weight_one():
    assert_pairs("a cat on a mat", [("a cat on a mat", 1.0)])


def test_empty_prompt_has_no_fragments():
    assert parse_weights("") == ()
    assert parse_prompt("").fragments == ()


def test_round_brackets_multiply_by_1_1():
    assert_pairs("an (important) word", [("an ", 1.0), ("important", 1.1), (" word", 1.0)])


def test_double_round_brackets_multiply_by_1_21():
    assert_pairs("((word))", [("word", 1.1 * 1.1)])


def test_explicit_weight():
    assert_pairs("(word:1.3)", [("word", 1.3)])


def test_explicit_weight_allows_spaces_and_signs():
    assert_pairs("(word: 1.5 )", [("word", 1.5)])
    assert_pairs("(word:-1)", [("word", -1.0)])
    assert_pairs("(word:+.5)", [("word", 0.5)])
    assert_pairs("(word:0)", [("word", 0.0)])


def test_square_brackets_divide_by_1_1():
    assert_pairs("[word]", [("word", 1 / 1.1)])


def test_nesting_multiplies():
    assert_pairs("((word:1.5))", [("word", 1.5 * 1.1)])
    assert_pairs("[(word:2)]", [("word", 2 / 1.1)])
    assert_pairs("((a (b:0.5) c:2))", [("a ", 2.2), ("b", 1.1), (" c", 2.2)])


def test_thesis_prompt():
    fragments = parse_prompt("((cartoon style)), young adult man, 25, is reading a book").fragments
    assert [f.text for f in fragments] == ["cartoon style", ", young adult man, 25, is reading a book"]
    assert fragments[0].weight == pytest.approx(1.21)
    assert fragments[1].weight == 1.0


def test_a1111_reference_example():
    # The example in the docstring of A1111's parse_prompt_attention.
    assert_pairs(
        "a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).",
        [
            ("a ", 1.0),
            ("house", 1.573),
            (" ", 1.1),
            ("on", 1.0),
            (" a ", 1.1),
            ("hill", 0.55),
            (", sun, ", 1.1),
            ("sky", 1.4641),
            (".", 1.1),
        ],
    )


def test_adjacent_equal_weights_merge():
    assert_pairs("(unnecessary)(parens)", [("unnecessaryparens", 1.1)])
    assert_pairs("[unnecessary][parens]", [("unnecessaryparens", 1 / 1.1)])


def test_escaped_brackets_and_backslash_are_literal():
    assert_pairs(r"\(literal\]", [("(literal]", 1.0)])
    assert_pairs(r"\[a\] \\ \)", [("[a] \\ )", 1.0)])
    assert_pairs(r"(\(a\):1.2)", [("(a)", 1.2)])


def test_lone_backslash_is_kept():
    assert_pairs("a\\b", [("a\\b", 1.0)])
    assert_pairs("end\\", [("end\\", 1.0)])


def test_unclosed_bracket_weighs_the_rest():
    assert_pairs("(unbalanced", [("unbalanced", 1.1)])
    assert_pairs("a [b (c", [("a ", 1.0), ("b ", 1 / 1.1), ("c", 1.0)])


def test_unmatched_closer_is_text():
    assert_pairs("a) b] c", [("a) b] c", 1.0)])
    assert_pairs("a:1.5) b", [("a:1.5) b", 1.0)])


def test_weight_that_is_not_a_number_is_text():
    assert_pairs("(a:b)", [("a:b", 1.1)])
    assert_pairs("(a:1e999)", [("a:1e999", 1.1)])
    assert_pairs("(a:nan)", [("a:nan", 1.1)])
    assert_pairs("(a:inf)", [("a:inf", 1.1)])
    assert_pairs("(a:1.2.3)", [("a:1.2.3", 1.1)])
    assert_pairs("(a:.)", [("a:.", 1.1)])


def test_a_number_too_large_to_be_finite_is_text():
    huge = "9" * 400
    assert_pairs(f"(a:{huge})", [(f"a:{huge}", 1.1)])


def test_weights_that_overflow_stay_finite():
    big = "1" + "0" * 300
    fragments = parse_weights(f"((a:{big}):{big})")
    assert fragments == (WeightedFragment("a", sys.float_info.max),)
    assert parse_weights(f"(((a:0):{big}):{big})") == (WeightedFragment("a", 0.0),)


def test_deep_nesting_is_fast():
    depth = 100_000
    start = time.perf_counter()
    fragments = parse_weights("(" * depth + "a" + ")" * depth)
    assert time.perf_counter() - start < 5
    assert fragments == (WeightedFragment("a", sys.float_info.max),)
    assert len(parse_weights("(a " * 5_000)) == 5_000


# --- BREAK -------------------------------------------------------------------------------------


def test_break_is_a_marker_fragment():
    assert parse_weights("a cat BREAK a dog") == (
        WeightedFragment("a cat"),
        BREAK,
        WeightedFragment("a dog"),
    )
    assert BREAK.is_break and BREAK.text == "BREAK" and BREAK.weight == 1.0


def test_break_must_be_a_whole_upper_case_word():
    assert pairs("aBREAK break BREAKs") == [("aBREAK break BREAKs", 1.0)]


def test_break_inside_brackets_is_still_a_break_without_weight():
    assert parse_weights("(a BREAK b)") == (WeightedFragment("a", 1.1), BREAK, WeightedFragment("b", 1.1))


def test_every_break_counts():
    assert parse_weights("BREAK a BREAK BREAK") == (BREAK, WeightedFragment("a"), BREAK, BREAK)


def test_whitespace_next_to_break_is_dropped():
    assert parse_weights("(a )BREAK( b)") == (WeightedFragment("a", 1.1), BREAK, WeightedFragment("b", 1.1))


# --- LoRA tags ---------------------------------------------------------------------------------


def test_lora_tag_forms():
    text, tags = extract_lora_tags("<lora:a> <lora:b:0.5> <lora:c:0.8:0.2> x")
    assert text == "x"
    assert tags == [LoraTag("a", 1.0, 1.0), LoraTag("b", 0.5, 0.5), LoraTag("c", 0.8, 0.2)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a, <lora:x:1>, b", "a, b"),
        ("a,<lora:x:1>,b", "a,b"),
        ("a <lora:x:1> b", "a b"),
        ("a <lora:x:1>, b", "a, b"),
        ("a<lora:x:1>b", "ab"),
        ("<lora:x:1>, a", "a"),
        ("a, <lora:x:1>", "a"),
        ("a, <lora:x:1>, <lora:y:1> ,b", "a, b"),
        ("a\n<lora:x:1>\nb", "a\nb"),
        ("(a, <lora:x:1>), b", "(a), b"),
        ("<lora:x:1>", ""),
    ],
)
def test_removed_tags_leave_one_separator(text, expected):
    assert extract_lora_tags(text)[0] == expected


def test_lora_names_may_hold_brackets_and_folders():
    parsed = parse_prompt("(cat:1.2), <lora:styles/add_detail(v2):0.6> [dog]")
    assert parsed.loras == (LoraTag("styles/add_detail(v2)", 0.6, 0.6),)
    assert parsed.text_without_tags == "(cat:1.2), [dog]"
    assert [(f.text, f.weight) for f in parsed.fragments] == [("cat", 1.2), (", ", 1.0), ("dog", 1 / 1.1)]


def test_lora_tag_is_case_insensitive_and_strips_spaces():
    assert extract_lora_tags("<LoRA: x : 0.5 >")[1] == [LoraTag("x", 0.5, 0.5)]


@pytest.mark.parametrize("tag", ["<lora:>", "<lora::1>", "<lora:x:abc>", "<lora:x:nan>", "<lora:x:1:2:3>", "<lora:x:>"])
def test_malformed_lora_tags_are_removed_without_a_lora(tag):
    assert extract_lora_tags(f"a, {tag}, b") == ("a, b", [])


def test_format_lora_tag():
    assert format_lora_tag(LoraTag("x")) == "<lora:x:1>"
    assert format_lora_tag(LoraTag("x", 0.5, 0.5)) == "<lora:x:0.5>"
    assert format_lora_tag(LoraTag("x", 0.8, 0.2)) == "<lora:x:0.8:0.2>"
    assert format_lora_tag(LoraTag("x", 1e-7, 1e20)) == "<lora:x:0.0000001:100000000000000000000>"


@pytest.mark.parametrize(
    "tag",
    [LoraTag(""), LoraTag("a:b"), LoraTag("a>b"), LoraTag("a<b"), LoraTag(" a"), LoraTag("a", math.inf)],
)
def test_format_lora_tag_refuses_what_a_tag_cannot_hold(tag):
    with pytest.raises(ValueError):
        format_lora_tag(tag)


# --- canonical formatting ----------------------------------------------------------------------


def test_format_fragments_writes_canonical_syntax():
    fragments = parse_weights("((cartoon style)), a [b] (c:1.3) BREAK d")
    assert format_fragments(fragments) == "(cartoon style:1.21), a (b:0.9091) (c:1.3) BREAK d"


def test_format_fragments_escapes_brackets():
    fragments = (WeightedFragment("f(x) [y] \\", 1.0), WeightedFragment("(z)", 2.0))
    text = format_fragments(fragments)
    assert text == r"f\(x\) \[y\] \\(\(z\):2)"
    assert parse_weights(text) == fragments


def test_format_fragments_keeps_literal_break_and_lora_text_literal():
    fragments = (WeightedFragment("BREAK <lora:x:1>", 1.0), WeightedFragment("BREAK", 1.5))
    assert parse_prompt(format_fragments(fragments)).fragments == fragments


# --- ComfyUI -----------------------------------------------------------------------------------


def test_to_comfyui_resolves_weights_into_flat_groups():
    assert to_comfyui("((a:1.5)), b, [c], ((d))") == "(a:1.65), b, (c:0.9091), (d:1.21)"


def test_to_comfyui_drops_lora_tags_and_escapes_round_brackets_only():
    assert to_comfyui(r"<lora:x:0.5>, \(a\) \[b\] (\\c:1.2)") == r"\(a\) [b] (\c:1.2)"


def test_to_comfyui_keeps_break_as_a_word():
    assert to_comfyui("a BREAK (b)") == "a BREAK (b:1.1)"


def test_to_comfyui_keeps_a_trailing_backslash_away_from_the_next_group():
    # A literal backslash before "(b:1.2)" would read as ComfyUI's escape "\(".
    assert to_comfyui(r"a\\(b:1.2)") == r"a\ (b:1.2)"
    assert to_comfyui(r"a\(b:1.2)") == r"a\(b:1.2\)"  # escaped "(": no group at all


# --- problems ----------------------------------------------------------------------------------


def problem_spans(text: str) -> list[tuple[str, str]]:
    return [(text[p.start : p.end], p.message) for p in prompt_problems(text)]


def test_clean_prompt_has_no_problems():
    assert prompt_problems("((cartoon style)), a [b] (c:1.3), <lora:x:0.8:0.5> BREAK \\(d\\)") == []


def test_unclosed_and_unmatched_brackets_are_reported():
    problems = prompt_problems("a (b [c] d) e) f [g")
    assert [(p.start, p.end) for p in problems] == [(13, 14), (17, 18)]
    assert "no '('" in problems[0].message
    assert "never closed" in problems[1].message
    assert [(p.start, p.end) for p in prompt_problems("[(a")] == [(0, 1), (1, 2)]
    assert "no '['" in prompt_problems("a]")[0].message


def test_weight_problems():
    spans = problem_spans("(a:5) (b:-1) (c:1.2.3) (d:1,5) (e:nan) (f:1e3) (g:2.9) (h:word)")
    assert [span for span, _ in spans] == ["5", "-1", "1.2.3", "1,5", "nan", "1e3"]
    assert "outside 0..3" in spans[0][1]
    assert "not a number" in spans[2][1]
    assert "not a weight" in spans[3][1]


def test_lora_tag_problems():
    spans = problem_spans("<lora::1> <lora:x:abc> <lora:x:1:2:3> <lora:y:5> <lora:z:-2> <lora:w:0.5:7> <lora:open")
    assert [span for span, _ in spans] == [
        "<lora::1>",
        "<lora:x:abc>",
        "<lora:x:1:2:3>",
        "<lora:y:5>",
        "<lora:w:0.5:7>",
        "<lora:",
    ]
    assert "no name" in spans[0][1]
    assert "not a number" in spans[1][1]
    assert "at most two" in spans[2][1]
    assert "outside -3..3" in spans[3][1]
    assert "not closed" in spans[5][1]


def test_brackets_in_lora_names_are_not_reported():
    assert prompt_problems("a <lora:detail(v2:1> b") == []


# --- commas ------------------------------------------------------------------------------------


def test_split_top_level_commas():
    assert split_top_level_commas("(red hair, blue eyes:1.2), [a, b], c\\, d, (e") == [
        "(red hair, blue eyes:1.2)",
        " [a, b]",
        " c\\",
        " d",
        " (e",
    ]
    assert split_top_level_commas("") == [""]
    assert split_top_level_commas("a) , b") == ["a) ", " b"]


# --- properties --------------------------------------------------------------------------------

_ATOMS = st.sampled_from(
    [
        "cat", " ", ",", ":", ".", "1.5", "é", "\n", "BREAK", " BREAK ", "\\", "\\(", "\\)", "\\[",
        "\\]", "\\\\", "(", ")", "[", "]", ":1.2)", ": 0.5 )", ":nan)", ":1e999)", ":-0.5)", ":.)",
        "<lora:x:0.5>", "<lora:>", "<lora:a(b):1>", "<lora:y:1:", ">", "<", "lora", "BRE", "AK", "()",
    ]
)  # fmt: skip
_GROUPED = st.recursive(
    _ATOMS,
    lambda inner: st.tuples(
        st.sampled_from(["(", "["]),
        st.lists(inner, max_size=4).map("".join),
        st.sampled_from([")", "]", ":1.5)", ":0)", ":abc)", ":3.25)", ""]),
    ).map("".join),
    max_leaves=30,
)
PROMPT_LIKE = st.lists(_GROUPED, max_size=12).map("".join)
ANY_TEXT = st.one_of(st.text(), PROMPT_LIKE)


def check_fragments(fragments) -> None:
    for fragment in fragments:
        if fragment.is_break:
            assert fragment == BREAK
        else:
            assert fragment.text
            assert math.isfinite(fragment.weight)
    for left, right in zip(fragments, fragments[1:], strict=False):
        assert left.is_break or right.is_break or left.weight != right.weight
        assert not (left.is_break and right.text[:1].isspace())
        assert not (right.is_break and left.text[-1:].isspace())


@given(ANY_TEXT)
def test_nothing_crashes_and_fragments_are_tidy(text):
    parsed = parse_prompt(text)
    check_fragments(parsed.fragments)
    for tag in parsed.loras:
        assert tag.name
        assert math.isfinite(tag.strength_model) and math.isfinite(tag.strength_clip)
    for problem in prompt_problems(text):
        assert 0 <= problem.start < problem.end <= len(text)
        assert problem.message
    assert isinstance(to_comfyui(text), str)
    assert ",".join(split_top_level_commas(text)) == text


@given(ANY_TEXT)
def test_format_then_parse_gives_the_same_fragments(text):
    fragments = parse_prompt(text).fragments
    assert_same_reading(parse_prompt(format_fragments(fragments)).fragments, fragments)


_FRAGMENT_TEXT = st.one_of(
    st.text(min_size=1),
    st.lists(
        st.sampled_from(["BREAK", "<lora:", ">", "(", ")", "[", "]", "\\", ":", "1.5", " ", "a", "é"]),
        min_size=1,
    ).map("".join),
).filter(lambda text: text == text.strip() and text)
_WEIGHT = st.one_of(
    st.just(1.0),
    st.integers(-400, 400).map(lambda n: n / 100),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
_FRAGMENTS = st.lists(st.one_of(st.builds(WeightedFragment, _FRAGMENT_TEXT, _WEIGHT), st.just(BREAK)), max_size=8)


@given(_FRAGMENTS)
def test_formatted_fragments_parse_back(fragments):
    assert_same_reading(parse_prompt(format_fragments(fragments)).fragments, fragments)


@st.composite
def nested_groups(draw) -> tuple[str, dict[str, float]]:
    """A prompt of unique words in nested (), [] and (...:W) groups, and the weight of each word."""
    multiplier = st.one_of(
        st.just(("(", ")", 1.1)),
        st.just(("[", "]", 1 / 1.1)),
        st.integers(0, 60).map(lambda n: ("(", f":{n / 20:.2f})", n / 20)),
    )
    tree = st.recursive(
        st.none(), lambda children: st.tuples(multiplier, st.lists(children, max_size=4)), max_leaves=25
    )
    expected: dict[str, float] = {}

    def render(node, weight: float) -> str:
        if node is None:
            word = f"w{len(expected)}x"
            expected[word] = weight
            return word
        (opening, closing, factor), children = node
        return opening + " ".join(render(child, weight * factor) for child in children) + closing

    text = " ".join(render(node, 1.0) for node in draw(st.lists(tree, max_size=5)))
    return text, expected


@given(nested_groups())
def test_nested_weights_multiply(case):
    text, expected = case
    characters = weights_per_character(parse_weights(text))
    flat = "".join(char for char, _ in characters)
    for word, weight in expected.items():
        start = flat.index(word)
        for _, got in characters[start : start + len(word)]:
            assert math.isclose(got, weight, rel_tol=1e-9, abs_tol=1e-12), (word, got, weight)


_LORA_NAME = st.text(min_size=1).filter(lambda name: name == name.strip() and not set(name) & set(":<>"))
_STRENGTH = st.floats(allow_nan=False, allow_infinity=False)


@given(_LORA_NAME, _STRENGTH, _STRENGTH, st.booleans())
def test_lora_tags_round_trip(name, strength_model, strength_clip, same):
    tag = LoraTag(name, strength_model, strength_model if same else strength_clip)
    text, tags = extract_lora_tags(f"a cat, {format_lora_tag(tag)}, on a mat")
    assert text == "a cat, on a mat"
    assert tags == [tag]


@given(st.text(alphabet="ab ()[]\\:,.15\n"))
def test_escaped_brackets_stay_literal(text):
    fragments = parse_weights(escape(text))
    assert "".join(f.text for f in fragments) == text
    assert all(f.weight == 1.0 for f in fragments)


def comfyui_reading(text: str) -> list[tuple[str, float]]:
    """Segments and weights as ComfyUI's CLIPTextEncode reads ``text``: only \\( and \\) escape, and
    the explicit weight of a group replaces the weight around it."""
    text = text.replace("\\)", "\0\1").replace("\\(", "\0\2")
    return [(s.replace("\0\1", ")").replace("\0\2", "("), w) for s, w in _comfyui_groups(text, 1.0)]


def _comfyui_groups(text: str, weight: float) -> list[tuple[str, float]]:
    out = []
    for part in _comfyui_top_level(text):
        if len(part) >= 2 and part[0] == "(" and part[-1] == ")":
            inner, inner_weight = part[1:-1], weight * 1.1
            colon = inner.rfind(":")
            if colon > 0:
                with contextlib.suppress(ValueError):
                    inner, inner_weight = inner[:colon], float(inner[colon + 1 :])
            out += _comfyui_groups(inner, inner_weight)
        else:
            out.append((part, weight))
    return out


def _comfyui_top_level(text: str) -> list[str]:
    parts, current, depth = [], "", 0
    for char in text:
        if char == "(" and depth == 0 and current:
            parts.append(current)
            current = ""
        current += char
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ")" and depth == 0:
            parts.append(current)
            current = ""
    return [*parts, current] if current else parts


@settings(max_examples=200)
@given(ANY_TEXT.map(lambda text: text.replace("B", "b").replace("\0", "")))
def test_comfyui_reads_the_rewritten_prompt_with_our_weights(text):
    ours = [(char, round(f.weight, 4)) for f in parse_prompt(text).fragments for char in f.text if not char.isspace()]
    theirs = [(char, w) for segment, w in comfyui_reading(to_comfyui(text)) for char in segment if not char.isspace()]
    assert [c for c, _ in theirs] == [c for c, _ in ours]
    for (_, got), (_, want) in zip(theirs, ours, strict=True):
        assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9)
