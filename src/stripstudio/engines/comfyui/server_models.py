"""The model files a ComfyUI server has, read from its ``/object_info`` file lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stripstudio.engines.comfyui.check import input_choices
from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.engines.comfyui.server_families import server_file
from stripstudio.models.families import Family
from stripstudio.models.library import LibraryModel

# (node, input, kind, the server's models sub-folder) for every file list that names models.
FILE_LISTS = (
    ("CheckpointLoaderSimple", "ckpt_name", "checkpoint", "checkpoints"),
    ("LoraLoader", "lora_name", "lora", "loras"),
    ("VAELoader", "vae_name", "vae", "vae"),
    ("ControlNetLoader", "control_net_name", "controlnet", "controlnet"),
    ("IPAdapterModelLoader", "ipadapter_file", "ip-adapter", "ipadapter"),
    ("CLIPVisionLoader", "clip_name", "clip-vision", "clip_vision"),
)


def server_models(object_info: dict[str, Any], models_dir: Path | None = None) -> list[LibraryModel]:
    """Every model file the server lists, with its family where its folder can be read from here."""
    found = []
    for node, field, kind, folder in FILE_LISTS:
        for name in input_choices(object_info, node, field):
            detected = server_file(models_dir, folder, name)
            family = "" if detected is None or detected.family is Family.UNKNOWN else detected.family.value
            found.append(LibraryModel(name=name, kind=kind, family=family, path="", size=0))
    return found


def list_server_models(urls: list[str], models_dir: Path | None, timeout: float = 3.0) -> dict[str, list[LibraryModel]]:
    """Each answering server's models (a server that does not answer within ``timeout`` is left out)."""
    listed = {}
    for url in urls:
        client = ComfyUIClient(url, timeout=timeout)
        try:
            listed[url] = server_models(client.object_info(), models_dir)
        except Exception:  # a server out of reach has no files to list; the library still shows the rest
            continue
        finally:
            client.close()
    return listed
