"""Pure functions from a GenerationRequest to a ComfyUI API graph, one module per task."""

from __future__ import annotations

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, ServerNames, WorkflowBuilder, WorkflowOptions
from stripstudio.engines.comfyui.workflows.face_detail import face_detail
from stripstudio.engines.comfyui.workflows.image_to_image import image_to_image
from stripstudio.engines.comfyui.workflows.inpaint import inpaint
from stripstudio.engines.comfyui.workflows.outpaint import outpaint
from stripstudio.engines.comfyui.workflows.sketch import sketch_to_image
from stripstudio.engines.comfyui.workflows.text_to_image import text_to_image
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest, Task

BUILDERS = {
    Task.TEXT_TO_IMAGE: text_to_image,
    Task.IMAGE_TO_IMAGE: image_to_image,
    Task.INPAINT: inpaint,
    Task.OUTPAINT: outpaint,
    Task.SKETCH_TO_IMAGE: sketch_to_image,
    Task.FACE_DETAIL: face_detail,
}


def build_workflow(
    request: GenerationRequest, names: ServerNames, options: WorkflowOptions | None = None
) -> BuiltWorkflow:
    """The API graph that runs ``request`` on a server where things are called ``names``."""
    try:
        build = BUILDERS[request.task]
    except KeyError:
        raise InvalidRequest(f"the ComfyUI engine cannot do {request.task.value} yet", field="task") from None
    return build(WorkflowBuilder(request, names, options or WorkflowOptions()))


__all__ = ["BUILDERS", "BuiltWorkflow", "ServerNames", "WorkflowOptions", "build_workflow"]
