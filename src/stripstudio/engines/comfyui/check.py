"""Checking a graph against a server's ``/object_info`` before sending it.

Every problem comes back as a sentence a user can act on: a node type the server lacks (with the
custom node pack that provides it), a model file that is not on the server (with the ones that
are), a value out of range, a link between mismatched types.
"""

from __future__ import annotations

from typing import Any

# Custom node packs that provide node types the workflows use.
NODE_PACKS = {
    "FaceDetailer": "ComfyUI-Impact-Pack",
    "SAMLoader": "ComfyUI-Impact-Pack",
    "UltralyticsDetectorProvider": "ComfyUI-Impact-Subpack",
    "IPAdapterModelLoader": "ComfyUI_IPAdapter_plus",
    "IPAdapterAdvanced": "ComfyUI_IPAdapter_plus",
}
# What the COMBO inputs that name files are, in words.
FILE_INPUTS = {
    "ckpt_name": "checkpoint",
    "lora_name": "LoRA",
    "control_net_name": "ControlNet",
    "vae_name": "VAE",
    "model_name": "model file",
    "ipadapter_file": "IP-Adapter",
    "clip_name": "image encoder",
}
_LIST_PREVIEW = 50


def check_graph(graph: dict[str, dict[str, Any]], object_info: dict[str, Any]) -> list[str]:
    """Every problem that would make the server refuse or fail ``graph``; empty when it is fine."""
    problems: list[str] = []
    for node_id, node in graph.items():
        class_type = node.get("class_type", "")
        spec = object_info.get(class_type)
        if spec is None:
            problems.append(_missing_node(node_id, class_type))
            continue
        problems += _check_inputs(node_id, class_type, node.get("inputs", {}), spec, graph, object_info)
    return problems


def _missing_node(node_id: str, class_type: str) -> str:
    pack = NODE_PACKS.get(class_type)
    hint = f"; install the custom nodes {pack}" if pack else ""
    return f"node {node_id}: the server has no {class_type} node{hint}"


def _check_inputs(node_id, class_type, inputs, spec, graph, object_info) -> list[str]:
    declared = {**spec["input"].get("required", {}), **spec["input"].get("optional", {})}
    where = f"node {node_id} ({class_type})"
    problems = [
        f"{where}: required input {name!r} is missing"
        for name in spec["input"].get("required", {})
        if name not in inputs
    ]
    for name, value in inputs.items():
        if name not in declared:
            problems.append(f"{where}: the server's {class_type} has no input {name!r}")
        elif isinstance(value, list) and len(value) == 2 and isinstance(value[0], str):
            problems += _check_link(where, name, value, declared[name], graph, object_info)
        else:
            problems += _check_literal(where, name, value, declared[name])
    return problems


def _check_link(where, name, link, declared, graph, object_info) -> list[str]:
    source_id, index = link
    source = graph.get(source_id)
    if source is None:
        return [f"{where}: input {name!r} links to node {source_id}, which is not in the graph"]
    outputs = object_info.get(source["class_type"], {}).get("output")
    if outputs is None:
        return []  # the source node type is missing: reported on its own
    if not 0 <= index < len(outputs):
        return [f"{where}: input {name!r} links to output {index} of {source['class_type']}, which has none"]
    wanted, given = _type_name(declared), outputs[index]
    if wanted not in ("*", given) and given != "*" and not isinstance(given, list):
        return [f"{where}: input {name!r} wants {wanted} but gets {given} from node {source_id}"]
    return []


def _check_literal(where, name, value, declared) -> list[str]:
    kind, options = _type_name(declared), _options(declared)
    choices = _choices(declared)
    if choices is not None:
        if options.get("image_upload") or value in choices:
            return []
        what = FILE_INPUTS.get(name, name)
        listing = ", ".join(map(str, choices[:_LIST_PREVIEW])) + (" …" if len(choices) > _LIST_PREVIEW else "")
        return [f"{where}: {what} {value!r} is not available on the server (it has: {listing or 'none'})"]
    if kind in ("INT", "FLOAT") and isinstance(value, int | float) and not isinstance(value, bool):
        low, high = options.get("min"), options.get("max")
        if low is not None and value < low:
            return [f"{where}: {name} {value} is below the minimum {low}"]
        if high is not None and value > high:
            return [f"{where}: {name} {value} is above the maximum {high}"]
    return []


def _type_name(declared: list) -> str:
    first = declared[0]
    return "COMBO" if isinstance(first, list) else str(first)


def _options(declared: list) -> dict:
    return declared[1] if len(declared) > 1 and isinstance(declared[1], dict) else {}


def _choices(declared: list) -> list | None:
    if isinstance(declared[0], list):
        return declared[0]
    if declared[0] == "COMBO":
        return list(_options(declared).get("options", []))
    return None


def input_choices(object_info: dict[str, Any], class_type: str, input_name: str) -> list[str]:
    """The values a COMBO input accepts (e.g. the checkpoints on the server); empty if unknown."""
    spec = object_info.get(class_type, {}).get("input", {})
    declared = {**spec.get("required", {}), **spec.get("optional", {})}.get(input_name)
    return list(_choices(declared) or []) if declared else []
