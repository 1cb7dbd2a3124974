"""API schemas of character LoRA training: datasets, their images and captions, runs and their epochs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from stripstudio.training.spec import TrainingSettings
from stripstudio.web.studio.api.schemas import AssetOut, JobOut

TRIGGER_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"


class DatasetIn(BaseModel):
    """A new training dataset for a character: the word that will call it, and how photos are cropped."""

    trigger: str = Field(
        min_length=2, max_length=60, pattern=TRIGGER_PATTERN, description="A rare word, e.g. 'rc_test'."
    )
    class_word: str = Field(min_length=1, max_length=60, description="What the character is, e.g. 'man'.")
    mode: Literal["face-crop", "buckets"] = Field(
        "face-crop", description="Square crops around the face, or whole photos in aspect-ratio buckets."
    )
    resolution: int = Field(1024, ge=64, le=2048, multiple_of=64)
    repeats: int = Field(20, ge=1, le=1000, description="How often each photo is seen per epoch.")


class DatasetImageOut(BaseModel):
    """A prepared image with its caption and what preparation noticed about it."""

    name: str
    caption: str
    width: int
    height: int
    flags: list[str]
    url: str


class ProblemOut(BaseModel):
    """A photo preparation could not use, and why."""

    file: str
    message: str
    regularisation: bool = Field(False, description="True when it is one of the regularisation images.")


class StoredPhotoOut(BaseModel):
    """An uploaded picture of a dataset: a photo of the character or a regularisation image."""

    id: int
    name: str
    role: Literal["photo", "regularisation"]
    width: int
    height: int
    url: str


class DatasetOut(BaseModel):
    """A training dataset: its photos, prepared images and what could not be used."""

    id: int
    character_id: int
    trigger: str
    class_word: str
    mode: str
    resolution: int
    repeats: int
    photo_count: int
    photos_min: int
    photos_max: int
    regularisation_count: int
    regularisation_max: int
    photos: list[StoredPhotoOut] = Field(description="The uploaded photos, then the regularisation images.")
    prepared: bool = Field(description="False when photos changed since the images were prepared.")
    images: list[DatasetImageOut]
    problems: list[ProblemOut]


class PhotoOut(StoredPhotoOut):
    """An uploaded picture of a dataset, with the dataset's counts after the upload."""

    photo_count: int
    regularisation_count: int


class CaptionIn(BaseModel):
    """A prepared image's new caption."""

    caption: str = Field(min_length=1, max_length=1000)


class EstimateOut(BaseModel):
    """What a training with these settings will do: steps, saved epochs and a rough duration."""

    total_steps: int
    saved_epochs: list[int]
    images: int
    repeats: int = Field(description="How often each image is seen per epoch.")
    regularisation_images: int = Field(
        description="Prepared regularisation images: with any, each epoch takes twice the steps (kohya's rule)."
    )
    rough_seconds: float = Field(description="At the speed of one fast data-centre GPU; a guide, not a promise.")


class DefaultsOut(BaseModel):
    """The settings a training starts from (every one editable) and what they come to."""

    settings: TrainingSettings
    estimate: EstimateOut


class RunIn(BaseModel):
    """Start training with these settings."""

    settings: TrainingSettings


class GridPictureOut(BaseModel):
    """One picture of an epoch's test grid."""

    row: int
    label: str
    url: str


class EpochOut(BaseModel):
    """A saved epoch: its step and its test grid (filled while the grid is drawn)."""

    epoch: int
    step: int
    grid: list[GridPictureOut]
    picked: bool


class RunOut(BaseModel):
    """A training run: its settings, its job's state and progress, its saved epochs."""

    id: int
    dataset_id: int
    character_id: int
    settings: TrainingSettings
    total_steps: int
    job: JobOut | None
    grid_rows: list[str]
    epochs: list[EpochOut]
    picked_epoch: int | None
    lora: AssetOut | None
    stop_requested: bool = Field(
        description="The author asked to stop early: training ends once an epoch is saved, keeping those saved."
    )


class PickOut(BaseModel):
    """What picking an epoch did: the LoRA installed as the author's model and the character's new fields."""

    run: RunOut
    lora_name: str
    trigger_words: list[str]
