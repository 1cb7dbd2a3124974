"""PNG text chunks every saved image carries: A1111 ``parameters`` and our own request JSON."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from stripstudio.generation.request import GenerationRequest

PARAMETERS_KEY = "parameters"
REQUEST_KEY = "stripstudio"
FILES_KEY = "stripstudio-files"  # sha256 of every input file, so a redraw can check it has the same ones

# ComfyUI sampler / scheduler names as AUTOMATIC1111 writes them.
_A1111_SAMPLERS = {
    "euler": "Euler",
    "euler_ancestral": "Euler a",
    "heun": "Heun",
    "dpm_2": "DPM2",
    "dpm_2_ancestral": "DPM2 a",
    "lms": "LMS",
    "dpmpp_2m": "DPM++ 2M",
    "dpmpp_2m_sde": "DPM++ 2M SDE",
    "dpmpp_3m_sde": "DPM++ 3M SDE",
    "dpmpp_sde": "DPM++ SDE",
    "ddim": "DDIM",
    "uni_pc": "UniPC",
    "deis": "DEIS",
    "lcm": "LCM",
}
_A1111_SCHEDULES = {
    "normal": "Automatic",
    "karras": "Karras",
    "exponential": "Exponential",
    "sgm_uniform": "SGM Uniform",
    "simple": "Simple",
    "beta": "Beta",
}


def lora_tag(name: str, strength_model: float, strength_clip: float) -> str:
    """``<lora:NAME:W>``, or ``<lora:NAME:WM:WC>`` when the two strengths differ."""
    if strength_model == strength_clip:
        return f"<lora:{name}:{_number(strength_model)}>"
    return f"<lora:{name}:{_number(strength_model)}:{_number(strength_clip)}>"


def a1111_parameters(
    request: GenerationRequest,
    *,
    model_name: str,
    model_hash: str | None = None,
    lora_hashes: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The ``parameters`` text A1111, Civitai and metadata readers understand, for one image.

    LoRAs appear as tags at the end of the prompt, as A1111 writes them.
    """
    prompt = request.prompt
    tags = " ".join(lora_tag(lora.name, lora.strength_model, lora.strength_clip) for lora in request.loras)
    if tags:
        prompt = f"{prompt} {tags}".strip()
    fields: dict[str, str] = {
        "Steps": str(request.num_inference_steps),
        "Sampler": _A1111_SAMPLERS.get(request.sampler, request.sampler),
        "Schedule type": _A1111_SCHEDULES.get(request.scheduler, request.scheduler),
        "CFG scale": _number(request.guidance_scale),
        "Seed": str(request.seed),
        "Size": f"{request.width}x{request.height}",
    }
    if model_hash:
        fields["Model hash"] = model_hash
    fields["Model"] = model_name
    if request.task.value != "text_to_image":
        fields["Denoising strength"] = _number(request.strength)
    if lora_hashes:
        fields["Lora hashes"] = ", ".join(f"{name}: {digest}" for name, digest in lora_hashes.items())
    fields.update(extra or {})
    fields["Version"] = f"stripstudio {_version()}"
    line = ", ".join(f"{key}: {_quote(value)}" for key, value in fields.items())
    return f"{prompt}\nNegative prompt: {request.negative_prompt}\n{line}"


def _quote(value: str) -> str:
    """A1111 quotes values that contain its separators."""
    if any(ch in value for ch in ',:"\n'):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return value


def _number(value: float) -> str:
    return f"{value:g}"


def _version() -> str:
    from stripstudio import __version__

    return __version__


def input_file_hashes(request: GenerationRequest) -> dict[str, str]:
    """The sha256 of every input file the request reads (reference pictures, masks, init image…)."""
    hashes = {}
    for path in request.input_files():
        file = Path(path)
        if file.is_file():
            hashes[path] = hashlib.sha256(file.read_bytes()).hexdigest()
    return hashes
