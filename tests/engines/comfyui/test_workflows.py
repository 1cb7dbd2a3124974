"""Every workflow, built as a pure function, is valid against a real server's recorded /object_info."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path, PurePosixPath

import pytest

from stripstudio.engines.comfyui.check import check_graph
from stripstudio.engines.comfyui.identity import resolve_adapter_files
from stripstudio.engines.comfyui.names import input_paths, match_file, resolve_names
from stripstudio.engines.comfyui.workflows import ServerNames, WorkflowOptions, build_workflow
from stripstudio.generation import (
    ControlInput,
    FaceDetailSpec,
    GenerationRequest,
    InvalidRequest,
    LoraSpec,
    MaskSpec,
    ModelRef,
    OutpaintSpec,
    ReferenceSpec,
    Region,
    Task,
)

from .graph_validator import recorded_object_info, validate, with_files
from .impact_pack import impact_pack_nodes
from .ipadapter_pack import ipadapter_nodes

OBJECT_INFO = json.loads((Path(__file__).parent / "recorded" / "object_info.json").read_text())
NAMES = ServerNames(
    checkpoint="tiny_sdxl.safetensors",
    loras=(LoraSpec(name="tiny_sdxl_lora.safetensors", strength_model=0.8, strength_clip=0.6),),
    control_models=("tiny_sdxl_controlnet.safetensors",),
    images={
        "/in/panel.png": "stripstudio/panel.png",
        "/in/mask.png": "stripstudio/mask.png",
        "/in/sketch.png": "stripstudio/sketch.png",
    },
)


def request(task: Task = Task.TEXT_TO_IMAGE, **fields) -> GenerationRequest:
    inputs = {
        Task.IMAGE_TO_IMAGE: {"init_image": "/in/panel.png", "strength": 0.6},
        Task.INPAINT: {"init_image": "/in/panel.png", "mask": MaskSpec(image="/in/mask.png", grow=32, feather=8)},
        Task.OUTPAINT: {"init_image": "/in/panel.png", "outpaint": OutpaintSpec(right=100, top=64)},
        Task.SKETCH_TO_IMAGE: {"controls": (ControlInput.from_follow_sketch("/in/sketch.png", 0.8, "scribble"),)},
        Task.FACE_DETAIL: {
            "init_image": "/in/panel.png",
            "strength": 0.45,
            "prompt": "beautiful young man face, cartoon style",
        },
    }.get(task, {})
    base = dict(
        task=task,
        model=ModelRef(checkpoint="tiny_sdxl"),
        prompt="((cartoon style)), a young man [blurry]",
        negative_prompt="ugly",
        num_images=2,
        seed=100,
        width=512,
        height=768,
    )
    return GenerationRequest(**{**base, **inputs, **fields})


def nodes(graph: dict, class_type: str) -> list[dict]:
    return [node for node in graph.values() if node["class_type"] == class_type]


@pytest.fixture(scope="module")
def server_with_impact_pack() -> dict:
    return {**OBJECT_INFO, **impact_pack_nodes(OBJECT_INFO)}


@pytest.mark.parametrize("task", [t for t in Task if t not in (Task.UPSCALE, Task.FACE_DETAIL)])
@pytest.mark.parametrize("sdxl", [True, False])
def test_every_workflow_is_valid_for_the_recorded_server(task, sdxl):
    built = build_workflow(request(task), NAMES, WorkflowOptions(sdxl_text_encode=sdxl))
    assert check_graph(built.graph.to_api(), OBJECT_INFO) == []


def test_face_detail_is_valid_where_the_impact_pack_is_installed(server_with_impact_pack):
    graph = build_workflow(request(Task.FACE_DETAIL), NAMES).graph.to_api()
    assert check_graph(graph, server_with_impact_pack) == []
    detailer = nodes(graph, "FaceDetailer")[0]["inputs"]
    assert detailer["denoise"] == 0.45 and detailer["sampler_name"] == "dpmpp_2m"


REGIONS = (
    Region(prompt="Mia, red hair, green coat", box=(0.0, 0.0, 0.5, 1.0)),
    Region(prompt="Leo, (blue scarf:1.2)", mask="/in/leo-mask.png"),
)


@pytest.mark.parametrize("task", [t for t in Task if t not in (Task.UPSCALE, Task.FACE_DETAIL)])
def test_regions_become_area_and_mask_conditioning_combined_with_the_scene(task):
    names = ServerNames(**{**NAMES.__dict__, "images": {**NAMES.images, "/in/leo-mask.png": "leo-mask.png"}})
    graph = build_workflow(request(task, regions=REGIONS), names).graph.to_api()
    assert check_graph(graph, OBJECT_INFO) == []
    (area,) = nodes(graph, "ConditioningSetAreaPercentage")
    assert [area["inputs"][k] for k in ("x", "y", "width", "height")] == [0.0, 0.0, 0.5, 1.0]
    assert graph[area["inputs"]["conditioning"][0]]["inputs"]["text_g"] == "Mia, red hair, green coat"
    (masked,) = nodes(graph, "ConditioningSetMask")
    assert graph[masked["inputs"]["mask"][0]]["inputs"]["image"] == "leo-mask.png"
    assert graph[masked["inputs"]["conditioning"][0]]["inputs"]["text_g"] == "Leo, (blue scarf:1.2)"
    combines = nodes(graph, "ConditioningCombine")
    assert len(combines) == 2
    for sampler in nodes(graph, "KSampler"):
        positive = graph[sampler["inputs"]["positive"][0]]
        if positive["class_type"] != "ConditioningCombine":  # sketches: the control wraps the combined prompt
            positive = graph[positive["inputs"]["positive"][0]]
        assert positive["class_type"] == "ConditioningCombine"


def with_ipadapter() -> dict:
    return {**OBJECT_INFO, **ipadapter_nodes(OBJECT_INFO)}


REFERENCES = (
    ReferenceSpec(images=("/in/mia-1.png", "/in/mia-2.png"), strength=0.7, region=0),
    ReferenceSpec(images=("/in/leo.png",), strength=0.5, focus="face", region=1),
)


def names_for(built_request: GenerationRequest, object_info: dict) -> ServerNames:
    images = {path: PurePosixPath(path).name for path in input_paths(built_request)}
    return resolve_names(built_request, object_info, images, "http://gpu:8188", face_detector="f", sam_model="s")


@pytest.mark.parametrize("task", [t for t in Task if t not in (Task.UPSCALE, Task.FACE_DETAIL)])
def test_reference_images_chain_one_ip_adapter_per_character_masked_to_its_region(task):
    info = with_ipadapter()
    asked = request(task, regions=REGIONS, reference_images=REFERENCES)
    images = {path: PurePosixPath(path).name for path in input_paths(asked)}
    adapters = resolve_adapter_files(asked, info, "http://gpu:8188", match_file)
    graph = build_workflow(asked, dataclasses.replace(NAMES, images=images, adapters=adapters)).graph.to_api()
    assert check_graph(graph, info) == []
    uploaded = with_files(
        info, {("LoadImage", "image"): list(images.values()), ("LoadImageMask", "image"): list(images.values())}
    )
    assert validate(graph, uploaded) == []  # the independent validator, on the recorded IP-Adapter node specs
    mia, leo = nodes(graph, "IPAdapterAdvanced")
    assert (mia["inputs"]["weight"], leo["inputs"]["weight"]) == (0.7, 0.5)
    loaders = [graph[node["inputs"]["ipadapter"][0]]["inputs"]["ipadapter_file"] for node in (mia, leo)]
    assert loaders == ["ip-adapter-plus_sdxl_vit-h.safetensors", "ip-adapter-plus-face_sdxl_vit-h.safetensors"]
    assert graph[mia["inputs"]["image"][0]]["class_type"] == "ImageBatch"  # two pictures of Mia
    box = graph[mia["inputs"]["attn_mask"][0]]
    assert box["class_type"] == "MaskComposite" and (box["inputs"]["x"], box["inputs"]["y"]) == (0, 0)
    assert graph[box["inputs"]["source"][0]]["inputs"]["width"] == 256  # half of 512
    assert graph[leo["inputs"]["attn_mask"][0]]["class_type"] == "LoadImageMask"
    # The second adapter takes the first one's model, and every sampler the second one's.
    assert leo["inputs"]["model"][0] == next(k for k, v in graph.items() if v is mia)
    leo_id = next(k for k, v in graph.items() if v is leo)
    for sampler in nodes(graph, "KSampler"):
        assert sampler["inputs"]["model"][0] == leo_id


def test_without_the_ipadapter_nodes_the_check_names_the_pack_and_where_to_get_it():
    asked = request(reference_images=REFERENCES[:1], regions=REGIONS)
    with pytest.raises(InvalidRequest) as caught:
        names_for(asked, OBJECT_INFO)
    message = str(caught.value)
    assert caught.value.field == "reference_images"
    assert "no IPAdapterModelLoader, IPAdapterAdvanced node" in message
    assert "ComfyUI_IPAdapter_plus (https://github.com/cubiq/ComfyUI_IPAdapter_plus)" in message
    assert "models/ipadapter" in message and "models/clip_vision" in message


def test_a_missing_adapter_file_is_named_with_the_folder_and_where_to_download_it():
    info = {**OBJECT_INFO, **ipadapter_nodes(OBJECT_INFO, adapters=["ip-adapter_sdxl.safetensors"])}
    with pytest.raises(InvalidRequest) as caught:
        names_for(request(reference_images=REFERENCES[1:], regions=REGIONS), info)
    assert caught.value.field == "reference_images[0].adapter"
    assert "'ip-adapter-plus-face_sdxl_vit-h.safetensors' is not on the ComfyUI server" in str(caught.value)
    assert "models/ipadapter" in str(caught.value) and "huggingface.co/h94/IP-Adapter" in str(caught.value)


def test_the_ipadapter_graph_without_the_pack_is_reported_by_the_graph_check_too():
    asked = request(reference_images=REFERENCES[:1], regions=REGIONS)
    graph = build_workflow(asked, names_for(asked, with_ipadapter())).graph.to_api()
    problems = check_graph(graph, OBJECT_INFO)
    assert any("no IPAdapterAdvanced node; install the custom nodes ComfyUI_IPAdapter_plus" in p for p in problems)


def test_face_detail_with_regions_is_refused_at_the_field():
    with pytest.raises(InvalidRequest) as caught:
        build_workflow(request(Task.FACE_DETAIL, regions=REGIONS[:1]), NAMES)
    assert caught.value.field == "regions"


def test_face_detail_settings_follow_the_request(server_with_impact_pack):
    spec = FaceDetailSpec(padding=2.5, draw_size=768, dilation=4, feather=12, min_size=40)
    graph = build_workflow(request(Task.FACE_DETAIL, face_detail=spec), NAMES).graph.to_api()
    assert check_graph(graph, server_with_impact_pack) == []
    detailer = nodes(graph, "FaceDetailer")[0]["inputs"]
    assert (detailer["bbox_crop_factor"], detailer["guide_size"], detailer["max_size"]) == (2.5, 768, 768)
    assert detailer["guide_size_for"] is False
    assert (detailer["bbox_dilation"], detailer["feather"], detailer["drop_size"]) == (4, 12, 40)


def test_face_detail_without_the_impact_pack_names_what_to_install():
    problems = check_graph(build_workflow(request(Task.FACE_DETAIL), NAMES).graph.to_api(), OBJECT_INFO)
    assert any("no FaceDetailer node; install the custom nodes ComfyUI-Impact-Pack" in p for p in problems)
    assert any("ComfyUI-Impact-Subpack" in p for p in problems)


def test_each_candidate_has_its_own_sampler_seed_and_save():
    built = build_workflow(request(num_images=3), NAMES)
    graph = built.graph.to_api()
    assert [graph[n]["inputs"]["seed"] for n in built.samplers] == [100, 101, 102]
    assert [graph[n]["class_type"] for n in built.outputs] == ["SaveImage"] * 3
    sampler = graph[built.samplers[0]]["inputs"]
    assert (sampler["sampler_name"], sampler["scheduler"], sampler["steps"], sampler["cfg"]) == (
        "dpmpp_2m",
        "karras",
        20,
        8.0,
    )


def test_text_to_image_is_the_thesis_graph():
    graph = build_workflow(request(num_images=1), NAMES).graph.to_api()
    classes = [node["class_type"] for node in graph.values()]
    assert classes == [
        "CheckpointLoaderSimple",
        "LoraLoader",
        "CLIPTextEncodeSDXL",
        "CLIPTextEncodeSDXL",
        "EmptyLatentImage",
        "KSampler",
        "VAEDecode",
        "SaveImage",
    ]
    assert nodes(graph, "EmptyLatentImage")[0]["inputs"] == {"width": 512, "height": 768, "batch_size": 1}


def test_prompts_use_comfyui_weights_and_loras_become_loader_nodes():
    tagged = request(prompt="((cartoon style:1.5)), a man [blurry] <lora:extra_style:0.7>", num_images=1)
    names = ServerNames(
        checkpoint="tiny_sdxl.safetensors",
        loras=(
            LoraSpec(name="tiny_sdxl_lora.safetensors"),
            LoraSpec(name="tiny_sd15_lora.safetensors", strength_model=0.7, strength_clip=0.7),
        ),
    )
    graph = build_workflow(tagged, names).graph.to_api()
    text = nodes(graph, "CLIPTextEncodeSDXL")[0]["inputs"]["text_g"]
    assert text == "(cartoon style:1.65), a man (blurry:0.9091)"  # A1111 nesting multiplies; [x] = /1.1
    assert "<lora" not in text
    loaders = nodes(graph, "LoraLoader")
    assert [node["inputs"]["lora_name"] for node in loaders] == [
        "tiny_sdxl_lora.safetensors",
        "tiny_sd15_lora.safetensors",
    ]
    assert loaders[1]["inputs"]["model"] == [next(k for k, v in graph.items() if v is loaders[0]), 0]


def _graph_from_server(job: GenerationRequest) -> dict:
    names = resolve_names(job, OBJECT_INFO, NAMES.images, "http://server", face_detector="", sam_model="")
    return build_workflow(job, names).graph.to_api()


def test_a_lora_tag_in_the_prompt_builds_the_graph_the_same_lora_in_loras_builds():
    listed = request(
        prompt="a young man",
        num_images=1,
        loras=(LoraSpec(name="tiny_sdxl_lora", strength_model=0.8, strength_clip=0.5),),
    )
    tagged = request(prompt="a young man, <lora:tiny_sdxl_lora:0.8:0.5>", num_images=1)
    graph = _graph_from_server(tagged)
    assert graph == _graph_from_server(listed)
    (loader,) = nodes(graph, "LoraLoader")
    assert loader["inputs"]["lora_name"] == "tiny_sdxl_lora.safetensors"
    assert (loader["inputs"]["strength_model"], loader["inputs"]["strength_clip"]) == (0.8, 0.5)


def test_a_tag_for_a_listed_lora_sets_its_strengths_instead_of_loading_it_twice():
    both = request(prompt="a young man <lora:tiny_sdxl_lora:0.6>", loras=(LoraSpec(name="tiny_sdxl_lora"),))
    (loader,) = nodes(_graph_from_server(both), "LoraLoader")
    assert (loader["inputs"]["strength_model"], loader["inputs"]["strength_clip"]) == (0.6, 0.6)


@pytest.mark.parametrize("task", [Task.TEXT_TO_IMAGE, Task.IMAGE_TO_IMAGE, Task.INPAINT, Task.OUTPAINT])
def test_a_separate_vae_encodes_and_decodes_every_image(task):
    graph = _graph_from_server(request(task, model=ModelRef(checkpoint="tiny_sdxl", vae="pixel_space")))
    assert check_graph(graph, OBJECT_INFO) == []
    (loader_id,) = [key for key, node in graph.items() if node["class_type"] == "VAELoader"]
    assert graph[loader_id]["inputs"] == {"vae_name": "pixel_space"}
    users = [n for n in graph.values() if n["class_type"].startswith(("VAEDecode", "VAEEncode", "InpaintModel"))]
    assert users and all(node["inputs"]["vae"] == [loader_id, 0] for node in users)


def test_a_vae_the_server_lacks_is_refused_at_the_field():
    with pytest.raises(InvalidRequest) as caught:
        _graph_from_server(request(model=ModelRef(checkpoint="tiny_sdxl", vae="sdxl_vae")))
    assert caught.value.field == "model.vae" and "models/vae" in str(caught.value)


def test_sketch_follows_the_thesis_graph_with_the_single_slider():
    graph = build_workflow(request(Task.SKETCH_TO_IMAGE), NAMES).graph.to_api()
    assert nodes(graph, "LoadImage")[0]["inputs"]["image"] == "stripstudio/sketch.png"
    assert len(nodes(graph, "ImageInvert")) == 1
    apply = nodes(graph, "ControlNetApplyAdvanced")[0]["inputs"]
    assert (apply["strength"], apply["start_percent"], apply["end_percent"]) == (0.8, 0.0, 0.8)
    assert nodes(graph, "ControlNetLoader")[0]["inputs"]["control_net_name"] == "tiny_sdxl_controlnet.safetensors"


def test_inpaint_erases_at_full_strength_and_conditions_below_it():
    full = build_workflow(request(Task.INPAINT), NAMES).graph.to_api()
    assert nodes(full, "VAEEncodeForInpaint") and not nodes(full, "InpaintModelConditioning")
    assert nodes(full, "GrowMask")[0]["inputs"]["expand"] == 32
    assert len(nodes(full, "ImageCompositeMasked")) == 2  # the original pasted back around each candidate
    partial = build_workflow(request(Task.INPAINT, strength=0.5), NAMES).graph.to_api()
    assert nodes(partial, "InpaintModelConditioning") and not nodes(partial, "VAEEncodeForInpaint")
    assert {n["inputs"]["denoise"] for n in nodes(partial, "KSampler")} == {0.5}


def test_outpaint_pads_in_steps_of_eight():
    pad = nodes(build_workflow(request(Task.OUTPAINT), NAMES).graph.to_api(), "ImagePadForOutpaint")[0]["inputs"]
    assert (pad["left"], pad["top"], pad["right"], pad["bottom"]) == (0, 64, 104, 0)


def test_the_checker_finds_what_a_server_would_refuse():
    graph = build_workflow(request(sampler="no_such_sampler", num_images=1), NAMES).graph.to_api()
    graph["99"] = {"class_type": "NoSuchNode", "inputs": {}}
    graph["8"]["inputs"]["images"] = ["1", 0]  # a MODEL where an IMAGE belongs
    graph["5"]["inputs"]["width"] = 8
    problems = check_graph(graph, OBJECT_INFO)
    assert any("sampler_name 'no_such_sampler' is not available" in p and "dpmpp_2m" in p for p in problems)
    assert any("no NoSuchNode node" in p for p in problems)
    assert any("wants IMAGE but gets MODEL" in p for p in problems)
    assert any("width 8 is below the minimum 16" in p for p in problems)


def test_a_missing_checkpoint_lists_what_the_server_has():
    with pytest.raises(InvalidRequest) as caught:
        resolve_names(
            request(model=ModelRef(checkpoint="dynavisionXL")),
            OBJECT_INFO,
            {},
            "http://gpu:8188",
            face_detector="f",
            sam_model="s",
        )
    message = str(caught.value)
    assert "checkpoint 'dynavisionXL' is not on the ComfyUI server http://gpu:8188" in message
    assert "tiny_sdxl.safetensors" in message and "models/checkpoints" in message


@pytest.mark.parametrize("detector", ["opencv", "anime"])
def test_built_in_face_detectors_are_refused_at_their_field_with_what_to_use(server_with_impact_pack, detector):
    face_request = request(Task.FACE_DETAIL, face_detail=FaceDetailSpec(detector=detector))
    with pytest.raises(InvalidRequest) as caught:
        resolve_names(face_request, server_with_impact_pack, {}, "u", face_detector="f", sam_model="s")
    assert caught.value.field == "face_detail.detector"
    assert "runs in the diffusers engine only" in str(caught.value) and "'auto'" in str(caught.value)


def test_a_face_model_named_in_the_request_is_used(server_with_impact_pack):
    face_request = request(Task.FACE_DETAIL, face_detail=FaceDetailSpec(detector="bbox/face_yolov8m.pt"))
    names = resolve_names(face_request, server_with_impact_pack, {}, "u", face_detector="f", sam_model="s")
    assert names.face_detector == "bbox/face_yolov8m.pt"


def test_names_are_matched_without_folder_or_extension():
    assert match_file("tiny_sdxl", ["tiny_sd15.safetensors", "tiny_sdxl.safetensors"]) == "tiny_sdxl.safetensors"
    assert match_file("/home/me/loras/Tiny_SDXL_lora.safetensors", ["tiny_sdxl_lora.safetensors"]) == (
        "tiny_sdxl_lora.safetensors"
    )
    assert match_file("other", ["tiny_sdxl.safetensors"]) is None


def test_control_models_are_chosen_by_kind_or_by_name_or_refused_with_the_list():
    listing = {
        "ControlNetLoader": {
            "input": {
                "required": {
                    "control_net_name": [
                        ["sdxl/t2i-adapter-sketch-sdxl-1.0.safetensors", "controlnet-scribble-sdxl.safetensors"]
                    ]
                }
            }
        },
        "CheckpointLoaderSimple": OBJECT_INFO["CheckpointLoaderSimple"],
    }

    def control(kind, model=None):
        sketch = request(Task.SKETCH_TO_IMAGE, controls=(ControlInput(kind=kind, image="/s.png", model=model),))
        return resolve_names(sketch, listing, {}, "u", face_detector="f", sam_model="s").control_models

    assert control("sketch") == ("sdxl/t2i-adapter-sketch-sdxl-1.0.safetensors",)
    assert control("scribble") == ("controlnet-scribble-sdxl.safetensors",)
    assert control("depth", model="controlnet-scribble-sdxl") == ("controlnet-scribble-sdxl.safetensors",)
    with pytest.raises(InvalidRequest, match=r"control model for depth .* is not on the ComfyUI server u \(it has: "):
        control("depth")


REGION_NAMES = ServerNames(**{**NAMES.__dict__, "images": {**NAMES.images, "/in/leo-mask.png": "leo-mask.png"}})
# The recorded server with the packs installed, the uploads and the face models in its lists.
SERVER = with_files(
    recorded_object_info(custom_nodes=True),
    {
        ("LoadImage", "image"): list(REGION_NAMES.images.values()),
        ("LoadImageMask", "image"): list(REGION_NAMES.images.values()),
        ("UltralyticsDetectorProvider", "model_name"): [NAMES.face_detector],
        ("SAMLoader", "model_name"): [NAMES.sam_model],
    },
)
TWO_LORAS = ServerNames(
    checkpoint=NAMES.checkpoint,
    loras=(
        LoraSpec(name="tiny_sdxl_lora.safetensors", strength_model=0.8),
        LoraSpec(name="tiny_sd15_lora.safetensors"),
    ),
    control_models=("tiny_sdxl_controlnet.safetensors", "tiny_sd15_controlnet.safetensors"),
    images=NAMES.images,
)
NO_LORA = ServerNames(checkpoint=NAMES.checkpoint, control_models=NAMES.control_models, images=NAMES.images)


def control(kind: str, invert: bool = True) -> ControlInput:
    return ControlInput(kind=kind, image="/in/sketch.png", strength=0.7, end_percent=0.9, invert=invert)


GRAPHS = {
    **{f"{task.value}": (request(task), NAMES) for task in Task if task is not Task.UPSCALE},
    "inpaint below full strength": (request(Task.INPAINT, strength=0.5), NAMES),
    "one candidate": (request(num_images=1), NAMES),
    "no LoRA": (request(), NO_LORA),
    "two LoRAs and a prompt tag": (request(prompt="a man <lora:tiny_sdxl_lora:0.5>"), TWO_LORAS),
    "LoRAs on image to image": (request(Task.IMAGE_TO_IMAGE), TWO_LORAS),
    "canny control": (request(Task.SKETCH_TO_IMAGE, controls=(control("canny"),)), NAMES),
    "uninverted control": (request(Task.SKETCH_TO_IMAGE, controls=(control("lineart", invert=False),)), NAMES),
    "two controls": (request(Task.SKETCH_TO_IMAGE, controls=(control("scribble"), control("depth"))), TWO_LORAS),
    "face detail with LoRAs": (request(Task.FACE_DETAIL), TWO_LORAS),
    "face detail settings": (request(Task.FACE_DETAIL, face_detail=FaceDetailSpec(draw_size=768, feather=12)), NAMES),
    **{
        f"{task.value} with regions": (request(task, regions=REGIONS), REGION_NAMES)
        for task in Task
        if task not in (Task.UPSCALE, Task.FACE_DETAIL)
    },
}


@pytest.mark.parametrize("sdxl", [True, False], ids=["sdxl-encode", "plain-encode"])
@pytest.mark.parametrize("case", list(GRAPHS))
def test_every_graph_passes_an_independent_validator(case, sdxl):
    job, names = GRAPHS[case]
    graph = build_workflow(job, names, WorkflowOptions(sdxl_text_encode=sdxl)).graph.to_api()
    assert validate(graph, SERVER) == []
    assert check_graph(graph, SERVER) == []  # and the checker the engine uses agrees


def test_the_independent_validator_finds_what_a_server_would_refuse():
    graph = build_workflow(request(num_images=1), NAMES).graph.to_api()
    sampler = next(node_id for node_id, node in graph.items() if node["class_type"] == "KSampler")
    decode = next(node_id for node_id, node in graph.items() if node["class_type"] == "VAEDecode")
    graph[sampler]["inputs"]["sampler_name"] = "dpmpp_9m"  # not in the enum
    graph[sampler]["inputs"]["latent_image"] = ["1", 0]  # a MODEL where a LATENT belongs
    graph[sampler]["inputs"]["steps"] = 0
    graph[sampler]["inputs"]["cfg"] = "8"
    del graph[decode]["inputs"]["vae"]
    graph[decode]["inputs"]["tiles"] = 2
    graph["5"]["inputs"]["width"] = ["42", 0]
    problems = validate(graph, SERVER)
    assert any(p.startswith(f"{sampler}.sampler_name: 'dpmpp_9m' is not one of ['euler', ") for p in problems)
    assert f"{sampler}.latent_image: takes LATENT but is linked to a MODEL output of node 1" in problems
    assert f"{sampler}.steps: 0 is outside [1, 10000]" in problems
    assert f"{sampler}.cfg: '8' is not FLOAT" in problems
    assert f"{decode}.vae: required input missing" in problems
    assert f"{decode}.tiles: not an input of VAEDecode" in problems
    assert "5.width: links to node 42, which is not in the graph" in problems
    assert len(problems) == 7
    assert validate({"1": {"class_type": "NoSuchNode", "inputs": {}}}, SERVER) == [
        "1: unknown class_type 'NoSuchNode'",
        "the graph has no output node",
    ]


def test_the_refiner_is_a_ksampleradvanced_pair_handing_over_at_the_switch_step():
    from stripstudio.generation import RefinerSpec

    asked = request(refiner=RefinerSpec(checkpoint="tiny_sdxl_refiner", switch=0.8), num_inference_steps=25)
    names = dataclasses.replace(NAMES, refiner="tiny_sd15.safetensors")  # any checkpoint the recorded server has
    built = build_workflow(asked, names)
    graph = built.graph.to_api()
    assert check_graph(graph, OBJECT_INFO) == []
    assert validate(graph, OBJECT_INFO) == []  # the independent validator too
    advanced = nodes(graph, "KSamplerAdvanced")
    assert len(advanced) == 2 * asked.num_images
    base, refiner = advanced[0]["inputs"], advanced[1]["inputs"]
    assert (base["start_at_step"], base["end_at_step"], base["return_with_leftover_noise"]) == (0, 20, "enable")
    assert (refiner["start_at_step"], refiner["add_noise"]) == (20, "disable")
    assert graph[refiner["model"][0]]["inputs"]["ckpt_name"] == "tiny_sd15.safetensors"
    assert graph[refiner["positive"][0]]["class_type"] == "CLIPTextEncodeSDXLRefiner"
    assert [graph[n]["class_type"] for n in built.samplers] == ["KSamplerAdvanced"] * asked.num_images


def test_a_refiner_the_server_lacks_is_named_with_its_checkpoints():
    from stripstudio.generation import RefinerSpec

    asked = request(refiner=RefinerSpec(checkpoint="sd_xl_refiner_1.0"))
    with pytest.raises(InvalidRequest) as caught:
        resolve_names(asked, OBJECT_INFO, {}, "http://gpu:8188", face_detector="f", sam_model="s")
    assert caught.value.field == "refiner.checkpoint" and "tiny_sdxl.safetensors" in str(caught.value)


def test_a_regions_loras_are_hooked_to_its_conditioning_and_area():
    hooked = Region(prompt="Leo", box=(0.5, 0, 0.5, 1), loras=(LoraSpec(name="leo", strength_model=0.7),))
    asked = request(regions=(REGIONS[0], hooked))
    names = dataclasses.replace(
        NAMES, region_loras=((), (LoraSpec(name="tiny_sdxl_lora.safetensors", strength_model=0.7),))
    )
    graph = build_workflow(asked, names).graph.to_api()
    assert check_graph(graph, OBJECT_INFO) == [] and validate(graph, OBJECT_INFO) == []
    (hook,) = nodes(graph, "CreateHookLora")
    assert (hook["inputs"]["lora_name"], hook["inputs"]["strength_model"]) == ("tiny_sdxl_lora.safetensors", 0.7)
    (properties,) = nodes(graph, "ConditioningSetProperties")
    assert graph[properties["inputs"]["hooks"][0]] is hook
    text = graph[properties["inputs"]["cond_NEW"][0]]
    assert graph[text["inputs"]["clip"][0]]["class_type"] == "SetClipHooks"
    assert graph[properties["inputs"]["mask"][0]]["class_type"] == "MaskComposite"
    assert len(nodes(graph, "LoraLoader")) == len(NAMES.loras)  # only the request's own: not on the whole model


def test_a_regions_lora_the_server_lacks_is_named_at_its_field():
    hooked = Region(prompt="Leo", loras=(LoraSpec(name="no-such-lora"),))
    with pytest.raises(InvalidRequest) as caught:
        resolve_names(request(regions=(hooked,)), OBJECT_INFO, {}, "u", face_detector="f", sam_model="s")
    assert caught.value.field == "regions[0].loras[0]"


def test_an_lcm_draft_samples_the_lora_chain_through_lcm_model_sampling():
    lcm = request(sampler="lcm", scheduler="sgm_uniform", num_inference_steps=4, guidance_scale=1.5)
    graph = build_workflow(lcm, NAMES).graph.to_api()
    assert check_graph(graph, OBJECT_INFO) == []
    (sampling,) = nodes(graph, "ModelSamplingDiscrete")
    assert sampling["inputs"]["sampling"] == "lcm"
    assert graph[sampling["inputs"]["model"][0]]["class_type"] == "LoraLoader"
    for sampler in nodes(graph, "KSampler"):
        assert graph[sampler["inputs"]["model"][0]] is sampling
        assert (sampler["inputs"]["sampler_name"], sampler["inputs"]["steps"]) == ("lcm", 4)


def test_other_samplers_keep_the_models_own_sampling():
    graph = build_workflow(request(sampler="euler", scheduler="sgm_uniform"), NAMES).graph.to_api()
    assert nodes(graph, "ModelSamplingDiscrete") == []
