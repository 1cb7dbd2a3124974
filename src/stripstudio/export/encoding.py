"""Encoded pictures, the currency between export steps: slices, PDF pages and CBZ pages share them."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from PIL import Image

from stripstudio.export.png_writer import encode_png
from stripstudio.layout import Checkpoint, Page

ImageFormat = Literal["png", "jpeg"]
JPEG_QUALITIES = (92, 88, 84, 80, 76, 72, 68, 64, 60, 56, 52, 48, 44, 40)


@dataclass(frozen=True)
class EncodedImage:
    """A finished PNG or JPEG file in memory, with its pixel size and resolution."""

    data: bytes
    format: ImageFormat
    width: int
    height: int
    dpi: float

    @property
    def extension(self) -> str:
        """File name extension without the dot: ``png`` or ``jpg``."""
        return _extension(self.format)

    @property
    def size(self) -> int:
        """Bytes of the encoded file."""
        return len(self.data)


@dataclass(frozen=True)
class PageFile:
    """A finished PNG or JPEG page written to ``path`` (pages of a long export wait on disk, not in memory)."""

    path: Path
    format: ImageFormat
    width: int
    height: int
    dpi: float
    size: int

    @property
    def extension(self) -> str:
        """File name extension without the dot: ``png`` or ``jpg``."""
        return _extension(self.format)


class PageInfo(Protocol):
    """What archives and ComicInfo.xml need to know about a page, in memory or on disk."""

    @property
    def extension(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def size(self) -> int: ...


def _extension(format: ImageFormat) -> str:
    return "jpg" if format == "jpeg" else "png"


def png_image(
    image: Image.Image,
    dpi: float,
    level: int = 6,
    pool: Executor | None = None,
    checkpoint: Checkpoint | None = None,
) -> EncodedImage:
    """``image`` as an RGB PNG, compressed on ``pool`` if given; ``checkpoint`` runs between bands of rows."""
    data = encode_png(image if image.mode == "RGB" else image.convert("RGB"), dpi, level, pool, checkpoint)
    return EncodedImage(data, "png", image.width, image.height, dpi)


def jpeg_image(image: Image.Image, dpi: float, quality: int = 92) -> EncodedImage:
    """``image`` as a baseline JPEG at ``quality``."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True)
    return EncodedImage(buffer.getvalue(), "jpeg", image.width, image.height, dpi)


def jpeg_within(
    image: Image.Image, dpi: float, max_bytes: int, qualities: Sequence[int] = JPEG_QUALITIES
) -> EncodedImage | None:
    """The best of ``qualities`` (tried from the first) whose JPEG fits in ``max_bytes``; None if none does."""
    for quality in qualities:
        encoded = jpeg_image(image, dpi, quality)
        if len(encoded.data) <= max_bytes:
            return encoded
    return None


@contextlib.contextmanager
def worker_pool(pool: Executor | None = None) -> Iterator[Executor]:
    """``pool`` itself, or a thread pool with one worker per CPU for the duration of the block."""
    if pool is not None:
        yield pool
        return
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as own:
        yield own


def page_images(
    pages: Sequence[Page],
    *,
    trim: bool = False,
    format: ImageFormat = "png",
    level: int = 6,
    quality: int = 92,
    pool: Executor | None = None,
) -> list[EncodedImage]:
    """Encode laid-out pages, with their bleed (for print) or ``trim``-med to the trim size (for screens)."""
    with worker_pool(pool) as workers:
        if format == "jpeg":
            return list(workers.map(lambda page: jpeg_image(_picture(page, trim), page.dpi, quality), pages))
        return [png_image(_picture(page, trim), page.dpi, level, workers) for page in pages]


def page_file(
    page: Page,
    path: Path,
    *,
    trim: bool = False,
    format: ImageFormat = "png",
    level: int = 6,
    quality: int = 92,
    pool: Executor | None = None,
    checkpoint: Checkpoint | None = None,
) -> PageFile:
    """Encode one laid-out page (see :func:`page_images`) into ``path`` plus its extension."""
    picture = _picture(page, trim)
    if format == "jpeg":
        encoded = jpeg_image(picture, page.dpi, quality)
    else:
        encoded = png_image(picture, page.dpi, level, pool, checkpoint)
    target = path.with_name(f"{path.name}.{encoded.extension}")
    target.write_bytes(encoded.data)
    return PageFile(target, encoded.format, encoded.width, encoded.height, encoded.dpi, encoded.size)


def _picture(page: Page, trim: bool) -> Image.Image:
    return page.trimmed() if trim else page.image
