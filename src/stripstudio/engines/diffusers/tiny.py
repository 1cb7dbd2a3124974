"""``tiny-random-sdxl``: SDXL-shaped components with tiny random weights, for tests and offline demos.

The components have SDXL's topology (two CLIP text encoders, a three-level UNet with text-time
conditioning, an 8x VAE) but only a few thousand channels in all, so every pipeline runs in a
fraction of a second on a CPU. The weights are random but fixed by a seed, so the model is
deterministic. It draws coloured noise, never a picture.
"""

from __future__ import annotations

from typing import Any

import torch

from stripstudio.engines.diffusers.builtin_ids import TINY_CONTROLNET_ID, TINY_MODEL_ID, TINY_T2I_ADAPTER_ID  # noqa: F401
from stripstudio.engines.diffusers.configs import load_clip_tokenizers, sdxl_scheduler_config

TINY_MODEL_NOTE = "tiny-random-sdxl has random weights: it draws coloured noise, for tests and offline demos only"

_SEED = 20240607

TINY_UNET_CONFIG = dict(
    sample_size=32,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=(32, 32, 64),
    down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    attention_head_dim=(2, 2, 4),
    transformer_layers_per_block=(1, 1, 2),
    use_linear_projection=True,
    addition_embed_type="text_time",
    addition_time_embed_dim=8,
    projection_class_embeddings_input_dim=6 * 8 + 32,
    cross_attention_dim=64,
    norm_num_groups=32,
)
TINY_VAE_CONFIG = dict(
    in_channels=3,
    out_channels=3,
    latent_channels=4,
    layers_per_block=1,
    block_out_channels=(32, 32, 32, 32),
    down_block_types=("DownEncoderBlock2D",) * 4,
    up_block_types=("UpDecoderBlock2D",) * 4,
    norm_num_groups=32,
    sample_size=128,
    scaling_factor=0.13025,
    force_upcast=False,
)
TINY_TEXT_ENCODER_CONFIG = dict(
    vocab_size=49408,
    hidden_size=32,
    intermediate_size=64,
    num_hidden_layers=2,
    num_attention_heads=4,
    max_position_embeddings=77,
    projection_dim=32,
    bos_token_id=0,
    eos_token_id=2,
    pad_token_id=1,
)


def build_tiny_components() -> dict[str, Any]:
    """The components of a StableDiffusionXLPipeline, built from configs with seeded random weights."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    tokenizer, tokenizer_2 = load_clip_tokenizers()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_SEED)
        unet = UNet2DConditionModel(**TINY_UNET_CONFIG)
        torch.manual_seed(_SEED + 1)
        vae = AutoencoderKL(**TINY_VAE_CONFIG)
        torch.manual_seed(_SEED + 2)
        text_encoder = CLIPTextModel(CLIPTextConfig(**TINY_TEXT_ENCODER_CONFIG, hidden_act="quick_gelu"))
        torch.manual_seed(_SEED + 3)
        text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(**TINY_TEXT_ENCODER_CONFIG, hidden_act="gelu"))
    return {
        "unet": unet.eval(),
        "vae": vae.eval(),
        "text_encoder": text_encoder.eval(),
        "text_encoder_2": text_encoder_2.eval(),
        "tokenizer": tokenizer,
        "tokenizer_2": tokenizer_2,
        "scheduler": EulerDiscreteScheduler.from_config(sdxl_scheduler_config()),
    }


def build_tiny_t2i_adapter():
    """A tiny SDXL T2I-Adapter matching the tiny UNet, with seeded random weights."""
    from diffusers import T2IAdapter

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_SEED + 4)
        adapter = T2IAdapter(
            in_channels=3,
            channels=[32, 32, 64],
            num_res_blocks=2,
            downscale_factor=16,
            adapter_type="full_adapter_xl",
        )
    return adapter.eval()


def build_tiny_controlnet(unet):
    """A tiny ControlNet copied from the tiny UNet, with its zero-initialised outputs randomised.

    A freshly made ControlNet has zero convolutions at its outputs and so no effect at all; the
    random outputs make the control visible in tests.
    """
    from diffusers import ControlNetModel

    controlnet = ControlNetModel.from_unet(unet, conditioning_embedding_out_channels=(16, 32, 64, 128))
    generator = torch.Generator().manual_seed(_SEED + 5)
    zero_initialised = [controlnet.controlnet_cond_embedding.conv_out, controlnet.controlnet_mid_block]
    zero_initialised += list(controlnet.controlnet_down_blocks)
    with torch.no_grad():
        for layer in zero_initialised:
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator) * 0.05)
            layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator) * 0.05)
    return controlnet.eval()


TINY_IMAGE_ENCODER_CONFIG = dict(
    hidden_size=32,
    intermediate_size=37,
    projection_dim=32,
    num_hidden_layers=2,
    num_attention_heads=4,
    image_size=32,
    patch_size=4,
)
TINY_IP_ADAPTER_TOKENS = 4


def build_tiny_image_encoder():
    """A tiny CLIP vision encoder (with projection) and its image processor, with seeded random weights."""
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_SEED + 6)
        encoder = CLIPVisionModelWithProjection(CLIPVisionConfig(**TINY_IMAGE_ENCODER_CONFIG))
    size = TINY_IMAGE_ENCODER_CONFIG["image_size"]
    return encoder.eval(), CLIPImageProcessor(size={"shortest_edge": size}, crop_size={"height": size, "width": size})


def tiny_ip_adapter_state(unet, seed: int = 0) -> dict[str, dict[str, torch.Tensor]]:
    """A random IP-Adapter (the plain ``ip-adapter_sdxl`` layout) for ``unet``, as IP-Adapter files store it.

    ``image_proj`` maps the image encoder's projected embedding to four tokens of the UNet's
    cross-attention width; ``ip_adapter`` holds ``to_k_ip``/``to_v_ip`` for every cross-attention
    layer, numbered as the original files number them (1, 3, 5, … over the cross-attention layers).
    """
    width = unet.config.cross_attention_dim
    embedding = TINY_IMAGE_ENCODER_CONFIG["projection_dim"]
    generator = torch.Generator().manual_seed(_SEED + 7 + seed)

    def random(*shape: int, scale: float) -> torch.Tensor:
        return torch.randn(*shape, generator=generator) * scale

    image_proj = {
        "proj.weight": random(width * TINY_IP_ADAPTER_TOKENS, embedding, scale=embedding**-0.5),
        "proj.bias": torch.zeros(width * TINY_IP_ADAPTER_TOKENS),
        "norm.weight": torch.ones(width),
        "norm.bias": torch.zeros(width),
    }
    layers: dict[str, torch.Tensor] = {}
    cross_attention = [name for name in unet.attn_processors if name.endswith("attn2.processor")]
    for index, name in enumerate(cross_attention):
        attention = unet.get_submodule(name.removesuffix(".processor"))
        shape = (attention.to_k.out_features, attention.to_k.in_features)
        layers[f"{2 * index + 1}.to_k_ip.weight"] = random(*shape, scale=shape[1] ** -0.5)
        layers[f"{2 * index + 1}.to_v_ip.weight"] = random(*shape, scale=shape[1] ** -0.5)
    return {"image_proj": image_proj, "ip_adapter": layers}


TINY_SD15_UNET_CONFIG = dict(
    sample_size=32,
    in_channels=4,
    out_channels=4,
    layers_per_block=2,
    block_out_channels=(32, 64),
    # SD 1.x's shape: attention from the first (highest-resolution) level, none at the last.
    down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
    attention_head_dim=2,
    cross_attention_dim=32,
    norm_num_groups=32,
)


def build_tiny_sd15_components() -> dict[str, Any]:
    """The components of a StableDiffusionPipeline (SD 1.x: one CLIP-L-shaped text encoder), seeded random."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from stripstudio.engines.diffusers.configs import load_clip_tokenizer, sd15_scheduler_config

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_SEED + 10)
        unet = UNet2DConditionModel(**TINY_SD15_UNET_CONFIG)
        torch.manual_seed(_SEED + 11)
        vae = AutoencoderKL(**{**TINY_VAE_CONFIG, "scaling_factor": 0.18215})
        torch.manual_seed(_SEED + 12)
        text_encoder = CLIPTextModel(CLIPTextConfig(**TINY_TEXT_ENCODER_CONFIG, hidden_act="quick_gelu"))
    return {
        "unet": unet.eval(),
        "vae": vae.eval(),
        "text_encoder": text_encoder.eval(),
        "tokenizer": load_clip_tokenizer(),
        "scheduler": EulerDiscreteScheduler.from_config(sd15_scheduler_config()),
        "safety_checker": None,
        "feature_extractor": None,
        "image_encoder": None,
        "requires_safety_checker": False,
    }


def build_tiny_sd15_t2i_adapter():
    """A tiny SD 1.x T2I-Adapter (pixel unshuffle by 8) matching the tiny SD 1.5 UNet."""
    from diffusers import T2IAdapter

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_SEED + 13)
        adapter = T2IAdapter(in_channels=3, channels=[32, 64], num_res_blocks=1, downscale_factor=8)
    return adapter.eval()


TINY_REFINER_UNET_CONFIG = dict(
    TINY_UNET_CONFIG,
    # The refiner reads only the OpenCLIP-bigG encoder, and an aesthetic score instead of a crop.
    cross_attention_dim=TINY_TEXT_ENCODER_CONFIG["hidden_size"],
    projection_class_embeddings_input_dim=5 * 8 + TINY_TEXT_ENCODER_CONFIG["projection_dim"],
)


def build_tiny_refiner_components() -> dict[str, Any]:
    """The components of an SDXL refiner (StableDiffusionXLImg2ImgPipeline), seeded random."""
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModelWithProjection

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(_SEED + 20)
        unet = UNet2DConditionModel(**TINY_REFINER_UNET_CONFIG)
        torch.manual_seed(_SEED + 1)  # the base model's VAE: base and refiner share one latent space
        vae = AutoencoderKL(**TINY_VAE_CONFIG)
        torch.manual_seed(_SEED + 21)
        text_encoder_2 = CLIPTextModelWithProjection(CLIPTextConfig(**TINY_TEXT_ENCODER_CONFIG, hidden_act="gelu"))
    _, tokenizer_2 = load_clip_tokenizers()
    return {
        "unet": unet.eval(),
        "vae": vae.eval(),
        "text_encoder": None,
        "text_encoder_2": text_encoder_2.eval(),
        "tokenizer": None,
        "tokenizer_2": tokenizer_2,
        "scheduler": EulerDiscreteScheduler.from_config(sdxl_scheduler_config()),
        "requires_aesthetics_score": True,
        "force_zeros_for_empty_prompt": False,
    }
