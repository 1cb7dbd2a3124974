"""Face detail (ComfyUI Impact Pack): find faces, redraw each at higher resolution, paste back.

The thesis' settings: denoise ~0.45 (0.9 changes the person), the same sampler settings, a face
prompt that keeps the character's gender. Needs the custom nodes ComfyUI-Impact-Pack
(FaceDetailer, SAMLoader) and ComfyUI-Impact-Subpack (UltralyticsDetectorProvider).
"""

from __future__ import annotations

from typing import Any

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder

FACE_DETAILER_SETTINGS: dict[str, Any] = {
    "guide_size": 512,
    "guide_size_for": True,
    "max_size": 1024,
    "feather": 5,
    "noise_mask": True,
    "force_inpaint": True,
    "bbox_threshold": 0.5,
    "bbox_dilation": 10,
    "bbox_crop_factor": 3.0,
    "sam_detection_hint": "center-1",
    "sam_dilation": 0,
    "sam_threshold": 0.93,
    "sam_bbox_expansion": 0,
    "sam_mask_hint_threshold": 0.7,
    "sam_mask_hint_use_negative": "False",
    "drop_size": 10,
    "wildcard": "",
    "cycle": 1,
}


def face_detail(builder: WorkflowBuilder) -> BuiltWorkflow:
    """LoadImage -> FaceDetailer(UltralyticsDetectorProvider, SAMLoader) -> SaveImage, per candidate."""
    request, graph = builder.request, builder.graph
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
        )
        samplers.append(detailer.id)
        outputs.append(builder.save(detailer[0], index).id)
    return BuiltWorkflow(graph, tuple(samplers), tuple(outputs))
