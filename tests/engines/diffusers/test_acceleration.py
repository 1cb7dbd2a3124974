"""The CUDA fast path: which optimisations a mode chooses, that they land on the pipeline objects,
and that off CUDA the engine stays eager and draws exactly what it drew before."""

from __future__ import annotations

import pytest
import torch

from stripstudio.engines.diffusers import tiny
from stripstudio.engines.diffusers.acceleration import (
    PLANS,
    AccelerationPlan,
    accelerate_pipeline,
    check_quantization,
    quantize_weights,
    resolve_plan,
)
from stripstudio.engines.diffusers.engine import DiffusersEngine
from stripstudio.engines.diffusers.memory import MODE_OPTIONS, MemoryOptions
from stripstudio.generation import EngineUnavailable
from stripstudio.settings import StudioSettings

from .helpers import pixels, tiny_request

CUDA, CPU, MPS = torch.device("cuda"), torch.device("cpu"), torch.device("mps")


@pytest.mark.parametrize("device", [CPU, MPS])
@pytest.mark.parametrize("setting", ["auto", "off", "basic", "compile"])
def test_every_setting_is_off_on_cpu_and_mps(setting, device):
    assert resolve_plan(setting, device, MemoryOptions()) == PLANS["off"]


def test_auto_on_cuda_is_the_compiled_path_with_cuda_graphs():
    plan = resolve_plan("auto", CUDA, MemoryOptions())
    assert plan.mode == "compile" and plan.compile_blocks and plan.cuda_graphs and plan.merge_loras
    assert plan.compile_mode == "reduce-overhead"
    assert resolve_plan("off", CUDA, MemoryOptions()) == PLANS["off"]


def test_basic_does_not_compile():
    plan = resolve_plan("basic", CUDA, MemoryOptions())
    assert plan.sdpa and plan.channels_last and plan.fuse_vae_qkv and plan.fp16_vae_decode
    assert not plan.compile_blocks and not plan.cuda_graphs and not plan.merge_loras


def test_offload_limits_what_is_compiled():
    model_offload = resolve_plan("compile", CUDA, MODE_OPTIONS["low"])
    assert model_offload.compile_blocks and not model_offload.cuda_graphs  # weights move: no CUDA graphs
    assert model_offload.compile_mode is None
    sequential = resolve_plan("compile", CUDA, MODE_OPTIONS["minimal"])
    assert sequential.channels_last and not sequential.compile_blocks and not sequential.merge_loras
    assert not sequential.sdpa  # the minimal mode's attention slicing is kept


def test_quantization_is_carried_only_on_the_fast_path(caplog):
    quantized = resolve_plan("compile", CUDA, MemoryOptions(), "fp8")
    assert quantized.quantize == "fp8" and not quantized.merge_loras
    with caplog.at_level("WARNING"):
        assert resolve_plan("compile", CPU, MemoryOptions(), "fp8").quantize == "none"
    assert any("STRIPSTUDIO_QUANTIZE=fp8 is ignored" in record.getMessage() for record in caplog.records)


def test_an_unknown_mode_is_refused_by_name():
    with pytest.raises(ValueError, match="accelerate 'turbo'"):
        resolve_plan("turbo", CUDA, MemoryOptions())


def tiny_pipeline():
    from diffusers import StableDiffusionXLPipeline

    return StableDiffusionXLPipeline(**tiny.build_tiny_components())


def compiled_blocks(module: torch.nn.Module) -> list[str]:
    return [type(block).__name__ for block in module.modules() if getattr(block, "_compiled_call_impl", None)]


def test_the_compile_plan_lands_on_the_tiny_pipeline():
    from diffusers.models.attention_processor import AttnProcessor2_0, FusedAttnProcessor2_0

    pipe = tiny_pipeline()
    accelerate_pipeline(pipe, PLANS["compile"])
    unet, vae = pipe.unet, pipe.vae
    assert {type(p) for p in unet.attn_processors.values()} == {AttnProcessor2_0}
    assert unet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert vae.decoder.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert {type(p) for p in vae.attn_processors.values()} == {FusedAttnProcessor2_0}
    blocks = compiled_blocks(unet)
    assert blocks and set(blocks) == {"BasicTransformerBlock"}  # regional: the blocks, not the whole UNet
    assert not getattr(unet, "_compiled_call_impl", None)


def test_basic_and_off_plans_compile_nothing():
    basic = tiny_pipeline()
    accelerate_pipeline(basic, PLANS["basic"])
    assert basic.unet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert compiled_blocks(basic.unet) == []
    eager = tiny_pipeline()
    accelerate_pipeline(eager, PLANS["off"])
    assert not eager.unet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert compiled_blocks(eager.unet) == [] and compiled_blocks(eager.vae) == []


def test_a_derived_control_pipeline_compiles_its_controlnet_and_leaves_the_shared_unet_alone():
    from diffusers import StableDiffusionXLControlNetPipeline

    base = tiny_pipeline()
    accelerate_pipeline(base, PLANS["compile"])
    compile_calls = []
    for block in base.unet.modules():
        if type(block).__name__ == "BasicTransformerBlock":
            block.compile = lambda *args, **kwargs: compile_calls.append(kwargs)  # a second compile would call it
    controlnet = tiny.build_tiny_controlnet(base.unet)
    derived = StableDiffusionXLControlNetPipeline.from_pipe(base, controlnet=controlnet)
    accelerate_pipeline(derived, PLANS["compile"])
    assert compile_calls == []
    assert set(compiled_blocks(controlnet)) == {"BasicTransformerBlock"}
    assert controlnet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)


def test_quantizing_without_torchao_names_the_setting(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_torchao(name, *args, **kwargs):
        if name.startswith("torchao"):
            raise ImportError("no torchao here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torchao)
    with pytest.raises(EngineUnavailable, match="STRIPSTUDIO_QUANTIZE=int8 needs torchao"):
        quantize_weights(torch.nn.Linear(4, 4), "int8")
    with pytest.raises(EngineUnavailable, match="STRIPSTUDIO_QUANTIZE=fp8"):
        check_quantization("fp8")
    check_quantization("none")  # nothing to check


def test_on_the_cpu_an_accelerate_setting_leaves_the_engine_eager_and_its_pictures_unchanged(engine, tmp_path):
    accelerated = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu", accelerate="compile"))
    assert accelerated.acceleration == AccelerationPlan()
    request = tiny_request(seed=11)
    drawn = accelerated.run(request, lambda event: None)[0]
    assert pixels(drawn) == pixels(engine.run(request, lambda event: None)[0])
    unet = accelerated.cache.get(request.model).base.unet
    assert compiled_blocks(unet) == [] and not unet.conv_in.weight.is_contiguous(memory_format=torch.channels_last)
    assert not (tmp_path / "compile-cache").exists()  # nothing compiles, so no cache is made
    assert "acceleration off" in " ".join(accelerated.capabilities().notes)


def test_the_fp16_fix_vae_is_chosen_only_for_sdxl_in_fp16_on_the_fast_path():
    from stripstudio.engines.diffusers.locate import ModelLocator
    from stripstudio.engines.diffusers.models import ModelLoader

    def chosen(plan: str, dtype: torch.dtype, fp16_vae: str | None = "madebyollin/sdxl-vae-fp16-fix"):
        loader = ModelLoader(ModelLocator([]), CUDA, dtype, MemoryOptions(), PLANS[plan], fp16_vae=fp16_vae)
        return loader._fp16_vae_for(tiny_pipeline())

    assert chosen("basic", torch.float16) == "madebyollin/sdxl-vae-fp16-fix"
    assert chosen("compile", torch.float16) == "madebyollin/sdxl-vae-fp16-fix"
    assert chosen("off", torch.float16) is None
    assert chosen("basic", torch.float32) is None  # nothing to fix in fp32
    assert chosen("basic", torch.float16, None) is None  # not configured: the checkpoint's VAE
