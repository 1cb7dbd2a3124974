"""Building ComfyUI API-format graphs in code.

An API graph is ``{node_id: {"class_type": ..., "inputs": {...}}}`` where an input is a literal
or a link ``[source_node_id, output_index]``. :class:`Graph` hands out node ids and turns
:class:`Output` references into links, so workflow code reads like the node diagram.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Output:
    """Output ``index`` of node ``node``; used as an input value it becomes a link."""

    node: str
    index: int = 0

    def link(self) -> list:
        """The API-format link ``[node_id, index]``."""
        return [self.node, self.index]


@dataclass(frozen=True)
class Node:
    """A node in a graph; ``node[i]`` is its output ``i``."""

    id: str
    class_type: str

    def __getitem__(self, index: int) -> Output:
        return Output(self.id, index)

    @property
    def out(self) -> Output:
        """The first output."""
        return Output(self.id, 0)


class Graph:
    """An API-format ComfyUI graph under construction."""

    def __init__(self) -> None:
        self._nodes: dict[str, dict[str, Any]] = {}

    def add(self, class_type: str, title: str | None = None, **inputs: Any) -> Node:
        """Add a node; inputs that are :class:`Output` or :class:`Node` become links."""
        node_id = str(len(self._nodes) + 1)
        entry: dict[str, Any] = {"class_type": class_type, "inputs": {k: _value(v) for k, v in inputs.items()}}
        if title:
            entry["_meta"] = {"title": title}
        self._nodes[node_id] = entry
        return Node(node_id, class_type)

    def to_api(self) -> dict[str, dict[str, Any]]:
        """The graph as the ``prompt`` of a ``POST /prompt`` (a deep copy)."""
        return copy.deepcopy(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


def _value(value: Any) -> Any:
    if isinstance(value, Node):
        return value.out.link()
    if isinstance(value, Output):
        return value.link()
    return value
