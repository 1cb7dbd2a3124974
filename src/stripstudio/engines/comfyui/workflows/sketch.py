"""Sketch to image: the thesis' scribble graph (LoadImage -> ImageInvert -> Apply ControlNet (advanced))."""

from __future__ import annotations

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder
from stripstudio.generation.errors import InvalidRequest


def sketch_to_image(builder: WorkflowBuilder) -> BuiltWorkflow:
    """Each control image guides the conditioning with strength, start_percent and end_percent."""
    request, graph = builder.request, builder.graph
    if len(builder.names.control_models) != len(request.controls):
        raise InvalidRequest("every control image needs a control model", field="controls")
    positive, negative = builder.positive, builder.negative
    for control, model_name in zip(request.controls, builder.names.control_models, strict=True):
        hint = builder.fitted_image(control.image)
        if control.kind == "canny":
            hint = graph.add("Canny", image=hint, low_threshold=0.4, high_threshold=0.8).out
        elif control.invert:
            hint = graph.add("ImageInvert", image=hint).out
        applied = graph.add(
            "ControlNetApplyAdvanced",
            positive=positive,
            negative=negative,
            control_net=graph.add("ControlNetLoader", control_net_name=model_name)[0],
            image=hint,
            strength=control.strength,
            start_percent=control.start_percent,
            end_percent=control.end_percent,
        )
        positive, negative = applied[0], applied[1]
    latent = graph.add("EmptyLatentImage", width=request.width, height=request.height, batch_size=1)
    return builder.sample_candidates(latent.out, denoise=1.0, positive=positive, negative=negative)
