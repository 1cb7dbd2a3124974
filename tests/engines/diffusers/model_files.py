"""Real model files for the tiny random SDXL, in the formats users download.

* :func:`write_tiny_lora` writes a LoRA for the built-in tiny model, in the diffusers key format
  (what ``StableDiffusionXLPipeline.save_lora_weights`` writes) or in kohya-ss sd-scripts' SDXL
  format (``lora_unet_input_blocks_…``, ``lora_te1_…``, ``lora_te2_…``).
* :func:`write_tiny_single_file` writes a tiny model as one original-format SDXL checkpoint (the
  layout of ``sd_xl_base_1.0.safetensors``) and :func:`write_tiny_config_folder` the diffusers
  config folder that describes its shapes.

The single-file model is the built-in tiny model with one change: its two text encoders have
different widths (see :data:`SINGLE_FILE_TEXT_WIDTHS`). diffusers tells the CLIP-L and the
OpenCLIP text encoder of a single file apart by comparing the width of each stored position
embedding with the width of the model being loaded; with equal widths it loads the CLIP-L weights
into both text encoders.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Literal

import torch
from safetensors.torch import save_file

from stripstudio.engines.diffusers import tiny
from stripstudio.engines.diffusers.configs import SDXL_BASE_CONFIG_DIR

LoraKeyFormat = Literal["diffusers", "kohya", "kohya_diffusers_names"]
LORA_KEY_FORMATS: tuple[LoraKeyFormat, ...] = ("diffusers", "kohya", "kohya_diffusers_names")
UNET_LORA_TARGETS = ("to_q", "to_k", "to_v", "to_out.0")
TEXT_LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "out_proj")
# Text-encoder widths of the single-file model; they add up to the tiny UNet's cross-attention width.
SINGLE_FILE_TEXT_WIDTHS = (24, 40)
LORA_UPDATE_SCALE = 1.0

# ---------------------------------------------------------------------------------------------
# Key names: diffusers -> original (LDM / SGM) naming
# ---------------------------------------------------------------------------------------------

_UNET_RESNET_PARTS = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "time_emb_proj": "emb_layers.1",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "conv_shortcut": "skip_connection",
}
_VAE_ATTENTION_PARTS = {"group_norm": "norm", "to_q": "q", "to_k": "k", "to_v": "v", "to_out.0": "proj_out"}


def unet_prefix_map(config) -> dict[str, str]:
    """Diffusers UNet module prefixes mapped to their names in the original SDXL UNet.

    The original UNet numbers its blocks in one sequence per side: ``input_blocks.k`` holds the
    resnet (``.0``) and attention (``.1``) of one layer, or a downsampler (``.0.op``);
    ``output_blocks.k`` likewise, with the upsampler after the last layer of a level.
    """
    per_level = config.layers_per_block + 1
    levels = len(config.block_out_channels)
    prefixes = {
        "conv_in.": "input_blocks.0.0.",
        "time_embedding.linear_1.": "time_embed.0.",
        "time_embedding.linear_2.": "time_embed.2.",
        "add_embedding.linear_1.": "label_emb.0.0.",
        "add_embedding.linear_2.": "label_emb.0.2.",
        "conv_norm_out.": "out.0.",
        "conv_out.": "out.2.",
        "mid_block.resnets.0.": "middle_block.0.",
        "mid_block.attentions.0.": "middle_block.1.",
        "mid_block.resnets.1.": "middle_block.2.",
    }
    for level in range(levels):
        for layer in range(config.layers_per_block):
            block = 1 + level * per_level + layer
            prefixes[f"down_blocks.{level}.resnets.{layer}."] = f"input_blocks.{block}.0."
            prefixes[f"down_blocks.{level}.attentions.{layer}."] = f"input_blocks.{block}.1."
        for layer in range(per_level):
            block = level * per_level + layer
            prefixes[f"up_blocks.{level}.resnets.{layer}."] = f"output_blocks.{block}.0."
            prefixes[f"up_blocks.{level}.attentions.{layer}."] = f"output_blocks.{block}.1."
        if level < levels - 1:
            prefixes[f"down_blocks.{level}.downsamplers.0.conv."] = f"input_blocks.{(level + 1) * per_level}.0.op."
            upsampler_index = 2 if config.up_block_types[level].startswith("CrossAttn") else 1
            last_block = level * per_level + per_level - 1
            prefixes[f"up_blocks.{level}.upsamplers.0."] = f"output_blocks.{last_block}.{upsampler_index}."
    return prefixes


def unet_original_name(name: str, prefixes: dict[str, str]) -> str:
    """The original SDXL name of a diffusers UNet parameter or module ``name``."""
    dotted = name + "."
    for diffusers_prefix, original_prefix in prefixes.items():
        if dotted.startswith(diffusers_prefix):
            rest = dotted[len(diffusers_prefix) :]
            if ".resnets." in diffusers_prefix:
                part, _, tail = rest.partition(".")
                rest = f"{_UNET_RESNET_PARTS[part]}.{tail}"
            return (original_prefix + rest).removesuffix(".")
    raise KeyError(f"no original name for UNet parameter {name!r}")


def vae_prefix_map(config) -> dict[str, str]:
    """Diffusers VAE module prefixes mapped to the original autoencoder's (decoder levels run backwards)."""
    levels = len(config.block_out_channels)
    prefixes = {"conv_norm_out.": "norm_out."}
    for side in ("encoder", "decoder"):
        prefixes[f"{side}.mid_block.resnets.0."] = f"{side}.mid.block_1."
        prefixes[f"{side}.mid_block.resnets.1."] = f"{side}.mid.block_2."
        prefixes[f"{side}.mid_block.attentions.0."] = f"{side}.mid.attn_1."
        prefixes[f"{side}.conv_norm_out."] = f"{side}.norm_out."
    for level in range(levels):
        up = levels - 1 - level
        prefixes[f"encoder.down_blocks.{level}.resnets."] = f"encoder.down.{level}.block."
        prefixes[f"encoder.down_blocks.{level}.downsamplers.0."] = f"encoder.down.{level}.downsample."
        prefixes[f"decoder.up_blocks.{level}.resnets."] = f"decoder.up.{up}.block."
        prefixes[f"decoder.up_blocks.{level}.upsamplers.0."] = f"decoder.up.{up}.upsample."
    return prefixes


def vae_original_state(vae) -> dict[str, torch.Tensor]:
    """The VAE's weights under original names; mid-block attention projections become 1x1 convolutions."""
    prefixes = vae_prefix_map(vae.config)
    state = {}
    for name, tensor in vae.state_dict().items():
        original = name
        for diffusers_prefix, original_prefix in prefixes.items():
            if name.startswith(diffusers_prefix):
                original = original_prefix + name[len(diffusers_prefix) :]
                break
        original = original.replace("conv_shortcut", "nin_shortcut")
        if ".mid.attn_1." in original:
            head, _, tail = original.partition(".mid.attn_1.")
            part, kind = tail.rsplit(".", 1)
            original = f"{head}.mid.attn_1.{_VAE_ATTENTION_PARTS[part]}.{kind}"
            if part != "group_norm" and tensor.ndim == 2:
                tensor = tensor[:, :, None, None]
        state[original] = tensor
    return state


def clip_l_original_state(text_encoder) -> dict[str, torch.Tensor]:
    """CLIP-L weights as SDXL stores them: the transformers layout under ``text_model.``."""
    return {
        name if name.startswith("text_model.") else f"text_model.{name}": tensor
        for name, tensor in text_encoder.state_dict().items()
    }


def open_clip_original_state(text_encoder) -> dict[str, torch.Tensor]:
    """An OpenCLIP (bigG layout) text tower from a ``CLIPTextModelWithProjection``.

    OpenCLIP fuses q/k/v into ``attn.in_proj_*``, stores the position embedding as a bare tensor
    and applies ``x @ text_projection``, so its projection is the transpose of the linear weight.
    """
    model = text_encoder.text_model
    state = {
        "token_embedding.weight": model.embeddings.token_embedding.weight,
        "positional_embedding": model.embeddings.position_embedding.weight,
        "ln_final.weight": model.final_layer_norm.weight,
        "ln_final.bias": model.final_layer_norm.bias,
        "text_projection": text_encoder.text_projection.weight.T,
        "logit_scale": torch.tensor(math.log(1 / 0.07)),
    }
    for index, layer in enumerate(model.encoder.layers):
        block = f"transformer.resblocks.{index}."
        attention = layer.self_attn
        projections = (attention.q_proj, attention.k_proj, attention.v_proj)
        state[block + "attn.in_proj_weight"] = torch.cat([p.weight for p in projections])
        state[block + "attn.in_proj_bias"] = torch.cat([p.bias for p in projections])
        for original, module in (
            ("attn.out_proj", attention.out_proj),
            ("ln_1", layer.layer_norm1),
            ("ln_2", layer.layer_norm2),
            ("mlp.c_fc", layer.mlp.fc1),
            ("mlp.c_proj", layer.mlp.fc2),
        ):
            state[f"{block}{original}.weight"] = module.weight
            state[f"{block}{original}.bias"] = module.bias
    return state


def original_sdxl_state(components: dict) -> dict[str, torch.Tensor]:
    """All weights of an SDXL pipeline's components, named as in ``sd_xl_base_1.0.safetensors``."""
    unet = components["unet"]
    prefixes = unet_prefix_map(unet.config)
    parts = {
        "model.diffusion_model.": {unet_original_name(k, prefixes): v for k, v in unet.state_dict().items()},
        "first_stage_model.": vae_original_state(components["vae"]),
        "conditioner.embedders.0.transformer.": clip_l_original_state(components["text_encoder"]),
        "conditioner.embedders.1.model.": open_clip_original_state(components["text_encoder_2"]),
    }
    return {
        prefix + name: tensor.detach().contiguous().clone()
        for prefix, state in parts.items()
        for name, tensor in state.items()
    }


# ---------------------------------------------------------------------------------------------
# Single-file checkpoint and its config folder
# ---------------------------------------------------------------------------------------------


def build_single_file_components() -> dict[str, object]:
    """The model :func:`write_tiny_single_file` stores: the tiny model with text encoders of unequal widths.

    The UNet, VAE, scheduler and tokenizers are the built-in tiny model's; the text encoders are
    rebuilt from the tiny config with the widths of :data:`SINGLE_FILE_TEXT_WIDTHS` (which still
    add up to the UNet's cross-attention width) and a fixed seed.
    """
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    components = tiny.build_tiny_components()
    width_1, width_2 = SINGLE_FILE_TEXT_WIDTHS
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        config_1 = CLIPTextConfig(**{**tiny.TINY_TEXT_ENCODER_CONFIG, "hidden_size": width_1}, hidden_act="quick_gelu")
        components["text_encoder"] = CLIPTextModel(config_1).eval()
        torch.manual_seed(2)
        config_2 = CLIPTextConfig(**{**tiny.TINY_TEXT_ENCODER_CONFIG, "hidden_size": width_2}, hidden_act="gelu")
        components["text_encoder_2"] = CLIPTextModelWithProjection(config_2).eval()
    return components


def write_tiny_single_file(path: str | Path) -> Path:
    """Write :func:`build_single_file_components` as one original-format SDXL ``.safetensors`` file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(original_sdxl_state(build_single_file_components()), str(path))
    return path


def write_tiny_config_folder(folder: str | Path) -> Path:
    """Write the diffusers config folder (configs only, no weights or tokenizer) of the single-file model."""
    folder = Path(folder)
    components = build_single_file_components()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model_index.json").write_text((SDXL_BASE_CONFIG_DIR / "model_index.json").read_text())
    for name in ("unet", "vae", "scheduler"):
        components[name].save_config(folder / name)
    for name in ("text_encoder", "text_encoder_2"):
        components[name].config.save_pretrained(folder / name)
    return folder


# ---------------------------------------------------------------------------------------------
# LoRA
# ---------------------------------------------------------------------------------------------


@cache
def _tiny_lora_targets() -> tuple[tuple[str, str, int, int], ...]:
    """(component, module name, in features, out features) of every LoRA target in the tiny model.

    Text-encoder modules are named as in published LoRA files, under ``text_model.`` (recent
    transformers versions drop that level from ``CLIPTextModel``; diffusers accepts both).
    """
    components = tiny.build_tiny_components()
    targets = []
    for component, suffixes in (
        ("unet", UNET_LORA_TARGETS),
        ("text_encoder", TEXT_LORA_TARGETS),
        ("text_encoder_2", TEXT_LORA_TARGETS),
    ):
        for name, module in components[component].named_modules():
            if isinstance(module, torch.nn.Linear) and name.endswith(tuple("." + s for s in suffixes)):
                if component != "unet" and not name.startswith("text_model."):
                    name = f"text_model.{name}"
                targets.append((component, name, module.in_features, module.out_features))
    return tuple(targets)


def random_lora_weights(seed: int, rank: int, text_encoders: bool) -> dict[tuple[str, str], tuple]:
    """Seeded (lora_A, lora_B) pairs keyed by (component, module name).

    Both are scaled so that, for inputs of unit scale, the update ``lora_B @ lora_A @ x`` has a
    standard deviation of :data:`LORA_UPDATE_SCALE`, about as large as a randomly initialised
    layer's own output: a clearly visible change that does not blow the image up. The UNet
    weights are drawn first, so they do not depend on ``text_encoders``.
    """
    generator = torch.Generator().manual_seed(seed)
    weights = {}
    for component, name, in_features, out_features in _tiny_lora_targets():
        if component != "unet" and not text_encoders:
            continue
        lora_a = torch.randn(rank, in_features, generator=generator) / math.sqrt(in_features)
        lora_b = torch.randn(out_features, rank, generator=generator) * (LORA_UPDATE_SCALE / math.sqrt(rank))
        weights[(component, name)] = (lora_a, lora_b)
    return weights


def _diffusers_lora_layers(weights: dict) -> dict[str, dict[str, torch.Tensor]]:
    """Per-component peft state dicts (``<module>.lora_A.weight`` / ``.lora_B.weight``)."""
    layers: dict[str, dict[str, torch.Tensor]] = {}
    for (component, name), (lora_a, lora_b) in weights.items():
        layers.setdefault(component, {})[f"{name}.lora_A.weight"] = lora_a
        layers[component][f"{name}.lora_B.weight"] = lora_b
    return layers


def kohya_module_name(component: str, name: str, *, unet_names: str = "original") -> str:
    """kohya-ss's name for a LoRA module: ``lora_unet_…``, ``lora_te1_…`` or ``lora_te2_…``, ``_`` for ``.``.

    SDXL LoRAs from sd-scripts name UNet modules as the original SDXL UNet does
    (``input_blocks_4_1_…``); ``unet_names="diffusers"`` gives the diffusers-named variant
    (``down_blocks_1_attentions_0_…``) that sd-scripts writes for SD 1.x.
    """
    if component == "unet":
        if unet_names == "original":
            name = unet_original_name(name, unet_prefix_map(SimpleNamespace(**tiny.TINY_UNET_CONFIG)))
        return "lora_unet_" + name.replace(".", "_")
    prefix = "lora_te1_" if component == "text_encoder" else "lora_te2_"
    return prefix + name.replace(".", "_")


def write_tiny_lora(
    path: str | Path,
    *,
    key_format: LoraKeyFormat = "diffusers",
    seed: int = 0,
    rank: int = 4,
    text_encoders: bool = True,
) -> Path:
    """Write a random LoRA for the built-in tiny model to ``path`` in ``key_format``.

    ``diffusers`` is written by ``StableDiffusionXLPipeline.save_lora_weights`` (no alphas: scale
    1). ``kohya`` is sd-scripts' SDXL format with ``alpha = rank`` (also scale 1), so both formats of
    one seed apply exactly the same update; ``kohya_diffusers_names`` is the kohya format with
    diffusers UNet module names.
    """
    if key_format not in LORA_KEY_FORMATS:
        raise ValueError(f"key_format must be one of {LORA_KEY_FORMATS}, not {key_format!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    weights = random_lora_weights(seed, rank, text_encoders)
    if key_format == "diffusers":
        from diffusers import StableDiffusionXLPipeline

        layers = _diffusers_lora_layers(weights)
        StableDiffusionXLPipeline.save_lora_weights(
            save_directory=str(path.parent),
            unet_lora_layers=layers["unet"],
            text_encoder_lora_layers=layers.get("text_encoder"),
            text_encoder_2_lora_layers=layers.get("text_encoder_2"),
            weight_name=path.name,
        )
        return path
    unet_names = "original" if key_format == "kohya" else "diffusers"
    state = {}
    for (component, name), (lora_a, lora_b) in weights.items():
        module = kohya_module_name(component, name, unet_names=unet_names)
        state[f"{module}.lora_down.weight"] = lora_a.contiguous()
        state[f"{module}.lora_up.weight"] = lora_b.contiguous()
        state[f"{module}.alpha"] = torch.tensor(float(rank))
    metadata = {
        "ss_network_module": "networks.lora",
        "ss_network_dim": str(rank),
        "ss_network_alpha": str(rank),
        "ss_base_model_version": "sdxl_base_v1-0",
    }
    save_file(state, str(path), metadata=metadata)
    return path
