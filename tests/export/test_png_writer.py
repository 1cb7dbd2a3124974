"""The PNG writer: standard files any reader opens, parts that join into one image."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from stripstudio.export.png_writer import adler32_combine, deflate_rows, encode_png, png_bytes


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    found, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        assert struct.unpack(">I", data[at + 8 + length : at + 12 + length])[0] == zlib.crc32(kind + body)
        found.append((kind, body))
        at += 12 + length
    return found


@given(st.binary(max_size=3000), st.binary(max_size=3000))
def test_adler32_of_joined_bytes_comes_from_the_parts(first, second):
    assert adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second)) == zlib.adler32(first + second)


@settings(max_examples=30)
@given(
    width=st.integers(1, 64),
    heights=st.lists(st.integers(1, 40), min_size=1, max_size=5),
    seed=st.integers(0, 2**16),
    row_filter=st.sampled_from(["up", "paeth"]),
)
def test_joined_parts_decode_to_the_stacked_rows(width, heights, seed, row_filter):
    rng = np.random.default_rng(seed)
    bands = [rng.integers(0, 256, (h, width, 3), dtype=np.uint8) for h in heights]
    # Smooth bands as well as noisy ones, so every branch of the Paeth predictor is taken.
    bands = [np.cumsum(band // 64, axis=1, dtype=np.uint8) if i % 2 else band for i, band in enumerate(bands)]
    data = png_bytes([deflate_rows(band, row_filter=row_filter) for band in bands], dpi=150)
    decoded = Image.open(io.BytesIO(data))
    assert decoded.mode == "RGB"
    assert np.array_equal(np.asarray(decoded), np.concatenate(bands))
    assert round(decoded.info["dpi"][0]) == 150
    # The compressed stream is one valid zlib stream with the right checksum.
    stream = b"".join(body for kind, body in chunks(data) if kind == b"IDAT")
    assert len(zlib.decompress(stream)) == sum(heights) * (width * 3 + 1)


def test_large_images_compress_in_parts_on_a_pool():
    from concurrent.futures import ThreadPoolExecutor

    pixels = np.random.default_rng(1).integers(0, 256, (1000, 50, 3), dtype=np.uint8)
    with ThreadPoolExecutor(2) as pool:
        data = encode_png(Image.fromarray(pixels), pool=pool)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(data))), pixels)
    assert [kind for kind, _ in chunks(data)][:2] == [b"IHDR", b"eXIf"]


def test_libpng_reads_the_same_pixels():
    cv2 = pytest.importorskip("cv2")
    pixels = np.random.default_rng(2).integers(0, 256, (300, 70, 3), dtype=np.uint8)
    data = png_bytes([deflate_rows(pixels[:100]), deflate_rows(pixels[100:], row_filter="paeth")])
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(decoded[..., ::-1], pixels)
