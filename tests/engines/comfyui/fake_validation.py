"""``POST /prompt`` validation, following ComfyUI 0.3.64's ``execution.validate_prompt``.

Node classes come from ``/object_info`` entries instead of Python classes. Error dictionaries,
their order (inputs in declared order: required, then optional) and the aggregation into
``node_errors`` (``errors``, ``dependent_outputs``, ``class_type``) are ComfyUI's, including its
habits: a node fails silently when only something upstream is wrong, a link to a node that does
not exist surfaces as ``exception_during_validation`` / ``exception_during_inner_validation``,
and the top-level ``details`` lists only the output nodes' own errors.

Inputs declared with ``image_upload: true`` (LoadImage, LoadImageMask ``image``) are checked
like ComfyUI's ``VALIDATE_INPUTS`` for those nodes: any existing file name is accepted, a missing
one is ``custom_validation_failed`` (``Invalid image file: …``), the combo list is not used.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

COMBO = "COMBO"

ValidationResult = tuple[bool, list[dict[str, Any]], str]


def error_dict(kind: str, message: str, details: str = "", **extra: Any) -> dict[str, Any]:
    """One ComfyUI error: ``{"type", "message", "details", "extra_info"}``."""
    return {"type": kind, "message": message, "details": details, "extra_info": extra}


def is_output_node(object_info: dict[str, Any], class_type: str) -> bool:
    """True for SaveImage, PreviewImage and the other ``output_node`` classes."""
    return bool(object_info.get(class_type, {}).get("output_node"))


def declared_inputs(info: dict[str, Any]) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """``(name, "required"|"optional", type, options)`` for each input, in declared order."""
    found = []
    for category in ("required", "optional"):
        for name, spec in info.get("input", {}).get(category, {}).items():
            options = spec[1] if len(spec) > 1 and isinstance(spec[1], dict) else {}
            found.append((name, category, spec[0], options))
    return found


def convert(value: Any, input_type: Any) -> Any:
    """The value as ComfyUI stores it after validation (``int()``, ``float()``, ``str()``, ``bool()``)."""
    if isinstance(value, dict) and "__value__" in value:
        value = value["__value__"]
    converters: dict[str, Callable[[Any], Any]] = {"INT": int, "FLOAT": float, "STRING": str, "BOOLEAN": bool}
    return converters[input_type](value) if isinstance(input_type, str) and input_type in converters else value


def combo_choices(input_type: Any, options: dict[str, Any]) -> list | None:
    """The allowed values of a combo input: ``[[choices], {...}]`` or ``["COMBO", {"options": [...]}]``."""
    if isinstance(input_type, list):
        return input_type
    return options.get("options", []) if input_type == COMBO else None


def types_match(received: Any, expected: Any) -> bool:
    """ComfyUI's ``validate_node_input``: equal, ``*`` on either side, or overlapping ``A,B`` unions."""
    if received == expected:
        return True
    if not isinstance(received, str) or not isinstance(expected, str):
        return False
    received_set = {t.strip() for t in received.split(",")}
    expected_set = {t.strip() for t in expected.split(",")}
    return "*" in received_set or "*" in expected_set or bool(received_set & expected_set)


class PromptValidator:
    """Validates one API prompt against ``object_info``; ``file_exists`` answers for upload inputs."""

    def __init__(self, prompt: dict[str, Any], object_info: dict[str, Any], file_exists: Callable[[str], bool]):
        self.prompt = prompt
        self.object_info = object_info
        self.file_exists = file_exists
        self.validated: dict[str, ValidationResult] = {}

    # -- one node ----------------------------------------------------------------------------
    def validate_node(self, node_id: str) -> ValidationResult:
        """``(valid, errors, node_id)``; fills ``self.validated`` for this node and what it links to."""
        if node_id in self.validated:
            return self.validated[node_id]
        node = self.prompt[node_id]
        inputs = node["inputs"]
        errors: list[dict[str, Any]] = []
        valid = True
        custom = []
        for name, category, input_type, options in declared_inputs(self.object_info[node["class_type"]]):
            if name not in inputs:
                if category == "required":
                    errors.append(
                        error_dict("required_input_missing", "Required input is missing", name, input_name=name)
                    )
                continue
            if options.get("image_upload"):
                custom.append(name)
            value = inputs[name]
            if isinstance(value, list):
                link_ok = self._check_link(name, value, input_type, options, errors)
                valid = valid and link_ok
            else:
                self._check_value(node_id, name, input_type, options, errors, skip_limits=name in custom)
        for name in custom:
            value = inputs.get(name)
            if not isinstance(value, list) and not self.file_exists(value):
                errors.append(
                    error_dict(
                        "custom_validation_failed",
                        "Custom validation failed for node",
                        f"{name} - Invalid image file: {value}",
                        input_name=name,
                    )
                )
        result = (not errors and valid, errors, node_id)
        self.validated[node_id] = result
        return result

    def _check_link(self, name: str, value: list, input_type: Any, options: dict, errors: list) -> bool:
        """Check one ``[node_id, index]`` link; False when only something upstream is wrong."""
        info = [input_type, options]
        if len(value) != 2:
            errors.append(
                error_dict(
                    "bad_linked_input",
                    "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                    name,
                    input_name=name,
                    input_config=info,
                    received_value=value,
                )
            )
            return True
        source_id = value[0]
        source_class = self.prompt[source_id]["class_type"]  # KeyError for a missing node, as in ComfyUI
        received = tuple(self.object_info[source_class].get("output", []))[value[1]]
        if not types_match(received, input_type):
            errors.append(
                error_dict(
                    "return_type_mismatch",
                    "Return type mismatch between linked nodes",
                    f"{name}, received_type({received}) mismatch input_type({input_type})",
                    input_name=name,
                    input_config=info,
                    received_type=received,
                    linked_node=value,
                )
            )
            return True
        try:
            return self.validate_node(source_id)[0]
        except Exception as ex:  # ComfyUI reports any exception here as an error entry
            reason = error_dict(
                "exception_during_inner_validation",
                "Exception when validating inner node",
                str(ex),
                input_name=name,
                input_config=info,
                exception_message=str(ex),
                exception_type=full_type_name(type(ex)),
                traceback=traceback.format_tb(ex.__traceback__),
                linked_node=value,
            )
            self.validated[source_id] = (False, [reason], source_id)
            return False

    def _check_value(
        self, node_id: str, name: str, input_type: Any, options: dict, errors: list, skip_limits: bool
    ) -> None:
        """Convert a literal like ComfyUI (in place) and check min, max and the combo list."""
        info = [input_type, options]
        inputs = self.prompt[node_id]["inputs"]
        value = inputs[name]
        try:
            value = inputs[name] = convert(value, input_type)
        except Exception as ex:  # int("x"), float(None)… are all reported the same way
            errors.append(
                error_dict(
                    "invalid_input_type",
                    f"Failed to convert an input value to a {input_type} value",
                    f"{name}, {value}, {ex}",
                    input_name=name,
                    input_config=info,
                    received_value=value,
                    exception_message=str(ex),
                )
            )
            return
        if skip_limits:
            return
        if "min" in options and value < options["min"]:
            errors.append(
                error_dict(
                    "value_smaller_than_min",
                    f"Value {value} smaller than min of {options['min']}",
                    name,
                    input_name=name,
                    input_config=info,
                    received_value=value,
                )
            )
            return
        if "max" in options and value > options["max"]:
            errors.append(
                error_dict(
                    "value_bigger_than_max",
                    f"Value {value} bigger than max of {options['max']}",
                    name,
                    input_name=name,
                    input_config=info,
                    received_value=value,
                )
            )
            return
        choices = combo_choices(input_type, options)
        if choices is not None and value not in choices:
            too_long = len(choices) > 20
            listing = f"(list of length {len(choices)})" if too_long else str(choices)
            errors.append(
                error_dict(
                    "value_not_in_list",
                    "Value not in list",
                    f"{name}: '{value}' not in {listing}",
                    input_name=name,
                    input_config=None if too_long else info,
                    received_value=value,
                )
            )

    # -- the whole prompt -------------------------------------------------------------------
    def validate(self, targets: list[str] | None = None) -> tuple[bool, dict | None, list[str], dict]:
        """``(valid, error, good_outputs, node_errors)`` exactly as ``validate_prompt`` returns them."""
        outputs = []
        for node_id, node in self.prompt.items():
            if "class_type" not in node:
                return (
                    False,
                    error_dict(
                        "invalid_prompt",
                        "Cannot execute because a node is missing the class_type property.",
                        f"Node ID '#{node_id}'",
                    ),
                    [],
                    {},
                )
            if node["class_type"] not in self.object_info:
                return (
                    False,
                    error_dict(
                        "invalid_prompt",
                        f"Cannot execute because node {node['class_type']} does not exist.",
                        f"Node ID '#{node_id}'",
                    ),
                    [],
                    {},
                )
            if is_output_node(self.object_info, node["class_type"]) and (targets is None or node_id in targets):
                outputs.append(node_id)
        if not outputs:
            return False, error_dict("prompt_no_outputs", "Prompt has no outputs"), [], {}
        good, failed, node_errors = [], [], {}
        for output in outputs:
            valid, reasons = self._validate_output(output)
            if valid:
                good.append(output)
                continue
            failed.append(reasons)
            self._collect_node_errors(output, node_errors)
        if good:
            return True, None, good, node_errors
        details = "\n".join(f"{e['message']}: {e['details']}" for reasons in failed for e in reasons)
        return (
            False,
            error_dict("prompt_outputs_failed_validation", "Prompt outputs failed validation", details),
            [],
            node_errors,
        )

    def _validate_output(self, output: str) -> tuple[bool, list[dict[str, Any]]]:
        try:
            valid, reasons, _ = self.validate_node(output)
        except Exception as ex:  # e.g. a link to a node id that is not in the prompt
            reasons = [
                error_dict(
                    "exception_during_validation",
                    "Exception when validating node",
                    str(ex),
                    exception_type=full_type_name(type(ex)),
                    traceback=traceback.format_tb(ex.__traceback__),
                )
            ]
            self.validated[output] = (False, reasons, output)
            valid = False
        return valid, reasons

    def _collect_node_errors(self, output: str, node_errors: dict[str, Any]) -> None:
        """Add every validated node with errors of its own, naming ``output`` as a dependent output.

        Like ComfyUI this walks all nodes validated so far, not only the ones ``output`` depends on.
        """
        for node_id, (valid, reasons, _) in self.validated.items():
            if valid is not True and reasons:
                entry = node_errors.setdefault(
                    node_id,
                    {"errors": reasons, "dependent_outputs": [], "class_type": self.prompt[node_id]["class_type"]},
                )
                entry["dependent_outputs"].append(output)


def full_type_name(klass: type) -> str:
    """``KeyError`` for builtins, ``module.Name`` otherwise."""
    return klass.__qualname__ if klass.__module__ == "builtins" else f"{klass.__module__}.{klass.__qualname__}"


def validate_prompt(
    prompt: dict[str, Any],
    object_info: dict[str, Any],
    file_exists: Callable[[str], bool],
    targets: list[str] | None = None,
) -> tuple[bool, dict | None, list[str], dict]:
    """Validate ``prompt`` (converting its literal inputs in place, as ComfyUI does)."""
    return PromptValidator(prompt, object_info, file_exists).validate(targets)
