"""Face detail (ComfyUI Impact Pack): find faces, redraw each at higher resolution, paste back.

The thesis' settings: denoise ~0.45 (0.9 changes the person), the same sampler settings, a face
prompt that keeps the character's gender. Needs the custom nodes ComfyUI-Impact-Pack
(FaceDetailer, SAMLoader) and ComfyUI-Impact-Subpack (UltralyticsDetectorProvider).
"""

from __future__ import annotations

from typing import Any

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import FaceDetailSpec

FACE_DETAILER_SETTINGS: dict[str, Any] = {
    "noise_mask": True,
    "force_inpaint": True,
    "bbox_threshold": 0.5,
    "sam_detection_hint": "center-1",
    "sam_dilation": 0,
    "sam_threshold": 0.93,
    "sam_bbox_expansion": 0,
    "sam_mask_hint_threshold": 0.7,
    "sam_mask_hint_use_negative": "False",
    "wildcard": "",
    "cycle": 1,
}


def face_detail(builder: WorkflowBuilder) -> BuiltWorkflow:
    """LoadImage -> FaceDetailer(UltralyticsDetectorProvider, SAMLoader) -> SaveImage, per candidate."""
    request, graph = builder.request, builder.graph
    if request.reference_images:
        raise InvalidRequest(
            "face detail does not use reference images yet: draw the panel with them, then fix its faces without",
            field="reference_images",
        )
    if request.regions:
        raise InvalidRequest(
            "per-character face prompts (regions) run in the diffusers engine only; FaceDetailer gives every face "
            "the same prompt: leave regions out of a face-detail request for ComfyUI",
            field="regions",
        )
    image = builder.load_image(request.source_image)[0]
    detector = graph.add("UltralyticsDetectorProvider", model_name=builder.names.face_detector)
    sam = graph.add("SAMLoader", model_name=builder.names.sam_model, device_mode="AUTO")
    samplers, outputs = [], []
    for index in range(request.num_images):
        detailer = graph.add(
            "FaceDetailer",
            image=image,
            model=builder.model,
            clip=builder.clip,
            vae=builder.vae,
            seed=(request.seed + index) % 2**32,
            steps=request.num_inference_steps,
            cfg=request.guidance_scale,
            sampler_name=request.sampler,
            scheduler=request.scheduler,
            positive=builder.positive,
            negative=builder.negative,
            denoise=request.strength,
            bbox_detector=detector[0],
            sam_model_opt=sam[0],
            **FACE_DETAILER_SETTINGS,
            **spec_settings(request.face_detail or FaceDetailSpec()),
        )
        samplers.append(detailer.id)
        outputs.append(builder.save(detailer[0], index).id)
    return BuiltWorkflow(graph, tuple(samplers), tuple(outputs))


def spec_settings(spec: FaceDetailSpec) -> dict[str, Any]:
    """The request's face-detail settings under FaceDetailer's names (the crop is drawn at ``draw_size``)."""
    return {
        "guide_size": spec.draw_size,
        "guide_size_for": False,  # the size is the crop region's, as in the diffusers engine
        "max_size": spec.draw_size,
        "feather": spec.feather,
        "bbox_dilation": spec.dilation,
        "bbox_crop_factor": spec.padding,
        "drop_size": spec.min_size,
    }
