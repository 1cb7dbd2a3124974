"""Kohya's aspect buckets and the step count they give, without torch (the server's estimates use it).

Items of the same training size form a bucket and batches never mix buckets, so an epoch takes, per
bucket, its items divided by the batch size, rounded up. An epoch shows every character image
``repeats`` times and, with regularisation images, as many regularisation items again, taken in turn.
"""

from __future__ import annotations

import math
from collections import Counter

from stripstudio.training.spec import Dataset

BUCKET_STEP = 64


def bucket_size(width: int, height: int, resolution: int) -> tuple[int, int]:
    """The training size of a ``width``×``height`` image: about ``resolution``² pixels, same aspect ratio,
    sides multiples of 64 (kohya's buckets), never more than four times longer than wide."""
    ratio = min(max(width / height, 0.25), 4.0)
    target_width = resolution * math.sqrt(ratio)
    target_height = resolution / math.sqrt(ratio)
    return (
        max(BUCKET_STEP, int(target_width // BUCKET_STEP) * BUCKET_STEP),
        max(BUCKET_STEP, int(target_height // BUCKET_STEP) * BUCKET_STEP),
    )


def planned_steps(dataset: Dataset, resolution: int, batch_size: int, epochs: int) -> int:
    """The optimizer steps a training takes: per epoch, each bucket's items over the batch size, rounded up."""
    shown: Counter[tuple[int, int]] = Counter()
    for image in dataset.images:
        shown[bucket_size(image.width, image.height, resolution)] += dataset.repeats
    regularisation = dataset.regularisation
    for turn in range(len(dataset.images) * dataset.repeats if regularisation else 0):
        image = regularisation[turn % len(regularisation)]
        shown[bucket_size(image.width, image.height, resolution)] += 1
    return sum(-(-count // batch_size) for count in shown.values()) * epochs
