"""The candidate loop shared by every task: one image per seed (seed, seed+1, …), drawn in batches."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from PIL import Image

from stripstudio.engines.diffusers.batching import BatchSizer, batches
from stripstudio.engines.diffusers.embeddings import PromptEmbeddings, encode_prompts
from stripstudio.engines.diffusers.identity import IdentityAdapters
from stripstudio.engines.diffusers.models import LoadedModel, ModelLoader
from stripstudio.engines.diffusers.progress import StepReporter, check_cancel
from stripstudio.engines.diffusers.regions import regional_embeddings, regions_applied
from stripstudio.engines.diffusers.schedulers import make_scheduler
from stripstudio.generation.engine import CancelSignal, EventSink
from stripstudio.generation.errors import InvalidRequest
from stripstudio.generation.request import GenerationRequest, ModelRef


@dataclass
class TaskContext:
    """What a task module needs besides the request: the loaded model and the event plumbing."""

    model: LoadedModel
    loader: ModelLoader
    on_event: EventSink
    cancel: CancelSignal | None
    on_image: Callable[[int, Image.Image], None]
    identity: IdentityAdapters | None = None
    load_model: Callable[[ModelRef], LoadedModel] | None = None  # a second checkpoint (the refiner)
    sizer: BatchSizer = field(default_factory=lambda: BatchSizer(torch.device("cpu"), torch.float32))

    def batches(self, request: GenerationRequest, width: int, height: int) -> list[tuple[int, ...]]:
        """The request's candidates in runs that fit in memory (images of ``width`` x ``height``)."""
        return batches(range(request.num_images), self.sizer.size_for(width, height, request.sampler))

    def embeddings(self, pipe, request: GenerationRequest) -> PromptEmbeddings:
        """Weighted prompt embeddings for ``pipe`` (LoRAs on the text encoders included)."""
        device = getattr(pipe, "_execution_device", self.model.device)
        return encode_prompts(
            pipe, request.prompt, request.negative_prompt, device, self.model.dtype, request.clip_skip
        )

    @contextlib.contextmanager
    def conditioning(self, pipe, request: GenerationRequest) -> Iterator[dict[str, torch.Tensor]]:
        """The conditioning as pipeline arguments: prompt embeddings (regional where the request has
        regions) and identity adapters' image embeddings, with their processors in place while in use."""
        with contextlib.ExitStack() as stack:
            adapters: dict = {}
            if request.reference_images:
                if self.identity is None:
                    raise InvalidRequest("this engine has no identity adapters", field="reference_images")
                adapters = stack.enter_context(self.identity.applied(pipe, request, self.model.is_random))
            if not request.regions:
                yield {**self.embeddings(pipe, request).as_kwargs(), **adapters}
                return
            device = getattr(pipe, "_execution_device", self.model.device)
            embeddings, layout = regional_embeddings(
                pipe, request, device, self.model.dtype, request.width, request.height
            )
            stack.enter_context(regions_applied(pipe, layout))
            yield {**embeddings.as_kwargs(), **adapters}


def sample_candidates(
    context: TaskContext,
    pipe,
    request: GenerationRequest,
    call_kwargs: dict,
    *,
    finish: Callable[[Image.Image], Image.Image] | None = None,
    legacy_callback: bool = False,
) -> list[Image.Image]:
    """Draw the candidates in batched runs, each candidate with its own seed, and return the images in order.

    Candidate ``k`` starts from the noise of seed ``seed + k``, whatever batch it is drawn in, so a
    one-image request with that seed redraws it (to within the numerics of batching: see
    docs/performance.md). Progress is reported per step; cancel stops within one step.
    ``finish`` post-processes each image before it is handed to ``context.on_image``.
    """
    reporter = StepReporter(context.on_event, context.cancel, request.num_images, request.previews)
    reporter.steps_per_candidate = request.num_inference_steps
    base_scheduler_config = dict(pipe.scheduler.config)
    width, height = call_kwargs.get("width", request.width), call_kwargs.get("height", request.height)
    images = []
    with context.conditioning(pipe, request) as embeddings:
        for batch in context.batches(request, width, height):
            drawn = draw_batch(
                pipe, request, {**embeddings, **call_kwargs}, batch, reporter, base_scheduler_config, legacy_callback
            )
            for index, image in zip(batch, drawn, strict=True):
                image = finish(image) if finish else image
                context.on_image(index, image)
                images.append(image)
    return images


def candidate_generator(request: GenerationRequest, candidate: int) -> torch.Generator:
    """Candidate ``candidate``'s own CPU generator, seeded with seed + k: its noise does not depend on the batch."""
    return torch.Generator("cpu").manual_seed((request.seed + candidate) % 2**32)


def run_scheduler(request: GenerationRequest, first_candidate: int, base_scheduler_config: dict):
    """The scheduler of a run whose first image is candidate ``first_candidate``: a sampler whose noise has
    one seed per run (dpmpp_sde) draws one candidate a run, from that candidate's seed (seed + k)."""
    seed = (request.seed + first_candidate) % 2**32
    return make_scheduler(request.sampler, request.scheduler, base_scheduler_config, seed=seed)


def draw_batch(
    pipe,
    request: GenerationRequest,
    call_kwargs: dict,
    candidates: tuple[int, ...],
    reporter: StepReporter,
    base_scheduler_config: dict,
    legacy_callback: bool = False,
) -> list:
    """One sampling run of ``pipe`` drawing ``candidates`` at once, each from its own seed (seed + k).

    The conditioning in ``call_kwargs`` is the request's (one prompt): the pipeline repeats it
    for every candidate. Returns one image (or, for ``output_type="latent"``, one latent) per candidate.
    """
    check_cancel(reporter.cancel)
    pipe.scheduler = run_scheduler(request, candidates[0], base_scheduler_config)
    hooks = (
        {"callback": reporter.legacy_callback, "callback_steps": 1}
        if legacy_callback
        else {"callback_on_step_end": reporter.on_step_end}
    )
    if "mask_image" in call_kwargs and isinstance(call_kwargs.get("image"), Image.Image):
        # The inpaint pipeline encodes one init image with the first generator only: one copy per candidate
        # lets each candidate's encoding draw from its own generator, as it does when drawn alone.
        call_kwargs = {**call_kwargs, "image": [call_kwargs["image"]] * len(candidates)}
    reporter.start_run(candidates)
    result = pipe(
        **call_kwargs,
        num_inference_steps=request.num_inference_steps,
        guidance_scale=request.guidance_scale,
        num_images_per_prompt=len(candidates),
        generator=[candidate_generator(request, k) for k in candidates],
        **hooks,
    )
    reporter.end_run()
    return list(result.images)
