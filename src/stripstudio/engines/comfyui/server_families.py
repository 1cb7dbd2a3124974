"""Model families of a ComfyUI server's files, where its model folder can be read from here.

With ``comfyui_models_dir`` set (the server's ``models`` folder on this machine or mounted), every
file the graph would load is read for its family: a LoRA or control model of another family than
the checkpoint is refused naming both files, and a control model is chosen by its kind *and* the
checkpoint's family, never by its file name alone. Without it, names are matched as before.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from stripstudio.engines.comfyui.check import input_choices
from stripstudio.engines.comfyui.workflows import ServerNames
from stripstudio.generation.errors import FieldProblem, InvalidRequest
from stripstudio.generation.request import GenerationRequest
from stripstudio.modelfiles import BadModelFile
from stripstudio.models.families import Detection, Family, detect_file, fits, mismatch_message

# Words in a control model's file name that say which kind it is.
CONTROL_KEYWORDS = {
    "sketch": ("sketch", "t2i"),
    "scribble": ("scribble",),
    "canny": ("canny",),
    "depth": ("depth",),
    "openpose": ("openpose", "pose"),
    "lineart": ("lineart", "line_art"),
}


def server_file(models_dir: Path | None, folder: str, name: str) -> Detection | None:
    """The detected kind and family of the server's ``folder/name``, or None when it cannot be read."""
    if models_dir is None:
        return None
    path = Path(models_dir) / folder / name
    try:
        return detect_file(path) if path.is_file() else None
    except (BadModelFile, OSError):
        return None


def fit_families(
    request: GenerationRequest, names: ServerNames, object_info: dict[str, Any], models_dir: Path | None
) -> ServerNames:
    """``names`` with each control model of the checkpoint's family; InvalidRequest lists every mismatch."""
    base = server_file(models_dir, "checkpoints", names.checkpoint)
    if base is None or base.family is Family.UNKNOWN:
        return names
    problems: list[FieldProblem] = []
    for index, lora in enumerate(names.loras):
        part = server_file(models_dir, "loras", lora.name)
        message = mismatch_message(names.checkpoint, base, lora.name, part) if part else None
        if message:
            problems.append(FieldProblem(f"loras[{index}]", message))
    controls = list(names.control_models)
    for index, (control, chosen) in enumerate(zip(request.controls, names.control_models, strict=False)):
        part = server_file(models_dir, "controlnet", chosen)
        if part is None or fits(base, part):
            continue
        replacement = None if control.model else _fitting_control(control.kind, base, object_info, models_dir)
        if replacement is None:
            problems.append(FieldProblem(f"controls[{index}]", _control_message(names.checkpoint, base, chosen, part)))
        else:
            controls[index] = replacement
    if problems:
        raise InvalidRequest.from_problems(problems)
    return dataclasses.replace(names, control_models=tuple(controls))


def _fitting_control(kind: str, base: Detection, object_info: dict[str, Any], models_dir: Path | None) -> str | None:
    for name in input_choices(object_info, "ControlNetLoader", "control_net_name"):
        if any(word in name.lower() for word in CONTROL_KEYWORDS.get(kind, (kind,))):
            part = server_file(models_dir, "controlnet", name)
            if part is not None and part.family is base.family:
                return name
    return None


def _control_message(checkpoint: str, base: Detection, chosen: str, part: Detection) -> str:
    return (
        mismatch_message(checkpoint, base, chosen, part)
        or f"no control model of the checkpoint's family ({base.family.label}) on the server"
    )
