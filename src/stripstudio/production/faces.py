"""Finding faces in a drawn panel so that lettering does not cover them."""

from __future__ import annotations

from PIL import Image

from stripstudio.faces import detect_faces

FaceBox = tuple[float, float, float, float]  # left, top, width, height as fractions of the panel


def find_faces(image: Image.Image) -> list[FaceBox]:
    """Face boxes in ``image`` as fractions of its size, from the offline detectors (photos and drawings).

    A face missed, or one found where there is none, only moves a bubble a little, so the cheap
    detectors are good enough to keep lettering off faces.
    """
    width, height = image.size
    return [
        (face.left / width, face.top / height, face.width / width, face.height / height)
        for face in detect_faces(image, "auto")
    ]
