"""Shaping a training image: a square crop around the largest face, or kohya's aspect-ratio buckets.

Buckets follow kohya sd-scripts' ``make_bucket_resolutions``: every width from the smallest to the
largest side in steps of 64, each with the tallest height (a multiple of 64) that keeps the area
within ``resolution``²; plus the square. An image goes to the bucket whose aspect ratio is nearest
its own, scaled to cover it and centre-cropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from PIL import Image

from stripstudio.faces import Face, detect_faces

BUCKET_STEP = 64
_DETECTION_SIDE = 448
# The face's height as a share of the frame's: a head-and-shoulders photo shows the face at
# about a third of the height or more, a waist-up one at an eighth or more.
_CLOSE_UP = 0.3
_UPPER_BODY = 0.12


@dataclass(frozen=True)
class Shaped:
    """An image shaped for training, the face it was shaped around (if one was found) and the framing words."""

    image: Image.Image
    face: Face | None
    framing: str | None


def shape_for_training(image: Image.Image, mode: str, resolution: int, detector: str = "auto") -> Shaped:
    """``image`` as a ``resolution``-px square around its largest face (``face-crop``; a centre crop when
    there is no face) or fitted to its kohya bucket (``buckets``), with the framing its face shows."""
    face = largest_face(image, detector)
    if mode == "face-crop":
        box = square_around(image.size, face)
        shaped = image.crop(box).resize((resolution, resolution), Image.Resampling.LANCZOS)
        framing = framing_of(face.height / (box[3] - box[1])) if face else None
    else:
        shaped = fit_to_bucket(image, nearest_bucket(image.size, resolution))
        framing = framing_of(face.height / image.height) if face else None
    return Shaped(shaped, face, framing)


def largest_face(image: Image.Image, detector: str = "auto") -> Face | None:
    """The largest face in ``image``, looked for on a copy at most 448 px on its long side (the cascades' cost grows
    with the pixels; a face that matters to a character dataset is not tiny) and scaled back."""
    scale = min(1.0, _DETECTION_SIDE / max(image.size))
    small = (
        image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale)))) if scale < 1 else image
    )
    faces = detect_faces(small, detector, limit=1)
    if not faces:
        return None
    face = faces[0]
    return Face(
        round(face.left / scale),
        round(face.top / scale),
        round(face.width / scale),
        round(face.height / scale),
        face.score,
        face.source,
    )


def square_around(size: tuple[int, int], face: Face | None) -> tuple[int, int, int, int]:
    """The largest square inside an image of ``size``, centred on ``face`` as far as the edges allow
    (on the image's centre without a face), as a (left, top, right, bottom) box."""
    width, height = size
    side = min(width, height)
    centre_x = face.left + face.width / 2 if face else width / 2
    centre_y = face.top + face.height / 2 if face else height / 2
    left = min(max(0, round(centre_x - side / 2)), width - side)
    top = min(max(0, round(centre_y - side / 2)), height - side)
    return left, top, left + side, top + side


def framing_of(face_share: float) -> str:
    """``close up``, ``upper body`` or ``full body`` from the face's height as a share of the frame's."""
    if face_share >= _CLOSE_UP:
        return "close up"
    return "upper body" if face_share >= _UPPER_BODY else "full body"


@cache
def buckets(resolution: int) -> tuple[tuple[int, int], ...]:
    """kohya's bucket sizes for ``resolution``: sides multiples of 64 from ``resolution``/4 to
    2×``resolution``, area at most ``resolution``², sorted by aspect ratio (width / height)."""
    area = resolution * resolution
    smallest = max(BUCKET_STEP, resolution // 4 // BUCKET_STEP * BUCKET_STEP)
    largest = resolution * 2
    square = int(math.sqrt(area)) // BUCKET_STEP * BUCKET_STEP
    found = {(square, square)}
    for width in range(smallest, largest + 1, BUCKET_STEP):
        height = min(largest, area // width // BUCKET_STEP * BUCKET_STEP)
        if height >= smallest:
            found.update({(width, height), (height, width)})
    return tuple(sorted(found, key=lambda size: (size[0] / size[1], size[0])))


def nearest_bucket(size: tuple[int, int], resolution: int) -> tuple[int, int]:
    """The bucket whose aspect ratio is nearest that of an image of ``size`` (the larger one on a tie)."""
    aspect = size[0] / size[1]
    return min(buckets(resolution), key=lambda bucket: (abs(bucket[0] / bucket[1] - aspect), -bucket[0] * bucket[1]))


def fit_to_bucket(image: Image.Image, bucket: tuple[int, int]) -> Image.Image:
    """``image`` scaled to cover ``bucket`` and centre-cropped to it."""
    scale = max(bucket[0] / image.width, bucket[1] / image.height)
    width, height = max(bucket[0], round(image.width * scale)), max(bucket[1], round(image.height * scale))
    resized = image.resize((width, height), Image.Resampling.LANCZOS)
    left, top = (width - bucket[0]) // 2, (height - bucket[1]) // 2
    return resized.crop((left, top, left + bucket[0], top + bucket[1]))
