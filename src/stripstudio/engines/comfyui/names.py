"""Matching what a request names (checkpoint, LoRAs, control models) to the files a server has."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from stripstudio.engines.comfyui.check import input_choices
from stripstudio.engines.comfyui.identity import default_adapter_files, resolve_adapter_files
from stripstudio.engines.comfyui.server_families import CONTROL_KEYWORDS, fit_families
from stripstudio.engines.comfyui.workflows.common import ServerNames
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.loras import lora_field, request_loras
from stripstudio.generation.request import (
    BUILT_IN_FACE_DETECTORS,
    FaceDetailSpec,
    GenerationRequest,
    LoraSpec,
    Region,
    Task,
)

# File names used when a workflow is exported without a server to ask (the usual download names).
DEFAULT_CONTROL_FILES = {
    "sketch": "t2i-adapter-sketch-sdxl-1.0.safetensors",
    "scribble": "controlnet-scribble-sdxl-1.0.safetensors",
    "canny": "controlnet-canny-sdxl-1.0.safetensors",
    "depth": "controlnet-depth-sdxl-1.0.safetensors",
    "openpose": "controlnet-openpose-sdxl-1.0.safetensors",
    "lineart": "controlnet-lineart-sdxl-1.0.safetensors",
}


def offline_names(request: GenerationRequest, *, face_detector: str, sam_model: str) -> ServerNames:
    """Names for a workflow exported without a server: files by their base names, images by file name."""
    images = {path: PurePosixPath(path).name for path in input_paths(request)}
    loras = tuple(lora.model_copy(update={"name": _file_name(lora.name)}) for lora in request_loras(request))
    controls = tuple(_file_name(c.model) if c.model else DEFAULT_CONTROL_FILES[c.kind] for c in request.controls)
    return ServerNames(
        checkpoint=_file_name(request.model.checkpoint),
        vae=_file_name(request.model.vae) if request.model.vae else None,
        loras=loras,
        control_models=controls,
        images=images,
        face_detector=face_detector,
        sam_model=sam_model,
        adapters=default_adapter_files(request),
        region_loras=tuple(
            tuple(lora.model_copy(update={"name": _file_name(lora.name)}) for lora in region.loras)
            for region in request.regions
        ),
        refiner=_file_name(request.refiner.checkpoint) if request.refiner else None,
    )


def _file_name(reference: str) -> str:
    name = PurePosixPath(reference).name
    return name if name.endswith((".safetensors", ".ckpt", ".pt")) else f"{name}.safetensors"


def input_paths(request: GenerationRequest) -> list[str]:
    """Every local image the request reads, once each."""
    return request.input_files()


def match_file(wanted: str, available: list[str]) -> str | None:
    """The server file that ``wanted`` means: exact, then without folder/extension, case-insensitively."""
    if wanted in available:
        return wanted
    key = _stem(wanted)
    matches = [name for name in available if _stem(name) == key]
    return matches[0] if matches else None


def _stem(name: str) -> str:
    base = PureWindowsPath(PurePosixPath(name).name).name
    return base.lower().removesuffix(".safetensors").removesuffix(".ckpt").removesuffix(".pt")


def resolve_names(
    request: GenerationRequest,
    object_info: dict[str, Any],
    images: dict[str, str],
    url: str,
    *,
    face_detector: str,
    sam_model: str,
    models_dir: Path | None = None,
) -> ServerNames:
    """The server-side names of everything ``request`` uses; InvalidRequest says what is missing and where.

    With the server's ``models_dir`` readable, the files' model families are checked too
    (:func:`~stripstudio.engines.comfyui.server_families.fit_families`).
    """
    checkpoints = input_choices(object_info, "CheckpointLoaderSimple", "ckpt_name")
    checkpoint = match_file(request.model.checkpoint, checkpoints)
    if checkpoint is None:
        raise InvalidRequest(
            _missing("checkpoint", repr(request.model.checkpoint), checkpoints, url, "checkpoints"),
            field="model.checkpoint",
        )
    loras = tuple(_lora(request, lora, object_info, url) for lora in request_loras(request))
    controls: tuple[str, ...] = ()
    if request.task is Task.SKETCH_TO_IMAGE:
        controls = tuple(_control_model(c.kind, c.model, object_info, url) for c in request.controls)
    if request.task is Task.FACE_DETAIL:
        face_detector = _face_detector(_wanted_detector(request, face_detector), object_info)
        sam_model = match_file(sam_model, input_choices(object_info, "SAMLoader", "model_name")) or sam_model
    names = ServerNames(
        checkpoint=checkpoint,
        vae=_vae(request.model.vae, object_info, url) if request.model.vae else None,
        loras=loras,
        control_models=controls,
        images=images,
        face_detector=face_detector,
        sam_model=sam_model,
        adapters=resolve_adapter_files(request, object_info, url, match_file),
        refiner=_refiner(request, checkpoints, url),
        region_loras=tuple(
            _region_loras(index, region, object_info, url) for index, region in enumerate(request.regions)
        ),
    )
    return fit_families(request, names, object_info, models_dir)


def _vae(wanted: str, object_info: dict[str, Any], url: str) -> str:
    available = input_choices(object_info, "VAELoader", "vae_name")
    name = match_file(wanted, available)
    if name is None:
        raise InvalidRequest(_missing("VAE", repr(wanted), available, url, "vae"), field="model.vae")
    return name


def _region_loras(index: int, region: Region, object_info: dict[str, Any], url: str) -> tuple[LoraSpec, ...]:
    available = input_choices(object_info, "LoraLoader", "lora_name")
    found = []
    for position, lora in enumerate(region.loras):
        name = match_file(lora.name, available)
        if name is None:
            message = _missing("LoRA", repr(lora.name), available, url, "loras")
            raise InvalidRequest(message, field=f"regions[{index}].loras[{position}]")
        found.append(lora.model_copy(update={"name": name}))
    return tuple(found)


def _refiner(request: GenerationRequest, checkpoints: list[str], url: str) -> str | None:
    if request.refiner is None:
        return None
    found = match_file(request.refiner.checkpoint, checkpoints)
    if found is None:
        raise InvalidRequest(
            _missing("refiner checkpoint", repr(request.refiner.checkpoint), checkpoints, url, "checkpoints"),
            field="refiner.checkpoint",
        )
    return found


def _wanted_detector(request: GenerationRequest, configured: str) -> str:
    """The request's face detector if it names a model file, else the configured one."""
    detector = (request.face_detail or FaceDetailSpec()).detector
    if detector == "auto":
        return configured
    if detector in BUILT_IN_FACE_DETECTORS:
        raise InvalidRequest(
            f"the {detector!r} face detector runs in the diffusers engine only; a ComfyUI server finds faces with "
            "its Ultralytics models: use 'auto' or a model's name such as 'bbox/face_yolov8m.pt'",
            field="face_detail.detector",
        )
    return detector


def _face_detector(wanted: str, object_info: dict[str, Any]) -> str:
    """The configured face detector, else the server's first ``bbox/…face…`` model (unchanged if none)."""
    available = input_choices(object_info, "UltralyticsDetectorProvider", "model_name")
    found = match_file(wanted, available)
    if found:
        return found
    return next((n for n in available if n.startswith("bbox/") and "face" in n.lower()), wanted)


def _lora(request: GenerationRequest, lora: LoraSpec, object_info: dict[str, Any], url: str) -> LoraSpec:
    available = input_choices(object_info, "LoraLoader", "lora_name")
    name = match_file(lora.name, available)
    if name is None:
        message = _missing("LoRA", repr(lora.name), available, url, "loras")
        raise InvalidRequest(message, field=lora_field(request, lora))
    return lora.model_copy(update={"name": name})


def _control_model(kind: str, wanted: str | None, object_info: dict[str, Any], url: str) -> str:
    available = input_choices(object_info, "ControlNetLoader", "control_net_name")
    if wanted:
        name = match_file(wanted, available)
        if name is None:
            raise InvalidRequest(
                _missing("control model", repr(wanted), available, url, "controlnet"), field="controls"
            )
        return name
    keywords = CONTROL_KEYWORDS.get(kind, (kind,))
    name = next((n for n in available if any(k in n.lower() for k in keywords)), None)
    if name is None:
        looked_for = f"{kind} (a file whose name contains {' or '.join(map(repr, keywords))})"
        raise InvalidRequest(_missing("control model for", looked_for, available, url, "controlnet"), field="controls")
    return name


def _missing(what: str, wanted: str, available: list[str], url: str, folder: str) -> str:
    listing = ", ".join(available[:12]) + (" …" if len(available) > 12 else "") if available else "none"
    return (
        f"{what} {wanted} is not on the ComfyUI server {url} (it has: {listing}); "
        f"put the file in ComfyUI's models/{folder} folder or choose one of those"
    )
