"""Reference images on a ComfyUI server: the IP-Adapter nodes of ComfyUI_IPAdapter_plus.

Each reference spec of a request becomes IPAdapterModelLoader + CLIPVisionLoader + the pictures
(batched) -> IPAdapterAdvanced on the model, with the spec's strength as ``weight`` and, when the
spec names a region, that region's area as ``attn_mask``: the same request the diffusers engine
draws with its own IP-Adapter. The node pack and its model files are not part of ComfyUI; what a
server lacks is said, with where to get it, before anything is queued.
"""

from __future__ import annotations

from typing import Any

from stripstudio.engines.comfyui.check import input_choices
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest, Region

NODE_PACK = "ComfyUI_IPAdapter_plus"
NODE_PACK_URL = "https://github.com/cubiq/ComfyUI_IPAdapter_plus"
NODES = ("IPAdapterModelLoader", "IPAdapterAdvanced")
# The files ComfyUI_IPAdapter_plus documents for SDXL (from h94/IP-Adapter on Hugging Face).
DEFAULT_ADAPTER_FILES = {
    "face": "ip-adapter-plus-face_sdxl_vit-h.safetensors",
    "face_and_clothes": "ip-adapter-plus_sdxl_vit-h.safetensors",
}
DEFAULT_IMAGE_ENCODER_FILE = "CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"
_WHERE = "download it from https://huggingface.co/h94/IP-Adapter"


def default_adapter_files(request: GenerationRequest) -> tuple[tuple[str, str], ...]:
    """(IP-Adapter file, image encoder file) per reference spec, as named without a server to ask."""
    return tuple(
        (spec.adapter or DEFAULT_ADAPTER_FILES[spec.focus], spec.image_encoder or DEFAULT_IMAGE_ENCODER_FILE)
        for spec in request.reference_images
    )


def resolve_adapter_files(
    request: GenerationRequest, object_info: dict[str, Any], url: str, match_file
) -> tuple[tuple[str, str], ...]:
    """The server's names of each spec's adapter and encoder; InvalidRequest says what is missing and where."""
    if not request.reference_images:
        return ()
    missing_nodes = [node for node in NODES if node not in object_info]
    if missing_nodes:
        raise InvalidRequest(
            f"the ComfyUI server {url} has no {', '.join(missing_nodes)} node: reference images need the custom "
            f"nodes {NODE_PACK} ({NODE_PACK_URL}), installed in ComfyUI's custom_nodes folder, with an IP-Adapter "
            f"in models/ipadapter and its image encoder in models/clip_vision ({_WHERE})",
            field="reference_images",
        )
    adapters = input_choices(object_info, "IPAdapterModelLoader", "ipadapter_file")
    encoders = input_choices(object_info, "CLIPVisionLoader", "clip_name")
    resolved = []
    for index, (adapter, encoder) in enumerate(default_adapter_files(request)):
        field = f"reference_images[{index}]"
        found_adapter = match_file(adapter, adapters)
        if found_adapter is None:
            raise InvalidRequest(_missing("IP-Adapter", adapter, adapters, url, "ipadapter"), field=f"{field}.adapter")
        found_encoder = match_file(encoder, encoders)
        if found_encoder is None:
            raise InvalidRequest(
                _missing("image encoder", encoder, encoders, url, "clip_vision"), field=f"{field}.image_encoder"
            )
        resolved.append((found_adapter, found_encoder))
    return tuple(resolved)


def _missing(what: str, wanted: str, available: list[str], url: str, folder: str) -> str:
    listing = ", ".join(available[:12]) or "none"
    return (
        f"{what} {wanted!r} is not on the ComfyUI server {url} (it has: {listing}); put it in models/{folder}: {_WHERE}"
    )


def apply_identity(builder) -> None:
    """Chain one IPAdapterAdvanced per reference spec onto ``builder.model``."""
    request, graph = builder.request, builder.graph
    for spec, (adapter_file, encoder_file) in zip(request.reference_images, builder.names.adapters, strict=True):
        pictures = [builder.load_image(path)[0] for path in spec.images]
        batch = pictures[0]
        for picture in pictures[1:]:
            batch = graph.add("ImageBatch", image1=batch, image2=picture).out
        inputs: dict[str, Any] = {
            "model": builder.model,
            "ipadapter": graph.add("IPAdapterModelLoader", ipadapter_file=adapter_file).out,
            "image": batch,
            "weight": spec.strength,
            "weight_type": "linear",
            "combine_embeds": "concat",
            "start_at": 0.0,
            "end_at": 1.0,
            "embeds_scaling": "V only",
            "clip_vision": graph.add("CLIPVisionLoader", clip_name=encoder_file).out,
        }
        if spec.region is not None:
            inputs["attn_mask"] = region_mask(builder, request.regions[spec.region])
        builder.model = graph.add("IPAdapterAdvanced", **inputs).out


def region_mask(builder, region: Region):
    """A MASK of the region: its painted mask, or its box drawn into an empty mask of the picture's size."""
    graph, request = builder.graph, builder.request
    if region.mask:
        return graph.add("LoadImageMask", image=builder.names.image(region.mask), channel="red").out
    x, y, width, height = region.box
    empty = graph.add("SolidMask", value=0.0, width=request.width, height=request.height).out
    box = graph.add(
        "SolidMask",
        value=1.0,
        width=max(1, round(width * request.width)),
        height=max(1, round(height * request.height)),
    ).out
    return graph.add(
        "MaskComposite",
        destination=empty,
        source=box,
        x=round(x * request.width),
        y=round(y * request.height),
        operation="add",
    ).out
