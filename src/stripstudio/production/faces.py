"""Finding faces in a drawn panel so that lettering does not cover them (OpenCV's offline detector)."""

from __future__ import annotations

from PIL import Image

FaceBox = tuple[float, float, float, float]  # left, top, width, height as fractions of the panel

_DETECTION_WIDTH = 640
_cascade = None


def find_faces(image: Image.Image) -> list[FaceBox]:
    """Face boxes in ``image`` from OpenCV's frontal-face Haar cascade; empty if OpenCV is not installed.

    A cheap, offline detector: it misses stylised faces and finds some that are not there, which
    only moves bubbles a little, so it is good enough to keep lettering off faces.
    """
    cascade = _frontal_face_cascade()
    if cascade is None:
        return []
    import numpy as np

    scale = min(1.0, _DETECTION_WIDTH / image.width)
    small = image.convert("L").resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    found = cascade.detectMultiScale(np.asarray(small), scaleFactor=1.1, minNeighbors=5, minSize=(24, 24))
    width, height = small.size
    return [(x / width, y / height, w / width, h / height) for x, y, w, h in (found if len(found) else [])]


def _frontal_face_cascade():
    global _cascade
    if _cascade is None:
        try:
            import cv2
        except ImportError:
            return None
        cascades = cv2.data.haarcascades  # type: ignore[attr-defined]  # cv2.data is missing from OpenCV's stubs
        _cascade = cv2.CascadeClassifier(cascades + "haarcascade_frontalface_default.xml")
    return _cascade
