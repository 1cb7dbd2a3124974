"""Reading model files safely: the ``.safetensors`` header, without loading any tensor or pickle."""

from __future__ import annotations

import json
import struct
from pathlib import Path

MAX_HEADER_BYTES = 100 * 1024 * 1024


class BadModelFile(ValueError):
    """The file is not a valid ``.safetensors`` file."""


def read_safetensors_header(path: Path) -> dict:
    """The JSON header of a ``.safetensors`` file (tensor names, dtypes, shapes, offsets).

    Checks that the header is well formed and that every tensor lies inside the file, so a
    truncated or disguised file is refused before anything loads it.
    """
    path = Path(path)
    size = path.stat().st_size
    with path.open("rb") as handle:
        prefix = handle.read(8)
        if len(prefix) < 8:
            raise BadModelFile(f"{path}: too short to be a .safetensors file")
        (header_length,) = struct.unpack("<Q", prefix)
        if header_length > MAX_HEADER_BYTES:
            raise BadModelFile(f"{path}: not a .safetensors file (header length {header_length} is impossible)")
        if header_length > size - 8:
            raise BadModelFile(f"{path}: the file is cut short (truncated download?) or not a .safetensors file")
        try:
            header = json.loads(handle.read(header_length))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BadModelFile(f"{path}: not a .safetensors file (header is not JSON: {error})") from error
    if not isinstance(header, dict):
        raise BadModelFile(f"{path}: not a .safetensors file (header is not a JSON object)")
    data_size = size - 8 - header_length
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = _offsets(path, name, info)
        if not 0 <= begin <= end <= data_size:
            raise BadModelFile(f"{path}: tensor {name!r} lies outside the file (truncated download?)")
    return header


def _offsets(path: Path, name: str, info: object) -> tuple[int, int]:
    try:
        begin, end = info["data_offsets"]  # type: ignore[index]
        return int(begin), int(end)
    except (TypeError, KeyError, ValueError) as error:
        raise BadModelFile(f"{path}: tensor {name!r} has no valid data_offsets") from error


def classify_model_file(header: dict) -> str:
    """Guess what a ``.safetensors`` file holds: checkpoint, lora, vae, controlnet or unknown."""
    keys = [key for key in header if key != "__metadata__"]
    if any(key.startswith(("lora_", "lycoris_")) or ".lora_" in key or ".lora." in key for key in keys):
        return "lora"
    if any(key.startswith("model.diffusion_model.") for key in keys):
        return "checkpoint"
    if any(key.startswith(("controlnet_", "control_model.")) or "controlnet_down_blocks" in key for key in keys):
        return "controlnet"
    if any(key.startswith(("encoder.down", "decoder.up", "first_stage_model.")) for key in keys):
        return "vae"
    return "unknown"
