"""Files the engine needs offline: SDXL component configs and the CLIP tokenizer vocabulary.

``sdxl-base/`` holds the configs of stabilityai/stable-diffusion-xl-base-1.0 and ``sd15/`` those of
Stable Diffusion 1.5 (no weights), so a single-file ``.safetensors`` checkpoint of either family
loads without contacting the hub. ``clip-tokenizer/``
holds OpenAI CLIP's byte-pair vocabulary (MIT licence; rebuilt by ``tools/build_clip_tokenizer.py``
from the copy in open_clip_torch), shared by both SDXL tokenizers, which differ only in padding.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

CONFIG_DIR = Path(__file__).parent
SDXL_BASE_CONFIG_DIR = CONFIG_DIR / "sdxl-base"
SD15_CONFIG_DIR = CONFIG_DIR / "sd15"
CLIP_TOKENIZER_DIR = CONFIG_DIR / "clip-tokenizer"


def sdxl_scheduler_config() -> dict:
    """SDXL base's scheduler config (a fresh copy)."""
    return json.loads((SDXL_BASE_CONFIG_DIR / "scheduler" / "scheduler_config.json").read_text())


def sd15_scheduler_config() -> dict:
    """Stable Diffusion 1.5's scheduler config (a fresh copy)."""
    return json.loads((SD15_CONFIG_DIR / "scheduler" / "scheduler_config.json").read_text())


@cache
def _load_tokenizer(pad_token: str):
    from transformers import CLIPTokenizer

    return CLIPTokenizer(
        str(CLIP_TOKENIZER_DIR / "vocab.json"),
        str(CLIP_TOKENIZER_DIR / "merges.txt"),
        pad_token=pad_token,
        model_max_length=77,
    )


def load_clip_tokenizer():
    """SD 1.x's one tokenizer (CLIP's, padding with ``<|endoftext|>``)."""
    return _load_tokenizer("<|endoftext|>")


def load_clip_tokenizers():
    """SDXL's two tokenizers: the first pads with ``<|endoftext|>``, the second with ``!``."""
    return _load_tokenizer("<|endoftext|>"), _load_tokenizer("!")
