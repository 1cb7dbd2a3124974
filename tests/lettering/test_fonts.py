"""Bundled fonts, user font files, and the per-character fallback chain."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from stripstudio.domain import Bubble
from stripstudio.lettering import FontBook, LetteringError, layout_bubbles
from stripstudio.lettering.fonts import BUNDLED_FAMILIES, FONT_DIR, default_fontbook
from tests.lettering.helpers import PANEL_SIZE, panel_with


def _face_names(chain, text: str) -> list[str]:
    return [run.face.path.name for run in chain.runs(text)]


def test_bundled_fonts_ship_with_their_licences_and_stay_small():
    for regular, bold in BUNDLED_FAMILIES.values():
        for name in (*regular, *bold):
            assert (FONT_DIR / name).is_file(), name
    licences = sorted(p.name for p in FONT_DIR.glob("OFL-*.txt"))
    assert licences == [
        "OFL-bangers.txt",
        "OFL-comic-neue.txt",
        "OFL-noto-sans-jp.txt",
        "OFL-noto-sans.txt",
        "OFL-patrick-hand.txt",
    ]
    for licence in licences:
        assert "SIL Open Font License" in (FONT_DIR / licence).read_text()
    assert sum(p.stat().st_size for p in FONT_DIR.iterdir()) < 3 * 1024 * 1024


def test_families_are_found_by_name_in_any_spelling():
    book = default_fontbook()
    assert {"Comic Neue", "Bangers", "Patrick Hand", "Noto Sans", "Noto Sans JP"} <= set(book.families())
    assert book.chain("comic-neue").faces == book.chain("Comic Neue").faces
    assert [len(family) for family in book.chain("Bangers").families] == [3, 4, 1]
    assert book.chain("Comic Neue", bold=True).faces[0].path.name == "comic-neue-latin-700-normal.woff"


def test_each_character_goes_to_the_first_font_that_has_it():
    chain = default_fontbook().chain("Comic Neue")
    assert _face_names(chain, "Hello") == ["comic-neue-latin-400-normal.woff"]
    # Comic Neue lacks Ł and ź: the whole word moves to Noto Sans rather than mixing designs inside it.
    assert set(_face_names(chain, "Łódź")) == {"noto-sans-latin-ext-400-normal.woff", "noto-sans-latin-400-normal.woff"}
    assert _face_names(chain, "Comic Łódź") == ["comic-neue-latin-400-normal.woff"] + _face_names(chain, "Łódź")
    assert _face_names(chain, "Привет") == ["noto-sans-cyrillic-400-normal.woff"]
    assert _face_names(chain, "Ωμέγα") == ["noto-sans-greek-400-normal.woff"]
    assert _face_names(chain, "東京") == ["noto-sans-jp-japanese-400-normal.woff"]
    assert _face_names(chain, "Hi 東京") == [
        "comic-neue-latin-400-normal.woff",
        "noto-sans-jp-japanese-400-normal.woff",
    ]


def test_combining_marks_stay_with_their_letter():
    chain = default_fontbook().chain("Comic Neue")
    runs = chain.runs("xq\u0303x")  # q with a combining tilde has no precomposed form
    assert "".join(run.text for run in runs) == "xq\u0303x"
    assert all("\u0303" not in run.text or "q" in run.text for run in runs)


def test_unknown_family_names_the_bubble_and_lists_the_known_ones():
    panel = panel_with(Bubble(text="Hello"), Bubble(text="Where are we going tonight, Tom?", font="Comic Sans"))
    with pytest.raises(LetteringError) as caught:
        layout_bubbles(panel, PANEL_SIZE, panel_index=2)
    message = str(caught.value)
    assert 'panel 3, bubble 2 ("Where are we going tonight,…")' in message
    assert "'Comic Sans'" in message and "Bangers, Comic Neue" in message and "Patrick Hand" in message


def test_a_user_font_file_is_used_by_path(tmp_path):
    font = TTFont(FONT_DIR / "patrick-hand-latin-400-normal.woff")
    font.flavor = None
    font.save(tmp_path / "hand.ttf")
    book = FontBook(search_dirs=(tmp_path,))
    placed = layout_bubbles(panel_with(Bubble(text="Hello there", font="hand.ttf")), PANEL_SIZE, fonts=book)
    assert placed[0].text.lines[0].pieces[0].face.path == tmp_path / "hand.ttf"


def test_missing_or_broken_font_files_are_clear_errors(tmp_path):
    broken = tmp_path / "broken.otf"
    broken.write_bytes(b"not a font at all")
    book = FontBook(search_dirs=(tmp_path,))
    with pytest.raises(
        LetteringError, match=r"bubble 1 .*cannot read font file .*broken\.otf.*known families: Bangers"
    ):
        layout_bubbles(panel_with(Bubble(text="Hi", font="broken.otf")), PANEL_SIZE, fonts=book)
    with pytest.raises(LetteringError, match=r"font file 'gone\.ttf' not found"):
        layout_bubbles(panel_with(Bubble(text="Hi", font="gone.ttf")), PANEL_SIZE, fonts=book)


def test_a_woff2_user_font_works_when_brotli_is_installed(tmp_path):
    pytest.importorskip("brotli")
    font = TTFont(FONT_DIR / "bangers-latin-400-normal.woff")
    font.flavor = "woff2"
    font.save(tmp_path / "shout.woff2")
    placed = layout_bubbles(panel_with(Bubble(text="Hey!", font=str(tmp_path / "shout.woff2"))), PANEL_SIZE)
    assert placed[0].text.lines[0].pieces[0].face.path.name == "shout.woff2"
