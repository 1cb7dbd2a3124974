"""The SDXL refiner stage on ComfyUI: a KSamplerAdvanced pair, as in ComfyUI's own SDXL example.

The base model's sampler runs steps 0 to ``round(steps * switch)`` and returns its leftover noise;
the refiner's sampler (its own checkpoint and CLIPTextEncodeSDXLRefiner prompts) runs from there
to the end without adding noise: the same hand-off as the diffusers engine's.
"""

from __future__ import annotations

from typing import Any

from stripstudio.engines.comfyui.graph import Output
from stripstudio.engines.comfyui.workflows.common import BuiltWorkflow, WorkflowBuilder
from stripstudio.prompting import to_comfyui

# The refiner's aesthetic-score conditioning: ComfyUI's example values for the two prompts.
POSITIVE_AESTHETIC_SCORE = 6.0
NEGATIVE_AESTHETIC_SCORE = 2.5


def switch_step(steps: int, switch: float) -> int:
    """The step where the refiner takes over (at least one step for each model)."""
    return min(steps - 1, max(1, round(steps * switch)))


def refined_candidates(builder: WorkflowBuilder, latent: Output) -> BuiltWorkflow:
    """Per candidate (seed + k): base KSamplerAdvanced to the switch step, refiner's to the end, decode, save."""
    request, graph = builder.request, builder.graph
    spec, refiner_file = request.refiner, builder.names.refiner
    if spec is None or refiner_file is None:
        raise ValueError("refined_candidates needs a request with a refiner and its server file name")
    refiner = graph.add("CheckpointLoaderSimple", ckpt_name=refiner_file)
    positive = _refiner_text(builder, refiner[1], request.prompt, POSITIVE_AESTHETIC_SCORE)
    negative = _refiner_text(builder, refiner[1], request.negative_prompt, NEGATIVE_AESTHETIC_SCORE)
    handover = switch_step(request.num_inference_steps, spec.switch)
    samplers, outputs = [], []
    for index in range(request.num_images):
        shared: dict[str, Any] = {
            "noise_seed": (request.seed + index) % 2**32,
            "steps": request.num_inference_steps,
            "cfg": request.guidance_scale,
            "sampler_name": request.sampler,
            "scheduler": request.scheduler,
        }
        base = graph.add(
            "KSamplerAdvanced",
            model=builder.model,
            add_noise="enable",
            positive=builder.positive,
            negative=builder.negative,
            latent_image=latent,
            start_at_step=0,
            end_at_step=handover,
            return_with_leftover_noise="enable",
            **shared,
        )
        finished = graph.add(
            "KSamplerAdvanced",
            model=refiner[0],
            add_noise="disable",
            positive=positive,
            negative=negative,
            latent_image=base[0],
            start_at_step=handover,
            end_at_step=10000,
            return_with_leftover_noise="disable",
            **shared,
        )
        image = graph.add("VAEDecode", samples=finished[0], vae=refiner[2]).out
        outputs.append(builder.save(image, index).id)
        samplers.append(base.id)
    return BuiltWorkflow(graph, tuple(samplers), tuple(outputs))


def _refiner_text(builder: WorkflowBuilder, clip: Output, text: str, score: float) -> Output:
    request = builder.request
    return builder.graph.add(
        "CLIPTextEncodeSDXLRefiner",
        clip=clip,
        ascore=score,
        width=request.width,
        height=request.height,
        text=to_comfyui(text),
    ).out
