"""On the compiled path LoRAs are merged into the weights for a request and taken out after it:
the pictures match LoRA layers', the weights come back bit for bit, and compiled blocks are
never recompiled for a new LoRA set (checked with dynamo's own recompile guard)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from stripstudio.engines.diffusers import tiny
from stripstudio.engines.diffusers.lora import ResolvedLora, loras_applied, loras_merged

from .model_files import write_tiny_lora


@pytest.fixture(scope="module")
def loras(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merge-loras")
    style = write_tiny_lora(folder / "style.safetensors", key_format="kohya", seed=1, rank=4)
    character = write_tiny_lora(folder / "character.safetensors", key_format="diffusers", seed=2, rank=8)
    return [ResolvedLora("style", style, 0.8, 0.6), ResolvedLora("character", character, 1.0, 1.0)]


@pytest.fixture
def pipe():
    from diffusers import StableDiffusionXLPipeline

    torch.set_flush_denormal(True)
    pipeline = StableDiffusionXLPipeline(**tiny.build_tiny_components())
    pipeline.set_progress_bar_config(disable=True)
    yield pipeline
    torch.set_flush_denormal(False)


def draw(pipe) -> np.ndarray:
    generator = torch.Generator("cpu").manual_seed(0)
    image = pipe("a man reading", num_inference_steps=2, width=64, height=64, generator=generator).images[0]
    return np.asarray(image, dtype=np.int16)


def weights(pipe) -> dict[str, torch.Tensor]:
    parts = ("unet", "text_encoder", "text_encoder_2")
    return {f"{part}.{key}": value.clone() for part in parts for key, value in getattr(pipe, part).state_dict().items()}


def test_merged_loras_draw_what_lora_layers_draw_and_leave_the_weights_exactly_as_before(pipe, loras):
    before, plain = weights(pipe), draw(pipe)
    with loras_applied(pipe, loras):
        layered = draw(pipe)
    with loras_merged(pipe, loras):
        merged = draw(pipe)
        assert type(pipe.unet.mid_block.attentions[0].transformer_blocks[0].attn1.to_q) is torch.nn.Linear
    assert np.abs(layered - plain).max() > 20  # the LoRAs act
    assert np.abs(merged - layered).max() <= 2  # merged W + sBA vs x·W + s·x·A·B: rounding only
    after = weights(pipe)
    assert after.keys() == before.keys()
    assert all(torch.equal(after[key], before[key]) for key in before)
    assert np.array_equal(draw(pipe), plain)


def test_switching_lora_sets_never_recompiles_the_compiled_blocks(pipe, loras):
    import torch._dynamo

    torch._dynamo.reset()
    pipe.unet.compile_repeated_blocks(fullgraph=True, backend="eager")  # dynamo's guards, no kernel build
    draw(pipe)
    previous = torch._dynamo.config.error_on_recompile
    torch._dynamo.config.error_on_recompile = True
    try:
        with loras_merged(pipe, loras[:1]):
            draw(pipe)
        with loras_merged(pipe, [loras[1], loras[0]]):
            draw(pipe)
        draw(pipe)
        with pytest.raises(torch._dynamo.exc.RecompileError), loras_applied(pipe, loras[:1]):
            draw(pipe)  # LoRA layers change the blocks: what merging avoids
    finally:
        torch._dynamo.config.error_on_recompile = previous
        torch._dynamo.reset()


def test_an_engine_on_the_compiled_path_merges_request_loras(engine, tmp_path, loras):
    from dataclasses import replace

    from stripstudio.engines.diffusers.acceleration import PLANS
    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.generation import LoraSpec
    from stripstudio.settings import StudioSettings

    from .helpers import pixels, tiny_request

    merging = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu"))
    merging.loader.acceleration = replace(PLANS["off"], mode="merge", merge_loras=True)  # as on CUDA

    def draw_with(chosen, *specs):
        return np.asarray(chosen.run(tiny_request(seed=5, loras=specs), lambda event: None)[0].image, dtype=np.int16)

    spec = LoraSpec(name=str(loras[0].path), strength_model=0.8, strength_clip=0.6)
    plain = draw_with(merging)
    assert np.abs(draw_with(merging, spec) - draw_with(engine, spec)).max() <= 2
    assert np.array_equal(draw_with(merging), plain)
    assert merging.cache.get(tiny_request().model).acceleration.merge_loras
    assert pixels(merging.run(tiny_request(seed=5), lambda event: None)[0]) == pixels(
        engine.run(tiny_request(seed=5), lambda event: None)[0]
    )


def test_a_shared_batch_on_the_compiled_path_merges_its_loras_too(engine, tmp_path, loras):
    from dataclasses import replace

    from stripstudio.engines.diffusers.acceleration import PLANS
    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.generation import LoraSpec
    from stripstudio.generation.batching import BatchJob
    from stripstudio.settings import StudioSettings

    from .helpers import tiny_request

    merging = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu"))
    merging.loader.acceleration = replace(PLANS["off"], mode="merge", merge_loras=True)  # as on CUDA
    spec = LoraSpec(name=str(loras[1].path))
    requests = [tiny_request(seed=seed, prompt=prompt, loras=(spec,)) for seed, prompt in ((3, "ann"), (4, "bob"))]
    outcomes = merging.run_batch([BatchJob(request, lambda event: None) for request in requests])
    for request, outcome in zip(requests, outcomes, strict=True):
        alone = engine.run(request, lambda event: None)[0]
        drawn = np.asarray(outcome.images[0].image, dtype=np.int16)
        assert np.abs(drawn - np.asarray(alone.image, dtype=np.int16)).max() <= 3
        plain = engine.run(request.model_copy(update={"loras": ()}), lambda event: None)[0]
        assert np.abs(drawn - np.asarray(plain.image, dtype=np.int16)).max() > 20  # the LoRA acts
    unet = merging.cache.get(requests[0].model).base.unet
    assert not any("lora" in name for name, _ in unet.named_parameters())  # no LoRA layers left behind
