"""Sketch to image: the author's drawing guides the composition through a T2I-Adapter or ControlNet.

The design thesis found one slider enough for authors: ``follow_sketch = s`` sets both the
control strength and ``end_percent`` to ``s`` (start_percent 0); see
:meth:`~stripstudio.generation.request.ControlInput.from_follow_sketch`. Kind ``sketch`` uses
the T2I-Adapter (TencentARC t2i-adapter-sketch-sdxl-1.0 by default), kind ``scribble`` a
scribble ControlNet; ``canny`` turns the image into edges first; ``depth``, ``openpose`` and
``lineart`` take a ready-made control map.
"""

from __future__ import annotations

from PIL import Image

from stripstudio.engines.diffusers.inputs import canny_edges, control_image
from stripstudio.engines.diffusers.models import uses_adapter
from stripstudio.engines.diffusers.sampling import TaskContext, sample_candidates
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import ControlInput, GenerationRequest


def run_sketch_to_image(context: TaskContext, request: GenerationRequest) -> list[Image.Image]:
    """Draw candidates that follow the request's single control image."""
    # 1. One control input (several at once are not supported yet).
    if len(request.controls) != 1:
        raise InvalidRequest("sketch_to_image takes exactly one control image", field="controls")
    control = request.controls[0]
    size = (request.width, request.height)
    # 2. The drawing at the output size: inverted to white-on-black, or turned into edges.
    image = control_image(control.image, size, control.invert and control.kind != "canny", "controls[0].image")
    if control.kind == "canny":
        image = canny_edges(image)
    # 3. The adapter or ControlNet, loaded once per model and kept.
    key, control_model = context.loader.load_control_model(context.model, control)
    if uses_adapter(control.kind, context.model.family):
        return _with_adapter(context, request, control, image, control_model, key)
    return _with_controlnet(context, request, control, image, control_model, key)


def _with_adapter(context, request, control: ControlInput, image, adapter, key) -> list[Image.Image]:
    if control.start_percent > 0:
        raise InvalidRequest(
            "a T2I-Adapter guides from the first step: set start_percent to 0, or use kind 'scribble' (ControlNet)",
            field="controls[0].start_percent",
        )
    pipe = context.model.pipeline_for("adapter", adapter, key)
    kwargs = {
        "image": image,
        "width": request.width,
        "height": request.height,
        "adapter_conditioning_scale": control.strength,
        "adapter_conditioning_factor": control.end_percent,
    }
    return sample_candidates(context, pipe, request, kwargs, legacy_callback=True)


def _with_controlnet(context, request, control: ControlInput, image, controlnet, key) -> list[Image.Image]:
    pipe = context.model.pipeline_for("controlnet", controlnet, key)
    kwargs = {
        "image": image,
        "width": request.width,
        "height": request.height,
        "controlnet_conditioning_scale": control.strength,
        "control_guidance_start": control.start_percent,
        "control_guidance_end": control.end_percent,
    }
    return sample_candidates(context, pipe, request, kwargs)
