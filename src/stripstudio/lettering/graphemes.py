"""Units of text that must stay together, and the scripts that break lines between characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

_ZWJ = "\u200d"

# Punctuation that may not start a line (kinsoku shori) and that may not end one.
NO_LINE_START = frozenset(
    "、。，．・：；？！ー～）」』】〕〉》〙〗｝］’”ゝゞヽヾぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ!?.,:;)]}…"
)
NO_LINE_END = frozenset("（「『【〔〈《〘〖｛［‘“([{")


def _joins_previous(char: str, previous: str) -> bool:
    """True when ``char`` belongs to the cluster before it (marks, joiners, selectors, skin tones)."""
    if previous == _ZWJ or char == _ZWJ:
        return True
    if unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF


def clusters(text: str) -> Iterator[str]:
    """The user-perceived characters of ``text``: a base character with its combining marks."""
    current = ""
    for char in text:
        if current and _joins_previous(char, current[-1]):
            current += char
            continue
        if current:
            yield current
        current = char
    if current:
        yield current


def is_cjk(cluster: str) -> bool:
    """True for Chinese, Japanese and Korean characters, which a line may break between."""
    code = ord(cluster[0])
    return (
        0x2E80 <= code <= 0x9FFF  # radicals, CJK punctuation, kana, CJK ideographs
        or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0xFF00 <= code <= 0xFFEF  # half- and full-width forms
        or 0x20000 <= code <= 0x3FFFF  # ideograph extensions
    )


def significant_codepoints(cluster: str) -> list[int]:
    """The code points a font must have to draw ``cluster``; joiners and selectors are optional."""
    return [ord(c) for c in cluster if unicodedata.category(c) != "Cf" and not 0xFE00 <= ord(c) <= 0xFE0F]
