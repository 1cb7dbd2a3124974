"""ComfyUI_IPAdapter_plus's nodes as a live server reports them (recorded/ipadapter_plus_nodes.json),
with model files in its folders, for tests of the reference-image graphs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

RECORDED = json.loads((Path(__file__).parent / "recorded" / "ipadapter_plus_nodes.json").read_text())
ADAPTERS = ["ip-adapter-plus_sdxl_vit-h.safetensors", "ip-adapter-plus-face_sdxl_vit-h.safetensors"]
ENCODERS = ["CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"]


def ipadapter_nodes(object_info: dict, adapters=ADAPTERS, encoders=ENCODERS) -> dict:
    """The pack's nodes, with ``adapters`` in models/ipadapter and ``encoders`` added to models/clip_vision."""
    nodes = copy.deepcopy(RECORDED["nodes"])
    nodes["IPAdapterModelLoader"]["input"]["required"]["ipadapter_file"] = [list(adapters)]
    clip_vision = copy.deepcopy(object_info["CLIPVisionLoader"])
    clip_vision["input"]["required"]["clip_name"] = [list(encoders)]
    return {**nodes, "CLIPVisionLoader": clip_vision}
