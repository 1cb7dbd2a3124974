"""The types the training modules, the job runner, the CLI and the studio share.

A *dataset* is a folder of prepared images with one caption each (kohya's layout:
``img/<repeats>_<trigger> <class>/NAME.png`` + ``NAME.txt``); ``TrainingSettings`` holds every
training choice with the defaults the design settled on (the thesis' best run); ``TrainingProgress``
is what a running training reports after each step; ``SavedEpoch`` is one LoRA file written at the
end of a saved epoch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

MixedPrecision = Literal["no", "fp16", "bf16"]
MemoryProfile = Literal["default", "low"]


class DatasetImage(BaseModel):
    """One prepared training image and its caption. ``flags`` lists what preparation noticed
    (``small``: under 512 px; ``duplicate-of:NAME``: a near-duplicate of another image)."""

    model_config = ConfigDict(frozen=True)
    path: Path
    caption: str
    width: int = Field(gt=0)
    height: int = Field(gt=0)
    flags: tuple[str, ...] = ()


class Dataset(BaseModel):
    """A prepared dataset: the character's images (each seen ``repeats`` times an epoch) and optional
    regularisation images of the class (seen once per character image step, kohya's rule)."""

    model_config = ConfigDict(frozen=True)
    trigger: str = Field(min_length=1, description="The word that calls the character, e.g. 'rc_test'.")
    class_word: str = Field(min_length=1, description="What the character is, e.g. 'man'.")
    repeats: int = Field(20, ge=1, le=1000)
    images: tuple[DatasetImage, ...]
    regularisation: tuple[DatasetImage, ...] = ()

    @property
    def steps_per_epoch_images(self) -> int:
        """Images seen per epoch: character images × repeats, doubled when regularisation images exist."""
        seen = len(self.images) * self.repeats
        return seen * 2 if self.regularisation else seen


class TrainingSettings(BaseModel):
    """Every training choice, defaulting to the thesis' best character LoRA (kohya sd-scripts settings)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    model: str = Field(
        min_length=1,
        max_length=1000,
        description="The checkpoint to train on: a model id, a .safetensors file or a diffusers folder.",
    )
    model_config_dir: str | None = Field(
        None,
        max_length=1000,
        description="The diffusers config folder of a single-file checkpoint whose layout is not the stock one.",
    )
    resolution: int = Field(1024, ge=64, le=2048, multiple_of=64)
    network_dim: int = Field(128, ge=1, le=1024, description="LoRA rank.")
    network_alpha: float = Field(16.0, gt=0)
    network_dropout: float = Field(0.3, ge=0, lt=1)
    train_text_encoders: bool = False
    unet_lr: float = Field(1e-4, gt=0)
    text_encoder_lr: float = Field(5e-5, gt=0)
    optimizer: Literal["adamw", "adamw8bit"] = "adamw8bit"
    lr_scheduler: Literal["constant", "cosine", "linear"] = "constant"
    batch_size: int = Field(1, ge=1, le=64)
    epochs: int = Field(10, ge=1, le=100)
    save_every_n_epochs: int = Field(2, ge=1)
    min_snr_gamma: float | None = Field(5.0, gt=0)
    scale_weight_norms: float | None = Field(1.0, gt=0)
    mixed_precision: MixedPrecision = "bf16"
    gradient_checkpointing: bool = True
    cache_latents: bool = True
    memory_profile: MemoryProfile = Field(
        "default",
        description="'low' fits 12 GB GPUs: half-precision base weights, 8-bit Adam, checkpointing, cached text.",
    )
    seed: int = Field(0, ge=0, lt=2**63)

    @model_validator(mode="after")
    def _save_within_epochs(self) -> TrainingSettings:
        if self.save_every_n_epochs > self.epochs:
            raise ValueError("save_every_n_epochs must not exceed epochs: lower it or train more epochs")
        return self

    def effective(self) -> TrainingSettings:
        """These settings as training applies them: the ``low`` memory profile turns on 8-bit Adam,
        gradient checkpointing and cached latents whatever the settings say."""
        if self.memory_profile != "low":
            return self
        return self.model_copy(update={"optimizer": "adamw8bit", "gradient_checkpointing": True, "cache_latents": True})

    def saved_epochs(self) -> list[int]:
        """The epochs whose LoRA is written: every ``save_every_n_epochs``, and always the last."""
        epochs = list(range(self.save_every_n_epochs, self.epochs + 1, self.save_every_n_epochs))
        return epochs if epochs and epochs[-1] == self.epochs else [*epochs, self.epochs]


class TrainingProgress(BaseModel):
    """What a running training reports after each optimizer step."""

    model_config = ConfigDict(frozen=True)
    step: int
    total_steps: int
    epoch: int
    epochs: int
    loss: float
    steps_per_second: float
    eta_seconds: float
    gpu_memory_bytes: int | None = None
    notes: tuple[str, ...] = Field(
        (), description="What the trainer chose (optimizer, precision, resume); first step only."
    )


class SavedEpoch(BaseModel):
    """A LoRA file written at the end of ``epoch`` (kohya key format with ``ss_*`` metadata)."""

    model_config = ConfigDict(frozen=True)
    epoch: int
    step: int
    path: Path
