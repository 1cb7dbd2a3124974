"""Balanced line breaking: split tokens into a given number of lines of given widths.

Greedy filling leaves a long first line and a short last one; comic lettering wants the lines
to follow the bubble's outline. Dynamic programming over break points minimises the sum of
squared unused fractions of each line's room, so every line is about as full as the others.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from stripstudio.lettering.tokens import Token


@dataclass(frozen=True)
class Breaks:
    """Where the lines of a wrapped text start and end (token index ranges) and how evenly they fill."""

    spans: tuple[tuple[int, int], ...]
    widths: tuple[float, ...]
    cost: float


def wrap_balanced(
    tokens: Sequence[Token], widths: Sequence[float], space: float, capacities: Sequence[float]
) -> Breaks | None:
    """Break ``tokens`` into exactly ``len(capacities)`` lines, line k no wider than ``capacities[k]``.

    ``widths`` are the tokens' widths and ``space`` the width of the gap between words. Returns
    None when no such split exists. Author line breaks and hyphenated word pieces are honoured.
    """
    count, lines = len(tokens), len(capacities)
    if count < lines:
        return None
    starts = _glued_starts(tokens, widths, space)
    best = [[math.inf] * (count + 1) for _ in range(lines + 1)]
    back = [[-1] * (count + 1) for _ in range(lines + 1)]
    best[0][0] = 0.0
    for line in range(1, lines + 1):
        capacity = capacities[line - 1]
        for end in range(line, count - (lines - line) + 1):
            for start in _line_starts(tokens, end, line - 1):
                width = starts[end] - starts[start] - _gap(tokens[start], space)
                if width > capacity:
                    break
                if best[line - 1][start] == math.inf:
                    continue
                cost = best[line - 1][start] + (1 - width / capacity) ** 2
                if cost < best[line][end]:
                    best[line][end], back[line][end] = cost, start
    if best[lines][count] == math.inf:
        return None
    return _breaks(back, starts, tokens, space, best[lines][count])


def _gap(token: Token, space: float) -> float:
    return space if token.space_before else 0.0


def _glued_starts(tokens: Sequence[Token], widths: Sequence[float], space: float) -> list[float]:
    """Prefix sums of token widths, each with the gap before it."""
    sums = [0.0]
    for token, width in zip(tokens, widths, strict=True):
        sums.append(sums[-1] + _gap(token, space) + width)
    return sums


def _line_starts(tokens: Sequence[Token], end: int, earlier_lines: int):
    """Candidate first tokens of a line ending before ``end``, nearest first, as far as the rules allow."""
    start = end - 1
    while start >= earlier_lines:
        yield start
        if start == 0 or tokens[start].break_before or tokens[start - 1].hyphenated:
            return
        start -= 1


def _breaks(back: list[list[int]], starts: list[float], tokens: Sequence[Token], space: float, cost: float) -> Breaks:
    spans: list[tuple[int, int]] = []
    end = len(tokens)
    for line in range(len(back) - 1, 0, -1):
        start = back[line][end]
        spans.append((start, end))
        end = start
    spans.reverse()
    widths = tuple(starts[e] - starts[s] - _gap(tokens[s], space) for s, e in spans)
    return Breaks(tuple(spans), widths, cost)
