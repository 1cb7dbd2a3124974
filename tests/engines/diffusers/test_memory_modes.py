"""Memory modes: chosen from the GPU's size, overridden by the explicit settings, and given to every
pipeline and model the engine places (task pipelines, control models, the IP-Adapter image encoder)."""

from __future__ import annotations

import pytest
import torch
from PIL import Image

from stripstudio.engines.diffusers import identity, models
from stripstudio.engines.diffusers.engine import DiffusersEngine
from stripstudio.engines.diffusers.memory import (
    GIB,
    MODE_OPTIONS,
    MemoryOptions,
    apply_memory_options,
    memory_mode_for,
    memory_options,
    place_module,
)
from stripstudio.generation import ControlInput, MaskSpec
from stripstudio.generation.request import ReferenceSpec
from stripstudio.settings import StudioSettings

from .helpers import tiny_request


@pytest.mark.parametrize(
    ("total_gib", "mode"),
    [
        (None, "full"),  # no CUDA GPU
        (141, "full"),  # H200
        (79.2, "full"),  # H100
        (23.6, "full"),  # 24 GB cards
        (15.6, "full"),  # 16 GB cards
        (11.7, "low"),  # 12 GB cards
        (10.0, "minimal"),
        (7.6, "minimal"),  # 8 GB cards
        (5.8, "minimal"),  # 6 GB cards
    ],
)
def test_the_mode_follows_the_gpu_memory(total_gib, mode):
    total = None if total_gib is None else int(total_gib * GIB)
    assert memory_mode_for(total) == mode
    assert memory_options("auto", total) == MODE_OPTIONS[mode]


def test_the_modes_trade_speed_for_memory_step_by_step():
    full, low, minimal = (MODE_OPTIONS[name] for name in ("full", "low", "minimal"))
    assert full == MemoryOptions()
    assert (low.cpu_offload, low.vae_tiling, low.vae_slicing, low.attention_slicing) == ("model", True, True, False)
    assert (minimal.cpu_offload, minimal.vae_tiling, minimal.attention_slicing) == ("sequential", True, True)


def test_a_named_mode_wins_over_the_gpu_size_and_explicit_settings_win_over_the_mode():
    assert memory_options("full", int(8 * GIB)) == MODE_OPTIONS["full"]
    options = memory_options("minimal", None, cpu_offload="model", vae_tiling=False)
    assert (options.cpu_offload, options.vae_tiling, options.vae_slicing, options.mode) == (
        "model",
        False,
        True,
        "minimal",
    )
    assert memory_options("auto", int(80 * GIB), vae_slicing=True).vae_slicing


def test_an_unknown_mode_is_refused_by_name():
    with pytest.raises(ValueError, match="memory_mode 'tiny'"):
        memory_options("tiny", None)


class RecordingPipeline:
    """Records which placement calls a pipeline gets (CUDA's offload calls cannot run here)."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.vae = self

    def __getattr__(self, name):
        return lambda *args, **kwargs: self.calls.append(name)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("full", ["to", "disable_tiling", "disable_slicing"]),
        ("low", ["enable_model_cpu_offload", "enable_tiling", "enable_slicing"]),
        ("minimal", ["enable_sequential_cpu_offload", "enable_tiling", "enable_slicing", "enable_attention_slicing"]),
    ],
)
def test_each_mode_calls_the_diffusers_memory_functions_on_cuda(mode, expected):
    pipe = RecordingPipeline()
    apply_memory_options(pipe, torch.device("cuda"), MODE_OPTIONS[mode])
    assert pipe.calls == expected


def test_offload_does_not_act_on_the_cpu_but_slicing_does():
    pipe = RecordingPipeline()
    apply_memory_options(pipe, torch.device("cpu"), MODE_OPTIONS["minimal"])
    assert pipe.calls == ["to", "enable_tiling", "enable_slicing", "enable_attention_slicing"]


def test_a_model_used_outside_a_pipeline_waits_on_the_cpu_when_offloading():
    layer = torch.nn.Linear(2, 2)
    assert place_module(layer, torch.device("cuda"), MODE_OPTIONS["low"]).weight.device.type == "cpu"
    assert place_module(layer, torch.device("cpu"), MODE_OPTIONS["full"]).weight.device.type == "cpu"


def test_every_task_pipeline_and_model_receives_the_memory_options(tmp_path, monkeypatch, sketch, picture, square_mask):
    pipelines, modules = [], []
    real_apply, real_place_models, real_place_identity = (
        models.apply_memory_options,
        models.place_module,
        identity.place_module,
    )

    def record_pipeline(pipe, device, memory):
        pipelines.append((type(pipe).__name__, memory))
        real_apply(pipe, device, memory)

    def record_module(place):
        def wrapped(module, device, memory):
            modules.append((type(module).__name__, memory))
            return place(module, device, memory)

        return wrapped

    monkeypatch.setattr(models, "apply_memory_options", record_pipeline)
    monkeypatch.setattr(models, "place_module", record_module(real_place_models))
    monkeypatch.setattr(identity, "place_module", record_module(real_place_identity))
    engine = DiffusersEngine(StudioSettings(data_dir=tmp_path, device="cpu", memory_mode="minimal"))
    wanted = MODE_OPTIONS["minimal"]
    assert engine.memory == wanted
    reference = Image.new("RGB", (48, 48), (200, 120, 40))
    reference.save(tmp_path / "face.png")
    run = [
        tiny_request(),
        tiny_request(task="image_to_image", init_image=picture, strength=0.5),
        tiny_request(task="inpaint", init_image=picture, mask=MaskSpec(image=square_mask)),
        tiny_request(task="sketch_to_image", controls=(ControlInput(kind="sketch", image=sketch),)),
        tiny_request(task="sketch_to_image", controls=(ControlInput(kind="scribble", image=sketch),)),
        tiny_request(reference_images=(ReferenceSpec(images=(str(tmp_path / "face.png"),)),)),
    ]
    for request in run:
        engine.run(request, lambda event: None)
    placed = {name for name, _ in pipelines}
    assert {
        "StableDiffusionXLPipeline",
        "StableDiffusionXLImg2ImgPipeline",
        "StableDiffusionXLInpaintPipeline",
        "StableDiffusionXLAdapterPipeline",
        "StableDiffusionXLControlNetPipeline",
    } <= placed
    assert {name for name, _ in modules} == {"T2IAdapter", "ControlNetModel", "CLIPVisionModelWithProjection"}
    assert all(memory == wanted for _, memory in pipelines + modules)
    model = engine.cache.get(run[0].model)
    for pipe in model.pipelines.values():
        assert pipe.vae.use_tiling and pipe.vae.use_slicing
