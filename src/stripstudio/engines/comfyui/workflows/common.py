"""Pieces every workflow shares: checkpoint, LoRA chain, prompts, one sampler per candidate, save.

Each candidate gets its own KSampler with seed + k (and its own SaveImage), so candidate k is
the image a one-candidate request with that seed draws, as on the diffusers engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stripstudio.engines.comfyui.graph import Graph, Node, Output
from stripstudio.engines.comfyui.identity import apply_identity, region_mask
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest, LoraSpec, Region
from stripstudio.prompting import to_comfyui


@dataclass(frozen=True)
class ServerNames:
    """The server-side names of what a request refers to (checkpoint, LoRA, control files, uploads)."""

    checkpoint: str
    vae: str | None = None
    loras: tuple[LoraSpec, ...] = ()
    control_models: tuple[str, ...] = ()
    images: dict[str, str] = field(default_factory=dict)
    face_detector: str = "bbox/face_yolov8m.pt"
    sam_model: str = "sam_vit_b_01ec64.pth"
    adapters: tuple[tuple[str, str], ...] = ()  # (IP-Adapter file, image encoder file) per reference spec
    refiner: str | None = None  # the SDXL refiner checkpoint, when the request has one
    region_loras: tuple[tuple[LoraSpec, ...], ...] = ()  # per region, its LoRAs' server names

    def image(self, path: str) -> str:
        """The uploaded name of the local image ``path``."""
        return self.images[path]


@dataclass(frozen=True)
class WorkflowOptions:
    """How graphs are built: SDXL text encoding (CLIPTextEncodeSDXL) or plain CLIPTextEncode."""

    sdxl_text_encode: bool = True
    filename_prefix: str = "stripstudio/image"


@dataclass(frozen=True)
class BuiltWorkflow:
    """A graph and, per candidate, the node ids of its sampler and of its SaveImage."""

    graph: Graph
    samplers: tuple[str, ...]
    outputs: tuple[str, ...]


class WorkflowBuilder:
    """Adds the shared parts of a workflow to a graph for one request."""

    def __init__(self, request: GenerationRequest, names: ServerNames, options: WorkflowOptions):
        self.request = request
        self.names = names
        self.options = options
        self.graph = Graph()
        checkpoint = self.graph.add("CheckpointLoaderSimple", ckpt_name=names.checkpoint)
        self.model, self.clip, self.vae = checkpoint[0], checkpoint[1], checkpoint[2]
        if names.vae:  # a separate VAE replaces the checkpoint's for every encode and decode
            self.vae = self.graph.add("VAELoader", vae_name=names.vae)[0]
        self._chain_loras()
        if request.sampler == "lcm":  # LCM-distilled weights predict with LCM's boundary conditions
            self.model = self.graph.add("ModelSamplingDiscrete", model=self.model, sampling="lcm", zsnr=False).out
        if request.clip_skip > 1:
            if options.sdxl_text_encode:
                raise InvalidRequest(
                    "SDXL always reads its text encoders' penultimate layer: leave clip_skip at 1 (it is for SD 1.x)",
                    field="clip_skip",
                )
            self.clip = self.graph.add("CLIPSetLastLayer", clip=self.clip, stop_at_clip_layer=-request.clip_skip).out
        apply_identity(self)
        self.positive = self._with_regions(self.encode(request.prompt))
        self.negative = self.encode(request.negative_prompt)

    def _chain_loras(self) -> None:
        for lora in self.names.loras:
            loader = self.graph.add(
                "LoraLoader",
                model=self.model,
                clip=self.clip,
                lora_name=lora.name,
                strength_model=lora.strength_model,
                strength_clip=lora.strength_clip,
            )
            self.model, self.clip = loader[0], loader[1]

    def _with_regions(self, base: Output) -> Output:
        """The base conditioning combined with each region's, confined to its box or painted mask."""
        combined = base
        for index, region in enumerate(self.request.regions):
            loras = self.names.region_loras[index] if index < len(self.names.region_loras) else ()
            if loras:
                hooked = self._hooked_region(region, loras)
                combined = self.graph.add("ConditioningCombine", conditioning_1=combined, conditioning_2=hooked).out
                continue
            text = self.encode(region.prompt)
            if region.mask:
                mask = self.graph.add("LoadImageMask", image=self.names.image(region.mask), channel="red")
                area = self.graph.add(
                    "ConditioningSetMask", conditioning=text, mask=mask[0], strength=1.0, set_cond_area="default"
                )
            else:
                x, y, width, height = region.box
                area = self.graph.add(
                    "ConditioningSetAreaPercentage",
                    conditioning=text,
                    width=width,
                    height=height,
                    x=x,
                    y=y,
                    strength=1.0,
                )
            combined = self.graph.add("ConditioningCombine", conditioning_1=combined, conditioning_2=area.out).out
        return combined

    def _hooked_region(self, region: Region, loras: tuple[LoraSpec, ...]) -> Output:
        """A region whose LoRAs act only on its own conditioning and area: ComfyUI's LoRA hooks."""
        hooks: Output | None = None
        for lora in loras:
            extra: dict[str, Any] = {"prev_hooks": hooks} if hooks is not None else {}
            hooks = self.graph.add(
                "CreateHookLora",
                lora_name=lora.name,
                strength_model=lora.strength_model,
                strength_clip=lora.strength_clip,
                **extra,
            ).out
        clip = self.graph.add("SetClipHooks", clip=self.clip, apply_to_conds=True, schedule_clip=False, hooks=hooks).out
        return self.graph.add(
            "ConditioningSetProperties",
            cond_NEW=self.encode(region.prompt, clip=clip),
            strength=1.0,
            set_cond_area="default",
            mask=region_mask(self, region),
            hooks=hooks,
        ).out

    def encode(self, text: str, clip: Output | None = None) -> Output:
        """Conditioning for ``text``, rewritten into ComfyUI's own weight syntax."""
        comfy_text = to_comfyui(text)
        clip = clip or self.clip
        if not self.options.sdxl_text_encode:
            return self.graph.add("CLIPTextEncode", clip=clip, text=comfy_text).out
        width, height = self.request.width, self.request.height
        return self.graph.add(
            "CLIPTextEncodeSDXL",
            clip=clip,
            width=width,
            height=height,
            crop_w=0,
            crop_h=0,
            target_width=width,
            target_height=height,
            text_g=comfy_text,
            text_l=comfy_text,
        ).out

    def load_image(self, path: str) -> Node:
        """A LoadImage of the uploaded copy of ``path``."""
        return self.graph.add("LoadImage", image=self.names.image(path))

    def fitted_image(self, path: str) -> Output:
        """``path`` scaled to cover the request size and centre-cropped (never stretched)."""
        return self.graph.add(
            "ImageScale",
            image=self.load_image(path)[0],
            upscale_method="lanczos",
            width=self.request.width,
            height=self.request.height,
            crop="center",
        ).out

    def sample_candidates(
        self,
        latent: Output,
        denoise: float,
        *,
        positive: Output | None = None,
        negative: Output | None = None,
        finish: Callable[[Output], Output] | None = None,
    ) -> BuiltWorkflow:
        """One KSampler (seed + k) -> VAEDecode -> [finish] -> SaveImage per candidate."""
        samplers, outputs = [], []
        for index in range(self.request.num_images):
            sampler = self.graph.add(
                "KSampler",
                model=self.model,
                seed=(self.request.seed + index) % 2**32,
                steps=self.request.num_inference_steps,
                cfg=self.request.guidance_scale,
                sampler_name=self.request.sampler,
                scheduler=self.request.scheduler,
                positive=positive or self.positive,
                negative=negative or self.negative,
                latent_image=latent,
                denoise=denoise,
            )
            image = self.graph.add("VAEDecode", samples=sampler[0], vae=self.vae).out
            outputs.append(self.save(finish(image) if finish else image, index).id)
            samplers.append(sampler.id)
        return BuiltWorkflow(self.graph, tuple(samplers), tuple(outputs))

    def save(self, image: Output, index: int) -> Node:
        """A SaveImage for candidate ``index``."""
        return self.graph.add("SaveImage", images=image, filename_prefix=f"{self.options.filename_prefix}_c{index + 1}")
