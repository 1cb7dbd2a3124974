"""Image to image: the init image encoded, then sampled with denoise = strength."""

from __future__ import annotations

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder


def image_to_image(builder: WorkflowBuilder) -> BuiltWorkflow:
    """LoadImage -> ImageScale -> VAEEncode -> KSampler(denoise) -> VAEDecode -> SaveImage."""
    request = builder.request
    pixels = builder.fitted_image(request.source_image)
    latent = builder.graph.add("VAEEncode", pixels=pixels, vae=builder.vae)
    return builder.sample_candidates(latent.out, denoise=request.strength)
