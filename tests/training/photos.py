"""Small training images made from the photos that ship with scikit-image."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from skimage import data

PHOTOS = (
    "astronaut", "coffee", "chelsea", "rocket", "camera", "hubble_deep_field", "retina", "immunohistochemistry",
    "coins", "moon", "page", "clock", "grass", "gravel", "brick", "colorwheel",
)  # fmt: skip


def photo(name: str, size: tuple[int, int] | None = None) -> Image.Image:
    """scikit-image's ``data.<name>()`` as an RGB picture, resized to ``size`` when given."""
    picture = Image.fromarray(getattr(data, name)()).convert("RGB")
    return picture.resize(size, Image.Resampling.LANCZOS) if size else picture


def png_bytes(picture: Image.Image) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()


def write_kohya(root: Path, count: int = 3, *, folder: str = "5_rc_test man", reg: int = 0, size=(96, 64)) -> Path:
    """A kohya dataset folder: ``count`` distinct photos with captions, and ``reg`` regularisation images."""
    concept = root / "img" / folder
    concept.mkdir(parents=True)
    for index, name in enumerate(PHOTOS[:count]):
        photo(name, size).save(concept / f"{name}.png")
        (concept / f"{name}.txt").write_text(f"rc_test, photo of a man, number {index}\n", encoding="utf-8")
    if reg:
        reg_folder = root / "reg" / "1_man"
        reg_folder.mkdir(parents=True)
        for name in PHOTOS[-reg:]:
            photo(name, size).save(reg_folder / f"{name}.png")
    return root
