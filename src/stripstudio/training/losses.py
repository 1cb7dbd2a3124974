"""One denoising step's loss: DDPM noise at a random timestep, SDXL's size conditioning, min-SNR weighting.

Noise and timesteps are drawn from the trainer's own generator (on the CPU, then moved), so a run
is reproducible on any device and resumes with the exact random stream it left off with.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F


def noise_scheduler(pipe: Any) -> Any:
    """A DDPM scheduler with the model's own training schedule (betas, prediction type)."""
    from diffusers import DDPMScheduler

    return DDPMScheduler.from_config(pipe.scheduler.config)


def time_ids(
    original: list[tuple[int, int]], crops: list[tuple[int, int]], target: tuple[int, int], device: torch.device
) -> torch.Tensor:
    """SDXL's ``add_time_ids`` per sample: original (h, w), crop (top, left), target (h, w)."""
    rows = [[*size, *crop, *target] for size, crop in zip(original, crops, strict=True)]
    return torch.tensor(rows, dtype=torch.float32, device=device)


def min_snr_weights(scheduler: Any, timesteps: torch.Tensor, gamma: float) -> torch.Tensor:
    """Per-sample loss weights of min-SNR-gamma (Hang et al. 2023): min(SNR, γ)/SNR for ε-prediction,
    min(SNR, γ)/(SNR + 1) for v-prediction."""
    from diffusers.training_utils import compute_snr

    snr = compute_snr(scheduler, timesteps)
    clipped = torch.clamp(snr, max=gamma)
    if scheduler.config.prediction_type == "v_prediction":
        return clipped / (snr + 1)
    return clipped / snr


def denoising_loss(
    unet: Any,
    scheduler: Any,
    latents: torch.Tensor,
    conditioning: tuple[torch.Tensor, torch.Tensor, torch.Tensor],
    generator: torch.Generator,
    min_snr_gamma: float | None,
) -> torch.Tensor:
    """The mean squared error of the UNet's prediction on noised ``latents`` (weighted by min-SNR when set).

    ``conditioning`` is (prompt embeddings, pooled embeddings, time ids) for the batch.
    """
    prompt_embeds, pooled, add_time_ids = conditioning
    batch = latents.shape[0]
    noise = torch.randn(latents.shape, generator=generator).to(latents.device, latents.dtype)
    timesteps = torch.randint(0, scheduler.config.num_train_timesteps, (batch,), generator=generator)
    timesteps = timesteps.to(latents.device)
    noisy = scheduler.add_noise(latents, noise, timesteps)
    prediction = unet(
        noisy,
        timesteps,
        encoder_hidden_states=prompt_embeds,
        added_cond_kwargs={"text_embeds": pooled, "time_ids": add_time_ids},
        return_dict=False,
    )[0]
    if scheduler.config.prediction_type == "v_prediction":
        target = scheduler.get_velocity(latents, noise, timesteps)
    else:
        target = noise
    per_sample = F.mse_loss(prediction.float(), target.float(), reduction="none").mean(dim=(1, 2, 3))
    if min_snr_gamma is not None:
        per_sample = per_sample * min_snr_weights(scheduler, timesteps, min_snr_gamma).to(per_sample.device)
    return per_sample.mean()
