"""Character LoRA training for SDXL on diffusers + peft: :func:`train`.

The loop follows kohya-ss sd-scripts' ``sdxl_train_network.py`` with the thesis' settings: a
LoRA on the UNet's transformer blocks (text encoders optional), AdamW (8-bit on CUDA when
bitsandbytes is there), DDPM noise from the model's own schedule, min-SNR-gamma weighting,
gradient clipping at 1 and ``scale_weight_norms`` after each step. Every ``save_every_n_epochs``
epochs it writes a kohya-format LoRA file and a resume state; called again on the same folder it
goes on from there with the same data order and random streams, so the interrupted run ends
where an uninterrupted one would.
"""

from __future__ import annotations

import gc
import logging
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import torch

from stripstudio.engines.diffusers.locate import ModelLocator
from stripstudio.engines.diffusers.runtime import denormals_flushed, pick_device
from stripstudio.generation.errors import EngineUnavailable
from stripstudio.training import checkpoints
from stripstudio.training.batches import check_images, dataset_items, epoch_batches
from stripstudio.training.buckets import planned_steps
from stripstudio.training.encoding import Encoder
from stripstudio.training.errors import InvalidTraining, TrainingCancelled
from stripstudio.training.kohya_format import kohya_metadata, kohya_state_dict, save_kohya_lora
from stripstudio.training.losses import denoising_loss, noise_scheduler, time_ids
from stripstudio.training.network import TrainingModel, load_training_model
from stripstudio.training.optim import make_lr_schedule, make_optimizer, scale_weight_norms
from stripstudio.training.spec import Dataset, SavedEpoch, TrainingProgress, TrainingSettings

logger = logging.getLogger(__name__)

MAX_GRAD_NORM = 1.0  # sd-scripts' default --max_grad_norm

ProgressSink = Callable[[TrainingProgress], None]
EpochSink = Callable[[SavedEpoch], None]


def train(
    dataset: Dataset,
    settings: TrainingSettings,
    out_dir: Path,
    *,
    on_progress: ProgressSink | None = None,
    on_epoch_saved: EpochSink | None = None,
    should_stop: Callable[[], bool] | None = None,
    should_finish: Callable[[], bool] | None = None,
    device: str | None = None,
    locator: ModelLocator | None = None,
    pipeline: Any | None = None,
) -> list[SavedEpoch]:
    """Train a LoRA of ``dataset`` on ``settings.model`` into ``out_dir``; return every saved epoch.

    ``on_progress`` is called after every optimizer step, ``on_epoch_saved`` after each epoch's
    LoRA file and resume state are on disk. ``should_stop`` is checked before every step: when it
    returns True, :class:`TrainingCancelled` is raised. ``should_finish`` asks to end early and keep what is
    saved: it is checked before every step once an epoch is saved, and when it returns True training ends
    there, without error, returning the epochs saved so far (the steps since the last saved epoch are
    dropped). Asked before any epoch is saved, it is only heard after the first one. If ``out_dir``
    holds the resume state of this dataset and these settings, training continues from it; a finished
    training returns its epochs at once. ``locator`` finds the model (default: the studio's model
    folders); ``pipeline``, an already-built SDXL pipeline, replaces loading ``settings.model``
    (benchmarks, embedding programs); it gets the LoRA adapters, so pass one that is not drawing
    pictures elsewhere.
    """
    out_dir = Path(out_dir)
    _check_setup(dataset, settings)
    expected = checkpoints.fingerprint(dataset, settings)
    checkpoints.remove_leftovers(out_dir)
    state = checkpoints.load_resume_state(out_dir, expected)
    if state is not None and state["epoch"] >= settings.epochs:
        return checkpoints.saved_epochs(state)
    torch_device = pick_device(device or "auto")
    locator = locator or _default_locator()
    forked = [torch_device] if torch_device.type == "cuda" else []
    with denormals_flushed(torch_device), torch.random.fork_rng(devices=forked):
        torch.manual_seed(settings.seed)
        run: _Run | None = None
        try:
            run = _Run.start(dataset, settings, out_dir, torch_device, locator, pipeline, expected)
            if state is not None:
                run.resume(state)
                state = None  # its CPU copies of the weights and optimizer state are no longer needed
            return run.train(on_progress, on_epoch_saved, should_stop, should_finish)
        except torch.OutOfMemoryError as error:
            raise EngineUnavailable(
                "out of memory while training: set memory_profile to 'low', or lower resolution, batch_size "
                "or network_dim"
            ) from error
        finally:
            run = None  # the model goes with the run; then its GPU memory is handed back
            _release_memory(torch_device)


class _Run:
    """One call of :func:`train`: the model, data, optimizer and counters it works with."""

    def __init__(self, dataset, settings, out_dir, model, fingerprint, notes):
        self.dataset: Dataset = dataset
        self.settings: TrainingSettings = settings
        self.out_dir: Path = out_dir
        self.fingerprint = fingerprint
        self.notes: list[str] = notes
        self.model: TrainingModel = model
        self.items, self.characters = dataset_items(dataset, settings.resolution)
        self.encoder = Encoder(self.model, self.items, settings)
        self.scheduler = noise_scheduler(self.model.pipe)
        self.total_steps = planned_steps(dataset, settings.resolution, settings.batch_size, settings.epochs)
        self.optimizer = make_optimizer(self.model, settings, self.notes)
        self.lr_schedule = make_lr_schedule(self.optimizer, settings, self.total_steps)
        fp16 = self.model.autocast_dtype is torch.float16
        self.grad_scaler = torch.amp.GradScaler("cuda") if fp16 else None
        self.generator = torch.Generator().manual_seed(settings.seed)
        self.step = 0
        self.epoch = 0
        self.saved: list[SavedEpoch] = []
        self.started_at = time.time()
        self.output_name = _output_name(dataset.trigger)
        for note in self.notes:
            logger.info("training: %s", note)

    @classmethod
    def start(cls, dataset, settings, out_dir, device, locator, pipeline, fingerprint) -> _Run:
        """Load the model (or take ``pipeline``) and set up a run from step 0."""
        notes: list[str] = []
        model = load_training_model(settings, device, locator, notes, pipeline)
        return cls(dataset, settings, out_dir, model, fingerprint, notes)

    def resume(self, state: dict[str, Any]) -> None:
        """Continue from a saved state: weights, optimizer, schedule, counters and random streams."""
        self.model.load_lora_state(state["lora"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.lr_schedule.load_state_dict(state["lr_schedule"])
        if self.grad_scaler is not None and state.get("grad_scaler"):
            self.grad_scaler.load_state_dict(state["grad_scaler"])
        checkpoints.restore_rng(state["rng"], self.model.device, self.generator)
        self.step, self.epoch = state["step"], state["epoch"]
        self.saved = checkpoints.saved_epochs(state)
        self.started_at = state["started_at"]
        self.notes.append(f"resumed after epoch {self.epoch} at step {self.step} of {self.total_steps}")

    def train(self, on_progress, on_epoch_saved, should_stop, should_finish=None) -> list[SavedEpoch]:
        """Run the remaining epochs; see :func:`train`."""
        session_start, session_steps = time.perf_counter(), 0
        to_save = set(self.settings.saved_epochs())
        for epoch in range(self.epoch + 1, self.settings.epochs + 1):
            batches = epoch_batches(
                self.items, self.characters, self.dataset.repeats, self.settings.batch_size, self.settings.seed, epoch
            )
            for batch in batches:
                if should_stop is not None and should_stop():
                    raise TrainingCancelled(self.step, self.saved[-1].step if self.saved else 0)
                if self.saved and should_finish is not None and should_finish():
                    logger.info("training: finished early after epoch %d at step %d", self.saved[-1].epoch, self.step)
                    return list(self.saved)
                loss = self._step(batch)
                self.step += 1
                session_steps += 1
                if on_progress is not None:
                    on_progress(self._progress(epoch, loss, session_steps, time.perf_counter() - session_start))
            self.epoch = epoch
            if epoch in to_save:
                saved = self._save_epoch(epoch)
                if on_epoch_saved is not None:
                    on_epoch_saved(saved)
        return list(self.saved)

    def _step(self, batch: list[int]) -> float:
        """One optimizer step on ``batch``; returns its loss."""
        model, settings = self.model, self.settings
        latents = self.encoder.latents(batch)
        autocast = (
            torch.autocast(model.device.type, dtype=model.autocast_dtype) if model.autocast_dtype else nullcontext()
        )
        with autocast:
            prompt_embeds, pooled = self.encoder.text(batch)
            items = [self.items[i] for i in batch]
            width, height = items[0].size
            ids = time_ids(
                [(item.image.height, item.image.width) for item in items],
                [item.crop for item in items],
                (height, width),
                model.device,
            )
            conditioning = (prompt_embeds, pooled, ids)  # float32: sizes like 1023 are not exact in bf16
            loss = denoising_loss(
                model.unet, self.scheduler, latents, conditioning, self.generator, settings.min_snr_gamma
            )
        self._backward_and_update(loss)
        if settings.scale_weight_norms is not None:
            scale_weight_norms(model, settings.scale_weight_norms)
        return loss.item()

    def _backward_and_update(self, loss: torch.Tensor) -> None:
        parameters = [p for group in self.optimizer.param_groups for p in group["params"]]
        if self.grad_scaler is not None:
            self.grad_scaler.scale(loss).backward()
            self.grad_scaler.unscale_(self.optimizer)
            torch.nn.utils.clip_grad_norm_(parameters, MAX_GRAD_NORM)
            self.grad_scaler.step(self.optimizer)
            self.grad_scaler.update()
        else:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(parameters, MAX_GRAD_NORM)
            self.optimizer.step()
        self.lr_schedule.step()
        self.optimizer.zero_grad(set_to_none=True)

    def _progress(self, epoch: int, loss: float, session_steps: int, elapsed: float) -> TrainingProgress:
        rate = session_steps / elapsed if elapsed > 0 else 0.0
        device = self.model.device
        return TrainingProgress(
            step=self.step,
            total_steps=self.total_steps,
            epoch=epoch,
            epochs=self.settings.epochs,
            loss=loss,
            steps_per_second=rate,
            eta_seconds=(self.total_steps - self.step) / rate if rate else 0.0,
            gpu_memory_bytes=torch.cuda.max_memory_allocated(device) if device.type == "cuda" else None,
            notes=tuple(self.notes) if session_steps == 1 else (),
        )

    def _save_epoch(self, epoch: int) -> SavedEpoch:
        """Write the epoch's LoRA file, then the resume state that points past it."""
        lora_state = self.model.lora_state()
        path = self.out_dir / f"{self.output_name}-{epoch:06d}.safetensors"
        metadata = kohya_metadata(
            self.dataset,
            self.settings.effective(),  # what the run did: the low profile's overrides included
            model_name=self.model.name,
            output_name=self.output_name,
            epoch=epoch,
            step=self.step,
            total_steps=self.total_steps,
            started_at=self.started_at,
            optimizer=f"{type(self.optimizer).__module__}.{type(self.optimizer).__name__}",
            precision=self.model.precision_name,
        )
        layers = self.model.unet.config.layers_per_block
        save_kohya_lora(path, kohya_state_dict(lora_state, self.settings.network_alpha, layers), metadata)
        saved = SavedEpoch(epoch=epoch, step=self.step, path=path)
        self.saved = [*[s for s in self.saved if s.epoch != epoch], saved]
        checkpoints.save_resume_state(
            self.out_dir,
            {
                "fingerprint": self.fingerprint,
                "lora": lora_state,
                "optimizer": self.optimizer.state_dict(),
                "lr_schedule": self.lr_schedule.state_dict(),
                "grad_scaler": self.grad_scaler.state_dict() if self.grad_scaler else None,
                "rng": checkpoints.capture_rng(self.model.device, self.generator),
                "step": self.step,
                "epoch": epoch,
                "saved": [s.model_dump_json() for s in self.saved],
                "started_at": self.started_at,
            },
        )
        return saved


def _check_setup(dataset: Dataset, settings: TrainingSettings) -> None:
    if settings.memory_profile == "low" and settings.train_text_encoders:
        raise InvalidTraining(
            "the low-memory profile caches the text encoders' outputs and so cannot train them: "
            "turn train_text_encoders off, or use memory_profile 'default'",
            field="train_text_encoders",
        )
    if not dataset.images:
        raise InvalidTraining("the dataset has no images: add 10 to 100 photos of the character", field="images")
    check_images(dataset)


def _release_memory(device: torch.device) -> None:
    """Hand the training's GPU memory back: the worker goes on to draw pictures."""
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def _output_name(trigger: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", trigger).strip("._") or "lora"


def _default_locator() -> ModelLocator:
    from stripstudio.settings import StudioSettings

    studio = StudioSettings()
    return ModelLocator(studio.model_search_dirs(), offline=studio.offline)
