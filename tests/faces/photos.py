"""Real photos that ship with scikit-image, for face detection tests."""

from __future__ import annotations

import numpy as np
from PIL import Image

# Where OpenCV's frontal cascade finds Eileen Collins' face in scikit-image's astronaut photo (512x512).
ASTRONAUT_FACE = (177, 66, 95, 95)


def astronaut() -> Image.Image:
    """scikit-image's ``data.astronaut()`` (NASA, public domain), 512x512 RGB."""
    from skimage import data

    return Image.fromarray(data.astronaut())


def drawn_astronaut() -> Image.Image:
    """The astronaut photo redrawn as a flat-coloured cartoon with ink outlines (OpenCV stylisation)."""
    import cv2

    photo = np.asarray(astronaut())
    flat = (cv2.stylization(photo, sigma_s=60, sigma_r=0.45) // 48) * 48 + 24
    grey = cv2.medianBlur(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), 7)
    ink = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 9, 2)
    return Image.fromarray(cv2.bitwise_and(flat.astype(np.uint8), flat.astype(np.uint8), mask=ink))


def centre_inside(box: tuple[int, int, int, int], face) -> bool:
    """True when the centre of ``face`` lies inside ``box`` (left, top, width, height)."""
    centre_x, centre_y = face.left + face.width / 2, face.top + face.height / 2
    left, top, width, height = box
    return left <= centre_x <= left + width and top <= centre_y <= top + height
