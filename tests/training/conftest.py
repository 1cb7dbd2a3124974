"""Small training datasets made from scikit-image's photos, and small settings for the tiny model."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from stripstudio.training.spec import Dataset, DatasetImage, TrainingSettings

from .photos import photo

PHOTOS = ("astronaut", "coffee", "chelsea")


@pytest.fixture(scope="session")
def photos(tmp_path_factory) -> list[Path]:
    """Three 64x64 PNGs of real photos (astronaut, coffee, cat)."""
    folder = tmp_path_factory.mktemp("photos")
    paths = []
    for name in PHOTOS:
        path = folder / f"{name}.png"
        photo(name, (64, 64)).save(path)
        paths.append(path)
    return paths


def make_dataset(paths: list[Path], repeats: int = 1, regularisation: list[Path] = ()) -> Dataset:
    """A dataset of ``paths`` captioned the thesis' way."""
    return Dataset(
        trigger="rc_test",
        class_word="man",
        repeats=repeats,
        images=tuple(_image(path, f"rc_test, photo of a man, {path.stem}") for path in paths),
        regularisation=tuple(_image(path, "photo of a man") for path in regularisation),
    )


def tiny_settings(**changes) -> TrainingSettings:
    """Settings for the tiny model at 64 px: rank 4, 2 epochs both saved, few steps."""
    fields = dict(
        model="tiny-random-sdxl",
        resolution=64,
        network_dim=4,
        network_alpha=2.0,
        epochs=2,
        save_every_n_epochs=1,
        unet_lr=1e-3,
        gradient_checkpointing=False,
    )
    return TrainingSettings(**{**fields, **changes})


def _image(path: Path, caption: str) -> DatasetImage:
    with Image.open(path) as image:
        return DatasetImage(path=path, caption=caption, width=image.width, height=image.height)


class Trained:
    """One finished training: its dataset, settings, folder, progress reports and saved epochs."""

    def __init__(self, dataset: Dataset, settings: TrainingSettings, out_dir: Path):
        from stripstudio.training.trainer import train

        self.dataset, self.settings, self.out_dir = dataset, settings, out_dir
        self.progress: list = []
        self.saved = train(dataset, settings, out_dir, on_progress=self.progress.append, device="cpu")


# Text encoders trained too, so the file has all three key families; a learning rate high enough
# that six steps change the picture; gradient checkpointing on, as by default.
TRAINED_SETTINGS = dict(train_text_encoders=True, unet_lr=1e-2, text_encoder_lr=1e-2, gradient_checkpointing=True)


@pytest.fixture(scope="session")
def trained(photos, tmp_path_factory) -> Trained:
    """Three photos, one repeat, two epochs (3 steps each), both saved."""
    return Trained(make_dataset(photos), tiny_settings(**TRAINED_SETTINGS), tmp_path_factory.mktemp("trained"))
