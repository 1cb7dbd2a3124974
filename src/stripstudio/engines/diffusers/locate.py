"""Finding the files a request names: checkpoints, VAEs, LoRAs and control models.

A reference is a built-in id, a path, a file name looked up in the model folders, or a hub id.
Everything that cannot be found raises ModelNotFound naming what was looked for, where, and what
to do about it. Only ``.safetensors`` files are accepted: pickled ``.ckpt``/``.bin`` files can run
code when loaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from stripstudio.engines.diffusers.builtin_ids import (
    TINY_CONTROLNET_ID,
    TINY_IMAGE_ENCODER_ID,
    TINY_IP_ADAPTER_FACE_ID,
    TINY_IP_ADAPTER_ID,
    TINY_MODEL_ID,
    TINY_REFINER_ID,
    TINY_SD15_ID,
    TINY_T2I_ADAPTER_ID,
)
from stripstudio.generation.errors import InvalidRequest, ModelNotFound

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
_PICKLE_SUFFIXES = {".ckpt", ".pt", ".pth", ".bin", ".pkl"}

BUILTIN_IDS = {
    TINY_MODEL_ID,
    TINY_REFINER_ID,
    TINY_SD15_ID,
    TINY_T2I_ADAPTER_ID,
    TINY_CONTROLNET_ID,
    TINY_IP_ADAPTER_ID,
    TINY_IP_ADAPTER_FACE_ID,
    TINY_IMAGE_ENCODER_ID,
}


class SourceKind(StrEnum):
    """How a model is stored."""

    BUILTIN = "builtin"
    SINGLE_FILE = "single_file"
    DIFFUSERS_FOLDER = "diffusers_folder"
    HUB = "hub"


@dataclass(frozen=True)
class ModelSource:
    """A located model: how it is stored and where."""

    kind: SourceKind
    location: str

    @property
    def display_name(self) -> str:
        """A short name for metadata and messages (file stem, folder name or hub id)."""
        if self.kind in (SourceKind.SINGLE_FILE, SourceKind.DIFFUSERS_FOLDER):
            return Path(self.location).stem
        return self.location


class ModelLocator:
    """Resolves references against the model folders (each with optional ``checkpoints/``, ``loras/`` …)."""

    def __init__(self, search_dirs: list[Path], offline: bool = False):
        self.search_dirs = [Path(d) for d in search_dirs]
        self.offline = offline

    def checkpoint(self, reference: str) -> ModelSource:
        """Locate a checkpoint: built-in id, ``.safetensors`` file, diffusers folder or hub id."""
        return self._locate(reference, "checkpoint", ("checkpoints", "diffusers", ""))

    def vae(self, reference: str) -> ModelSource:
        """Locate a VAE: ``.safetensors`` file, diffusers folder or hub id."""
        return self._locate(reference, "VAE", ("vae", ""))

    def control_model(self, reference: str) -> ModelSource:
        """Locate a ControlNet or T2I-Adapter: built-in id, file, folder or hub id."""
        return self._locate(reference, "control model", ("controlnet", "t2i_adapter", ""))

    def ip_adapter(self, reference: str) -> ModelSource:
        """Locate an IP-Adapter: built-in id, ``.safetensors`` file (``ipadapter/``) or ``repo:path`` on the hub."""
        if ":" in reference and _HUB_ID.match(reference.split(":", 1)[0]) and not Path(reference).exists():
            return ModelSource(SourceKind.HUB, reference)
        return self._locate(reference, "IP-Adapter", ("ipadapter", ""), allow_hub=False, allow_folder=False)

    def image_encoder(self, reference: str) -> ModelSource:
        """Locate a CLIP image encoder: built-in id, transformers folder (``clip_vision/``) or ``repo:subfolder``."""
        if ":" in reference and _HUB_ID.match(reference.split(":", 1)[0]) and not Path(reference).exists():
            return ModelSource(SourceKind.HUB, reference)
        return self._locate(reference, "image encoder", ("clip_vision", ""))

    def lora(self, reference: str) -> Path:
        """Locate a LoRA ``.safetensors`` file by path or by name in the ``loras/`` folders."""
        source = self._locate(reference, "LoRA", ("loras", "lora", ""), allow_hub=False, allow_folder=False)
        return Path(source.location)

    def _locate(
        self,
        reference: str,
        what: str,
        subfolders: tuple[str, ...],
        *,
        allow_hub: bool = True,
        allow_folder: bool = True,
    ) -> ModelSource:
        if reference in BUILTIN_IDS:
            return ModelSource(SourceKind.BUILTIN, reference)
        for candidate in self._candidates(reference, subfolders):
            source = _source_at(candidate, what, allow_folder)
            if source is not None:
                return source
        if allow_hub and _HUB_ID.match(reference) and not Path(reference).expanduser().exists():
            return ModelSource(SourceKind.HUB, reference)
        raise ModelNotFound(self._not_found_message(reference, what, subfolders))

    def _candidates(self, reference: str, subfolders: tuple[str, ...]) -> list[Path]:
        given = Path(reference).expanduser()
        candidates = [given]
        if not given.is_absolute():
            for base in self.search_dirs:
                for sub in subfolders:
                    folder = base / sub if sub else base
                    candidates += [folder / reference, folder / f"{reference}.safetensors"]
        return candidates

    def _not_found_message(self, reference: str, what: str, subfolders: tuple[str, ...]) -> str:
        folders = [str(base / sub) for base in self.search_dirs for sub in subfolders[:1]]
        hint = f"put the .safetensors file in {' or '.join(folders)}" if folders else "give its full path"
        if self.offline:
            hint += " (hub downloads are off: STRIPSTUDIO_OFFLINE is set)"
        return f"{what} {reference!r} not found: no such file, folder or hub id; {hint}, or give its full path"


def _source_at(path: Path, what: str, allow_folder: bool) -> ModelSource | None:
    if path.is_file():
        if path.suffix.lower() in _PICKLE_SUFFIXES:
            raise InvalidRequest(
                f"{what} {str(path)!r} is a pickle file ({path.suffix}), which can run code when loaded; "
                "convert it to .safetensors first"
            )
        if path.suffix.lower() != ".safetensors":
            raise InvalidRequest(f"{what} {str(path)!r} is not a .safetensors file")
        return ModelSource(SourceKind.SINGLE_FILE, str(path.resolve()))
    if path.is_dir() and allow_folder:
        if (path / "model_index.json").is_file() or (path / "config.json").is_file():
            return ModelSource(SourceKind.DIFFUSERS_FOLDER, str(path.resolve()))
        raise ModelNotFound(
            f"{what} folder {str(path)!r} is not a diffusers model folder (no model_index.json or config.json in it)"
        )
    return None
