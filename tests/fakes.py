"""A scriptable fake engine for testing the layers above the engines (production, CLI)."""

from __future__ import annotations

from PIL import Image

from stripstudio.generation import (
    EngineCapabilities,
    EventKind,
    GeneratedImage,
    JobEvent,
    Task,
    refuse_unless_honoured,
)
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.metadata import a1111_parameters


class FakeEngine:
    """Draws a flat colour per seed; can be told to fail on a given prompt. Records every request.

    Like a real engine it refuses what its capabilities (by default: everything the built-in engines
    honour) do not cover.
    """

    name = "fake"

    def __init__(
        self,
        fail_on_prompt: str | None = None,
        error: Exception | None = None,
        capabilities: EngineCapabilities | None = None,
    ):
        self.requests = []
        self.fail_on_prompt = fail_on_prompt
        self.error = error or RuntimeError("boom")
        self._capabilities = capabilities or EngineCapabilities(
            name=self.name,
            tasks=list(Task),
            control_kinds=["sketch", "scribble", "canny", "depth", "openpose", "lineart"],
            samplers=["euler", "dpmpp_2m"],
            schedulers=["normal", "karras"],
            features=["loras", "vae", "model_config", "previews", "reference_images", "regions"],
        )

    def capabilities(self) -> EngineCapabilities:
        return self._capabilities

    def run(self, request, on_event, cancel=None):
        refuse_unless_honoured(request, self._capabilities)
        self.requests.append(request)
        on_event(JobEvent(kind=EventKind.STARTED, total=request.num_images))
        if self.fail_on_prompt and self.fail_on_prompt in request.prompt:
            raise self.error
        images = []
        for index in range(request.num_images):
            if cancel is not None and cancel.is_set():
                raise JobCancelled("cancelled by the user")
            on_event(JobEvent.progress(index + 1, request.num_images, index))
            single = request.for_candidate(index)
            colour = (single.seed * 37 % 256, single.seed * 91 % 256, single.seed * 13 % 256)
            image = GeneratedImage(
                image=Image.new("RGB", (request.width, request.height), colour),
                request=single,
                index=index,
                parameters=a1111_parameters(single, model_name="fake"),
            )
            on_event(JobEvent(kind=EventKind.IMAGE, candidate=index, image=image))
            images.append(image)
        return images
