"""Bounds on a comic script's YAML, checked while it is composed, before anything is built from it.

A comic script is small: a few hundred panels at most. Three things could make a short file cost
minutes and gigabytes, and each is refused at its line:

* too many values (``MAX_SCRIPT_VALUES``): counted as the YAML is composed, which stops there;
* values nested too deep (``MAX_DEPTH``), which would exhaust Python's recursion;
* aliases that expand too far. An alias (``*name``) repeats the value of its anchor
  (``&name``); aliases nested in anchors multiply, so nine aliases nested seven deep turn a few
  hundred bytes into millions of values (an "alias bomb"). The composed graph shares each
  anchored node, so it stays small; ``alias_problem`` counts how many values it expands to and
  refuses a script whose aliases add more than ``MAX_ALIAS_VALUES``, or whose alias sits inside
  its own anchor. Ordinary anchors (a style or a panel repeated a few times) stay well below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml.composer import Composer
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from stripstudio.script.errors import ScriptProblem

MAX_ALIAS_VALUES = 10_000
"""How many values all the aliases of one script may add once expanded."""
MAX_SCRIPT_VALUES = 20_000
"""How many values (mappings, lists, keys and scalars) one script may hold: 300 rich panels fit."""
MAX_DEPTH = 64
"""How deep values may nest; a comic script needs about eight levels."""


class TooManyValues(Exception):
    """The script holds more than ``MAX_SCRIPT_VALUES`` values; ``line`` and ``column`` are where it passed."""

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.line, self.column = line, column

    def problem(self, filename: str) -> ScriptProblem:
        """The problem, for the script ``filename``."""
        return ScriptProblem(
            filename,
            self.line,
            self.column,
            "",
            f"the script holds more than {MAX_SCRIPT_VALUES} values, far more than a comic needs; "
            "split it into several comics or remove what it does not use",
        )


@dataclass(frozen=True)
class AliasUse:
    """One ``*name`` in the script: the anchor's name, the node it repeats, and its 1-based place."""

    name: str
    node: Node
    line: int
    column: int


class RecordingComposer(Composer):
    """ruamel.yaml's composer, counting values (TooManyValues) and noting where each alias is used."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader=loader)
        self.alias_uses: list[AliasUse] = []
        self.values = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose as usual; an alias is recorded with its own place, not its anchor's."""
        event = self.parser.peek_event() if self.parser.check_event(AliasEvent) else None
        if event is None:
            self.values += 1
            if self.values > MAX_SCRIPT_VALUES:
                mark = self.parser.peek_event().start_mark
                raise TooManyValues(mark.line + 1, mark.column + 1)
        node = super().compose_node(parent, index)
        if event is not None:
            mark = event.start_mark
            self.alias_uses.append(AliasUse(str(event.anchor), node, mark.line + 1, mark.column + 1))
        return node


def alias_problem(root: Node | None, uses: list[AliasUse], filename: str) -> ScriptProblem | None:
    """Why the aliases of the composed script ``root`` cannot be expanded, or None when they can."""
    if root is None or not uses:
        return None
    cap = MAX_ALIAS_VALUES + len(_distinct(root)) + 1
    sizes, looped = _expanded_sizes(root, cap)
    if looped is not None:
        use = next(use for use in uses if use.node is looped)
        return ScriptProblem(
            filename,
            use.line,
            use.column,
            "",
            f"the alias *{use.name} is used inside the value of its own anchor &{use.name}, so the value would "
            "never end; write that part out instead of the alias",
        )
    added = sizes[id(root)] - len(sizes)
    if added <= MAX_ALIAS_VALUES:
        return None
    use = max(uses, key=lambda use: (sizes[id(use.node)], -use.line))
    repeats = sizes[id(use.node)]
    shown = str(repeats) if repeats < cap else f"more than {MAX_ALIAS_VALUES}"
    return ScriptProblem(
        filename,
        use.line,
        use.column,
        "",
        f"the aliases in this script repeat more than {MAX_ALIAS_VALUES} values once expanded (the alias "
        f"*{use.name} alone repeats {shown}); write the repeated values out, or nest fewer "
        "aliases inside anchors",
    )


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _distinct(root: Node) -> set[int]:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(_children(node))
    return seen


def _expanded_sizes(root: Node, cap: int) -> tuple[dict[int, int], Node | None]:
    """Each distinct node's value count with aliases expanded (at most ``cap``), and a node inside itself.

    An iterative depth-first walk that visits each distinct node once, so the work is linear in
    the size of the script, however many values the aliases would expand to.
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            on_path.discard(id(node))
            sizes[id(node)] = min(cap, 1 + sum(sizes[id(child)] for child in _children(node)))
            continue
        if id(node) in sizes:
            continue
        if id(node) in on_path:
            return sizes, node
        on_path.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes, None
