"""An independent validator of API-format graphs, written from a server's recorded ``/object_info``.

It follows ComfyUI's own rules for a queued prompt (``execution.validate_inputs``) and shares no
code with stripstudio's checker, so the two can disagree: every node's ``class_type`` exists,
every required input is given and no undeclared one is, a literal matches its input's type
(INT and FLOAT within min/max, a COMBO value in its list, STRING, BOOLEAN), a link
``[node_id, output_index]`` names a node of the graph and an output of the type the input takes,
and the graph has an output node.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "recorded"
NUMBERS = {"INT": (int,), "FLOAT": (int, float)}
SCALARS = {"STRING": str, "BOOLEAN": bool}


def recorded_object_info(custom_nodes: bool = False) -> dict[str, Any]:
    """The recorded core ``/object_info``, with the recorded custom-node packs' nodes when asked."""
    info = json.loads((RECORDED / "object_info.json").read_text())
    if custom_nodes:
        packs = json.loads((RECORDED / "object_info-custom-nodes.json").read_text())["nodes"]
        info.update({name: entry for name, entry in packs.items() if name not in info})
    return info


def with_files(info: dict[str, Any], files: dict[tuple[str, str], list[str]]) -> dict[str, Any]:
    """``info`` for a server whose file lists hold ``files``: ``{(class_type, input): [names]}``.

    The recorded server had no face-detector or SAM models and no uploads; a server that runs
    these graphs has them, and lists them in the same COMBO inputs.
    """
    info = copy.deepcopy(info)
    for (class_type, input_name), names in files.items():
        inputs = info[class_type]["input"]
        section = "required" if input_name in inputs.get("required", {}) else "optional"
        spec = inputs[section][input_name]
        inputs[section][input_name] = [sorted({*_choices(spec), *names}), *spec[1:]]
    return info


def validate(graph: dict[str, Any], info: dict[str, Any]) -> list[str]:
    """Every reason the server would refuse ``graph``; empty when it would queue it."""
    problems = []
    for node_id, node in graph.items():
        spec = info.get(node.get("class_type"))
        if spec is None:
            problems.append(f"{node_id}: unknown class_type {node.get('class_type')!r}")
            continue
        problems += _validate_node(node_id, node.get("inputs", {}), spec, graph, info)
    if not any(info.get(node.get("class_type"), {}).get("output_node") for node in graph.values()):
        problems.append("the graph has no output node")
    return problems


def _validate_node(node_id: str, inputs: dict, spec: dict, graph: dict, info: dict) -> list[str]:
    required, optional = spec["input"].get("required", {}), spec["input"].get("optional", {})
    problems = [f"{node_id}.{name}: required input missing" for name in required if name not in inputs]
    for name, value in inputs.items():
        declared = required.get(name) or optional.get(name)
        if declared is None:
            problems.append(f"{node_id}.{name}: not an input of {spec['name']}")
        elif _is_link(value):
            problems += _validate_link(f"{node_id}.{name}", value, _type(declared), graph, info)
        else:
            problems += _validate_literal(f"{node_id}.{name}", value, declared)
    return problems


def _is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and type(value[1]) is int


def _validate_link(where: str, link: list, wanted: str, graph: dict, info: dict) -> list[str]:
    source_id, index = link
    if source_id not in graph:
        return [f"{where}: links to node {source_id}, which is not in the graph"]
    outputs = info.get(graph[source_id]["class_type"], {}).get("output", [])
    if not 0 <= index < len(outputs):
        return [f"{where}: links to output {index} of node {source_id}, which has {len(outputs)} outputs"]
    given = outputs[index]
    if given != wanted and "*" not in (given, wanted) and given not in wanted.split(","):
        return [f"{where}: takes {wanted} but is linked to a {given} output of node {source_id}"]
    return []


def _validate_literal(where: str, value: Any, declared: list) -> list[str]:
    kind, options = _type(declared), _options(declared)
    if kind == "COMBO":
        choices = _choices(declared)
        return [] if value in choices else [f"{where}: {value!r} is not one of {choices[:10]}"]
    if kind in NUMBERS:
        if isinstance(value, bool) or not isinstance(value, NUMBERS[kind]):
            return [f"{where}: {value!r} is not {kind}"]
        low, high = options.get("min"), options.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            return [f"{where}: {value} is outside [{low}, {high}]"]
        return []
    if kind in SCALARS:
        return [] if isinstance(value, SCALARS[kind]) else [f"{where}: {value!r} is not {kind}"]
    return [f"{where}: a {kind} input needs a link, not the literal {value!r}"]


def _type(declared: list) -> str:
    return "COMBO" if isinstance(declared[0], list) else declared[0]


def _options(declared: list) -> dict:
    return declared[1] if len(declared) > 1 and isinstance(declared[1], dict) else {}


def _choices(declared: list) -> list:
    return list(declared[0]) if isinstance(declared[0], list) else list(_options(declared).get("options", []))
