"""Requests are checked against what an engine honours, every problem at once, each at its field."""

from __future__ import annotations

import pytest

from stripstudio.engines.comfyui.capabilities import builder_capabilities
from stripstudio.generation import (
    ControlInput,
    EngineCapabilities,
    GenerationRequest,
    InvalidRequest,
    LoraSpec,
    MaskSpec,
    ModelRef,
    Region,
    Task,
    problems_for,
)
from stripstudio.generation.loras import request_loras
from stripstudio.generation.request import FaceDetailSpec, ReferenceSpec
from stripstudio.settings import StudioSettings
from tests.fakes import FakeEngine

SKETCH = ControlInput(kind="scribble", image="/in/sketch.png")


def request(**fields) -> GenerationRequest:
    return GenerationRequest(**{"model": ModelRef(checkpoint="tiny-random-sdxl"), "prompt": "a cat", **fields})


@pytest.fixture(scope="module")
def diffusers_capabilities(tmp_path_factory) -> EngineCapabilities:
    from stripstudio.engines.diffusers.engine import DiffusersEngine

    settings = StudioSettings(data_dir=tmp_path_factory.mktemp("data"), device="cpu")
    return DiffusersEngine(settings).capabilities()


@pytest.fixture(params=["diffusers", "comfyui"])
def engine_capabilities(request, diffusers_capabilities) -> EngineCapabilities:
    return diffusers_capabilities if request.param == "diffusers" else builder_capabilities()


def fields(problems) -> list[str]:
    return [problem.field for problem in problems]


def test_a_request_every_engine_supports_passes(engine_capabilities):
    usual = request(
        prompt="a (cat:1.2) <lora:ink:0.6>",
        negative_prompt="blurry",
        loras=(LoraSpec(name="style", strength_model=0.8),),
        previews=True,
    )
    assert problems_for(usual, engine_capabilities) == []
    sketch = request(task=Task.SKETCH_TO_IMAGE, controls=(SKETCH,))
    assert problems_for(sketch, engine_capabilities) == []
    assert problems_for(usual, FakeEngine().capabilities()) == []


TEXT_ONLY = EngineCapabilities(name="text-only", tasks=[Task.TEXT_TO_IMAGE], samplers=["euler"], schedulers=["karras"])
CHARACTERS = {
    "regions": (Region(prompt="Mia, red hair", box=(0, 0, 0.5, 1)), Region(prompt="Leo", box=(0.5, 0, 0.5, 1))),
    "reference_images": (ReferenceSpec(images=("/in/mia.png",), region=0),),
}


def test_both_engines_honour_regions_and_reference_images(engine_capabilities):
    assert problems_for(request(**CHARACTERS), engine_capabilities) == []


def test_an_engine_without_regions_or_reference_images_refuses_them_at_their_fields():
    problems = problems_for(request(sampler="euler", **CHARACTERS), TEXT_ONLY)
    assert fields(problems) == ["reference_images", "regions"]
    assert all("the text-only engine cannot honour" in p.message for p in problems)
    assert "remove the regions" in problems[1].message


def test_a_lora_tag_in_a_region_prompt_is_refused_there(engine_capabilities):
    regions = (Region(prompt="Mia <lora:mia:0.8>", box=(0, 0, 0.5, 1)),)
    (problem,) = problems_for(request(regions=regions), engine_capabilities)
    assert problem.field == "regions[0].prompt" and "put it in the prompt" in problem.message


def test_an_unknown_sampler_or_scheduler_is_refused_with_the_names_it_knows(diffusers_capabilities):
    problems = problems_for(request(sampler="dpmpp_9m", scheduler="sideways"), diffusers_capabilities)
    assert fields(problems) == ["sampler", "scheduler"]
    assert "'dpmpp_9m'" in problems[0].message and "dpmpp_2m" in problems[0].message
    assert "karras" in problems[1].message


def test_a_server_engine_that_cannot_list_samplers_leaves_them_to_the_server():
    assert problems_for(request(sampler="dpmpp_9m"), builder_capabilities()) == []


def test_every_problem_is_listed_at_once_with_its_path():
    narrow = EngineCapabilities(
        name="narrow",
        tasks=[Task.TEXT_TO_IMAGE, Task.SKETCH_TO_IMAGE],
        control_kinds=["sketch"],
        max_controls=1,
        first_step_control_kinds=["sketch"],
        samplers=["euler"],
        schedulers=["karras"],
    )
    asked = request(
        task=Task.SKETCH_TO_IMAGE,
        controls=(ControlInput(kind="sketch", image="/a.png", start_percent=0.2), SKETCH),
        init_image="/in/panel.png",
        sampler="dpmpp_2m",
        model=ModelRef(checkpoint="x", vae="y"),
        loras=(LoraSpec(name="style"),),
        previews=True,
        negative_prompt="<lora:ink:1>",
        prompt="a cat <lora::0.5>",
    )
    assert fields(problems_for(asked, narrow)) == [
        "init_image",
        "controls",
        "controls[0].start_percent",
        "controls[1].kind",
        "sampler",
        "loras",
        "model.vae",
        "previews",
        "prompt",
        "negative_prompt",
    ]


def test_a_task_the_engine_lacks_and_inputs_the_task_ignores_are_refused(diffusers_capabilities):
    upscale = request(task=Task.UPSCALE, init_image="/in/panel.png")
    (problem,) = problems_for(upscale, diffusers_capabilities)
    assert problem.field == "task" and "cannot do upscale" in problem.message
    stray = request(mask=MaskSpec(image="/in/mask.png"), controls=(SKETCH,), face_detail=FaceDetailSpec())
    assert fields(problems_for(stray, diffusers_capabilities)) == ["mask", "face_detail", "controls"]


def test_a_model_config_is_refused_only_where_it_means_nothing(diffusers_capabilities):
    asked = request(model=ModelRef(checkpoint="tiny-random-sdxl", vae="sdxl-vae", config="/configs/sdxl"))
    assert problems_for(asked, diffusers_capabilities) == []
    (problem,) = problems_for(asked, builder_capabilities())
    assert problem.field == "model.config" and "reads the checkpoint's shape itself" in problem.message


def test_the_fake_engine_refuses_like_a_real_one():
    engine = FakeEngine(capabilities=TEXT_ONLY)
    with pytest.raises(InvalidRequest) as caught:
        engine.run(request(regions=(Region(prompt="a dog", box=(0, 0, 1, 1)),), sampler="nope"), lambda e: None)
    assert [p.field for p in caught.value.problems] == ["sampler", "regions"]
    assert "2 problems" in str(caught.value) and "regions:" in str(caught.value)
    assert engine.requests == []


def test_tags_in_the_prompt_join_the_requests_loras_each_once():
    asked = request(
        prompt="a cat <lora:ink:0.5>, <lora:style:0.3:0.2>",
        loras=(LoraSpec(name="style.safetensors"), LoraSpec(name="leo")),
    )
    assert [(lo.name, lo.strength_model, lo.strength_clip) for lo in request_loras(asked)] == [
        ("style.safetensors", 0.3, 0.2),
        ("leo", 1.0, 1.0),
        ("ink", 0.5, 0.5),
    ]


def test_region_loras_are_refused_by_an_engine_that_cannot_confine_them():
    from stripstudio.engines.diffusers.engine import DiffusersEngine
    from stripstudio.generation.request import GenerationRequest, LoraSpec, ModelRef, Region

    region = Region(prompt="Leo", box=(0.5, 0, 0.5, 1), loras=(LoraSpec(name="leo"),))
    asked = GenerationRequest(model=ModelRef(checkpoint="tiny-random-sdxl"), regions=(region,))
    (problem,) = problems_for(asked, DiffusersEngine().capabilities())
    assert problem.field == "regions[0].loras"
    assert "applies a LoRA to the whole picture" in problem.message and "ComfyUI" in problem.message
