"""Bubble text as the pieces a line may break between: words, CJK characters, pieces of long words."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from stripstudio.lettering.graphemes import NO_LINE_END, NO_LINE_START, clusters, is_cjk

HYPHEN = "-"


@dataclass(frozen=True)
class Token:
    """An unbreakable piece of text.

    ``space_before``: a space separates it from the token before it on the same line.
    ``break_before``: the author started a new line here. ``hyphenated``: a piece of a word too
    long for any line; its text ends with the hyphen and it must end its line.
    """

    text: str
    space_before: bool = False
    break_before: bool = False
    hyphenated: bool = False


def tokenize(text: str) -> list[Token]:
    """Words separated by white space, each CJK character on its own; the author's newlines kept."""
    tokens: list[Token] = []
    for paragraph in unicodedata.normalize("NFC", text).splitlines():
        for word_index, word in enumerate(paragraph.split()):
            for piece_index, piece in enumerate(_word_pieces(word)):
                first = piece_index == 0
                tokens.append(
                    Token(piece, space_before=first and word_index > 0, break_before=first and word_index == 0)
                )
    if tokens:
        tokens[0] = replace(tokens[0], break_before=False)
    return tokens


def _word_pieces(word: str) -> list[str]:
    """A word split between CJK characters, keeping punctuation that may not start or end a line attached."""
    pieces: list[str] = []
    glue_next = False
    for cluster in clusters(word):
        joins = bool(pieces) and (
            glue_next or cluster[0] in NO_LINE_START or not (is_cjk(cluster) or is_cjk(pieces[-1][-1]))
        )
        if joins:
            pieces[-1] += cluster
        else:
            pieces.append(cluster)
        glue_next = cluster[-1] in NO_LINE_END
    return pieces


def break_long_words(tokens: list[Token], fits: Callable[[str], bool]) -> list[Token]:
    """Every token that does not ``fits`` split into hyphenated pieces that do (at least one cluster each)."""
    result: list[Token] = []
    for token in tokens:
        if fits(token.text):
            result.append(token)
            continue
        pieces = _split_word(token.text, fits)
        for index, piece in enumerate(pieces):
            last = index == len(pieces) - 1
            result.append(
                Token(
                    piece if last else piece + HYPHEN,
                    space_before=token.space_before and index == 0,
                    break_before=token.break_before and index == 0,
                    hyphenated=not last,
                )
            )
    return result


def _split_word(word: str, fits: Callable[[str], bool]) -> list[str]:
    """Greedy split by clusters: each piece plus a hyphen fits, the last piece fits alone."""
    pieces: list[str] = []
    current = ""
    units = list(clusters(word))
    for index, cluster in enumerate(units):
        last = index == len(units) - 1
        candidate = current + cluster
        if current and not fits(candidate if last else candidate + HYPHEN):
            pieces.append(current)
            current = cluster
        else:
            current = candidate
    pieces.append(current)
    return pieces
