"""What the ComfyUI engine honours: what its graph builders can build, narrowed by what the servers have.

Without a server in reach the engine still says what its graphs can do; the server's own lists
(node types, samplers, schedulers, model files) narrow that down when one answers.
"""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import Any

from stripstudio.engines.comfyui.check import check_graph, input_choices
from stripstudio.engines.comfyui.names import CONTROL_KEYWORDS, input_paths, resolve_names
from stripstudio.engines.comfyui.workflows import BUILDERS, WorkflowOptions, build_workflow
from stripstudio.generation.capabilities import EngineCapabilities, RequestFeature
from stripstudio.generation.errors import FieldProblem, InvalidRequest
from stripstudio.generation.request import GenerationRequest, Task

ENGINE_NAME = "comfyui"
FEATURES: list[RequestFeature] = ["loras", "vae", "previews", "reference_images", "regions", "refiner", "region_loras"]
PREVIEW_NOTE = "previews arrive only from servers started with a preview method (--preview-method auto)"

# Node types each task needs on a server.
TASK_NODES = {
    Task.TEXT_TO_IMAGE: {"CheckpointLoaderSimple", "KSampler", "EmptyLatentImage", "VAEDecode", "SaveImage"},
    Task.IMAGE_TO_IMAGE: {"LoadImage", "ImageScale", "VAEEncode"},
    Task.INPAINT: {
        "LoadImageMask",
        "GrowMask",
        "VAEEncodeForInpaint",
        "InpaintModelConditioning",
        "ImageCompositeMasked",
        "ImageBlur",
    },
    Task.OUTPAINT: {"ImagePadForOutpaint", "VAEEncodeForInpaint", "ImageCompositeMasked"},
    Task.SKETCH_TO_IMAGE: {"ControlNetLoader", "ControlNetApplyAdvanced", "ImageInvert"},
    Task.FACE_DETAIL: {"FaceDetailer", "UltralyticsDetectorProvider", "SAMLoader"},
}


def builder_capabilities(notes: list[str] | None = None) -> EngineCapabilities:
    """What the graph builders can build, whatever server runs them (sampler names left to the server)."""
    return EngineCapabilities(
        name=ENGINE_NAME,
        tasks=list(BUILDERS),
        control_kinds=list(CONTROL_KEYWORDS),
        features=FEATURES,
        notes=[PREVIEW_NOTE, *(notes or [])],
    )


def server_capabilities(infos: dict[str, dict[str, Any]], unreachable: dict[str, str]) -> EngineCapabilities:
    """The builders' capabilities narrowed to what every answering server has (``infos``: url -> /object_info)."""
    notes = [f"{url} unreachable: {reason}" for url, reason in unreachable.items()]
    if not infos:
        return builder_capabilities(notes)
    tasks, models = set(BUILDERS), set()
    samplers: list[str] | None = None
    schedulers: list[str] | None = None
    for url, info in infos.items():
        for task, nodes in TASK_NODES.items():
            missing = sorted(nodes - set(info))
            if missing and task in tasks:
                tasks.discard(task)
                notes.append(f"{url} cannot do {task.value}: no {', '.join(missing)} node")
        samplers = _common(samplers, input_choices(info, "KSampler", "sampler_name"))
        schedulers = _common(schedulers, input_choices(info, "KSampler", "scheduler"))
        models.update(input_choices(info, "CheckpointLoaderSimple", "ckpt_name"))
    capabilities = builder_capabilities(notes)
    return capabilities.model_copy(
        update={
            "tasks": [task for task in BUILDERS if task in tasks],
            "samplers": samplers,
            "schedulers": schedulers,
            "models": sorted(models),
        }
    )


def _common(known: list[str] | None, offered: list[str]) -> list[str]:
    return list(offered) if known is None else [name for name in known if name in offered]


def graph_problems(
    request: GenerationRequest,
    object_info: dict[str, Any],
    url: str,
    *,
    options: WorkflowOptions,
    face_detector: str,
    sam_model: str,
    models_dir: Path | None = None,
) -> list[FieldProblem]:
    """What would stop the server at ``url`` from running ``request``: missing files, nodes or values."""
    placeholders = {path: PurePath(path).name for path in input_paths(request)}  # uploaded only when it runs
    try:
        names = resolve_names(
            request,
            object_info,
            placeholders,
            url,
            face_detector=face_detector,
            sam_model=sam_model,
            models_dir=models_dir,
        )
        graph = build_workflow(request, names, options).graph.to_api()
    except InvalidRequest as error:
        return list(error.problems) or [FieldProblem("model", str(error))]
    where = f"the ComfyUI server {url} cannot run this"
    return [FieldProblem("workflow", f"{where}: {problem}") for problem in check_graph(graph, object_info)]
