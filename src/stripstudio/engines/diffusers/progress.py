"""Per-step progress, previews and cancellation, hooked into the diffusers denoising loop."""

from __future__ import annotations

import io

import torch
from PIL import Image

from stripstudio.generation.engine import CancelSignal, EventSink
from stripstudio.generation.errors import JobCancelled
from stripstudio.generation.events import EventKind, JobEvent

# Linear map from SDXL latents to RGB (ComfyUI's latent preview factors): a cheap preview
# without running the VAE.
_SDXL_LATENT_RGB = torch.tensor(
    [
        [0.3651, 0.4232, 0.4341],
        [-0.2533, -0.0042, 0.1068],
        [0.1076, 0.1111, -0.0362],
        [-0.3165, -0.2492, -0.2188],
    ]
)
_SDXL_LATENT_RGB_BIAS = torch.tensor([0.1084, -0.0175, -0.0011])
PREVIEW_EVERY = 4


def latent_preview(latents: torch.Tensor) -> Image.Image:
    """A small RGB picture of the first latent in the batch."""
    rgb = torch.einsum("chw,cr->hwr", latents[0].float().cpu(), _SDXL_LATENT_RGB) + _SDXL_LATENT_RGB_BIAS
    pixels = ((rgb.clamp(-1, 1) + 1) * 127.5).to(torch.uint8).numpy()
    return Image.fromarray(pixels, mode="RGB")


def check_cancel(cancel: CancelSignal | None) -> None:
    """Raise JobCancelled if ``cancel`` is set."""
    if cancel is not None and cancel.is_set():
        raise JobCancelled("cancelled by the user")


class StepReporter:
    """Turns pipeline step callbacks into PROGRESS/PREVIEW events and stops the loop on cancel.

    Steps are counted over all candidates: a job of ``n`` candidates drawn in ``parts`` sampling
    runs each (one per face for face detail, two with the refiner) reports its progress as the
    share of those ``n * parts`` candidate-runs done, in units of ``s`` steps per run. A run may
    draw several candidates at once (``batch``, their indices in batch order): each step advances
    all of them, and previews come for every candidate of the batch.
    """

    def __init__(self, on_event: EventSink, cancel: CancelSignal | None, candidates: int, previews: bool):
        self.on_event = on_event
        self.cancel = cancel
        self.candidates = candidates
        self.previews = previews
        self.batch: tuple[int, ...] = (0,)
        self.parts = 1
        self.runs_done = 0  # candidate-runs finished before the current batch
        self.steps_per_candidate = 1

    @property
    def candidate(self) -> int:
        """The first candidate of the batch being drawn."""
        return self.batch[0]

    def start_run(self, batch: tuple[int, ...]) -> None:
        """A sampling run of the candidates ``batch`` begins."""
        self.batch = batch

    def end_run(self) -> None:
        """The current run has finished all its steps."""
        self.runs_done += len(self.batch)

    def on_step_end(self, pipe, step_index: int, timestep, callback_kwargs: dict) -> dict:
        """``callback_on_step_end`` for current diffusers pipelines."""
        self._step(step_index, pipe.num_timesteps, callback_kwargs.get("latents"))
        return callback_kwargs

    def legacy_callback(self, step_index: int, timestep, latents: torch.Tensor) -> None:
        """``callback`` for pipelines that only have the older hook (T2I-Adapter)."""
        self._step(step_index, self.steps_per_candidate, latents)

    def _step(self, step_index: int, steps: int, latents: torch.Tensor | None) -> None:
        self.report(step_index, steps, latents)
        check_cancel(self.cancel)

    def report(self, step_index: int, steps: int, latents: torch.Tensor | None) -> None:
        """Send the progress after step ``step_index`` of ``steps``, and previews of ``latents`` (one row per
        candidate of the batch, in its order) every few steps."""
        done = step_index + 1
        total = steps * self.candidates * self.parts
        batch = {"batch": list(self.batch)} if len(self.batch) > 1 else {}
        step = self.runs_done * steps + done * len(self.batch)
        self.on_event(JobEvent.progress(step, total, self.candidate, data=batch))
        if self.previews and latents is not None and (done % PREVIEW_EVERY == 0 or done == steps):
            for row, candidate in enumerate(self.batch[: latents.shape[0]]):
                preview = _png(latent_preview(latents[row : row + 1]))
                self.on_event(JobEvent(kind=EventKind.PREVIEW, candidate=candidate, preview=preview))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
