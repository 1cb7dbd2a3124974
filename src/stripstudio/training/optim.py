"""The optimizer, the learning-rate schedule and kohya's ``scale_weight_norms`` for the LoRA weights."""

from __future__ import annotations

import importlib.util
from typing import Any

import torch

from stripstudio.training.network import TEXT_ENCODER_NAMES, TrainingModel
from stripstudio.training.spec import TrainingSettings


def make_optimizer(model: TrainingModel, settings: TrainingSettings, notes: list[str]) -> torch.optim.Optimizer:
    """AdamW over the LoRA weights: bitsandbytes' 8-bit AdamW when asked for (or in the low-memory profile)
    and bitsandbytes and CUDA are present, else torch's AdamW. ``notes`` says which it is."""
    groups: list[dict[str, Any]] = [{"params": model.lora_parameters("unet"), "lr": settings.unet_lr}]
    text = [p for name in TEXT_ENCODER_NAMES if name in model.trained for p in model.lora_parameters(name)]
    if text:
        groups.append({"params": text, "lr": settings.text_encoder_lr})
    wants_8bit = settings.effective().optimizer == "adamw8bit"
    if wants_8bit and model.device.type == "cuda" and importlib.util.find_spec("bitsandbytes"):
        import bitsandbytes

        notes.append("optimizer: 8-bit AdamW (bitsandbytes)")
        return bitsandbytes.optim.AdamW8bit(groups)
    if wants_8bit:
        why = "bitsandbytes is not installed" if model.device.type == "cuda" else "it needs CUDA"
        notes.append(f"optimizer: AdamW (torch); 8-bit AdamW skipped because {why}")
    else:
        notes.append("optimizer: AdamW (torch)")
    return torch.optim.AdamW(groups)


def make_lr_schedule(optimizer: torch.optim.Optimizer, settings: TrainingSettings, total_steps: int) -> Any:
    """The constant, cosine or linear schedule over ``total_steps`` (no warm-up, as the thesis trained)."""
    from diffusers.optimization import get_scheduler

    return get_scheduler(settings.lr_scheduler, optimizer, num_warmup_steps=0, num_training_steps=total_steps)


def scale_weight_norms(model: TrainingModel, max_norm: float) -> None:
    """kohya's max-norm regularisation: where a module's update ``up @ down * alpha/rank`` has a
    Frobenius norm above ``max_norm``, scale up and down by the square root of the excess ratio.

    SDXL has hundreds of LoRA modules but few distinct shapes, so modules of one shape are done
    together, and each norm comes from two rank×rank Gram matrices (‖UD‖² = Σ UᵀU ∘ DDᵀ) rather
    than the full update. The ratio is applied to every module (exactly 1 within bounds, which
    leaves the weights bit for bit), so the GPU never waits for the CPU to decide.
    """
    groups: dict[tuple, list[tuple[torch.Tensor, torch.Tensor]]] = {}
    for down, up, scale in model.lora_pairs:
        groups.setdefault((tuple(down.shape), tuple(up.shape), scale), []).append((down, up))
    with torch.no_grad():
        for (_, _, scale), members in groups.items():
            downs = torch.stack([down for down, _ in members]).flatten(2).float()
            ups = torch.stack([up for _, up in members]).flatten(2).float()
            gram = (ups.transpose(1, 2) @ ups) * (downs @ downs.transpose(1, 2))
            norm = (gram.sum(dim=(1, 2)).clamp(min=0).sqrt() * scale).clamp(min=max_norm / 2)
            roots = list((norm.clamp(max=max_norm) / norm).sqrt().unbind())
            torch._foreach_mul_([down for down, _ in members], roots)
            torch._foreach_mul_([up for _, up in members], roots)
