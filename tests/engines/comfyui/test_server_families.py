"""With the server's model folder readable: files of another family are refused, control models chosen by family."""

from __future__ import annotations

import copy

import pytest

from stripstudio.engines.comfyui.families import workflow_options
from stripstudio.engines.comfyui.names import resolve_names
from stripstudio.engines.comfyui.server_families import server_file
from stripstudio.generation import ControlInput, GenerationRequest, InvalidRequest, LoraSpec, ModelRef, Task

from ...models import family_files as files
from .test_workflows import OBJECT_INFO

SCRIBBLES = ["control_v11p_sd15_scribble.safetensors", "controlnet-scribble-sdxl-1.0.safetensors"]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("comfy-models")
    files.write_checkpoint(folder / "checkpoints" / "tiny_sdxl.safetensors", "sdxl")
    files.write_checkpoint(folder / "checkpoints" / "tiny_sd15.safetensors", "sd1")
    files.write_lora(folder / "loras" / "tiny_sd15_lora.safetensors", "sd1")
    files.write_lora(folder / "loras" / "tiny_sdxl_lora.safetensors", "sdxl")
    files.write_controlnet(folder / "controlnet" / SCRIBBLES[0], "sd1")
    files.write_controlnet(folder / "controlnet" / SCRIBBLES[1], "sdxl")
    return folder


def server_info() -> dict:
    info = copy.deepcopy(OBJECT_INFO)
    info["ControlNetLoader"]["input"]["required"]["control_net_name"] = [list(SCRIBBLES)]
    return info


def names(request: GenerationRequest, models_dir=None):
    images = {path: path.rsplit("/", 1)[-1] for path in request.input_files()}
    return resolve_names(
        request, server_info(), images, "http://gpu:8188", face_detector="f", sam_model="s", models_dir=models_dir
    )


def sketch(checkpoint: str) -> GenerationRequest:
    control = ControlInput.from_follow_sketch("/in/sketch.png", 0.8, "scribble")
    return GenerationRequest(task=Task.SKETCH_TO_IMAGE, model=ModelRef(checkpoint=checkpoint), controls=(control,))


def test_an_sd15_lora_on_an_sdxl_server_checkpoint_is_refused_naming_both(models_dir):
    asked = GenerationRequest(model=ModelRef(checkpoint="tiny_sdxl"), loras=(LoraSpec(name="tiny_sd15_lora"),))
    with pytest.raises(InvalidRequest) as caught:
        names(asked, models_dir)
    assert caught.value.field == "loras[0]"
    assert "'tiny_sd15_lora.safetensors' (SD 1.x LoRA) does not fit 'tiny_sdxl.safetensors' (SDXL checkpoint)" in str(
        caught.value
    )
    assert names(asked).loras[0].name == "tiny_sd15_lora.safetensors"  # without the folder: nothing to read


def test_control_models_are_chosen_by_kind_and_family(models_dir):
    assert names(sketch("tiny_sdxl")).control_models == (SCRIBBLES[0],)  # by name alone: the first scribble
    assert names(sketch("tiny_sdxl"), models_dir).control_models == (SCRIBBLES[1],)
    assert names(sketch("tiny_sd15"), models_dir).control_models == (SCRIBBLES[0],)


def test_a_named_control_model_of_another_family_is_refused(models_dir):
    control = ControlInput(kind="scribble", image="/in/sketch.png", model=SCRIBBLES[0])
    asked = GenerationRequest(task=Task.SKETCH_TO_IMAGE, model=ModelRef(checkpoint="tiny_sdxl"), controls=(control,))
    with pytest.raises(InvalidRequest) as caught:
        names(asked, models_dir)
    assert caught.value.field == "controls[0]" and "SD 1.x controlnet" in str(caught.value)


def test_the_server_checkpoint_file_decides_the_text_encoding(models_dir):
    asked = GenerationRequest(model=ModelRef(checkpoint="tiny_sd15"))
    detected = server_file(models_dir, "checkpoints", "tiny_sd15.safetensors")
    assert workflow_options(asked, "sdxl", detected).sdxl_text_encode is False
    assert workflow_options(asked, "sdxl").sdxl_text_encode is True  # unreadable: the setting decides


def test_a_servers_models_are_listed_with_families_where_its_folder_is_readable(models_dir):
    from stripstudio.engines.comfyui.server_models import list_server_models, server_models

    from .fake_server import fake_comfyui

    listed = {(m.kind, m.name): m.family for m in server_models(server_info(), models_dir)}
    assert listed[("checkpoint", "tiny_sdxl.safetensors")] == "sdxl"
    assert listed[("checkpoint", "tiny_sd15.safetensors")] == "sd1"
    assert listed[("lora", "tiny_sd15_lora.safetensors")] == "sd1"
    assert listed[("controlnet", SCRIBBLES[1])] == "sdxl"
    with fake_comfyui() as server:
        found = list_server_models([server.url, "http://127.0.0.1:9"], None, timeout=2)
    assert list(found) == [server.url]  # the one that does not answer is left out
    assert {(m.kind, m.name) for m in found[server.url]} >= {("checkpoint", "tiny_sdxl.safetensors")}
