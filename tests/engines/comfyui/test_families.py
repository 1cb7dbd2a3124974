"""ComfyUI graphs per model family: CLIPTextEncode for SD 1.x/2.x, CLIPTextEncodeSDXL for SDXL."""

from __future__ import annotations

import pytest

from stripstudio.engines.comfyui.families import checkpoint_family, workflow_options
from stripstudio.engines.comfyui.workflows import build_workflow
from stripstudio.generation import GenerationRequest, InvalidRequest, ModelRef

from ...models.family_files import write_checkpoint
from .graph_validator import validate
from .test_workflows import NAMES, OBJECT_INFO


def request(checkpoint: str, family: str | None = None) -> GenerationRequest:
    return GenerationRequest(
        model=ModelRef(checkpoint=checkpoint, family=family), prompt="(a cat:1.2)", width=512, height=512
    )


def encoders(graph: dict) -> set[str]:
    return {node["class_type"] for node in graph.values() if node["class_type"].startswith("CLIPTextEncode")}


@pytest.mark.parametrize(
    ("family", "node"), [("sd1", "CLIPTextEncode"), ("sd2", "CLIPTextEncode"), ("sdxl", "CLIPTextEncodeSDXL")]
)
def test_a_declared_family_picks_the_text_encoder(family, node):
    asked = request("tiny_sd15.safetensors", family)
    graph = build_workflow(asked, NAMES, workflow_options(asked, "sdxl")).graph.to_api()
    assert encoders(graph) == {node}
    assert validate(graph, OBJECT_INFO) == []


def test_a_local_checkpoint_file_is_read_for_its_family(tmp_path):
    sd1 = write_checkpoint(tmp_path / "v1.safetensors", "sd1")
    xl = write_checkpoint(tmp_path / "xl.safetensors", "sdxl")
    assert checkpoint_family(request(str(sd1))) == "sd1"
    assert workflow_options(request(str(sd1)), "sdxl").sdxl_text_encode is False
    assert workflow_options(request(str(xl)), "plain").sdxl_text_encode is True


def test_an_unknown_family_falls_back_to_the_setting():
    assert workflow_options(request("server-only.safetensors"), "plain").sdxl_text_encode is False
    assert workflow_options(request("server-only.safetensors"), "sdxl").sdxl_text_encode is True


def test_the_refiner_is_refused_as_the_drawing_checkpoint(tmp_path):
    refiner = write_checkpoint(tmp_path / "refiner.safetensors", "sdxl-refiner")
    with pytest.raises(InvalidRequest, match="SDXL refiner"):
        checkpoint_family(request(str(refiner)))


def test_clip_skip_is_a_clipsetlastlayer_on_sd1_graphs_and_refused_on_sdxl():
    asked = request("tiny_sd15.safetensors", "sd1").model_copy(update={"clip_skip": 2})
    graph = build_workflow(asked, NAMES, workflow_options(asked, "sdxl")).graph.to_api()
    (last_layer,) = [n for n in graph.values() if n["class_type"] == "CLIPSetLastLayer"]
    assert last_layer["inputs"]["stop_at_clip_layer"] == -2
    assert validate(graph, OBJECT_INFO) == []
    xl = request("tiny_sdxl.safetensors", "sdxl").model_copy(update={"clip_skip": 2})
    with pytest.raises(InvalidRequest, match="clip_skip"):
        build_workflow(xl, NAMES, workflow_options(xl, "sdxl"))
