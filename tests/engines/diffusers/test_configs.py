"""The files shipped for offline use: SDXL base component configs and the CLIP tokenizer."""

from __future__ import annotations

import pytest
import torch

from stripstudio.engines.diffusers.configs import SDXL_BASE_CONFIG_DIR, load_clip_tokenizers


def test_tokenizers_give_clips_real_ids():
    first, second = load_clip_tokenizers()
    assert first("a photo of a cat").input_ids == [49406, 320, 1125, 539, 320, 2368, 49407]
    assert len(first) == 49408
    assert first.pad_token == "<|endoftext|>" and second.pad_token == "!"
    assert first.model_max_length == 77


@pytest.mark.parametrize(
    "component, parameters",
    [("unet", 2_567_463_684), ("vae", 83_653_863), ("text_encoder", 123_060_480), ("text_encoder_2", 694_659_840)],
)
def test_sdxl_configs_build_models_of_sdxl_base_size(component, parameters):
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    folder = SDXL_BASE_CONFIG_DIR / component
    with torch.device("meta"):
        if component == "unet":
            model = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(folder))
        elif component == "vae":
            model = AutoencoderKL.from_config(AutoencoderKL.load_config(folder))
        else:
            cls = CLIPTextModel if component == "text_encoder" else CLIPTextModelWithProjection
            model = cls(CLIPTextConfig.from_json_file(folder / "config.json"))
    assert sum(p.numel() for p in model.parameters()) == parameters
