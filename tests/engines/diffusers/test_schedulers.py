"""Every ComfyUI sampler x scheduler pair the studio offers runs, and the pairs differ."""

from __future__ import annotations

import pytest

from stripstudio.engines.diffusers.configs import sdxl_scheduler_config
from stripstudio.engines.diffusers.schedulers import SAMPLER_NAMES, SCHEDULER_NAMES, make_scheduler
from stripstudio.generation import InvalidRequest

from .helpers import pixels

REQUIRED_SAMPLERS = ["euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_sde", "ddim", "uni_pc"]
REQUIRED_SCHEDULES = ["normal", "karras", "exponential", "sgm_uniform"]


def test_the_required_names_are_offered():
    assert set(REQUIRED_SAMPLERS) <= set(SAMPLER_NAMES)
    assert set(REQUIRED_SCHEDULES) <= set(SCHEDULER_NAMES)


@pytest.mark.parametrize("sampler", REQUIRED_SAMPLERS)
def test_each_sampler_runs_with_each_schedule(run, sampler):
    drawn = {
        schedule: pixels(run(sampler=sampler, scheduler=schedule, num_inference_steps=3)[0][0])
        for schedule in REQUIRED_SCHEDULES
    }
    assert len(set(drawn.values())) >= 3  # sgm_uniform may coincide with normal for some solvers


@pytest.mark.parametrize("schedule", ["karras", "exponential"])
def test_noise_levels_start_at_the_models_maximum(schedule):
    for sampler in ("euler", "euler_ancestral", "dpmpp_2m"):
        scheduler = make_scheduler(sampler, schedule, sdxl_scheduler_config())
        scheduler.set_timesteps(10)
        assert float(scheduler.sigmas[0]) == pytest.approx(14.6146, rel=1e-3)


def test_defaults_are_the_thesis_choice():
    scheduler = make_scheduler("dpmpp_2m", "karras", sdxl_scheduler_config())
    assert type(scheduler).__name__ == "DPMSolverMultistepScheduler"
    assert scheduler.config.use_karras_sigmas and scheduler.config.algorithm_type == "dpmsolver++"


@pytest.mark.parametrize("field, value", [("sampler", "dpmpp_9x"), ("scheduler", "wavy")])
def test_unknown_names_are_refused_with_the_choices(field, value):
    kwargs = {"sampler": "euler", "schedule": "normal", field.replace("scheduler", "schedule"): value}
    with pytest.raises(InvalidRequest, match=f"{field}: unknown") as caught:
        make_scheduler(kwargs["sampler"], kwargs["schedule"], sdxl_scheduler_config())
    assert "choose one of" in str(caught.value)
