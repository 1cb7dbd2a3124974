"""Hostile inputs shared by the tests of the script loader, project archives and the web API."""

from __future__ import annotations


def alias_bomb(levels: int = 7, width: int = 9) -> str:
    """A short comic script whose anchors each repeat the previous one ``width`` times.

    With the defaults it is under 500 bytes and expands to 9**7 (4.8 million) values.
    """
    names = "abcdefghijklmnop"[: levels + 1]
    lines = [f"  {names[0]}: &{names[0]} [{', '.join(['x'] * width)}]"]
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"  {name}: &{name} [{', '.join([f'*{previous}'] * width)}]")
    return "title: Bomb\npanels:\n  - description: a room\nnotes:\n" + "\n".join(lines) + "\n"
