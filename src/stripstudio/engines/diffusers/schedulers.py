"""Samplers and schedules by their ComfyUI names, mapped onto diffusers schedulers.

A ComfyUI KSampler has a *sampler* (the solver) and a *scheduler* (how the noise levels are
spaced). diffusers folds both into one scheduler object; this module builds that object.

Notes on the mapping:
- ``normal`` spaces timesteps evenly from the first to the last (diffusers ``linspace``);
  ``sgm_uniform`` and ``simple`` drop the final timestep (diffusers ``trailing``).
- ComfyUI runs ``ddim`` as a deterministic Euler step, which is the same update as DDIM with
  eta = 0; with ``karras`` or ``exponential`` noise levels (which DDIMScheduler cannot space)
  we use Euler the way ComfyUI does.
- diffusers' Euler Ancestral has no Karras/exponential option; :class:`EulerAncestralWithSigmas`
  re-spaces its noise levels after the fact.
"""

from __future__ import annotations

import math

import diffusers
import numpy as np
import torch
from diffusers import EulerAncestralDiscreteScheduler

from stripstudio.generation.errors import InvalidRequest

_SAMPLERS: dict[str, tuple[str, dict]] = {
    "euler": ("EulerDiscreteScheduler", {}),
    "euler_ancestral": ("EulerAncestralWithSigmas", {}),
    "heun": ("HeunDiscreteScheduler", {}),
    "dpm_2": ("KDPM2DiscreteScheduler", {}),
    "dpm_2_ancestral": ("KDPM2AncestralDiscreteScheduler", {}),
    "lms": ("LMSDiscreteScheduler", {}),
    "dpmpp_2m": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
    "dpmpp_2m_sde": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++", "solver_order": 2}),
    "dpmpp_3m_sde": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++", "solver_order": 3}),
    "dpmpp_sde": ("DPMSolverSDEScheduler", {}),
    "ddim": ("DDIMScheduler", {"set_alpha_to_one": False}),
    "uni_pc": ("UniPCMultistepScheduler", {}),
    "deis": ("DEISMultistepScheduler", {}),
    "lcm": ("LCMScheduler", {}),
    "tcd": ("TCDScheduler", {}),
}
# Distilled-model samplers step on their own timestep grid: they cannot follow re-spaced noise levels.
_FIXED_GRID_SAMPLERS = ("lcm", "tcd")

_SCHEDULES: dict[str, dict] = {
    "normal": {"timestep_spacing": "linspace"},
    "karras": {"use_karras_sigmas": True, "timestep_spacing": "linspace"},
    "exponential": {"use_exponential_sigmas": True, "timestep_spacing": "linspace"},
    "sgm_uniform": {"timestep_spacing": "trailing"},
    "simple": {"timestep_spacing": "trailing"},
}

SAMPLER_NAMES = tuple(_SAMPLERS)
SCHEDULER_NAMES = tuple(_SCHEDULES)


def make_scheduler(sampler: str, schedule: str, base_config: dict, seed: int = 0):
    """A fresh diffusers scheduler for ComfyUI's ``sampler`` + ``schedule`` on a model's base config.

    ``seed`` fixes the Brownian noise of ``dpmpp_sde`` so its images are reproducible.
    """
    if sampler not in _SAMPLERS:
        raise InvalidRequest(f"unknown sampler {sampler!r}; choose one of {', '.join(SAMPLER_NAMES)}", field="sampler")
    if schedule not in _SCHEDULES:
        raise InvalidRequest(
            f"unknown scheduler {schedule!r}; choose one of {', '.join(SCHEDULER_NAMES)}", field="scheduler"
        )
    class_name, sampler_options = _SAMPLERS[sampler]
    schedule_options = dict(_SCHEDULES[schedule])
    if sampler in _FIXED_GRID_SAMPLERS and _respaces_sigmas(schedule_options):
        raise InvalidRequest(
            f"the {sampler} sampler steps on its own timestep grid: use the sgm_uniform, simple or normal scheduler",
            field="scheduler",
        )
    if sampler == "ddim" and _respaces_sigmas(schedule_options):
        class_name, sampler_options = "EulerDiscreteScheduler", {}
    if sampler == "dpmpp_sde":
        sampler_options = {"noise_sampler_seed": seed}
    config = {**_neutral(base_config), **sampler_options, **schedule_options}
    if class_name == "EulerAncestralWithSigmas":
        return EulerAncestralWithSigmas.with_schedule(config, schedule)
    return getattr(diffusers, class_name).from_config(config)


def _respaces_sigmas(options: dict) -> bool:
    return bool(options.get("use_karras_sigmas") or options.get("use_exponential_sigmas"))


def _neutral(base_config: dict) -> dict:
    """The model's noise settings without another sampler's options."""
    keep = (
        "num_train_timesteps",
        "beta_start",
        "beta_end",
        "beta_schedule",
        "trained_betas",
        "prediction_type",
        "steps_offset",
        "timestep_spacing",
        "rescale_betas_zero_snr",
    )
    return {key: value for key, value in base_config.items() if key in keep}


def karras_sigmas(sigma_min: float, sigma_max: float, steps: int, rho: float = 7.0) -> np.ndarray:
    """Noise levels spaced as in Karras et al. 2022 (rho = 7), from high to low."""
    ramp = np.linspace(0, 1, steps)
    min_inv, max_inv = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
    return (max_inv + ramp * (min_inv - max_inv)) ** rho


def exponential_sigmas(sigma_min: float, sigma_max: float, steps: int) -> np.ndarray:
    """Noise levels evenly spaced in log space, from high to low."""
    return np.exp(np.linspace(math.log(sigma_max), math.log(sigma_min), steps))


class EulerAncestralWithSigmas(EulerAncestralDiscreteScheduler):
    """Euler Ancestral whose noise levels can follow the Karras or exponential spacing."""

    sigma_schedule = "normal"

    @classmethod
    def with_schedule(cls, config: dict, schedule: str) -> EulerAncestralWithSigmas:
        """A scheduler on ``config`` whose noise levels follow ``schedule``."""
        options = {k: v for k, v in config.items() if k not in ("use_karras_sigmas", "use_exponential_sigmas")}
        scheduler = cls.from_config(options)
        scheduler.sigma_schedule = schedule
        return scheduler

    def set_timesteps(self, num_inference_steps: int, device=None) -> None:
        """Space the timesteps as the parent does, then re-space the noise levels if asked."""
        super().set_timesteps(num_inference_steps, device=device)
        if self.sigma_schedule not in ("karras", "exponential"):
            return
        all_sigmas = (((1 - self.alphas_cumprod) / self.alphas_cumprod) ** 0.5).numpy()
        sigma_min, sigma_max = float(all_sigmas[0]), float(all_sigmas[-1])
        spacing = karras_sigmas if self.sigma_schedule == "karras" else exponential_sigmas
        sigmas = spacing(sigma_min, sigma_max, num_inference_steps)
        timesteps = np.interp(np.log(sigmas), np.log(all_sigmas), np.arange(len(all_sigmas)))
        self.timesteps = torch.from_numpy(timesteps.astype(np.float32)).to(device=device)
        self.sigmas = torch.from_numpy(np.concatenate([sigmas, [0.0]]).astype(np.float32))
