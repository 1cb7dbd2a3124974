"""Text to image: the thesis' default graph, one KSampler per candidate."""

from __future__ import annotations

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder
from stripstudio.engines.comfyui.workflows.refiner import refined_candidates


def text_to_image(builder: WorkflowBuilder) -> BuiltWorkflow:
    """Checkpoint -> (LoRAs) -> CLIPTextEncodeSDXL x2 -> EmptyLatentImage -> KSampler -> VAEDecode -> SaveImage."""
    request = builder.request
    latent = builder.graph.add("EmptyLatentImage", width=request.width, height=request.height, batch_size=1)
    if request.refiner is not None:
        return refined_candidates(builder, latent.out)
    return builder.sample_candidates(latent.out, denoise=1.0)
