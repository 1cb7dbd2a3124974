"""Reference images -> identity adapters (IP-Adapter): a character looks like its pictures in every panel.

Each :class:`~stripstudio.generation.request.ReferenceSpec` of a request becomes one IP-Adapter
with its images, its scale (``strength``) and, when it names a region, the region's mask, so that
two characters' references each act only on their own character. The adapter is chosen by the
spec's ``focus`` (face only, or face and clothes) unless the spec names one. Image embeddings are
computed once per picture and image encoder (keyed by the file's content) and kept in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from stripstudio.engines.diffusers import tiny
from stripstudio.engines.diffusers.builtin_ids import TINY_IMAGE_ENCODER_ID, TINY_IP_ADAPTER_FACE_ID, TINY_IP_ADAPTER_ID
from stripstudio.engines.diffusers.inputs import load_image
from stripstudio.engines.diffusers.locate import ModelLocator, ModelSource, SourceKind
from stripstudio.engines.diffusers.memory import MemoryOptions, on_device, place_module
from stripstudio.engines.diffusers.regions import region_masks
from stripstudio.generation.errors import InvalidRequest, ModelNotFound
from stripstudio.generation.request import GenerationRequest

# The SDXL IP-Adapters of h94/IP-Adapter and the ViT-H image encoder they were trained with.
DEFAULT_ADAPTERS = {
    "face": "h94/IP-Adapter:sdxl_models/ip-adapter-plus-face_sdxl_vit-h.safetensors",
    "face_and_clothes": "h94/IP-Adapter:sdxl_models/ip-adapter-plus_sdxl_vit-h.safetensors",
}
DEFAULT_IMAGE_ENCODER = "h94/IP-Adapter:models/image_encoder"
TINY_ADAPTERS = {"face": TINY_IP_ADAPTER_FACE_ID, "face_and_clothes": TINY_IP_ADAPTER_ID}
EMBEDDING_CACHE_SIZE = 256
ADAPTER_CACHE_SIZE = 4  # adapter files kept read, so a panel after panel does not read them again


@dataclass(frozen=True)
class AdapterPlan:
    """One adapter of a request: its file, encoder, scale, pictures and (optional) mask."""

    adapter: str
    image_encoder: str
    scale: float
    images: tuple[str, ...]
    field: str
    region: int | None


def adapter_plans(request: GenerationRequest, random_model: bool) -> list[AdapterPlan]:
    """The adapters ``request`` asks for; the built-in model gets the built-in tiny adapters by default."""
    plans = []
    for index, spec in enumerate(request.reference_images):
        default = TINY_ADAPTERS[spec.focus] if random_model else DEFAULT_ADAPTERS[spec.focus]
        encoder = TINY_IMAGE_ENCODER_ID if random_model else DEFAULT_IMAGE_ENCODER
        plans.append(
            AdapterPlan(
                adapter=spec.adapter or default,
                image_encoder=spec.image_encoder or encoder,
                scale=spec.strength,
                images=spec.images,
                field=f"reference_images[{index}]",
                region=spec.region,
            )
        )
    return plans


class IdentityAdapters:
    """Loads IP-Adapters and image encoders, and remembers the embeddings of reference pictures."""

    def __init__(
        self, locator: ModelLocator, device: torch.device, dtype: torch.dtype, memory: MemoryOptions | None = None
    ):
        self.locator = locator
        self.device = device
        self.dtype = dtype
        self.memory = memory or MemoryOptions()  # offloading: the image encoder waits on the CPU
        self._encoders: dict[str, tuple[Any, Any]] = {}
        self._states: OrderedDict[tuple[str, int], dict[str, dict[str, torch.Tensor]]] = OrderedDict()
        self._embeddings: OrderedDict[tuple, tuple[torch.Tensor, torch.Tensor]] = OrderedDict()
        self.encoded = 0  # pictures run through an image encoder (not served from the cache)

    @contextlib.contextmanager
    def applied(self, pipe, request: GenerationRequest, random_model: bool) -> Iterator[dict[str, Any]]:
        """Load the request's adapters onto ``pipe`` and yield the pipeline arguments that feed them."""
        plans = adapter_plans(request, random_model)
        if not plans:
            yield {}
            return
        states = [self._adapter_state(plan, pipe.unet) for plan in plans]
        if self.memory.attention_slicing:  # the adapter's processors replace the sliced ones while it is loaded
            pipe.disable_attention_slicing()
        pipe.load_ip_adapter(
            states, subfolder=[""] * len(states), weight_name=[""] * len(states), image_encoder_folder=None
        )
        try:
            pipe.set_ip_adapter_scale([plan.scale for plan in plans])
            plus = ["latents" in state["image_proj"] for state in states]
            embeds = [self._embeds(plan, hidden) for plan, hidden in zip(plans, plus, strict=True)]
            arguments: dict[str, Any] = {"ip_adapter_image_embeds": embeds}
            masks = _masks(request, plans)
            if masks is not None:
                arguments["cross_attention_kwargs"] = {"ip_adapter_masks": masks}
            yield arguments
        finally:
            pipe.unload_ip_adapter()
            if self.memory.attention_slicing:
                pipe.enable_attention_slicing()

    # -- adapters -----------------------------------------------------------------------------

    def _adapter_state(self, plan: AdapterPlan, unet) -> dict[str, dict[str, torch.Tensor]]:
        source = self._locate(self.locator.ip_adapter, plan.adapter, f"{plan.field}.adapter")
        if source.kind is SourceKind.BUILTIN:
            seed = 1 if source.location == TINY_IP_ADAPTER_FACE_ID else 0
            return tiny.tiny_ip_adapter_state(unet, seed=seed)
        path = self._file(source, plan.adapter)
        key = (path, Path(path).stat().st_mtime_ns)
        if key not in self._states:
            self._states[key] = self._read_state(path, plan)
            while len(self._states) > ADAPTER_CACHE_SIZE:
                self._states.popitem(last=False)
        self._states.move_to_end(key)
        return self._states[key]

    @staticmethod
    def _read_state(path: str, plan: AdapterPlan) -> dict[str, dict[str, torch.Tensor]]:
        from safetensors.torch import load_file

        state = load_file(path)
        split: dict[str, dict[str, torch.Tensor]] = {"image_proj": {}, "ip_adapter": {}}
        for key, tensor in state.items():
            part, _, rest = key.partition(".")
            if part not in split:
                raise InvalidRequest(
                    f"{plan.adapter!r} is not an IP-Adapter file (tensor {key!r}): use an ip-adapter*.safetensors",
                    field=f"{plan.field}.adapter",
                )
            split[part][rest] = tensor
        return split

    def _file(self, source: ModelSource, reference: str) -> str:
        if source.kind is not SourceKind.HUB:
            return source.location
        from huggingface_hub import hf_hub_download

        repo, _, path = source.location.partition(":")
        try:
            return hf_hub_download(repo, path, local_files_only=self.locator.offline)
        except Exception as error:  # offline cache miss or download failure: one sentence for the user
            raise ModelNotFound(_hub_message("IP-Adapter", reference, self.locator.offline, error)) from error

    # -- image embeddings -----------------------------------------------------------------------

    def _embeds(self, plan: AdapterPlan, hidden: bool) -> torch.Tensor:
        """(uncond, cond) embeddings of the plan's pictures: shape (2, pictures, …) as pipelines take them."""
        encoder, processor = self._encoder(plan)
        pairs = [
            self._embedding(path, f"{plan.field}.images[{i}]", plan, encoder, processor, hidden)
            for i, path in enumerate(plan.images)
        ]
        negative = torch.stack([pair[0] for pair in pairs])
        positive = torch.stack([pair[1] for pair in pairs])
        return torch.stack([negative, positive]).to(self.device, self.dtype)

    def _embedding(self, path: str, field: str, plan: AdapterPlan, encoder, processor, hidden: bool):
        picture = load_image(path, field)
        key = (hashlib.sha256(picture.tobytes() + str(picture.size).encode()).hexdigest(), plan.image_encoder, hidden)
        if key in self._embeddings:
            self._embeddings.move_to_end(key)
            return self._embeddings[key]
        pixels = processor(images=[picture], return_tensors="pt").pixel_values.to(self.device, encoder.dtype)
        with torch.no_grad(), on_device(encoder, self.device, self.memory):
            if hidden:
                positive = encoder(pixels, output_hidden_states=True).hidden_states[-2][0]
                negative = encoder(torch.zeros_like(pixels), output_hidden_states=True).hidden_states[-2][0]
            else:
                positive = encoder(pixels).image_embeds[0]
                negative = torch.zeros_like(positive)
        self.encoded += 1
        self._embeddings[key] = (negative.float().cpu(), positive.float().cpu())
        while len(self._embeddings) > EMBEDDING_CACHE_SIZE:
            self._embeddings.popitem(last=False)
        return self._embeddings[key]

    def _encoder(self, plan: AdapterPlan):
        if plan.image_encoder not in self._encoders:
            source = self._locate(self.locator.image_encoder, plan.image_encoder, f"{plan.field}.image_encoder")
            self._encoders[plan.image_encoder] = self._load_encoder(source, plan.image_encoder)
        return self._encoders[plan.image_encoder]

    def _load_encoder(self, source: ModelSource, reference: str):
        if source.kind is SourceKind.BUILTIN:
            encoder, processor = tiny.build_tiny_image_encoder()
            return place_module(encoder.to(dtype=self.dtype), self.device, self.memory), processor
        from transformers import CLIPImageProcessor, CLIPVisionModelWithProjection

        location, _, subfolder = (
            source.location.partition(":") if source.kind is SourceKind.HUB else (source.location, "", "")
        )
        try:
            encoder = CLIPVisionModelWithProjection.from_pretrained(
                location,
                subfolder=subfolder,
                torch_dtype=self.dtype,
                local_files_only=self.locator.offline or source.kind is not SourceKind.HUB,
            )
        except OSError as error:
            raise ModelNotFound(_hub_message("image encoder", reference, self.locator.offline, error)) from error
        return place_module(encoder, self.device, self.memory).eval(), CLIPImageProcessor()

    @staticmethod
    def _locate(find, reference: str, field: str) -> ModelSource:
        try:
            return find(reference)
        except InvalidRequest as error:
            raise InvalidRequest(str(error), field=field) from error
        except ModelNotFound as error:
            raise ModelNotFound(f"{field}: {error}") from error


def _masks(request: GenerationRequest, plans: list[AdapterPlan]) -> list[torch.Tensor] | None:
    """Per adapter, one mask per picture (1, pictures, height, width): its region's, or the whole picture."""
    if all(plan.region is None for plan in plans):
        return None
    height, width = request.height, request.width
    regions = region_masks(request.regions, width, height) if request.regions else None
    masks = []
    for plan in plans:
        whole = plan.region is None or regions is None
        mask = torch.ones(height // 8, width // 8) if whole else regions[plan.region]  # type: ignore[index]
        masks.append(mask.expand(1, len(plan.images), *mask.shape).clone())
    return masks


def _hub_message(what: str, reference: str, offline: bool, error: Exception) -> str:
    how = "it is not in the local hub cache" if offline else f"the download failed ({error})"
    return (
        f"{what} {reference!r} could not be loaded: {how}; download it once with a connection, or put the file "
        "in the model folders and give its name"
    )
