"""Reading the images a request points to: init images, masks and control drawings."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

from stripstudio.generation.errors import InvalidRequest


def load_image(path: str, field: str, mode: str = "RGB") -> Image.Image:
    """Open ``path`` as an image in ``mode``; a missing or unreadable file names the field and the path."""
    file = Path(path)
    if not file.is_file():
        raise InvalidRequest(f"file not found: {path} (check the path, or put the image there)", field=field)
    try:
        with Image.open(file) as image:
            image.load()
            return ImageOps.exif_transpose(image).convert(mode)
    except (UnidentifiedImageError, OSError) as error:
        raise InvalidRequest(f"{path} is not a readable PNG, JPEG or WebP image ({error})", field=field) from error


def cover(image: Image.Image, width: int, height: int, resample=Image.Resampling.LANCZOS) -> Image.Image:
    """Scale ``image`` to cover width x height and crop the centre: never stretched."""
    if image.size == (width, height):
        return image
    return ImageOps.fit(image, (width, height), method=resample, centering=(0.5, 0.5))


def inpaint_masks(path: str, size: tuple[int, int], grow: int, feather: int) -> tuple[Image.Image, Image.Image]:
    """The repaint mask (white = repaint) grown by ``grow`` px, and the same mask feathered by ``feather`` px.

    The hard mask guides the sampler; the soft one blends the result into the original, so
    pixels farther than ``grow + feather`` from the painted area keep their exact values.
    """
    mask = cover(load_image(path, "mask.image", mode="L"), *size, resample=Image.Resampling.NEAREST)
    hard: np.ndarray = np.where(np.asarray(mask) > 127, 255, 0).astype(np.uint8)
    if not hard.any():
        raise InvalidRequest("the mask is empty: paint the area to repaint in white", field="mask.image")
    if grow:
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
        hard = cv2.dilate(hard, kernel)
    grown = Image.fromarray(hard, mode="L")
    return grown, feathered(grown, feather)


def feathered(mask: Image.Image, feather: int) -> Image.Image:
    """Soften a hard mask inward so it fades out at its edge and stays 0 outside it."""
    if not feather:
        return mask
    inner = cv2.erode(np.asarray(mask), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (feather + 1,) * 2))
    soft = Image.fromarray(inner, mode="L").filter(ImageFilter.GaussianBlur(feather / 2))
    return Image.fromarray(np.minimum(np.asarray(soft), np.asarray(mask)), mode="L")


def paste_outside_mask(original: Image.Image, generated: Image.Image, soft_mask: Image.Image) -> Image.Image:
    """Keep ``original`` where the mask is 0, ``generated`` where it is 255, and blend in between."""
    return Image.composite(generated, original, soft_mask)


def control_image(path: str, size: tuple[int, int], invert: bool, field: str) -> Image.Image:
    """A control drawing at the output size; a black-on-white sketch is inverted to white-on-black."""
    drawing = cover(load_image(path, field, mode="L"), *size)
    if invert:
        drawing = ImageOps.invert(drawing)
    return drawing.convert("RGB")


def canny_edges(image: Image.Image, low: int = 100, high: int = 200) -> Image.Image:
    """White edges on black, the input a canny ControlNet expects."""
    edges = cv2.Canny(np.asarray(image.convert("L")), low, high)
    return Image.fromarray(edges, mode="L").convert("RGB")
