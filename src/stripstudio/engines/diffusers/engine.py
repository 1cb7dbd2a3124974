"""The in-process SDXL engine on diffusers: the studio's default engine."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PIL import Image

from stripstudio.engines.diffusers.acceleration import check_quantization, resolve_plan
from stripstudio.engines.diffusers.batching import BatchSizer
from stripstudio.engines.diffusers.face_detail import run_face_detail
from stripstudio.engines.diffusers.family_checks import family_problems, missing_lora_problems
from stripstudio.engines.diffusers.identity import IdentityAdapters
from stripstudio.engines.diffusers.image_to_image import run_image_to_image
from stripstudio.engines.diffusers.inpaint import run_inpaint
from stripstudio.engines.diffusers.locate import ModelLocator
from stripstudio.engines.diffusers.lora import ResolvedLora, loras_in
from stripstudio.engines.diffusers.memory import gpu_total_memory, memory_options
from stripstudio.engines.diffusers.models import ADAPTER_KINDS, DEFAULT_CONTROL_MODELS, ModelCache, ModelLoader
from stripstudio.engines.diffusers.outpaint import run_outpaint
from stripstudio.engines.diffusers.runtime import denormals_flushed, pick_device, pick_dtype
from stripstudio.engines.diffusers.sampling import TaskContext
from stripstudio.engines.diffusers.schedulers import SAMPLER_NAMES, SCHEDULER_NAMES
from stripstudio.engines.diffusers.sketch import run_sketch_to_image
from stripstudio.engines.diffusers.text_to_image import run_text_to_image
from stripstudio.engines.diffusers.tiny import TINY_MODEL_ID, TINY_MODEL_NOTE
from stripstudio.engines.diffusers.warmup import WarmUp
from stripstudio.generation.batching import BatchJob, BatchOutcome
from stripstudio.generation.capabilities import EngineCapabilities, refuse_unless_honoured
from stripstudio.generation.engine import CancelSignal, EventSink
from stripstudio.generation.errors import FieldProblem, InvalidRequest, ModelNotFound
from stripstudio.generation.events import EventKind, JobEvent
from stripstudio.generation.images import GeneratedImage
from stripstudio.generation.loras import lora_field, request_loras
from stripstudio.generation.metadata import a1111_parameters
from stripstudio.generation.request import GenerationRequest, LoraSpec, Task
from stripstudio.settings import StudioSettings

_TASKS = {
    Task.TEXT_TO_IMAGE: run_text_to_image,
    Task.IMAGE_TO_IMAGE: run_image_to_image,
    Task.INPAINT: run_inpaint,
    Task.OUTPAINT: run_outpaint,
    Task.SKETCH_TO_IMAGE: run_sketch_to_image,
    Task.FACE_DETAIL: run_face_detail,
}


class DiffusersEngine:
    """Runs SDXL in this process with diffusers: text, image, inpaint, outpaint, sketch and face detail tasks.

    Pipelines stay loaded between requests (``model_cache_size`` models); one request runs at a
    time. Built from the studio settings: device, dtype, memory mode (offload, VAE tiling/slicing),
    acceleration (the CUDA fast path, see :mod:`.acceleration`), model folders.
    """

    name = "diffusers"

    def __init__(self, settings: StudioSettings | None = None):
        settings = settings or StudioSettings()
        self.device = pick_device(settings.device)
        self.dtype = pick_dtype(settings.dtype, self.device)
        self.locator = ModelLocator(settings.model_search_dirs(), offline=settings.offline)
        self.memory = memory_options(
            settings.memory_mode,
            gpu_total_memory(self.device),
            cpu_offload=settings.cpu_offload,
            vae_tiling=settings.vae_tiling,
            vae_slicing=settings.vae_slicing,
        )
        self.acceleration = resolve_plan(settings.accelerate, self.device, self.memory, settings.quantize)
        check_quantization(self.acceleration.quantize)  # refuse at start, not at the first job
        self.loader = ModelLoader(
            self.locator,
            self.device,
            self.dtype,
            self.memory,
            self.acceleration,
            fp16_vae=settings.fp16_vae,
        )
        self.cache = ModelCache(self.loader, settings.model_cache_size)
        self.identity = IdentityAdapters(self.locator, self.device, self.dtype, self.memory)
        self.sizer = BatchSizer(self.device, self.dtype, settings.batch_size)
        self._lock = threading.Lock()
        self.warmup = WarmUp(self, settings)

    def capabilities(self) -> EngineCapabilities:
        """Tasks, control kinds, samplers and schedules this engine serves."""
        return EngineCapabilities(
            name=self.name,
            tasks=list(_TASKS),
            control_kinds=list(DEFAULT_CONTROL_MODELS),
            max_controls=1,
            first_step_control_kinds=sorted(ADAPTER_KINDS),
            samplers=list(SAMPLER_NAMES),
            schedulers=list(SCHEDULER_NAMES),
            features=["loras", "vae", "model_config", "previews", "reference_images", "regions", "refiner"],
            models=[TINY_MODEL_ID],
            notes=[
                TINY_MODEL_NOTE,
                f"runs on {self.device.type} in {str(self.dtype).removeprefix('torch.')}, memory mode "
                f"{self.memory.mode}, acceleration {self.acceleration.mode}",
            ],
        )

    def request_problems(self, request: GenerationRequest) -> list[FieldProblem]:
        """LoRAs that are not installed, and files whose model family does not fit the checkpoint's
        (an SD 1.x LoRA on SDXL, …), all at once."""
        return missing_lora_problems(self.locator, request) + family_problems(self.locator, request)

    def run(
        self, request: GenerationRequest, on_event: EventSink, cancel: CancelSignal | None = None
    ) -> list[GeneratedImage]:
        """Draw the request's candidates, emitting STARTED, PROGRESS, PREVIEW and IMAGE events.

        LoRAs are those of ``request.loras`` and the ``<lora:…>`` tags left in the prompt.
        """
        loras = self.checked_loras(request)
        with self._lock, denormals_flushed(self.device):
            model = self.cache.get(request.model)
            note = TINY_MODEL_NOTE if model.is_random else ""
            on_event(JobEvent(kind=EventKind.STARTED, message=note, total=request.num_images))
            results: list[GeneratedImage] = []

            def deliver(index: int, image: Image.Image) -> None:
                result = self.generated(request, index, image, model.source.display_name)
                results.append(result)
                on_event(JobEvent(kind=EventKind.IMAGE, candidate=index, image=result, data={"seed": result.seed}))

            context = TaskContext(
                model=model,
                loader=self.loader,
                on_event=on_event,
                cancel=cancel,
                on_image=deliver,
                identity=self.identity,
                load_model=self.cache.get,
                sizer=self.sizer,
            )
            with loras_in(model.base, loras, merged=model.acceleration.merge_loras):
                _TASKS[request.task](context, request)
        return results

    def run_batch(self, jobs: Sequence[BatchJob]) -> list[BatchOutcome]:
        """Draw several requests (each with its own events and cancel) in shared batches where their
        :func:`~stripstudio.generation.batching.batch_key` agrees; see :mod:`.batch_run`."""
        from stripstudio.engines.diffusers.batch_run import run_batch

        return run_batch(self, jobs)

    def checked_loras(self, request: GenerationRequest) -> list[ResolvedLora]:
        """Refuse what this engine cannot honour (capabilities, missing LoRAs, model families), then
        the request's LoRAs with their files."""
        refuse_unless_honoured(request, self.capabilities())
        missing = missing_lora_problems(self.locator, request)
        if missing:  # one sentence per LoRA: what is missing and where to put it
            raise ModelNotFound("; ".join(problem.message for problem in missing))
        mismatches = family_problems(self.locator, request)
        if mismatches:
            raise InvalidRequest.from_problems(mismatches)
        return [self._resolve_lora(request, lora) for lora in request_loras(request)]

    def warm_up(self, sizes: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
        """Draw once at each size so that the first jobs find their kernels compiled (compile mode
        only); returns the sizes drawn. Called when a worker starts."""
        return self.warmup.run(sizes)

    def _resolve_lora(self, request: GenerationRequest, lora: LoraSpec) -> ResolvedLora:
        try:
            path = self.locator.lora(lora.name)
        except InvalidRequest as error:
            raise InvalidRequest(str(error), field=lora_field(request, lora)) from error
        return ResolvedLora(lora.name, path, lora.strength_model, lora.strength_clip)

    @staticmethod
    def generated(request: GenerationRequest, index: int, image: Image.Image, model_name: str) -> GeneratedImage:
        """Candidate ``index`` of ``request`` with the one-image request that redraws it and its parameters."""
        single = request.for_candidate(index)
        return GeneratedImage(
            image=image,
            request=single,
            index=index,
            parameters=a1111_parameters(single, model_name=model_name),
        )
