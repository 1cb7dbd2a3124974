"""Which model family a ``.safetensors`` file belongs to, from its tensor names and shapes alone.

Nothing is loaded: the header (names, dtypes, shapes) tells a checkpoint from a LoRA, a ControlNet,
a T2I-Adapter, a VAE, an IP-Adapter or an image encoder, and SD 1.x from SD 2.x, SDXL base and
the SDXL refiner. The rules follow the structure of each family, not absolute sizes, so they hold
for the small random models the tests build as much as for the real ones:

* text encoders: SD 1.x has one CLIP-L (``cond_stage_model.transformer``), SD 2.x one OpenCLIP-H
  (``cond_stage_model.model``), SDXL base both CLIP-L and OpenCLIP-bigG
  (``conditioner.embedders.0`` and ``.1``), the refiner only bigG (``conditioner.embedders.0.model``);
* UNet: SDXL conditions on size and crop (``label_emb`` / ``add_embedding``) and has no attention
  at its first, highest-resolution level, where SD 1.x and 2.x have one;
* widths where a family has a fixed one: cross-attention reads 768 features in SD 1.x, 1024 in
  SD 2.x, 2048 in SDXL base and 1280 in the refiner; a T2I-Adapter unshuffles pixels by 8 (SD 1.x)
  or 16 (SDXL).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from stripstudio.modelfiles import read_safetensors_header


class Family(StrEnum):
    """A family of models whose parts fit together."""

    SD1 = "sd1"
    SD2 = "sd2"
    SDXL = "sdxl"
    SDXL_REFINER = "sdxl-refiner"
    SD_VAE = "sd-vae"  # the 4-channel autoencoder that SD 1.x, 2.x and SDXL share
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        """The family's name as people write it."""
        return _LABELS[self]


_LABELS = {
    Family.SD1: "SD 1.x",
    Family.SD2: "SD 2.x",
    Family.SDXL: "SDXL",
    Family.SDXL_REFINER: "SDXL refiner",
    Family.SD_VAE: "SD (any)",
    Family.UNKNOWN: "unknown family",
}


class Kind(StrEnum):
    """What a model file holds."""

    CHECKPOINT = "checkpoint"
    UNET = "unet"
    LORA = "lora"
    LYCORIS = "lycoris"
    CONTROLNET = "controlnet"
    T2I_ADAPTER = "t2i-adapter"
    VAE = "vae"
    IP_ADAPTER = "ip-adapter"
    CLIP_VISION = "clip-vision"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Detection:
    """What a model file is: its kind, family, key layout and variant (e.g. ``inpaint``)."""

    kind: Kind
    family: Family
    layout: str = ""
    variant: str = ""

    def describe(self) -> str:
        """E.g. ``SDXL checkpoint (inpaint)`` or ``SD 1.x LoRA``."""
        kind = {Kind.LORA: "LoRA", Kind.LYCORIS: "LyCORIS", Kind.VAE: "VAE"}.get(self.kind, self.kind.value)
        text = kind if self.family is Family.UNKNOWN else f"{self.family.label} {kind}"
        return f"{text} ({self.variant})" if self.variant else text


CROSS_ATTENTION_WIDTHS = {768: Family.SD1, 1024: Family.SD2, 2048: Family.SDXL, 1280: Family.SDXL_REFINER}
_LYCORIS_MARKERS = (".hada_w1_a", ".lokr_w1", ".oft_blocks", ".oft_diag", ".on_input", ".b1.weight")
_LORA_MARKERS = (".lora_down.", ".lora_up.", ".lora_A.", ".lora_B.", ".lora.down.", ".lora.up.")
_NOT_INPUT_SIDE = ("lora_up", "lora_B", "alpha")


class _Header:
    """Tensor names and shapes of one file, with the lookups the rules need."""

    def __init__(self, header: Mapping[str, Any]) -> None:
        self.shapes = {
            name: tuple(info.get("shape", ()))
            for name, info in header.items()
            if name != "__metadata__" and isinstance(info, Mapping)
        }
        self.names = list(self.shapes)
        self.flat = [name.replace(".", "_") for name in self.names]

    def has_prefix(self, *prefixes: str) -> bool:
        return any(name.startswith(prefixes) for name in self.names)

    def has(self, *fragments: str) -> bool:
        return any(fragment in name for name in self.names for fragment in fragments)

    def flat_has(self, pattern: str) -> bool:
        compiled = re.compile(pattern)
        return any(compiled.search(name) for name in self.flat)

    def shape(self, name: str) -> tuple[int, ...]:
        return self.shapes.get(name, ())

    def cross_attention_width(self) -> int | None:
        """Input features of the first cross-attention key projection (or of its LoRA down weight)."""
        for name, flat in zip(self.names, self.flat, strict=True):
            shape = self.shapes[name]
            if "attn2_to_k" in flat and len(shape) == 2 and not any(m in flat for m in _NOT_INPUT_SIDE):
                return shape[1]
        return None


def detect(header: Mapping[str, Any]) -> Detection:
    """The kind and family of the model whose ``.safetensors`` header is ``header``."""
    keys = _Header(header)
    for rule in (_lora, _ip_adapter, _controlnet, _t2i_adapter, _checkpoint, _unet, _vae, _clip_vision):
        found = rule(keys)
        if found is not None:
            return found
    return Detection(Kind.UNKNOWN, Family.UNKNOWN)


# Bounded: one entry per distinct file layout seen by this process.
_CACHE: dict[str, Detection] = {}
_CACHE_LIMIT = 4096


def detect_file(path: str | Path) -> Detection:
    """:func:`detect` on a file's header, cached by the header's hash (names, shapes, offsets) and size.

    Raises :class:`~stripstudio.modelfiles.BadModelFile` for a file that is not a valid
    ``.safetensors`` file.
    """
    path = Path(path)
    header = read_safetensors_header(path)
    digest = hashlib.sha256(json.dumps(header, sort_keys=True).encode() + str(path.stat().st_size).encode())
    key = digest.hexdigest()
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = detect(header)
    return _CACHE[key]


def detect_folder(folder: str | Path) -> Detection:
    """The family of a diffusers pipeline folder, from its ``model_index.json`` and UNet config."""
    folder = Path(folder)
    try:
        index = json.loads((folder / "model_index.json").read_text())
        unet = json.loads((folder / "unet" / "config.json").read_text()) if (folder / "unet").is_dir() else {}
    except (OSError, ValueError):
        return Detection(Kind.CHECKPOINT, Family.UNKNOWN, "diffusers")
    variant = "inpaint" if unet.get("in_channels") == 9 else ""
    if "XL" in str(index.get("_class_name", "")) or unet.get("addition_embed_type") == "text_time":
        has_clip_l = bool((index.get("text_encoder") or [None])[0])
        family = Family.SDXL if has_clip_l else Family.SDXL_REFINER
    elif unet:
        family = Family.SD2 if unet.get("cross_attention_dim") == 1024 else Family.SD1
    else:
        family = Family.UNKNOWN
    return Detection(Kind.CHECKPOINT, family, "diffusers", variant)


# ---------------------------------------------------------------------------------------------
# Rules, one per kind of file
# ---------------------------------------------------------------------------------------------


def _lora(keys: _Header) -> Detection | None:
    is_lora = keys.has_prefix("lora_unet_", "lora_te", "lycoris_") or keys.has(*_LORA_MARKERS)
    is_lycoris = keys.has(*_LYCORIS_MARKERS)
    if not (is_lora or is_lycoris):
        return None
    kind = Kind.LYCORIS if is_lycoris else Kind.LORA
    layout = "kohya" if keys.has_prefix("lora_unet_", "lora_te", "lycoris_") else "diffusers"
    return Detection(kind, _lora_family(keys), layout)


def _lora_family(keys: _Header) -> Family:
    if keys.has_prefix("lora_te1_", "lora_te2_", "text_encoder_2.") or keys.flat_has(r"(^|_)te2_text_model"):
        return _xl_or_refiner(keys)
    level = _first_attention_level(keys)
    if level == 0:
        return _sd1_or_sd2(keys)
    if level is not None:
        return _xl_or_refiner(keys)
    if keys.has_prefix("lora_te_", "text_encoder."):
        return _sd1_or_sd2(keys)
    return CROSS_ATTENTION_WIDTHS.get(keys.cross_attention_width() or 0, Family.UNKNOWN)


def _first_attention_level(keys: _Header) -> int | None:
    """The UNet level (0 = highest resolution) of the first attention block, in either naming."""
    levels = []
    for name in keys.flat:
        if match := re.search(r"down_blocks_(\d+)_attentions_", name):
            levels.append(int(match.group(1)))
        elif match := re.search(r"input_blocks_(\d+)_1_(?:transformer_blocks|proj_in|norm)", name):
            # Original naming: block 0 is conv_in, blocks 1-2 the first level (2 layers, then a downsampler).
            levels.append((int(match.group(1)) - 1) // 3)
    return min(levels) if levels else None


def _sd1_or_sd2(keys: _Header) -> Family:
    if keys.cross_attention_width() == 1024 or _text_encoder_layers(keys) > 12:
        return Family.SD2
    return Family.SD1


def _xl_or_refiner(keys: _Header) -> Family:
    return Family.SDXL_REFINER if keys.cross_attention_width() == 1280 else Family.SDXL


def _text_encoder_layers(keys: _Header) -> int:
    layers = [int(m.group(1)) for name in keys.flat if (m := re.search(r"te_text_model_encoder_layers_(\d+)_", name))]
    return max(layers) + 1 if layers else 0


def _ip_adapter(keys: _Header) -> Detection | None:
    if not (keys.has_prefix("image_proj.") and keys.has_prefix("ip_adapter.")):
        return None
    variant = "plus" if keys.has_prefix("image_proj.latents", "image_proj.proj_in") else ""
    width = next((shape[1] for name, shape in keys.shapes.items() if "to_k_ip" in name and len(shape) == 2), 0)
    return Detection(Kind.IP_ADAPTER, CROSS_ATTENTION_WIDTHS.get(width, Family.UNKNOWN), "ip-adapter", variant)


def _controlnet(keys: _Header) -> Detection | None:
    if keys.has_prefix("control_model."):
        layout, conditioned = "original", keys.has_prefix("control_model.label_emb.")
    elif keys.has_prefix("controlnet_cond_embedding.", "controlnet_down_blocks."):
        layout, conditioned = "diffusers", keys.has_prefix("add_embedding.")
    else:
        return None
    family = _xl_or_refiner(keys) if conditioned else _sd1_or_sd2(keys)
    return Detection(Kind.CONTROLNET, family, layout)


def _t2i_adapter(keys: _Header) -> Detection | None:
    if keys.has_prefix("adapter.conv_in."):
        layout, conv_in = "diffusers", keys.shape("adapter.conv_in.weight")
    elif keys.has_prefix("body.0.") and keys.has_prefix("conv_in."):
        layout, conv_in = "original", keys.shape("conv_in.weight")
    else:
        return None
    # Pixel unshuffle stacks factor² copies of each input channel (1 for sketches, 3 for colour).
    channels = conv_in[1] if len(conv_in) > 1 else 0
    family = Family.SDXL if channels and channels % 256 == 0 else Family.SD1 if channels else Family.UNKNOWN
    return Detection(Kind.T2I_ADAPTER, family, layout)


def _checkpoint(keys: _Header) -> Detection | None:
    if not keys.has_prefix("model.diffusion_model."):
        return None
    in_channels = keys.shape("model.diffusion_model.input_blocks.0.0.weight")
    variant = "inpaint" if len(in_channels) > 1 and in_channels[1] == 9 else ""
    if keys.has_prefix("conditioner.embedders.1."):
        family = Family.SDXL
    elif keys.has_prefix("conditioner.embedders.0.model."):
        family = Family.SDXL_REFINER
    elif keys.has_prefix("cond_stage_model.model."):
        family = Family.SD2
    elif keys.has_prefix("cond_stage_model.transformer."):
        family = Family.SD1
    elif keys.has_prefix("model.diffusion_model.label_emb."):
        family = _xl_or_refiner(keys)
    else:
        family = _sd1_or_sd2(keys) if _first_attention_level(keys) == 0 else Family.UNKNOWN
    return Detection(Kind.CHECKPOINT, family, "original", variant)


def _unet(keys: _Header) -> Detection | None:
    if not (keys.has_prefix("conv_in.") and keys.has_prefix("time_embedding.") and keys.has_prefix("down_blocks.")):
        return None
    conv_in = keys.shape("conv_in.weight")
    variant = "inpaint" if len(conv_in) > 1 and conv_in[1] == 9 else ""
    family = _xl_or_refiner(keys) if keys.has_prefix("add_embedding.") else _sd1_or_sd2(keys)
    return Detection(Kind.UNET, family, "diffusers", variant)


def _vae(keys: _Header) -> Detection | None:
    names = [name.removeprefix("first_stage_model.") for name in keys.names]
    if not any(name.startswith(("encoder.down", "decoder.up")) for name in names):
        return None
    layout = "diffusers" if any(name.startswith("decoder.up_blocks.") for name in names) else "original"
    conv_in = keys.shape("decoder.conv_in.weight") or keys.shape("first_stage_model.decoder.conv_in.weight")
    latent_channels = conv_in[1] if len(conv_in) > 1 else 0
    family = Family.SD_VAE if latent_channels == 4 else Family.UNKNOWN
    return Detection(Kind.VAE, family, layout)


def _clip_vision(keys: _Header) -> Detection | None:
    if not keys.has_prefix("vision_model.", "visual."):
        return None
    return Detection(
        Kind.CLIP_VISION, Family.UNKNOWN, "transformers" if keys.has_prefix("vision_model.") else "open_clip"
    )


# ---------------------------------------------------------------------------------------------
# Compatibility
# ---------------------------------------------------------------------------------------------


def fits(base: Detection, part: Detection) -> bool:
    """True when ``part`` (a LoRA, control model, VAE, IP-Adapter) can be used with checkpoint ``base``.

    Unknown families are given the benefit of the doubt: only a known mismatch is refused.
    """
    if Family.UNKNOWN in (base.family, part.family):
        return True
    if part.family is Family.SD_VAE:
        return base.family is not Family.UNKNOWN
    return part.family is base.family


def mismatch_message(base_name: str, base: Detection, part_name: str, part: Detection) -> str | None:
    """A sentence naming both files and their families when ``part`` does not fit ``base``; else None."""
    if fits(base, part):
        return None
    return (
        f"{part_name!r} ({part.describe()}) does not fit {base_name!r} ({base.describe()}): "
        f"use a {part.kind.value} made for {base.family.label}, or a {part.family.label} checkpoint"
    )


def families_of(detections: Iterable[Detection]) -> set[Family]:
    """The known families among ``detections``."""
    return {d.family for d in detections if d.family not in (Family.UNKNOWN, Family.SD_VAE)}
