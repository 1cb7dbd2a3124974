"""The model being trained: an SDXL checkpoint loaded by the engine's loader, with peft LoRA adapters.

The targets are kohya-ss sd-scripts' for SDXL: every Linear layer inside the UNet's transformer
blocks (attention q/k/v/out, feed-forward, and the linear ``proj_in``/``proj_out`` around them) and,
when the text encoders are trained, the attention and MLP Linear layers of both CLIP encoders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import torch

from stripstudio.engines.diffusers.families import SDXL, family_of
from stripstudio.engines.diffusers.locate import ModelLocator
from stripstudio.engines.diffusers.models import MemoryOptions, ModelLoader
from stripstudio.generation.request import ModelRef
from stripstudio.training.errors import InvalidTraining
from stripstudio.training.spec import TrainingSettings

ADAPTER = "default"
UNET_TARGETS = (
    r".*attentions\.\d+\.(proj_in|proj_out|transformer_blocks\.\d+\."
    r"(attn[12]\.(to_q|to_k|to_v|to_out\.0)|ff\.net\.(0\.proj|2)))"
)
TEXT_ENCODER_TARGETS = r".*layers\.\d+\.(self_attn\.(q_proj|k_proj|v_proj|out_proj)|mlp\.(fc1|fc2))"
TEXT_ENCODER_NAMES = ("text_encoder", "text_encoder_2")


@dataclass
class TrainingModel:
    """The pipeline whose UNet (and optionally text encoders) carry the LoRA being trained."""

    pipe: Any
    name: str
    device: torch.device
    weight_dtype: torch.dtype
    autocast_dtype: torch.dtype | None
    trained: dict[str, torch.nn.Module] = field(default_factory=dict)

    @property
    def precision_name(self) -> str:
        """The mixed precision in use, in sd-scripts' words: ``no``, ``fp16`` or ``bf16``."""
        return {torch.float16: "fp16", torch.bfloat16: "bf16"}.get(self.autocast_dtype, "no")  # type: ignore[arg-type]

    @property
    def unet(self) -> Any:
        """The denoising UNet."""
        return self.pipe.unet

    def lora_parameters(self, component: str) -> list[torch.nn.Parameter]:
        """The trainable LoRA parameters of ``component`` (``unet``, ``text_encoder``, ``text_encoder_2``)."""
        return [p for p in self.trained[component].parameters() if p.requires_grad]

    @cached_property
    def lora_pairs(self) -> list[tuple[torch.Tensor, torch.Tensor, float]]:
        """(down, up, alpha/rank) of every LoRA module being trained."""
        from peft.tuners.lora import LoraLayer

        pairs = []
        for component in self.trained.values():
            for module in component.modules():
                if isinstance(module, LoraLayer) and ADAPTER in module.lora_A:
                    layer: Any = module  # peft declares lora_A/lora_B loosely
                    pairs.append((layer.lora_A[ADAPTER].weight, layer.lora_B[ADAPTER].weight, layer.scaling[ADAPTER]))
        return pairs

    def lora_state(self) -> dict[str, dict[str, torch.Tensor]]:
        """The peft state dict of every trained component (``<module>.lora_A.weight`` …), copied to the CPU."""
        from peft.utils import get_peft_model_state_dict

        return {
            name: {
                k: v.detach().to("cpu", copy=True)
                for k, v in get_peft_model_state_dict(module, adapter_name=ADAPTER).items()
            }
            for name, module in self.trained.items()
        }

    def load_lora_state(self, state: dict[str, dict[str, torch.Tensor]]) -> None:
        """Put saved LoRA weights back into the adapters (resume)."""
        from peft.utils import set_peft_model_state_dict

        for name, module in self.trained.items():
            result = set_peft_model_state_dict(module, state[name], adapter_name=ADAPTER)
            unexpected = getattr(result, "unexpected_keys", [])
            if unexpected:
                raise InvalidTraining(f"the saved LoRA state does not fit {name} ({unexpected[:3]} …)", field="model")


def load_training_model(
    settings: TrainingSettings,
    device: torch.device,
    locator: ModelLocator,
    notes: list[str],
    pipeline: Any | None = None,
) -> TrainingModel:
    """Load ``settings.model`` with the engine's loader (or take the given SDXL ``pipeline``), freeze it,
    and add the LoRA adapters."""
    weight_dtype, autocast_dtype = _precision(settings, device, notes)
    if pipeline is not None:
        pipe, name = pipeline.to(device, weight_dtype), settings.model
    else:
        loader = ModelLoader(locator, device, weight_dtype, MemoryOptions())
        loaded = loader.load(ModelRef(checkpoint=settings.model, config=settings.model_config_dir))
        pipe, name = loaded.base, loaded.source.display_name
    if family_of(pipe) != SDXL:
        raise InvalidTraining(
            f"{settings.model!r} is an {family_of(pipe)} checkpoint; LoRA training needs an SDXL base checkpoint",
            field="model",
        )
    for module in (pipe.unet, pipe.vae, pipe.text_encoder, pipe.text_encoder_2):
        module.requires_grad_(False)
    model = TrainingModel(pipe, name, device, weight_dtype, autocast_dtype)
    _add_adapters(model, settings)
    return model


def _precision(settings: TrainingSettings, device: torch.device, notes: list[str]):
    """(base weight dtype, autocast dtype) for the settings on this device.

    Like sd-scripts, frozen base weights are kept in the mixed-precision dtype while the LoRA
    weights stay float32 under autocast; the low-memory profile does so even when mixed precision is
    off. CPUs train in float32: half-precision matmuls there are
    slow or missing.
    """
    wanted = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(settings.mixed_precision)
    if wanted is None and settings.memory_profile == "low" and device.type == "cuda":
        notes.append("the low-memory profile keeps the base weights in half precision: training in bf16")
        wanted = torch.bfloat16
    if wanted is None:
        return torch.float32, None
    if device.type != "cuda":
        notes.append(f"mixed precision {settings.mixed_precision} needs CUDA: training in fp32 on {device.type}")
        return torch.float32, None
    if wanted is torch.bfloat16 and not torch.cuda.is_bf16_supported():
        notes.append("this GPU has no bf16: training in fp16")
        wanted = torch.float16
    return wanted, wanted


def _add_adapters(model: TrainingModel, settings: TrainingSettings) -> None:
    from diffusers.training_utils import cast_training_params
    from peft import LoraConfig

    def config(targets: str) -> LoraConfig:
        return LoraConfig(
            r=settings.network_dim,
            lora_alpha=settings.network_alpha,  # type: ignore[arg-type]  # peft divides it by r: floats work
            lora_dropout=0.0,  # peft drops the LoRA's inputs; kohya's network_dropout is added below
            target_modules=targets,
            init_lora_weights=True,  # kohya's init: down Kaiming-uniform, up zero, so training starts at the base
        )

    components = {"unet": (model.pipe.unet, UNET_TARGETS)}
    if settings.train_text_encoders:
        components.update({name: (getattr(model.pipe, name), TEXT_ENCODER_TARGETS) for name in TEXT_ENCODER_NAMES})
    for name, (module, targets) in components.items():
        with torch.random.fork_rng(devices=[]):  # the init draws from its own seeded stream
            torch.manual_seed(settings.seed + len(model.trained))
            module.add_adapter(config(targets), adapter_name=ADAPTER)
        cast_training_params(module, dtype=torch.float32)
        if settings.network_dropout:
            drop_rank_activations(module, settings.network_dropout)
        model.trained[name] = module
        if settings.effective().gradient_checkpointing:
            _enable_checkpointing(name, module)
        module.train()


def drop_rank_activations(component: torch.nn.Module, probability: float) -> None:
    """kohya's ``network_dropout``: dropout on each LoRA's rank activations (the output of ``down``),
    while training only."""
    from peft.tuners.lora import LoraLayer

    def dropout(module: torch.nn.Module, inputs: Any, output: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.dropout(output, p=probability, training=module.training)

    for layer in component.modules():
        if isinstance(layer, LoraLayer) and ADAPTER in layer.lora_A:
            layer.lora_A[ADAPTER].register_forward_hook(dropout)


def _enable_checkpointing(name: str, module: Any) -> None:
    if name == "unet":
        module.enable_gradient_checkpointing()
    else:
        module.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
