"""Where things are in a YAML file: plain data plus the line and column of every key and item."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml.scalarbool import ScalarBoolean

Path = tuple[Any, ...]


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in the script file."""

    line: int
    column: int


class Positions:
    """Positions by field path; a path that has none is placed at its nearest located parent."""

    def __init__(self, root: Position) -> None:
        self._by_path: dict[Path, Position] = {(): root}

    def set(self, path: Path, position: Position) -> None:
        """Record where ``path`` is written."""
        self._by_path[path] = position

    def get(self, path: Path) -> Position | None:
        """The position recorded for exactly ``path``, if any."""
        return self._by_path.get(tuple(path))

    def find(self, path: Path) -> Position:
        """The position of ``path``, or of its longest prefix that has one (a missing field's parent)."""
        path = tuple(path)
        while path not in self._by_path:
            path = path[:-1]
        return self._by_path[path]

    def move(self, old: Path, new: Path) -> None:
        """Re-file every position under ``old`` as under ``new`` (used when shorthand is expanded)."""
        size = len(old)
        moved = {new + path[size:]: pos for path, pos in self._by_path.items() if path[:size] == old}
        for path in [path for path in self._by_path if path[:size] == old]:
            del self._by_path[path]
        self._by_path.update(moved)


def to_plain(node: Any, root: Position | None = None) -> tuple[Any, Positions]:
    """Turn a ruamel.yaml round-trip tree into plain dicts, lists and scalars, with positions."""
    root_position = root or _own_position(node) or Position(1, 1)
    positions = Positions(root_position)
    return _plain(node, (), positions), positions


def _plain(node: Any, path: Path, positions: Positions) -> Any:
    if isinstance(node, dict):
        result = {}
        for key, value in node.items():
            child = (*path, _plain_scalar(key))
            place = _child_position(node, key)
            if place is not None:
                positions.set(child, place)
            result[_plain_scalar(key)] = _plain(value, child, positions)
        return result
    if isinstance(node, list):
        result_list = []
        for index, value in enumerate(node):
            place = _child_position(node, index)
            if place is not None:
                positions.set((*path, index), place)
            result_list.append(_plain(value, (*path, index), positions))
        return result_list
    return _plain_scalar(node)


def _plain_scalar(value: Any) -> Any:
    """ruamel's scalar subclasses (ScalarFloat, ScalarInt, styled strings) as built-in types."""
    if isinstance(value, ScalarBoolean):
        return bool(value)
    for kind in (bool, int, float, str):
        if isinstance(value, kind):
            return kind(value)
    return value


def _child_position(node: Any, key: Any) -> Position | None:
    # Keys brought in by a YAML merge (<<: *anchor) have no line of their own.
    data = getattr(getattr(node, "lc", None), "data", None) or {}
    place = data.get(key)
    return Position(place[0] + 1, place[1] + 1) if place else None


def _own_position(node: Any) -> Position | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return Position(lc.line + 1, lc.col + 1)
