"""What the trainer feeds the UNet: items per epoch, aspect buckets, batches, cached latents and text.

An epoch shows every character image ``repeats`` times and, with regularisation images, as many
regularisation items again (kohya's rule, which doubles the steps). Items of the same training
size form a bucket (see :mod:`.buckets`, which also counts the steps); batches never mix buckets. The
order of an epoch depends only on the seed and the epoch number, so a resumed run sees exactly the
batches the uninterrupted run would have.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from PIL import Image, ImageOps

from stripstudio.training.buckets import bucket_size
from stripstudio.training.errors import InvalidTraining
from stripstudio.training.spec import Dataset, DatasetImage


@dataclass(frozen=True)
class Item:
    """One training image at its training size: ``crop`` is the (top, left) cut from the resized image."""

    image: DatasetImage
    size: tuple[int, int]  # (width, height)
    crop: tuple[int, int]
    regularisation: bool = False


def dataset_items(dataset: Dataset, resolution: int) -> tuple[list[Item], int]:
    """Every distinct image as an :class:`Item` (character images first), and how many are character images."""
    items = [_item(image, resolution, False) for image in dataset.images]
    items += [_item(image, resolution, True) for image in dataset.regularisation]
    if not dataset.images:
        raise InvalidTraining("the dataset has no images: add 10 to 100 photos of the character", field="images")
    return items, len(dataset.images)


def epoch_batches(
    items: list[Item], characters: int, repeats: int, batch_size: int, seed: int, epoch: int
) -> list[list[int]]:
    """The batches (lists of item indexes) of ``epoch`` (1-based), in the order they are trained."""
    shown = [index for index in range(characters) for _ in range(repeats)]
    regularisation = len(items) - characters
    if regularisation:
        shown += [characters + i % regularisation for i in range(len(shown))]
    generator = torch.Generator().manual_seed(seed * 1_000_003 + epoch)
    order = [shown[i] for i in torch.randperm(len(shown), generator=generator).tolist()]
    buckets: dict[tuple[int, int], list[int]] = {}
    for index in order:
        buckets.setdefault(items[index].size, []).append(index)
    batches = [
        members[start : start + batch_size]
        for _, members in sorted(buckets.items())
        for start in range(0, len(members), batch_size)
    ]
    return [batches[i] for i in torch.randperm(len(batches), generator=generator).tolist()]


def check_images(dataset: Dataset) -> None:
    """Refuse, naming the file, an image that is missing or not a picture (headers only: no decoding),
    before a model is loaded for nothing."""
    for image in (*dataset.images, *dataset.regularisation):
        try:
            with Image.open(image.path):
                pass
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            raise InvalidTraining(
                f"image {image.path.name!r} cannot be read ({error}); remove or replace it", field="images"
            ) from error


def pixels(item: Item) -> torch.Tensor:
    """The item's image resized to cover its training size, centre-cropped, as a CHW tensor in [-1, 1]."""
    width, height = item.size
    try:
        with Image.open(item.image.path) as opened:
            image = ImageOps.exif_transpose(opened).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise InvalidTraining(
            f"image {item.image.path.name!r} cannot be read ({error}); remove or replace it", field="images"
        ) from error
    scale = max(width / image.width, height / image.height)
    resized = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    top, left = item.crop
    cropped = resized.crop((left, top, left + width, top + height))
    array = torch.frombuffer(bytearray(cropped.tobytes()), dtype=torch.uint8).reshape(height, width, 3)
    return array.permute(2, 0, 1).float() / 127.5 - 1.0


def _item(image: DatasetImage, resolution: int, regularisation: bool) -> Item:
    width, height = bucket_size(image.width, image.height, resolution)
    scale = max(width / image.width, height / image.height)
    resized = (round(image.width * scale), round(image.height * scale))
    crop = ((resized[1] - height) // 2, (resized[0] - width) // 2)
    return Item(image, (width, height), crop, regularisation)
