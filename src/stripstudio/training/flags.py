"""What dataset preparation notices about an image: too small, no face, a near-duplicate of another.

Near-duplicates are found with a difference hash (dHash): the picture shrunk to 17×16 grey pixels,
one bit per pair of horizontal neighbours saying which is brighter. Re-saved, resized or slightly
re-coloured copies of one photo differ in a few of the 256 bits; different photos in about half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

SMALL = "small"
NO_FACE = "no-face"
DUPLICATE_OF = "duplicate-of:"
SMALL_SIDE = 512
_HASH_SIZE = 16
# An eighth of the bits: resized, re-saved or re-lit copies measured 0-1 bits apart and a copy
# trimmed by 2% on each side 29; different photos 84 or more.
DUPLICATE_DISTANCE = 32
_UNSAFE = re.compile(r"[^\w.-]+")
_MAX_STEM = 80


def difference_hash(image: Image.Image) -> np.ndarray:
    """The image's 256-bit difference hash, as a boolean array."""
    grey = image.convert("L").resize((_HASH_SIZE + 1, _HASH_SIZE), Image.Resampling.LANCZOS)
    pixels = np.asarray(grey, dtype=np.int16)
    return (pixels[:, 1:] > pixels[:, :-1]).ravel()


@dataclass
class DuplicateFinder:
    """Remembers the hash of each image seen and names the first earlier one a new image nearly repeats."""

    distance: int = DUPLICATE_DISTANCE
    _seen: list[tuple[str, np.ndarray]] = field(default_factory=list)

    def check(self, name: str, image: Image.Image) -> str | None:
        """The name of an earlier near-duplicate of ``image``, or None; ``image`` is remembered as ``name``."""
        digest = difference_hash(image)
        earlier = next((seen for seen, other in self._seen if np.count_nonzero(digest != other) <= self.distance), None)
        self._seen.append((name, digest))
        return earlier


def image_flags(
    name: str, image: Image.Image, duplicates: DuplicateFinder, *, small_side: int = SMALL_SIDE
) -> list[str]:
    """``small`` when the image's short side is under ``small_side`` pixels, ``duplicate-of:NAME`` when
    it nearly repeats an earlier image."""
    flags = [SMALL] if min(image.size) < small_side else []
    earlier = duplicates.check(name, image)
    if earlier is not None:
        flags.append(DUPLICATE_OF + earlier)
    return flags


def output_name(source_name: str, taken: set[str], suffix: str) -> str:
    """A file name for an image in a dataset folder, made from the name it came with: letters, digits,
    ``.``, ``_`` and ``-`` only, never hidden, unique among ``taken`` (which it joins)."""
    stem = _UNSAFE.sub("_", Path(source_name.replace("\\", "/")).stem).strip("._")[:_MAX_STEM] or "image"
    name, number = f"{stem}{suffix}", 2
    while name.lower() in taken:
        name, number = f"{stem}-{number}{suffix}", number + 1
    taken.add(name.lower())
    return name
