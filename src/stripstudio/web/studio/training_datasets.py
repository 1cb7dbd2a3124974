"""A character's training dataset on disk: prepared from the uploaded photos, with the author's captions.

The folder (``training/datasets/<id>``, kohya's layout) is made by :func:`prepare_dataset` from every
photo at once, so near-duplicates are found across all of them; the optional regularisation images
go to its ``reg/`` part. It is prepared aside and swapped in
whole: a reader (or a training run copying it) never sees half a folder. Captions the author edited
are kept on the row and written again after each preparation.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from django.conf import settings

from stripstudio.jobs.storage import stored_name, stored_path
from stripstudio.training.dataset import DatasetError, load_dataset, prepare_dataset, set_caption
from stripstudio.training.kohya_layout import read_layout
from stripstudio.training.preparation import MAX_IMAGES, MAX_REGULARISATION, MIN_IMAGES
from stripstudio.training.spec import Dataset, DatasetImage
from stripstudio.web.studio import models
from stripstudio.web.studio.api.assets import upload_limits

PHOTOS_MIN = MIN_IMAGES  # what preparation accepts
PHOTOS_MAX = MAX_IMAGES
# Preparation runs within the request: as many regularisation images as photos at most keeps it to
# twice the work of the photos alone (and within what preparation accepts).
REGULARISATION_MAX = min(MAX_IMAGES, MAX_REGULARISATION)
Role = models.TrainingPhoto.Role


def dataset_folder(dataset: models.TrainingDataset) -> Path:
    """Where ``dataset`` is prepared."""
    return settings.STRIPSTUDIO.training_dir / "datasets" / str(dataset.pk)


def prepared(dataset: models.TrainingDataset) -> Dataset | None:
    """The prepared dataset as its folder holds it; None before the first preparation."""
    folder = dataset_folder(dataset)
    if not folder.is_dir():
        return None
    return load_dataset(folder, dataset.trigger, dataset.class_word, dataset.repeats)


def photos_of(dataset: models.TrainingDataset, role: str):
    """The dataset's uploaded pictures of one role (photos of the character, or regularisation images)."""
    return dataset.photos.filter(role=role)


def photo_source_name(photo: models.TrainingPhoto) -> str:
    """The name a photo goes into preparation under: unique in the dataset, readable by the author."""
    return f"{photo.pk:05d}-{Path(photo.name).stem[:60]}{Path(stored_name(photo.file)).suffix}"


def prepare(dataset: models.TrainingDataset) -> None:
    """Prepare the folder from every photo (and regularisation image) of ``dataset`` again; the row keeps
    what could not be used."""
    photos = list(photos_of(dataset, Role.PHOTO))
    regularisation = list(photos_of(dataset, Role.REGULARISATION))
    target = dataset_folder(dataset)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".partial-{dataset.pk}-"))
    try:
        report = _prepare(
            _linked_sources(photos, partial / "sources"),
            partial / "dataset",
            regularisation=_linked_sources(regularisation, partial / "regularisation"),
            max_regularisation=REGULARISATION_MAX,
            trigger=dataset.trigger,
            class_word=dataset.class_word,
            mode=dataset.mode,
            resolution=dataset.resolution,
            repeats=dataset.repeats,
            limits=upload_limits(),
        )
        names = {image.path.name for image in report.dataset.images}
        for name, caption in dataset.captions.items():
            if name in names:
                set_caption(partial / "dataset", name, caption)
        _swap(partial / "dataset", target)
        shutil.rmtree(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    regularisation_names = {photo_source_name(photo) for photo in regularisation}
    dataset.problems = [
        {"file": problem.file, "message": problem.reason, "regularisation": problem.file in regularisation_names}
        for problem in report.problems
    ]
    dataset.prepared_photos = [photo.pk for photo in (*photos, *regularisation)]
    dataset.save(update_fields=["problems", "prepared_photos", "updated_at"])


def _linked_sources(photos: list[models.TrainingPhoto], folder: Path) -> list[Path]:
    """The photos' stored files under the names they are prepared as (hard links where the file system
    allows, else copies), so that preparation reads one photo at a time instead of holding them all."""
    folder.mkdir()
    sources = []
    for photo in photos:
        stored, link = stored_path(stored_name(photo.file)), folder / photo_source_name(photo)
        try:
            os.link(stored, link)
        except OSError:
            shutil.copyfile(stored, link)
        sources.append(link)
    return sources


def _prepare(sources, out_dir: Path, **options):
    """prepare_dataset; its refusals about the images are about the dataset's photos here."""
    try:
        return prepare_dataset(sources, out_dir, **options)
    except DatasetError as error:
        if error.field == "images":
            raise DatasetError("photos", error.message) from None
        raise


def edit_caption(dataset: models.TrainingDataset, image_name: str, caption: str) -> DatasetImage:
    """Write ``caption`` for the prepared image ``image_name`` and remember it for the next preparation;
    returns the image with its new caption."""
    image = set_caption(dataset_folder(dataset), image_name, caption)
    dataset.captions = {**dataset.captions, image_name: caption}
    dataset.save(update_fields=["captions", "updated_at"])
    return image


def image_path(dataset: models.TrainingDataset, name: str) -> Path | None:
    """The prepared image of the character named ``name`` (a file name), found by listing the folder:
    no image or caption is read. None when there is none."""
    folder = dataset_folder(dataset)
    if not folder.is_dir():
        return None
    return next((path for path in read_layout(folder).images if path.name == name), None)


def is_stale(dataset: models.TrainingDataset) -> bool:
    """True when photos or regularisation images arrived or went since the folder was prepared."""
    return sorted(dataset.prepared_photos) != sorted(dataset.photos.values_list("pk", flat=True))


def _swap(new: Path, target: Path) -> None:
    """Put the folder ``new`` at ``target``; the old one is renamed aside first, then removed."""
    old = target.with_name(f".old-{target.name}-{new.parent.name}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
