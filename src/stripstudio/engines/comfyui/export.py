"""Writing a request as an API-format workflow file, to open or queue in ComfyUI by hand."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from stripstudio.engines.comfyui.check import check_graph
from stripstudio.engines.comfyui.client import ComfyUIClient
from stripstudio.engines.comfyui.families import workflow_options
from stripstudio.engines.comfyui.names import input_paths, offline_names, resolve_names
from stripstudio.engines.comfyui.workflows import build_workflow
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest
from stripstudio.settings import StudioSettings


def export_workflow(request: GenerationRequest, settings: StudioSettings, url: str | None = None) -> dict[str, Any]:
    """The API graph of ``request``.

    Without ``url`` files are named by their base names (input images by file name: upload them
    to ComfyUI's input folder). With ``url`` the names are matched to that server's files and the
    graph is checked against its ``/object_info``.
    """
    options = workflow_options(request, settings.comfyui_text_encode)
    detectors = {"face_detector": settings.comfyui_face_detector, "sam_model": settings.comfyui_sam_model}
    if url is None:
        return build_workflow(request, offline_names(request, **detectors), options).graph.to_api()
    client = ComfyUIClient(url)
    try:
        info = client.object_info()
        images = {path: PurePosixPath(path).name for path in input_paths(request)}
        names = resolve_names(request, info, images, url, models_dir=settings.comfyui_models_dir, **detectors)
        graph = build_workflow(request, names, options).graph.to_api()
        problems = [p for p in check_graph(graph, info) if "LoadImage" not in p]
    finally:
        client.close()
    if problems:
        raise InvalidRequest(f"the ComfyUI server {url} cannot run this: " + "; ".join(problems))
    return graph
