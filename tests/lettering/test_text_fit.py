"""Text fitting: balanced lines that stay inside the bubble, at the largest size that fits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import box

from stripstudio.lettering.fonts import default_fontbook
from stripstudio.lettering.shapes import ellipse
from stripstudio.lettering.text_fit import FittedText, fit_text
from stripstudio.lettering.tokens import Token, tokenize
from stripstudio.lettering.wrap import wrap_balanced

LETTERS = "abcdefghijklmnopqrstuvwxyzAEIOUéèüßçñøåőłșжщ"
words = st.text(alphabet=LETTERS, min_size=1, max_size=14)


def _comic_neue():
    return default_fontbook().chain("Comic Neue")


def _words_back(fitted: FittedText) -> list[str]:
    """The words of the fitted text, with words broken across lines by a hyphen joined again."""
    text = ""
    for line in fitted.lines:
        text += line.text[:-1] if line.hyphenated else line.text + " "
    return text.split()


@settings(max_examples=60)
@given(
    text=st.lists(words, min_size=1, max_size=18).map(" ".join),
    width=st.integers(60, 360),
    height=st.integers(40, 240),
)
def test_fitted_text_stays_inside_its_bubble_with_every_word_in_order(text, width, height):
    region = ellipse(width, height).buffer(-6)
    fitted = fit_text(text, region, _comic_neue(), max_size=28, min_size=8)
    if fitted is None:
        return
    assert 8 <= fitted.size <= 28
    for line in fitted.lines:
        assert region.buffer(0.05).covers(box(*line.box)), (line.text, line.box)
    assert _words_back(fitted) == text.split()


def test_short_text_gets_the_largest_size_and_one_line():
    fitted = fit_text("Hi!", ellipse(200, 120), _comic_neue(), max_size=28, min_size=14)
    assert fitted is not None and fitted.size == 28 and fitted.line_texts == ["Hi!"]


def test_text_shrinks_before_it_gives_up():
    text = "I told you a hundred times: the stars are not for sale, not now, not ever, not even for you."
    fitted = fit_text(text, ellipse(240, 140).buffer(-8), _comic_neue(), max_size=28, min_size=12)
    assert fitted is not None and 12 <= fitted.size < 28
    assert fit_text(text, ellipse(60, 40), _comic_neue(), max_size=28, min_size=12) is None


def test_lines_are_balanced_not_greedy():
    tokens = [Token("w", space_before=i > 0) for i in range(5)]
    breaks = wrap_balanced(tokens, [10.0] * 5, 1.0, [45.0, 45.0])
    assert breaks is not None
    counts = [end - start for start, end in breaks.spans]
    assert sorted(counts) == [2, 3]  # greedy filling would give 4 and 1


def test_author_line_breaks_are_kept():
    fitted = fit_text("Wait.\nWhat?", ellipse(300, 200), _comic_neue(), max_size=24, min_size=10)
    assert fitted is not None and fitted.line_texts == ["Wait.", "What?"]


def test_a_word_too_long_for_any_line_is_broken_with_a_hyphen():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    region = ellipse(150, 120).buffer(-6)
    fitted = fit_text(f"It is {word}!", region, _comic_neue(), max_size=20, min_size=10)
    assert fitted is not None
    assert any(line.hyphenated and line.text.endswith("-") for line in fitted.lines)
    assert _words_back(fitted) == ["It", "is", f"{word}!"]
    for line in fitted.lines:
        assert region.buffer(0.05).covers(box(*line.box))


def test_cjk_breaks_between_characters_but_not_before_closing_punctuation():
    text = "東京へ行きましょう。「はい」と彼女は言った。"
    region = ellipse(160, 150).buffer(-6)
    fitted = fit_text(text, region, _comic_neue(), max_size=22, min_size=10)
    assert fitted is not None and len(fitted.lines) > 1
    assert "".join(fitted.line_texts) == text
    assert not any(line[0] in "。、」" for line in fitted.line_texts)
    assert not any(line[-1] == "「" for line in fitted.line_texts)
    faces = {piece.face.path.name for line in fitted.lines for piece in line.pieces}
    assert faces == {"noto-sans-jp-japanese-400-normal.woff"}


def test_accents_and_combining_marks_survive_fitting():
    text = "Zoë said: «Ça va, señor Łukasz?» — e\u0301"
    fitted = fit_text(text, ellipse(320, 200).buffer(-6), _comic_neue(), max_size=24, min_size=10)
    assert fitted is not None
    assert " ".join(fitted.line_texts) == "Zoë said: «Ça va, señor Łukasz?» — é"  # NFC: e + ◌́ becomes é


def test_tokens_keep_clusters_and_cjk_punctuation_together():
    assert [t.text for t in tokenize("「はい」。")] == ["「は", "い」。"]
    assert [t.text for t in tokenize("東京Tower")] == ["東", "京", "Tower"]
    assert [(t.text, t.break_before) for t in tokenize("a\n\nb")] == [("a", False), ("b", True)]
