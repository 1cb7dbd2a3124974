"""Finding faces in a drawn panel so that lettering does not cover them."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from PIL import Image

from stripstudio.faces import detect_faces

FaceBox = tuple[float, float, float, float]  # left, top, width, height as fractions of the panel
CACHED_PICTURES = 256  # the lettering editor asks again for the same pictures on every edit

_found: OrderedDict[str, list[FaceBox]] = OrderedDict()
_found_lock = threading.Lock()


def find_faces(image: Image.Image) -> list[FaceBox]:
    """Face boxes in ``image`` as fractions of its size, from the offline detectors (photos and drawings).

    A face missed, or one found where there is none, only moves a bubble a little, so the cheap
    detectors are good enough to keep lettering off faces. The boxes of the most recent pictures
    are remembered by their pixels: hashing a picture costs far less than looking for faces in it.
    """
    key = _picture_key(image)
    with _found_lock:
        if key in _found:
            _found.move_to_end(key)
            return list(_found[key])
    boxes = _detect(image)
    with _found_lock:
        _found[key] = boxes
        while len(_found) > CACHED_PICTURES:
            _found.popitem(last=False)
    return list(boxes)


def _detect(image: Image.Image) -> list[FaceBox]:
    width, height = image.size
    return [
        (face.left / width, face.top / height, face.width / width, face.height / height)
        for face in detect_faces(image, "auto")
    ]


def _picture_key(image: Image.Image) -> str:
    digest = hashlib.blake2b(image.tobytes(), digest_size=16)
    digest.update(f"{image.mode}:{image.size}".encode())
    return digest.hexdigest()
