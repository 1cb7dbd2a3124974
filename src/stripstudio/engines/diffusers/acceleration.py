"""The CUDA fast path: what ``STRIPSTUDIO_ACCELERATE`` turns on, and applying it to pipelines.

Modes:

- ``off``: stock diffusers, eager (the only mode on the CPU and Apple's MPS);
- ``basic``: PyTorch's scaled-dot-product attention (flash attention where the GPU has it),
  fused QKV projections in the VAE, channels_last memory layout, VAE decode in fp16 when the VAE
  allows it (an fp16-fix VAE; the stock SDXL VAE still upcasts to fp32, or it decodes to NaNs);
- ``compile``: ``basic`` plus regional ``torch.compile`` of the repeated transformer blocks of
  the UNet and ControlNets (CUDA graphs where the weights stay put), with LoRAs merged into the
  weights in place for a request (:func:`.lora.loras_merged`) so that any LoRA set reuses the
  compiled kernels: no recompilation, and no reload of the model.

``auto`` is ``compile`` on CUDA and ``off`` elsewhere. Offload changes what can be kept:
sequential offload streams weights layer by layer, so nothing is compiled (and LoRAs are applied
as layers, as in eager mode); model offload moves
whole models, so CUDA graphs (which need fixed weight addresses) are left out.

The UNet's own QKV projections stay unfused: LoRAs and the IP-Adapter and region attention
processors act on the separate ``to_q``/``to_k``/``to_v`` projections, which a fused processor
would silently bypass.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

import torch

from stripstudio.engines.diffusers.memory import MemoryOptions
from stripstudio.generation.errors import EngineUnavailable

log = logging.getLogger(__name__)

ACCELERATION_MODES = ("off", "basic", "compile")
COMPILE_RECOMPILE_LIMIT = 64  # every panel size and batch is one compiled variant of each block
_DONE = "_stripstudio_accelerated"  # marks a module already prepared (pipelines share modules)


@dataclass(frozen=True)
class AccelerationPlan:
    """The optimisations applied to every pipeline of a loaded model."""

    mode: str = "off"
    sdpa: bool = False
    channels_last: bool = False
    fuse_vae_qkv: bool = False
    fp16_vae_decode: bool = False
    compile_blocks: bool = False
    cuda_graphs: bool = False
    merge_loras: bool = False
    quantize: str = "none"

    @property
    def active(self) -> bool:
        """True when any optimisation applies."""
        return self.mode != "off"

    @property
    def compile_mode(self) -> str | None:
        """``torch.compile``'s mode: reduce-overhead (CUDA graphs) or the default."""
        return "reduce-overhead" if self.cuda_graphs else None


PLANS = {
    "off": AccelerationPlan(),
    "basic": AccelerationPlan(mode="basic", sdpa=True, channels_last=True, fuse_vae_qkv=True, fp16_vae_decode=True),
    "compile": AccelerationPlan(
        mode="compile",
        sdpa=True,
        channels_last=True,
        fuse_vae_qkv=True,
        fp16_vae_decode=True,
        compile_blocks=True,
        cuda_graphs=True,
        merge_loras=True,
    ),
}


def resolve_plan(setting: str, device: torch.device, memory: MemoryOptions, quantize: str = "none") -> AccelerationPlan:
    """The plan for ``setting`` on ``device`` with ``memory``'s offload: always ``off`` off CUDA."""
    if setting not in ("auto", *ACCELERATION_MODES):
        raise ValueError(f"accelerate {setting!r} is not one of auto, {', '.join(ACCELERATION_MODES)}")
    if setting == "off" or device.type != "cuda":
        if setting not in ("auto", "off"):
            log.warning("STRIPSTUDIO_ACCELERATE=%s only acts on CUDA GPUs; %s runs eager", setting, device.type)
        if quantize != "none":
            log.warning("STRIPSTUDIO_QUANTIZE=%s is ignored: the engine runs eager (%s)", quantize, device.type)
        return PLANS["off"]
    plan = PLANS["compile" if setting == "auto" else setting]
    if memory.cpu_offload == "sequential":
        plan = replace(plan, compile_blocks=False, cuda_graphs=False, merge_loras=False)
    elif memory.cpu_offload == "model":
        plan = replace(plan, cuda_graphs=False)
    if memory.attention_slicing:  # the memory mode's sliced attention stays
        plan = replace(plan, sdpa=False)
    if quantize != "none":  # LoRA updates cannot be merged into quantized weights: they stay layers
        plan = replace(plan, merge_loras=False)
    return replace(plan, quantize=quantize)


def accelerate_pipeline(pipe, plan: AccelerationPlan) -> None:
    """Apply ``plan`` to ``pipe``'s models; modules shared with pipelines already done are left alone."""
    if not plan.active:
        return
    unet = getattr(pipe, "unet", None)
    if unet is not None and not getattr(unet, _DONE, False):
        _prepare_denoiser(unet, plan)
    for name in ("controlnet", "adapter"):
        model = getattr(pipe, name, None)
        if isinstance(model, torch.nn.Module) and not getattr(model, _DONE, False):
            _prepare_control(model, plan)
    vae = getattr(pipe, "vae", None)
    if vae is not None and not getattr(vae, _DONE, False):
        _prepare_vae(vae, plan)


def _prepare_denoiser(unet, plan: AccelerationPlan) -> None:
    from diffusers.models.attention_processor import AttnProcessor2_0

    if plan.sdpa:
        unet.set_attn_processor(AttnProcessor2_0())
    if plan.channels_last:
        _channels_last(unet)
    if plan.quantize != "none":
        quantize_weights(unet, plan.quantize)
    if plan.compile_blocks:
        _allow_recompiles()
        unet.compile_repeated_blocks(fullgraph=True, mode=plan.compile_mode)
    setattr(unet, _DONE, True)


def _prepare_control(model: torch.nn.Module, plan: AccelerationPlan) -> None:
    if plan.channels_last:
        _channels_last(model)
    if plan.compile_blocks:
        _allow_recompiles()
        compile_blocks(model, ("BasicTransformerBlock",), mode=plan.compile_mode)
    setattr(model, _DONE, True)


def _prepare_vae(vae, plan: AccelerationPlan) -> None:
    from diffusers.models.attention_processor import FusedAttnProcessor2_0

    if plan.channels_last:
        _channels_last(vae)
    if plan.fuse_vae_qkv and hasattr(vae, "fuse_qkv_projections"):
        vae.fuse_qkv_projections()
        vae.set_attn_processor(FusedAttnProcessor2_0())
    setattr(vae, _DONE, True)


def compile_blocks(module: torch.nn.Module, class_names: tuple[str, ...], *, mode: str | None) -> int:
    """Regional compilation of a model without ``_repeated_blocks``: each block of ``class_names``
    compiled on its own (as diffusers' ``compile_repeated_blocks`` does); returns how many."""
    compiled = 0
    for block in module.modules():
        if type(block).__name__ in class_names:
            block.compile(fullgraph=True, mode=mode)
            compiled += 1
    return compiled


def quantize_weights(module: torch.nn.Module, kind: str) -> None:
    """Store ``module``'s linear layers in int8 (weight-only) or fp8 (dynamic, per row) with torchao."""
    check_quantization(kind)
    from torchao.quantization import Float8DynamicActivationFloat8WeightConfig, Int8WeightOnlyConfig, PerRow, quantize_

    if kind == "fp8":
        quantize_(module, Float8DynamicActivationFloat8WeightConfig(granularity=PerRow()))
    else:
        quantize_(module, Int8WeightOnlyConfig())


def check_quantization(kind: str) -> None:
    """EngineUnavailable, naming the setting, when ``kind`` cannot run here (no torchao, or fp8 on an old GPU)."""
    if kind == "none":
        return
    if kind not in ("int8", "fp8"):
        raise ValueError(f"quantize {kind!r} is not one of none, int8, fp8")
    try:
        import torchao.quantization  # noqa: F401
    except ImportError as error:
        raise EngineUnavailable(
            f"STRIPSTUDIO_QUANTIZE={kind} needs torchao: `pip install torchao`, or set STRIPSTUDIO_QUANTIZE=none"
        ) from error
    if kind == "fp8" and not fp8_supported():
        raise EngineUnavailable(
            "STRIPSTUDIO_QUANTIZE=fp8 needs a GPU of compute capability 8.9 or newer (Ada, Hopper): use int8 or none"
        )


def fp8_supported() -> bool:
    """True on a CUDA GPU with fp8 matrix units (compute capability 8.9 or newer)."""
    return torch.cuda.is_available() and torch.cuda.get_device_capability() >= (8, 9)


def _channels_last(module: Any) -> None:
    module.to(memory_format=torch.channels_last)  # convolution weights in NHWC, as cuDNN prefers


def _allow_recompiles() -> None:
    import torch._dynamo

    config = torch._dynamo.config
    config.recompile_limit = max(config.recompile_limit, COMPILE_RECOMPILE_LIMIT)
