"""Inpainting: repaint the white part of the mask, keep every other pixel of the original.

With strength 1 the masked area is erased and redrawn (VAEEncodeForInpaint, the thesis' node,
``grow_mask_by`` up to its maximum of 64); below 1 the area is repainted on top of what is there
(InpaintModelConditioning with a noise mask). Either way the decoded result is pasted back onto
the original through the grown, feathered mask (ImageCompositeMasked), so nothing outside it
changes.
"""

from __future__ import annotations

from stripstudio.engines.comfyui.graph import Output
from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder

MAX_GROW_MASK_BY = 64
MAX_BLUR_RADIUS = 31


def inpaint(builder: WorkflowBuilder) -> BuiltWorkflow:
    """LoadImage + LoadImageMask -> GrowMask -> encode for inpaint -> KSampler -> composite -> SaveImage."""
    request, graph = builder.request, builder.graph
    pixels = builder.fitted_image(request.source_image)
    mask_spec = request.inpaint_mask
    painted = graph.add("LoadImageMask", image=builder.names.image(mask_spec.image), channel="red")
    mask = graph.add(
        "ImageToMask",
        channel="red",
        image=graph.add(
            "ImageScale",
            image=graph.add("MaskToImage", mask=painted[0])[0],
            upscale_method="nearest-exact",
            width=request.width,
            height=request.height,
            crop="center",
        )[0],
    ).out
    grown = graph.add("GrowMask", mask=mask, expand=mask_spec.grow, tapered_corners=True).out
    soft = soft_mask(builder, grown, mask_spec.feather)
    paste = _paste_onto(builder, pixels, soft)
    if request.strength >= 1.0:
        latent = graph.add("VAEEncodeForInpaint", pixels=pixels, vae=builder.vae, mask=grown, grow_mask_by=0)
        return builder.sample_candidates(latent.out, denoise=1.0, finish=paste)
    conditioned = graph.add(
        "InpaintModelConditioning",
        positive=builder.positive,
        negative=builder.negative,
        vae=builder.vae,
        pixels=pixels,
        mask=grown,
        noise_mask=True,
    )
    return builder.sample_candidates(
        conditioned[2], denoise=request.strength, positive=conditioned[0], negative=conditioned[1], finish=paste
    )


def soft_mask(builder: WorkflowBuilder, mask: Output, feather: int) -> Output:
    """``mask`` shrunk by half the feather and blurred: it fades out inside the mask, 0 outside it."""
    if not feather:
        return mask
    graph = builder.graph
    shrunk = graph.add("GrowMask", mask=mask, expand=-(feather // 2), tapered_corners=True)
    as_image = graph.add("MaskToImage", mask=shrunk[0])
    blurred = graph.add(
        "ImageBlur",
        image=as_image[0],
        blur_radius=min(MAX_BLUR_RADIUS, max(1, feather // 2)),
        sigma=max(0.1, min(10.0, feather / 4)),
    )
    return graph.add("ImageToMask", image=blurred[0], channel="red").out


def _paste_onto(builder: WorkflowBuilder, original: Output, mask: Output):
    def paste(decoded: Output) -> Output:
        return builder.graph.add(
            "ImageCompositeMasked", destination=original, source=decoded, x=0, y=0, resize_source=False, mask=mask
        ).out

    return paste
