"""The engine loads real model files: LoRAs in kohya and diffusers formats, and single-file checkpoints."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from stripstudio.engines.diffusers import tiny
from stripstudio.engines.diffusers.configs import load_clip_tokenizers
from stripstudio.engines.diffusers.locate import ModelLocator
from stripstudio.engines.diffusers.models import MemoryOptions, ModelLoader
from stripstudio.generation import InvalidRequest, LoraSpec, ModelRef

from .helpers import pixels
from .model_files import (
    LORA_KEY_FORMATS,
    build_single_file_components,
    write_tiny_config_folder,
    write_tiny_lora,
    write_tiny_single_file,
)

WEIGHTED_COMPONENTS = ("unet", "vae", "text_encoder", "text_encoder_2")


@pytest.fixture(scope="module", autouse=True)
def _flush_denormals():
    """Random weights produce denormal floats, which make CPUs 10-30x slower; restored afterwards."""
    torch.set_flush_denormal(True)
    yield
    torch.set_flush_denormal(False)


# ---------------------------------------------------------------------------------------------
# LoRA files
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lora_files(tmp_path_factory) -> dict[str, str]:
    """One LoRA (seed 0) written in every key format."""
    folder = tmp_path_factory.mktemp("loras")
    return {
        key_format: str(write_tiny_lora(folder / f"{key_format}.safetensors", key_format=key_format))
        for key_format in LORA_KEY_FORMATS
    }


@pytest.fixture(scope="module")
def lora_images(lora_files):
    """``image(key_format)``: the tiny pipeline's picture with that LoRA file loaded (``None``: no LoRA)."""
    from diffusers import StableDiffusionXLPipeline

    pipe = StableDiffusionXLPipeline(**tiny.build_tiny_components())
    pipe.set_progress_bar_config(disable=True)
    drawn: dict[str | None, np.ndarray] = {}

    def image(key_format: str | None) -> np.ndarray:
        if key_format not in drawn:
            try:
                if key_format is not None:
                    pipe.load_lora_weights(lora_files[key_format], adapter_name=key_format)
                drawn[key_format] = pipe(
                    "a young man reading a book",
                    width=64,
                    height=64,
                    num_inference_steps=2,
                    generator=torch.Generator().manual_seed(1),
                    output_type="np",
                ).images[0]
            finally:
                pipe.unload_lora_weights()
        return drawn[key_format]

    return image


def test_lora_visibly_changes_the_image_without_blowing_it_up(lora_images):
    plain, with_lora = lora_images(None), lora_images("diffusers")
    assert np.abs(with_lora - plain).mean() > 0.02
    assert np.isfinite(with_lora).all()
    clipped = ((with_lora == 0) | (with_lora == 1)).mean()
    assert clipped < 0.05


def test_kohya_and_diffusers_loras_give_identical_images(lora_images):
    assert np.array_equal(lora_images("kohya"), lora_images("diffusers"))


def test_kohya_lora_with_diffusers_module_names_gives_the_same_image(lora_images):
    assert np.array_equal(lora_images("kohya_diffusers_names"), lora_images("diffusers"))


def test_both_lora_formats_hold_the_same_weights(tmp_path):
    from safetensors.torch import load_file

    def written(key_format: str) -> dict:
        return load_file(write_tiny_lora(tmp_path / f"{key_format}.safetensors", key_format=key_format, seed=3, rank=2))

    diffusers_file, kohya_file = written("diffusers"), written("kohya")
    query = "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q"
    kohya_query = "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q"
    assert torch.equal(diffusers_file[f"{query}.lora_A.weight"], kohya_file[f"{kohya_query}.lora_down.weight"])
    assert torch.equal(diffusers_file[f"{query}.lora_B.weight"], kohya_file[f"{kohya_query}.lora_up.weight"])
    assert kohya_file[f"{kohya_query}.alpha"].item() == 2
    assert kohya_file[f"{kohya_query}.lora_down.weight"].shape[0] == 2
    kohya_modules = {key.split(".")[0] for key in kohya_file}
    assert {m.split("_")[1] for m in kohya_modules} == {"unet", "te1", "te2"}
    assert len(kohya_file) == len(diffusers_file) // 2 * 3


def test_unet_only_lora_has_no_text_encoder_keys(tmp_path):
    from safetensors.torch import load_file

    state = load_file(write_tiny_lora(tmp_path / "u.safetensors", key_format="kohya", text_encoders=False))
    unet_blocks = ("lora_unet_input_blocks_", "lora_unet_middle_block_", "lora_unet_output_blocks_")
    assert state and all(key.startswith(unet_blocks) for key in state)


def test_engine_applies_kohya_and_diffusers_loras_identically(run, lora_files):
    plain, _ = run()
    kohya, _ = run(loras=[LoraSpec(name=lora_files["kohya"])])
    diffusers, _ = run(loras=[LoraSpec(name=lora_files["diffusers"])])
    assert pixels(kohya[0]) == pixels(diffusers[0])
    assert pixels(kohya[0]) != pixels(plain[0])


# ---------------------------------------------------------------------------------------------
# Single-file checkpoints
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def single_file(tmp_path_factory) -> tuple[str, str]:
    """(checkpoint path, config folder) of the tiny single-file model."""
    folder = tmp_path_factory.mktemp("single-file")
    checkpoint = write_tiny_single_file(folder / "tiny-sdxl.safetensors")
    config = write_tiny_config_folder(folder / "tiny-sdxl-config")
    return str(checkpoint), str(config)


@pytest.fixture(scope="module")
def expected_components() -> dict:
    return build_single_file_components()


def assert_same_weights(pipe, expected: dict) -> None:
    """Every parameter and buffer of every weighted component of ``pipe`` equals ``expected``'s."""
    for name in WEIGHTED_COMPONENTS:
        loaded, wanted = getattr(pipe, name).state_dict(), expected[name].state_dict()
        assert loaded.keys() == wanted.keys(), name
        for key, tensor in wanted.items():
            assert not loaded[key].is_meta, f"{name}.{key} was not loaded"
            assert torch.equal(loaded[key], tensor), f"{name}.{key} differs"


def test_single_file_has_the_original_sdxl_layout(single_file):
    from safetensors import safe_open

    with safe_open(single_file[0], "pt") as handle:
        keys = set(handle.keys())
        open_clip = "conditioner.embedders.1.model."
        in_proj = handle.get_tensor(open_clip + "transformer.resblocks.0.attn.in_proj_weight")
        projection = handle.get_tensor(open_clip + "text_projection")
    assert {key.split(".")[0] for key in keys} == {"model", "first_stage_model", "conditioner"}
    assert "model.diffusion_model.input_blocks.4.1.transformer_blocks.0.attn1.to_q.weight" in keys
    assert "model.diffusion_model.middle_block.1.proj_in.weight" in keys
    assert "model.diffusion_model.input_blocks.3.0.op.weight" in keys
    assert "model.diffusion_model.output_blocks.2.2.conv.weight" in keys
    assert "first_stage_model.decoder.up.3.block.0.conv1.weight" in keys
    assert "conditioner.embedders.0.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight" in keys
    assert "conditioner.embedders.1.model.ln_final.weight" in keys
    width = build_single_file_components()["text_encoder_2"].config.hidden_size
    assert in_proj.shape == (3 * width, width)
    assert projection.shape == (width, 32)


def test_single_file_round_trip_keeps_every_weight(single_file, expected_components):
    from diffusers import StableDiffusionXLPipeline

    checkpoint, config = single_file
    tokenizer, tokenizer_2 = load_clip_tokenizers()
    pipe = StableDiffusionXLPipeline.from_single_file(
        checkpoint, config=config, tokenizer=tokenizer, tokenizer_2=tokenizer_2, local_files_only=True
    )
    assert_same_weights(pipe, expected_components)


def test_model_loader_loads_the_single_file(single_file, expected_components):
    checkpoint, config = single_file
    loader = ModelLoader(ModelLocator([]), torch.device("cpu"), torch.float32, MemoryOptions())
    model = loader.load(ModelRef(checkpoint=checkpoint, config=config))
    assert not model.is_random
    assert model.source.display_name == "tiny-sdxl"
    assert_same_weights(model.base, expected_components)


def test_model_loader_rejects_the_single_file_with_sdxl_base_configs(single_file):
    loader = ModelLoader(ModelLocator([]), torch.device("cpu"), torch.float32, MemoryOptions())
    with pytest.raises(InvalidRequest, match="could not be read as an SDXL model"):
        loader.load(ModelRef(checkpoint=single_file[0]))
