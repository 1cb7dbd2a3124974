"""Training datasets of a character: create one, upload photos one by one, prepare, edit captions."""

from __future__ import annotations

from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.http import Http404
from ninja import File, Router, Status, UploadedFile

from stripstudio.jobs.storage import store_bytes
from stripstudio.uploads import UploadRejected, clean_image, safe_filename
from stripstudio.web.studio import models
from stripstudio.web.studio import training_datasets as folders
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.assets import upload_limits
from stripstudio.web.studio.api.files import stream_file
from stripstudio.web.studio.api.training_schemas import (
    CaptionIn,
    DatasetImageOut,
    DatasetIn,
    DatasetOut,
    PhotoOut,
    ProblemOut,
)
from stripstudio.web.studio.api.validation import invalid
from stripstudio.web.studio.quota import check_storage

router = Router(tags=["training"])
DATASETS_PER_CHARACTER = 20


@router.get("/characters/{character_id}/training-datasets", response=list[DatasetOut])
def list_datasets(request, character_id: int):
    """The character's training datasets, newest first."""
    character = owned(request, models.Character, character_id)
    return [dataset_out(d) for d in mine(request, models.TrainingDataset).filter(character=character)]


@router.post("/characters/{character_id}/training-datasets", response={201: DatasetOut})
def create_dataset(request, character_id: int, payload: DatasetIn):
    """A new, empty training dataset for the character."""
    character = owned(request, models.Character, character_id)
    if character.training_datasets.count() >= DATASETS_PER_CHARACTER:
        raise invalid("character", f"a character has at most {DATASETS_PER_CHARACTER} datasets: delete an old one")
    dataset = models.TrainingDataset.objects.create(owner=request.user, character=character, **payload.model_dump())
    return Status(201, dataset_out(dataset))


@router.get("/training-datasets/{dataset_id}", response=DatasetOut)
def get_dataset(request, dataset_id: int):
    """A dataset with its prepared images, captions and flags."""
    return dataset_out(owned(request, models.TrainingDataset, dataset_id))


@router.delete("/training-datasets/{dataset_id}", response={204: None})
def delete_dataset(request, dataset_id: int):
    """Delete a dataset, its photos and runs (LoRAs already picked stay installed)."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    dataset.delete()  # its folder goes once the deletion is committed (see cleanup)
    return Status(204, None)


@router.post("/training-datasets/{dataset_id}/photos", response={201: PhotoOut})
def upload_photo(request, dataset_id: int, file: File[UploadedFile]):
    """Add one photo (PNG, JPEG or WebP) to the dataset; the same photo twice is kept once."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    if dataset.photos.count() >= folders.PHOTOS_MAX:
        raise UploadRejected("file", f"a dataset holds at most {folders.PHOTOS_MAX} photos: pick the best ones")
    limits = upload_limits()
    check_storage(request.user.pk, file.size or 0, what="the photo")
    image = clean_image(file.read(limits.max_bytes + 1), field="file", limits=limits)
    name, sha256 = store_bytes(image.data, image.extension)
    fields = {"file": name, "name": safe_filename(file.name), "width": image.width, "height": image.height}
    try:
        with transaction.atomic():
            photo = models.TrainingPhoto.objects.create(owner=request.user, dataset=dataset, sha256=sha256, **fields)
    except IntegrityError:
        photo = dataset.photos.get(sha256=sha256)
    return Status(201, PhotoOut(**_photo_fields(photo), photo_count=dataset.photos.count()))


@router.post("/training-datasets/{dataset_id}/prepare", response=DatasetOut)
def prepare_dataset(request, dataset_id: int):
    """Crop, caption and check every photo (again): near-duplicates and small photos are flagged."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    if dataset.photos.count() < folders.PHOTOS_MIN:
        count = dataset.photos.count()
        raise invalid("photos", f"{count} photo(s) uploaded; upload {folders.PHOTOS_MIN} to {folders.PHOTOS_MAX}")
    folders.prepare(dataset)
    return dataset_out(dataset)


@router.get("/training-datasets/{dataset_id}/images/{name}/file", response={200: bytes})
def image_file(request, dataset_id: int, name: str):
    """A prepared image as it will be trained on."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    return stream_file(_image(dataset, name).path)


@router.put("/training-datasets/{dataset_id}/images/{name}/caption", response=DatasetImageOut)
def edit_caption(request, dataset_id: int, name: str, payload: CaptionIn):
    """Change one image's caption (kept when the dataset is prepared again)."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    _image(dataset, name)
    folders.edit_caption(dataset, name, payload.caption)
    return _image_out(dataset, _image(dataset, name))


def dataset_out(dataset: models.TrainingDataset) -> DatasetOut:
    """A dataset with its prepared images (none before the first preparation)."""
    loaded = folders.prepared(dataset)
    images = [_image_out(dataset, image) for image in loaded.images] if loaded else []
    return DatasetOut(
        id=dataset.pk,
        character_id=dataset.character_id,
        trigger=dataset.trigger,
        class_word=dataset.class_word,
        mode=dataset.mode,
        resolution=dataset.resolution,
        repeats=dataset.repeats,
        photo_count=dataset.photos.count(),
        photos_min=folders.PHOTOS_MIN,
        photos_max=folders.PHOTOS_MAX,
        prepared=loaded is not None and not folders.is_stale(dataset),
        images=images,
        problems=[ProblemOut(**problem) for problem in dataset.problems],
    )


def _image(dataset: models.TrainingDataset, name: str):
    loaded = folders.prepared(dataset)
    for image in loaded.images if loaded else ():
        if image.path.name == name:
            return image
    raise Http404("no such image in this dataset")


def _image_out(dataset: models.TrainingDataset, image) -> DatasetImageOut:
    return DatasetImageOut(
        name=image.path.name,
        caption=image.caption,
        width=image.width,
        height=image.height,
        flags=list(image.flags),
        url=f"/api/training-datasets/{dataset.pk}/images/{quote(image.path.name)}/file",
    )


def _photo_fields(photo: models.TrainingPhoto) -> dict:
    return {"id": photo.pk, "name": photo.name, "width": photo.width, "height": photo.height}
