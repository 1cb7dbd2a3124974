"""Tiny random model files of every family, written in the key layouts that real files use.

Each builder makes the real component classes (diffusers UNet/VAE/ControlNet/T2I-Adapter,
transformers CLIP) from small configs shaped like the family (SD 1.x: attention from the first
UNet level and one CLIP-L; SD 2.x: one OpenCLIP-H; SDXL: no attention at the first level, size
conditioning, CLIP-L + OpenCLIP-bigG; refiner: bigG only) and stores them under the names the
original checkpoints, diffusers folders, kohya-ss sd-scripts and IP-Adapter releases use.
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file

from stripstudio.engines.diffusers import tiny
from tests.engines.diffusers.model_files import (
    clip_l_original_state,
    open_clip_original_state,
    unet_original_name,
    unet_prefix_map,
    vae_original_state,
)

TEXT = dict(tiny.TINY_TEXT_ENCODER_CONFIG)
SD1_UNET = dict(tiny.TINY_SD15_UNET_CONFIG)  # SD 1.x's shape: attention from the first level
SDXL_UNET = dict(tiny.TINY_UNET_CONFIG)
REFINER_UNET = dict(SDXL_UNET, cross_attention_dim=32, projection_class_embeddings_input_dim=5 * 8 + 32)


def unet(config: dict, **changes):
    from diffusers import UNet2DConditionModel

    torch.manual_seed(0)
    return UNet2DConditionModel(**{**config, **changes}).eval()


def text_encoder(with_projection: bool = False, **changes):
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    torch.manual_seed(1)
    config = CLIPTextConfig(**{**TEXT, **changes})
    return (CLIPTextModelWithProjection if with_projection else CLIPTextModel)(config).eval()


def vae():
    from diffusers import AutoencoderKL

    torch.manual_seed(2)
    return AutoencoderKL(**tiny.TINY_VAE_CONFIG).eval()


def save(path: Path, state: dict[str, torch.Tensor], metadata: dict[str, str] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.detach().contiguous().clone() for k, v in state.items()}, str(path), metadata=metadata)
    return path


def _prefixed(prefix: str, state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {prefix + name: tensor for name, tensor in state.items()}


def original_unet_state(model) -> dict[str, torch.Tensor]:
    prefixes = unet_prefix_map(model.config)
    return {unet_original_name(k, prefixes): v for k, v in model.state_dict().items()}


# ---------------------------------------------------------------------------------------------
# Checkpoints (original single-file layouts) and diffusers UNet files
# ---------------------------------------------------------------------------------------------


def write_checkpoint(path: Path, family: str, *, inpaint: bool = False) -> Path:
    """An original-layout checkpoint: ``model.diffusion_model.``, ``first_stage_model.`` and the text encoders."""
    in_channels = 9 if inpaint else 4
    state = _prefixed("first_stage_model.", vae_original_state(vae()))
    if family == "sd1":
        state |= _prefixed("model.diffusion_model.", original_unet_state(unet(SD1_UNET, in_channels=in_channels)))
        state |= _prefixed("cond_stage_model.transformer.", clip_l_original_state(text_encoder()))
    elif family == "sd2":
        state |= _prefixed("model.diffusion_model.", original_unet_state(unet(SD1_UNET, in_channels=in_channels)))
        state |= _prefixed("cond_stage_model.model.", open_clip_original_state(text_encoder(True)))
    elif family == "sdxl":
        state |= _prefixed("model.diffusion_model.", original_unet_state(unet(SDXL_UNET, in_channels=in_channels)))
        state |= _prefixed("conditioner.embedders.0.transformer.", clip_l_original_state(text_encoder()))
        state |= _prefixed("conditioner.embedders.1.model.", open_clip_original_state(text_encoder(True)))
    elif family == "sdxl-refiner":
        state |= _prefixed("model.diffusion_model.", original_unet_state(unet(REFINER_UNET)))
        state |= _prefixed("conditioner.embedders.0.model.", open_clip_original_state(text_encoder(True)))
    else:
        raise ValueError(family)
    return save(path, state)


def write_diffusers_unet(path: Path, family: str) -> Path:
    """``unet/diffusion_pytorch_model.safetensors`` of a diffusers folder."""
    config = {"sd1": SD1_UNET, "sdxl": SDXL_UNET, "sdxl-refiner": REFINER_UNET}[family]
    return save(path, unet(config).state_dict())


# ---------------------------------------------------------------------------------------------
# LoRA and LyCORIS
# ---------------------------------------------------------------------------------------------


def _attention_targets(model, suffixes=("to_q", "to_k", "to_v", "to_out.0", "q_proj", "k_proj", "v_proj", "out_proj")):
    return [
        (name, module)
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear) and name.endswith(tuple("." + s for s in suffixes))
    ]


def _text_name(name: str) -> str:
    return name if name.startswith("text_model.") else f"text_model.{name}"


def write_lora(path: Path, family: str, key_format: str = "kohya", *, lycoris: bool = False, rank: int = 2) -> Path:
    """A LoRA (or LoHa) for ``family`` in kohya-ss naming or in the diffusers/peft naming."""
    if family == "sd1":
        parts = {"unet": unet(SD1_UNET), "te": text_encoder()}
    elif family == "sdxl":
        parts = {"unet": unet(SDXL_UNET), "te1": text_encoder(), "te2": text_encoder(True)}
    else:
        raise ValueError(family)
    state: dict[str, torch.Tensor] = {}
    for part, model in parts.items():
        for name, module in _attention_targets(model):
            down = torch.randn(rank, module.in_features)
            up = torch.randn(module.out_features, rank)
            if key_format == "diffusers":
                component = {"unet": "unet", "te": "text_encoder", "te1": "text_encoder", "te2": "text_encoder_2"}[part]
                base = f"{component}.{name if part == 'unet' else _text_name(name)}"
                state[f"{base}.lora_A.weight"], state[f"{base}.lora_B.weight"] = down, up
                continue
            if part == "unet":
                original = family == "sdxl" and key_format == "kohya"
                unet_name = unet_original_name(name, unet_prefix_map(model.config)) if original else name
                module_name = "lora_unet_" + unet_name.replace(".", "_")
            else:
                module_name = f"lora_{part}_" + _text_name(name).replace(".", "_")
            if lycoris:
                for key in ("hada_w1_a", "hada_w2_a"):
                    state[f"{module_name}.{key}"] = down
                for key in ("hada_w1_b", "hada_w2_b"):
                    state[f"{module_name}.{key}"] = up
            else:
                state[f"{module_name}.lora_down.weight"], state[f"{module_name}.lora_up.weight"] = down, up
            state[f"{module_name}.alpha"] = torch.tensor(float(rank))
    return save(path, state, {"ss_network_module": "lycoris.kohya" if lycoris else "networks.lora"})


# ---------------------------------------------------------------------------------------------
# Control models, VAE, IP-Adapter, image encoder
# ---------------------------------------------------------------------------------------------


def controlnet(family: str):
    """A ControlNet copied from the family's tiny UNet, and that UNet (whose names it shares)."""
    from diffusers import ControlNetModel

    source = unet({"sd1": SD1_UNET, "sdxl": SDXL_UNET}[family])
    return ControlNetModel.from_unet(source, conditioning_embedding_out_channels=(16, 32, 64, 128)), source


def write_controlnet(path: Path, family: str, layout: str = "diffusers") -> Path:
    """A ControlNet as diffusers saves it, or in the original ``control_model.`` layout."""
    model, source = controlnet(family)
    state = model.state_dict()
    if layout == "diffusers":
        return save(path, state)
    prefixes = unet_prefix_map(source.config)
    original = {}
    for name, tensor in state.items():
        if name.startswith("controlnet_cond_embedding."):
            original["input_hint_block." + name.removeprefix("controlnet_cond_embedding.")] = tensor
        elif name.startswith("controlnet_down_blocks."):
            index, rest = name.removeprefix("controlnet_down_blocks.").split(".", 1)
            original[f"zero_convs.{index}.0.{rest}"] = tensor
        elif name.startswith("controlnet_mid_block."):
            original["middle_block_out.0." + name.removeprefix("controlnet_mid_block.")] = tensor
        else:
            original[unet_original_name(name, prefixes)] = tensor
    return save(path, _prefixed("control_model.", original))


def write_t2i_adapter(path: Path, family: str) -> Path:
    from diffusers import T2IAdapter

    if family == "sdxl":
        adapter = tiny.build_tiny_t2i_adapter()
    else:
        adapter = T2IAdapter(in_channels=3, channels=[32, 64], num_res_blocks=1, downscale_factor=8)
    return save(path, adapter.state_dict())


def write_vae(path: Path, layout: str = "diffusers") -> Path:
    model = vae()
    return save(path, model.state_dict() if layout == "diffusers" else vae_original_state(model))


def write_ip_adapter(path: Path, cross_attention_width: int, *, plus: bool = False) -> Path:
    """An IP-Adapter file: ``image_proj.*`` and ``ip_adapter.N.to_k_ip/to_v_ip`` per cross-attention layer."""
    state = {"image_proj.norm.weight": torch.ones(8)}
    if plus:
        state |= {"image_proj.latents": torch.randn(1, 4, 8), "image_proj.proj_in.weight": torch.randn(8, 16)}
    else:
        state["image_proj.proj.weight"] = torch.randn(32, 16)
    for layer in range(1, 8, 2):
        state[f"ip_adapter.{layer}.to_k_ip.weight"] = torch.randn(8, cross_attention_width)
        state[f"ip_adapter.{layer}.to_v_ip.weight"] = torch.randn(8, cross_attention_width)
    return save(path, state)


def write_clip_vision(path: Path) -> Path:
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    config = CLIPVisionConfig(
        hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2, image_size=32, patch_size=8
    )
    return save(path, CLIPVisionModelWithProjection(config).state_dict())
