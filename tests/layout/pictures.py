"""Pictures for layout and export tests: flat colours, speckled detail and focus markers."""

from __future__ import annotations

import numpy as np
from PIL import Image

from stripstudio.layout import PanelArt


def speckled(width: int, height: int, seed: int = 0, cell: int = 8) -> Image.Image:
    """Random coloured blocks of ``cell`` px: detail that shows any misplaced row or column."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (max(1, height // cell + 1), max(1, width // cell + 1), 3), dtype=np.uint8)
    return Image.fromarray(small).resize((width, height), Image.Resampling.NEAREST)


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    """Pure noise: the largest a PNG of this size can be."""
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def marked(width: int, height: int, focus: tuple[float, float], size: int = 8) -> Image.Image:
    """Grey picture with a red ``size`` px square centred on the focus point (fractions of the picture)."""
    image = Image.new("RGB", (width, height), (128, 128, 128))
    x, y = round(focus[0] * width), round(focus[1] * height)
    image.paste((255, 0, 0), (x - size // 2, y - size // 2, x + size // 2, y + size // 2))
    return image


def art(sizes: list[tuple[int, int]], seed: int = 0, cell: int = 8) -> list[PanelArt]:
    """Speckled panels of the given sizes, named ``p1``, ``p2``, ..."""
    return [PanelArt(f"p{i + 1}", speckled(w, h, seed + i, cell)) for i, (w, h) in enumerate(sizes)]
