"""Outpainting: pad the picture on the requested sides and paint the new area."""

from __future__ import annotations

from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder

PAD_STEP = 8  # ImagePadForOutpaint takes multiples of 8


def _rounded_up(pixels: int) -> int:
    return -(-pixels // PAD_STEP) * PAD_STEP


def outpaint(builder: WorkflowBuilder) -> BuiltWorkflow:
    """LoadImage -> ImagePadForOutpaint -> VAEEncodeForInpaint -> KSampler -> composite -> SaveImage."""
    request, graph = builder.request, builder.graph
    spec = request.outpaint_sides
    padded = graph.add(
        "ImagePadForOutpaint",
        image=builder.load_image(request.source_image)[0],
        left=_rounded_up(spec.left),
        top=_rounded_up(spec.top),
        right=_rounded_up(spec.right),
        bottom=_rounded_up(spec.bottom),
        feathering=spec.overlap,
    )
    latent = graph.add("VAEEncodeForInpaint", pixels=padded[0], vae=builder.vae, mask=padded[1], grow_mask_by=8)

    def paste(decoded):
        return graph.add(
            "ImageCompositeMasked",
            destination=padded[0],
            source=decoded,
            x=0,
            y=0,
            resize_source=False,
            mask=padded[1],
        ).out

    return builder.sample_candidates(latent.out, denoise=1.0, finish=paste)
