"""The saved LoRA is a kohya-format file with ss_* metadata that our diffusers engine draws with."""

from __future__ import annotations

import json

import pytest
from safetensors import safe_open

from stripstudio.engines.diffusers.engine import DiffusersEngine
from stripstudio.generation import GenerationRequest, LoraSpec, ModelRef
from stripstudio.settings import StudioSettings
from stripstudio.training.kohya_format import original_module_name


def read(path):
    with safe_open(str(path), "pt") as file:
        return {key: file.get_tensor(key) for key in file.keys()}, file.metadata()  # noqa: SIM118 (not a dict)


def test_the_file_has_kohya_keys_with_alphas(trained):
    tensors, _ = read(trained.saved[-1].path)
    modules = {key.split(".")[0] for key in tensors}
    assert {m.split("_")[1] for m in modules} == {"unet", "te1", "te2"}
    for module in modules:
        assert {f"{module}.lora_down.weight", f"{module}.lora_up.weight", f"{module}.alpha"} <= tensors.keys()
        assert tensors[f"{module}.alpha"].item() == 2.0
        assert tensors[f"{module}.lora_down.weight"].shape[0] == 4
    # sd-scripts' SDXL names: original UNet blocks, every Linear of the transformer blocks, CLIP's text_model.
    assert "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q" in modules
    assert "lora_unet_middle_block_1_transformer_blocks_0_ff_net_0_proj" in modules
    assert "lora_unet_output_blocks_5_1_proj_out" in modules
    assert "lora_te1_text_model_encoder_layers_1_mlp_fc2" in modules
    assert "lora_te2_text_model_encoder_layers_0_self_attn_out_proj" in modules
    assert not any("time_emb_proj" in m or "conv" in m for m in modules)


def test_the_file_has_kohya_metadata(trained):
    _, metadata = read(trained.saved[0].path)
    assert metadata["ss_network_module"] == "networks.lora"
    assert metadata["ss_base_model_version"] == "sdxl_base_v1-0"
    assert metadata["ss_sd_model_name"] == "tiny-random-sdxl"
    assert (metadata["ss_network_dim"], metadata["ss_network_alpha"]) == ("4", "2.0")
    assert metadata["ss_resolution"] == "(64, 64)"
    assert (metadata["ss_epoch"], metadata["ss_num_epochs"], metadata["ss_steps"]) == ("1", "2", "3")
    assert metadata["ss_max_train_steps"] == "6"
    assert metadata["ss_mixed_precision"] == "no"  # asked for bf16; a CPU trains in fp32
    assert metadata["ss_num_train_images"] == "3"
    assert metadata["ss_trigger_word"] == metadata["modelspec.trigger_phrase"] == "rc_test"
    assert metadata["ss_output_name"] == "rc_test"
    assert float(metadata["ss_training_started_at"]) <= float(metadata["ss_training_finished_at"])
    assert json.loads(metadata["ss_tag_frequency"]) == {
        "1_rc_test man": {"rc_test": 3, "photo of a man": 3, "astronaut": 1, "coffee": 1, "chelsea": 1}
    }
    for key in ("ss_learning_rate", "ss_unet_lr", "ss_text_encoder_lr", "ss_min_snr_gamma", "ss_network_dropout"):
        assert float(metadata[key]) > 0, key


@pytest.mark.parametrize(
    ("diffusers_name", "kohya_name"),
    [
        ("lora_unet_down_blocks_1_attentions_0_proj_in", "lora_unet_input_blocks_4_1_proj_in"),
        ("lora_unet_down_blocks_2_attentions_1_proj_in", "lora_unet_input_blocks_8_1_proj_in"),
        ("lora_unet_up_blocks_0_attentions_2_proj_in", "lora_unet_output_blocks_2_1_proj_in"),
        ("lora_unet_up_blocks_1_attentions_0_proj_in", "lora_unet_output_blocks_3_1_proj_in"),
        ("lora_unet_mid_block_attentions_0_proj_in", "lora_unet_middle_block_1_proj_in"),
        ("lora_te2_encoder_layers_3_mlp_fc1", "lora_te2_text_model_encoder_layers_3_mlp_fc1"),
        ("lora_te1_text_model_encoder_layers_3_mlp_fc1", "lora_te1_text_model_encoder_layers_3_mlp_fc1"),
    ],
)
def test_module_names_follow_sd_scripts_sdxl_layout(diffusers_name, kohya_name):
    assert original_module_name(diffusers_name, layers_per_block=2) == kohya_name


def test_our_diffusers_engine_draws_with_the_file_and_strength_zero_restores_the_picture(trained, tmp_path):
    engine = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu"))
    path = str(trained.saved[-1].path)

    def draw(*loras: LoraSpec) -> bytes:
        request = GenerationRequest(
            model=ModelRef(checkpoint="tiny-random-sdxl"),
            prompt="rc_test, photo of a man",
            width=64,
            height=64,
            num_inference_steps=2,
            seed=3,
            loras=loras,
        )
        return engine.run(request, lambda event: None)[0].image.tobytes()

    plain = draw()
    assert draw(LoraSpec(name=path)) != plain
    assert draw(LoraSpec(name=path, strength_model=0.0, strength_clip=1.0)) != plain  # the text-encoder LoRAs act
    assert draw(LoraSpec(name=path, strength_model=0.0, strength_clip=0.0)) == plain


def test_loaded_by_diffusers_every_module_gets_exactly_its_trained_update(trained):
    """The key conversion puts each trained update on the very layer it was trained on."""
    import torch
    from diffusers import StableDiffusionXLPipeline
    from peft.tuners.lora import LoraLayer

    from stripstudio.engines.diffusers.tiny import build_tiny_components
    from stripstudio.training.checkpoints import RESUME_FILE

    trained_state = torch.load(trained.out_dir / RESUME_FILE, weights_only=True)["lora"]
    scale = trained.settings.network_alpha / trained.settings.network_dim
    pipe = StableDiffusionXLPipeline(**build_tiny_components())
    pipe.load_lora_weights(str(trained.saved[-1].path), adapter_name="file")
    compared, unmoved = 0, []
    for component, state in trained_state.items():
        for name, layer in getattr(pipe, component).named_modules():
            if not isinstance(layer, LoraLayer) or "file" not in layer.lora_A:
                continue
            loaded = layer.lora_B["file"].weight @ layer.lora_A["file"].weight * layer.scaling["file"]
            expected = state[f"{name}.lora_B.weight"] @ state[f"{name}.lora_A.weight"] * scale
            if expected.abs().max() == 0:
                unmoved.append(f"{component} {name}")
            assert torch.allclose(loaded.float(), expected, rtol=1e-2, atol=1e-4), f"{component} {name}"
            compared += 1
    assert compared == sum(len(state) for state in trained_state.values()) // 2
    # SDXL reads the first text encoder's penultimate layer, so its last layer gets no gradient.
    assert unmoved and all(name.startswith("text_encoder encoder.layers.1.") for name in unmoved), unmoved
