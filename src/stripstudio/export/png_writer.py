"""A PNG writer whose compressed rows can be joined: slices and the whole strip share one compression.

Pictures are RGB, 8 bits per channel. Rows are PNG-filtered in NumPy ("Up", each byte minus the one
above, or "Paeth"; the first row of every part uses "Sub", which looks at no other row), then
deflated by zlib, which releases the GIL, so parts compress in parallel threads. Each part is a raw
deflate stream ended with a sync flush, so parts laid end to end form one valid stream: a slice is
one part, the tall strip is all of them, and no pixel is compressed twice.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZLIB_HEADER = b"\x78\x9c"  # deflate, 32 KiB window, default-level flag
FINAL_EMPTY_BLOCK = b"\x03\x00"  # an empty fixed-Huffman block marked final
ADLER_BASE = 65521
IDAT_CHUNK = 1 << 20
# An empty Exif block (big-endian TIFF header, no entries). Pillow (which many readers of our pages use)
# decodes every pixel of a PNG to look for Exif data after the pixels unless it finds it before them.
EMPTY_EXIF = b"MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"
ROWS_PER_PART = 256

RowFilter = Literal["up", "paeth"]


@dataclass(frozen=True)
class DeflatedRows:
    """Consecutive RGB rows, filtered and deflated, ready to be joined with the parts below them."""

    width: int
    height: int
    deflated: bytes
    adler: int
    size: int


def deflate_rows(pixels: np.ndarray, level: int = 6, row_filter: RowFilter = "up") -> DeflatedRows:
    """Filter and deflate an ``(height, width, 3)`` uint8 array of rows.

    The first row uses PNG's "Sub" filter (it looks at no other row, so parts can be joined);
    the others use ``row_filter``: "up" is fast, "paeth" slower and usually a few percent smaller.
    """
    height, width, _ = pixels.shape
    rows = np.ascontiguousarray(pixels).reshape(height, width * 3)
    filtered = np.empty((height, width * 3 + 1), np.uint8)
    filtered[0, 0] = 1
    filtered[0, 1:4] = rows[0, :3]
    np.subtract(rows[0, 3:], rows[0, :-3], out=filtered[0, 4:])
    if row_filter == "paeth":
        filtered[1:, 0] = 4
        _paeth(rows, filtered[1:, 1:])
    else:
        filtered[1:, 0] = 2
        np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])
    data = filtered.data
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return DeflatedRows(width, height, deflated, zlib.adler32(data), filtered.size)


def _paeth(rows: np.ndarray, out: np.ndarray) -> None:
    """PNG's Paeth filter of every row but the first, written into ``out``."""
    padded = np.zeros((rows.shape[0], rows.shape[1] + 3), np.int16)
    padded[:, 3:] = rows
    current, left = padded[1:, 3:], padded[1:, :-3]
    above, above_left = padded[:-1, 3:], padded[:-1, :-3]
    to_above, to_left = above - above_left, left - above_left
    from_left, from_above, from_corner = np.abs(to_above), np.abs(to_left), np.abs(to_above + to_left)
    use_left = (from_left <= from_above) & (from_left <= from_corner)
    predictor = np.where(use_left, left, np.where(from_above <= from_corner, above, above_left))
    out[...] = (current - predictor).astype(np.uint8)


def png_bytes(parts: Sequence[DeflatedRows], dpi: float | None = None) -> bytes:
    """A complete RGB PNG of ``parts`` stacked top to bottom (all of one width)."""
    width = parts[0].width
    if any(part.width != width for part in parts):
        raise ValueError("every part of a PNG must have the same width")
    height = sum(part.height for part in parts)
    adler = 1
    for part in parts:
        adler = adler32_combine(adler, part.adler, part.size)
    stream = b"".join([ZLIB_HEADER, *(part.deflated for part in parts), FINAL_EMPTY_BLOCK, struct.pack(">I", adler)])
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))]
    if dpi:
        per_metre = round(dpi / 0.0254)
        chunks.append(_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks.append(_chunk(b"eXIf", EMPTY_EXIF))
    chunks += [_chunk(b"IDAT", stream[i : i + IDAT_CHUNK]) for i in range(0, len(stream), IDAT_CHUNK)]
    chunks.append(_chunk(b"IEND", b""))
    return PNG_SIGNATURE + b"".join(chunks)


def deflate_image_rows(
    image: Image.Image, top: int, bottom: int, level: int = 6, row_filter: RowFilter = "up"
) -> DeflatedRows:
    """Rows ``top``..``bottom`` (exclusive) of an RGB image, filtered and deflated.

    Only those rows are copied out of the image, so workers can share one large picture.
    """
    return deflate_rows(np.asarray(image.crop((0, top, image.width, bottom))), level, row_filter)


def encode_png(
    image: Image.Image,
    dpi: float | None = None,
    level: int = 6,
    pool: Executor | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> bytes:
    """A PNG of an RGB image, compressed in bands of rows on ``pool`` if given.

    ``checkpoint`` runs before each band; what it raises stops the encoding.
    """
    bands = [(top, min(top + ROWS_PER_PART, image.height)) for top in range(0, image.height, ROWS_PER_PART)]
    deflate = functools.partial(_deflate_band, image, level, checkpoint)
    parts = list(pool.map(deflate, bands)) if pool else [deflate(band) for band in bands]
    return png_bytes(parts, dpi)


def _deflate_band(
    image: Image.Image, level: int, checkpoint: Callable[[], None] | None, band: tuple[int, int]
) -> DeflatedRows:
    if checkpoint:
        checkpoint()
    return deflate_image_rows(image, band[0], band[1], level)


def adler32_combine(first: int, second: int, second_size: int) -> int:
    """The Adler-32 of two byte strings joined, from each one's checksum and the second's length."""
    low = ((first & 0xFFFF) + (second & 0xFFFF) - 1) % ADLER_BASE
    high = ((first >> 16) + (second >> 16) + second_size * ((first & 0xFFFF) - 1)) % ADLER_BASE
    return (high << 16) | low


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
