"""Training datasets of a character: create one, upload photos one by one, prepare, edit captions."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.db import IntegrityError, transaction
from django.http import Http404
from ninja import File, Router, Status, UploadedFile

from stripstudio.jobs.storage import store_bytes, stored_name
from stripstudio.uploads import UploadRejected, clean_image, safe_filename
from stripstudio.web.studio import models
from stripstudio.web.studio import training_datasets as folders
from stripstudio.web.studio.api.access import mine, owned
from stripstudio.web.studio.api.assets import upload_limits
from stripstudio.web.studio.api.files import file_response, stream_file
from stripstudio.web.studio.api.training_schemas import (
    CaptionIn,
    DatasetImageOut,
    DatasetIn,
    DatasetOut,
    PhotoOut,
    ProblemOut,
    StoredPhotoOut,
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
    """Add one photo of the character (PNG, JPEG or WebP) to the dataset; the same photo twice is kept once."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    return Status(201, _add_picture(request, dataset, file, folders.Role.PHOTO, field="file"))


@router.post("/training-datasets/{dataset_id}/regularisation", response={201: PhotoOut})
def upload_regularisation(request, dataset_id: int, regularisation: File[UploadedFile]):
    """Add one optional regularisation image: a photo of the class (other men for "man"), never of the
    character. It keeps the class from drifting towards the character; with any, training takes twice
    the steps. Same upload rules as photos; the same picture twice is kept once."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    return Status(201, _add_picture(request, dataset, regularisation, folders.Role.REGULARISATION, "regularisation"))


@router.get("/training-datasets/{dataset_id}/photos/{photo_id}/file", response={200: bytes})
def photo_file(request, dataset_id: int, photo_id: int):
    """An uploaded photo or regularisation image as it was stored."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    return file_response(stored_name(_photo(dataset, photo_id).file))


@router.delete("/training-datasets/{dataset_id}/photos/{photo_id}", response=DatasetOut)
def remove_photo(request, dataset_id: int, photo_id: int):
    """Take one photo or regularisation image out of the dataset (prepare it again to train without it)."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    _photo(dataset, photo_id).delete()
    return dataset_out(dataset)


@router.post("/training-datasets/{dataset_id}/prepare", response=DatasetOut)
def prepare_dataset(request, dataset_id: int):
    """Crop, caption and check every photo and regularisation image (again): near-duplicates and small
    photos are flagged."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    count = folders.photos_of(dataset, folders.Role.PHOTO).count()
    if count < folders.PHOTOS_MIN:
        raise invalid("photos", f"{count} photo(s) uploaded; upload {folders.PHOTOS_MIN} to {folders.PHOTOS_MAX}")
    folders.prepare(dataset)
    return dataset_out(dataset)


@router.get("/training-datasets/{dataset_id}/images/{name}/file", response={200: bytes})
def image_file(request, dataset_id: int, name: str):
    """A prepared image as it will be trained on."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    return stream_file(_image_path(dataset, name))


@router.put("/training-datasets/{dataset_id}/images/{name}/caption", response=DatasetImageOut)
def edit_caption(request, dataset_id: int, name: str, payload: CaptionIn):
    """Change one image's caption (kept when the dataset is prepared again)."""
    dataset = owned(request, models.TrainingDataset, dataset_id)
    _image_path(dataset, name)  # a regularisation image's caption is not the author's to edit
    return _image_out(dataset, folders.edit_caption(dataset, name, payload.caption))


def dataset_out(dataset: models.TrainingDataset) -> DatasetOut:
    """A dataset with its prepared images (none before the first preparation)."""
    loaded = folders.prepared(dataset)
    images = [_image_out(dataset, image) for image in loaded.images] if loaded else []
    uploads = sorted(dataset.photos.all(), key=lambda photo: (photo.role != folders.Role.PHOTO, photo.pk))
    return DatasetOut(
        id=dataset.pk,
        character_id=dataset.character_id,
        trigger=dataset.trigger,
        class_word=dataset.class_word,
        mode=dataset.mode,
        resolution=dataset.resolution,
        repeats=dataset.repeats,
        photo_count=sum(photo.role == folders.Role.PHOTO for photo in uploads),
        photos_min=folders.PHOTOS_MIN,
        photos_max=folders.PHOTOS_MAX,
        regularisation_count=sum(photo.role == folders.Role.REGULARISATION for photo in uploads),
        regularisation_max=folders.REGULARISATION_MAX,
        photos=[_stored_photo_out(photo) for photo in uploads],
        prepared=loaded is not None and not folders.is_stale(dataset),
        images=images,
        problems=[ProblemOut(**problem) for problem in dataset.problems],
    )


def _image_path(dataset: models.TrainingDataset, name: str) -> Path:
    path = folders.image_path(dataset, name)
    if path is None:
        raise Http404("no such image in this dataset")
    return path


def _image_out(dataset: models.TrainingDataset, image) -> DatasetImageOut:
    return DatasetImageOut(
        name=image.path.name,
        caption=image.caption,
        width=image.width,
        height=image.height,
        flags=list(image.flags),
        url=f"/api/training-datasets/{dataset.pk}/images/{quote(image.path.name)}/file",
    )


def _add_picture(request, dataset: models.TrainingDataset, upload: UploadedFile, role: str, field: str) -> PhotoOut:
    """Check, store and add one uploaded picture of ``role``; refusals name the upload's ``field``."""
    bound, what = _bound(role)
    if folders.photos_of(dataset, role).count() >= bound:
        raise UploadRejected(field, f"a dataset holds at most {bound} {what}: remove some or pick the best ones")
    limits = upload_limits()
    check_storage(request.user.pk, upload.size or 0, what=f"the {what.removesuffix('s')}")
    image = clean_image(upload.read(limits.max_bytes + 1), field=field, limits=limits)
    name, sha256 = store_bytes(image.data, image.extension)
    fields = {"file": name, "name": safe_filename(upload.name), "width": image.width, "height": image.height}
    try:
        with transaction.atomic():
            photo = models.TrainingPhoto.objects.create(
                owner=request.user, dataset=dataset, sha256=sha256, role=role, **fields
            )
    except IntegrityError:
        photo = dataset.photos.get(sha256=sha256)
        if photo.role != role:
            raise UploadRejected(field, _SAME_PICTURE[role].format(name=photo.name)) from None
    counts = {
        "photo_count": folders.photos_of(dataset, folders.Role.PHOTO).count(),
        "regularisation_count": folders.photos_of(dataset, folders.Role.REGULARISATION).count(),
    }
    return PhotoOut(**_stored_photo_out(photo).model_dump(), **counts)


def _bound(role: str) -> tuple[int, str]:
    """How many pictures of ``role`` a dataset holds at most, and what they are called."""
    if role == folders.Role.PHOTO:
        return folders.PHOTOS_MAX, "photos"
    return folders.REGULARISATION_MAX, "regularisation images"


_SAME_PICTURE: dict[str, str] = {
    folders.Role.PHOTO: "this picture is already a regularisation image of the dataset ({name}): remove it there "
    "first to use it as a photo of the character",
    folders.Role.REGULARISATION: "this picture is already a photo of the character in the dataset ({name}); "
    "regularisation images show other people of the class: choose a photo of someone else",
}


def _photo(dataset: models.TrainingDataset, photo_id: int) -> models.TrainingPhoto:
    photo = dataset.photos.filter(pk=photo_id).first()
    if photo is None:
        raise Http404("no such photo in this dataset")
    return photo


def _stored_photo_out(photo: models.TrainingPhoto) -> StoredPhotoOut:
    url = f"/api/training-datasets/{photo.dataset_id}/photos/{photo.pk}/file"
    return StoredPhotoOut(
        id=photo.pk, name=photo.name, role=photo.role, width=photo.width, height=photo.height, url=url
    )
