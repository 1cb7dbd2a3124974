"""Random-weight SDXL for the benchmarks: tiny, or full size from the shipped SDXL base configs,
and stock diffusers' pipeline on the same modules."""

from __future__ import annotations


def build_components(tiny: bool, device, dtype) -> dict:
    """SDXL components with random weights (seed 0): tiny ones, or full size from the shipped configs."""
    import torch

    from stripstudio.engines.diffusers import tiny as tiny_model

    torch.manual_seed(0)
    components = tiny_model.build_tiny_components() if tiny else _full_size_components(device)
    for name in ("unet", "vae", "text_encoder", "text_encoder_2"):
        components[name] = components[name].to(device=device, dtype=dtype).eval()
    return components


def _full_size_components(device) -> dict:
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from stripstudio.engines.diffusers.configs import SDXL_BASE_CONFIG_DIR, load_clip_tokenizers, sdxl_scheduler_config

    tokenizer, tokenizer_2 = load_clip_tokenizers()
    with torch.device(device):
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(SDXL_BASE_CONFIG_DIR / "unet"))
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(SDXL_BASE_CONFIG_DIR / "vae"))
        vae.register_to_config(force_upcast=False)  # as sdxl-vae-fp16-fix: decode in fp16
        text_encoder = CLIPTextModel(CLIPTextConfig.from_json_file(SDXL_BASE_CONFIG_DIR / "text_encoder/config.json"))
        text_encoder_2 = CLIPTextModelWithProjection(
            CLIPTextConfig.from_json_file(SDXL_BASE_CONFIG_DIR / "text_encoder_2/config.json")
        )
    return {
        "unet": unet,
        "vae": vae,
        "text_encoder": text_encoder,
        "text_encoder_2": text_encoder_2,
        "tokenizer": tokenizer,
        "tokenizer_2": tokenizer_2,
        "scheduler": EulerDiscreteScheduler.from_config(sdxl_scheduler_config()),
    }


def stock_pipeline(components: dict, device):
    """Stock diffusers on ``components``, with the scheduler dpmpp_2m + karras stands for."""
    from diffusers import DPMSolverMultistepScheduler, StableDiffusionXLPipeline

    stock = StableDiffusionXLPipeline(**components).to(device)
    stock.scheduler = DPMSolverMultistepScheduler.from_config(
        stock.scheduler.config,
        algorithm_type="dpmsolver++",
        solver_order=2,
        use_karras_sigmas=True,
        timestep_spacing="linspace",
    )
    stock.set_progress_bar_config(disable=True)
    return stock
