"""Face detectors that run offline, with models that ship inside their packages.

* ``opencv``: OpenCV's Haar cascades (frontal, and profile facing either way). Good on photos and
  realistic drawings, weak on anime-style faces.
* ``anime``: the ``animeface`` package (nvxs, Apache-2.0), whose detector is bundled in its wheel;
  made for anime and manga faces, blind to photos.
* ``auto``: both, merged (overlapping boxes keep the most confident), so a comic panel's faces are
  found whether it is drawn realistically or in a manga style.
* A file name ending in ``.onnx``: a YuNet face model (OpenCV's ``FaceDetectorYN``) that the
  user placed in a ``faces/`` folder of the model folders, e.g. ``face_detection_yunet_2023mar.onnx``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

DETECTORS = ("auto", "opencv", "anime")
MAX_FACES = 32
_DETECTION_WIDTH = 640
_OVERLAP = 0.3
_SMALLEST_RELIABLE = 24
_PROFILE = "haarcascade_profileface.xml"


class FaceDetectorUnavailable(ValueError):
    """The detector asked for cannot run here (package missing, model file not found or unreadable)."""


@dataclass(frozen=True)
class Face:
    """A face box in pixels of the image it was found in, with the detector's confidence (0..1)."""

    left: int
    top: int
    width: int
    height: int
    score: float = 1.0
    source: str = ""

    @property
    def area(self) -> int:
        """Width times height in pixels."""
        return self.width * self.height

    def overlap(self, other: Face) -> float:
        """Intersection over union of the two boxes."""
        width = min(self.left + self.width, other.left + other.width) - max(self.left, other.left)
        height = min(self.top + self.height, other.top + other.height) - max(self.top, other.top)
        shared = max(0, width) * max(0, height)
        return shared / float(self.area + other.area - shared) if shared else 0.0


def detect_faces(
    image: Image.Image,
    detector: str = "auto",
    *,
    min_size: int = 24,
    limit: int = MAX_FACES,
    model_dirs: Sequence[Path] = (),
) -> list[Face]:
    """The faces in ``image`` (largest first, at most ``limit``), each at least ``min_size`` pixels wide.

    Raises :class:`FaceDetectorUnavailable` naming what is missing when ``detector`` cannot run.
    """
    scale = min(1.0, _DETECTION_WIDTH / max(image.size))
    small = image.convert("RGB")
    if scale < 1.0:
        small = small.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    # Below ~24 pixels at the working size the cascades mostly find texture, not faces.
    found = _run(detector, small, max(_SMALLEST_RELIABLE, round(min_size * scale)), model_dirs)
    faces = [_scaled(face, 1 / scale, image.size) for face in merge_overlapping(found)]
    faces = [face for face in faces if min(face.width, face.height) >= min_size]
    return sorted(faces, key=lambda face: face.area, reverse=True)[: max(0, min(limit, MAX_FACES))]


def merge_overlapping(faces: Iterable[Face], threshold: float = _OVERLAP) -> list[Face]:
    """Keep the most confident of every group of boxes that overlap by more than ``threshold`` (IoU)."""
    kept: list[Face] = []
    for face in sorted(faces, key=lambda f: (f.score, f.area), reverse=True):
        if all(face.overlap(other) <= threshold for other in kept):
            kept.append(face)
    return kept


def _run(detector: str, image: Image.Image, min_size: int, model_dirs: Sequence[Path]) -> list[Face]:
    if detector == "opencv":
        return _opencv(image, min_size, required=True)
    if detector == "anime":
        return _anime(image, min_size, required=True)
    if detector == "auto":
        return _opencv(image, min_size, required=False) + _anime(image, min_size, required=False)
    if detector.endswith(".onnx"):
        return _yunet(image, _model_file(detector, model_dirs))
    raise FaceDetectorUnavailable(
        f"unknown face detector {detector!r}: use one of {', '.join(DETECTORS)} or the name of a YuNet .onnx "
        "file in a faces/ model folder"
    )


# ---------------------------------------------------------------------------------------------
# Detectors
# ---------------------------------------------------------------------------------------------


_IMPORT_LOCK = threading.Lock()


def _cv2():
    """OpenCV, imported once under a lock: panels are lettered in threads, and a thread that imports
    cv2 while another is still importing it can see the module half made (no ``cv2.data`` yet)."""
    with _IMPORT_LOCK:
        import cv2

        return cv2


@cache
def _cascade(name: str):
    cv2 = _cv2()
    with _IMPORT_LOCK:
        return cv2.CascadeClassifier(cv2.data.haarcascades + name)


def _opencv(image: Image.Image, min_size: int, *, required: bool) -> list[Face]:
    try:
        _cv2()
    except ImportError as error:
        if not required:
            return []
        raise FaceDetectorUnavailable(
            "the opencv face detector needs OpenCV: pip install 'opencv-python-headless>=4.9,<5'"
        ) from error
    grey = np.asarray(image.convert("L"))
    # alt2 finds fewer faces that are not there than the default frontal cascade; profiles need
    # more agreeing neighbours for the same reason.
    faces = _haar(grey, "haarcascade_frontalface_alt2.xml", min_size, neighbours=5)
    faces += _haar(grey, _PROFILE, min_size, neighbours=6)
    flipped = _haar(grey[:, ::-1].copy(), _PROFILE, min_size, neighbours=6)
    return faces + [_mirrored(face, grey.shape[1]) for face in flipped]


def _haar(grey: np.ndarray, cascade: str, min_size: int, neighbours: int) -> list[Face]:
    size = (min_size, min_size)
    found = _cascade(cascade).detectMultiScale(grey, scaleFactor=1.1, minNeighbors=neighbours, minSize=size)
    return [Face(int(x), int(y), int(w), int(h), 0.9, "opencv") for x, y, w, h in (found if len(found) else [])]


def _mirrored(face: Face, width: int) -> Face:
    return Face(width - face.left - face.width, face.top, face.width, face.height, face.score, face.source)


def _anime(image: Image.Image, min_size: int, *, required: bool) -> list[Face]:
    try:
        import animeface
    except ImportError as error:
        if not required:
            return []
        raise FaceDetectorUnavailable(
            "the anime face detector needs the animeface package: pip install 'animeface>=2.0.3,<3'"
        ) from error
    faces = []
    for found in animeface.detect(image):
        box = found.face.pos
        if min(box.width, box.height) >= min_size:
            faces.append(
                Face(int(box.x), int(box.y), int(box.width), int(box.height), float(found.likelihood), "anime")
            )
    return faces


def _model_file(name: str, model_dirs: Sequence[Path]) -> Path:
    if Path(name).name != name:
        raise FaceDetectorUnavailable(f"face detector {name!r}: give the file's name, not a path")
    for folder in model_dirs:
        candidate = Path(folder) / "faces" / name
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(Path(folder) / "faces") for folder in model_dirs) or "no model folders"
    raise FaceDetectorUnavailable(f"face detector model {name!r} not found (looked in {looked}): put the file there")


def _yunet(image: Image.Image, path: Path) -> list[Face]:
    cv2 = _cv2()

    try:
        model = cv2.FaceDetectorYN.create(str(path), "", image.size, 0.6, 0.3, MAX_FACES)
    except cv2.error as error:
        raise FaceDetectorUnavailable(f"{path} is not a YuNet face model OpenCV can read ({error})") from error
    _, found = model.detect(np.asarray(image.convert("RGB"))[:, :, ::-1].copy())
    rows = found if found is not None else []
    return [Face(int(r[0]), int(r[1]), int(r[2]), int(r[3]), float(r[-1]), path.name) for r in rows]


def _scaled(face: Face, factor: float, size: tuple[int, int]) -> Face:
    left, top = max(0, round(face.left * factor)), max(0, round(face.top * factor))
    width = min(size[0] - left, round(face.width * factor))
    height = min(size[1] - top, round(face.height * factor))
    return Face(left, top, width, height, face.score, face.source)
