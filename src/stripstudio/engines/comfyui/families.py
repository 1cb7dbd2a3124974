"""Which text encoding a ComfyUI graph uses, from the checkpoint's model family.

SD 1.x and 2.x checkpoints take CLIPTextEncode (they have no ``g`` encoder: CLIPTextEncodeSDXL
fails on them with ``KeyError: 'g'``); SDXL takes CLIPTextEncodeSDXL. The family is the one the
request declares, else the one read from the checkpoint file when it is on this machine, else the
``comfyui_text_encode`` setting.
"""

from __future__ import annotations

from pathlib import Path

from stripstudio.engines.comfyui.workflows import WorkflowOptions
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest
from stripstudio.modelfiles import BadModelFile
from stripstudio.models.families import Detection, Family, detect_file


def checkpoint_family(request: GenerationRequest) -> str | None:
    """``sd1``, ``sd2``, ``sdxl`` (declared or read from a local file), or None when it cannot be known."""
    if request.model.family:
        return request.model.family
    path = Path(request.model.checkpoint).expanduser()
    if not path.is_file():
        return None
    try:
        family = detect_file(path).family
    except (BadModelFile, OSError):
        return None
    if family is Family.SDXL_REFINER:
        raise InvalidRequest(
            f"{request.model.checkpoint!r} is the SDXL refiner: draw with an SDXL base checkpoint", field="model"
        )
    return None if family is Family.UNKNOWN else family.value


def workflow_options(
    request: GenerationRequest, text_encode_setting: str, server_checkpoint: Detection | None = None
) -> WorkflowOptions:
    """The graph options for ``request``: SDXL or plain text encoding by the checkpoint's family
    (declared, read from a local file, or read from the server's file when its folder is reachable)."""
    family = checkpoint_family(request)
    if family is None and server_checkpoint is not None and server_checkpoint.family is not Family.UNKNOWN:
        family = server_checkpoint.family.value
    sdxl = family == "sdxl" if family else text_encode_setting == "sdxl"
    return WorkflowOptions(sdxl_text_encode=sdxl)
