"""Upload checks (stripstudio.uploads): real pictures and model files built here, no mocks."""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import struct
import zipfile
import zlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo
from safetensors.numpy import save_file

from stripstudio.uploads import (
    CleanImage,
    CleanModelFile,
    UploadLimits,
    UploadRejected,
    clean_image,
    clean_model_file,
    safe_filename,
)

# Helpers ----------------------------------------------------------------------------------------------------


def _noise(size: tuple[int, int], mode: str = "RGB", seed: int = 0) -> Image.Image:
    channels = {"RGB": 3, "RGBA": 4}[mode]
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], channels), dtype=np.uint8)
    return Image.fromarray(pixels, mode)


def _save(image: Image.Image, format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "editor 1.0"  # Software
    if orientation is not None:
        exif[0x0112] = orientation
    return exif


def _srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


def _with_ihdr_size(png: bytes, width: int, height: int) -> bytes:
    """The PNG with its IHDR claiming another size (CRC fixed), the pixel data untouched."""
    ihdr = bytearray(png[12:29])  # "IHDR" + 13 bytes of fields
    ihdr[4:12] = struct.pack(">II", width, height)
    return png[:12] + bytes(ihdr) + struct.pack(">I", zlib.crc32(ihdr)) + png[33:]


def _rejected(data: bytes, fragment: str, *, field: str = "picture", **kwargs: object) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        clean_image(data, field=field, **kwargs)
    error = caught.value
    assert error.field == field
    assert str(error).startswith(f"{field}: ")
    assert fragment in error.message
    return error


# Accepted pictures ------------------------------------------------------------------------------------------


def test_png_is_reencoded_without_text_exif_or_icc():
    info = PngInfo()
    info.add_text("Comment", "home address")
    info.add_text("parameters", "a secret prompt", zip=True)
    source = _save(_noise((32, 24), "RGBA"), "PNG", pnginfo=info, exif=_exif(), icc_profile=_srgb_icc())
    assert b"tEXt" in source and b"eXIf" in source and b"iCCP" in source

    clean = clean_image(source)

    assert isinstance(clean, CleanImage)
    assert (clean.format, clean.extension, clean.width, clean.height) == ("png", ".png", 32, 24)
    assert clean.sha256 == hashlib.sha256(clean.data).hexdigest()
    chunks = _png_chunks(clean.data)
    assert not {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"iCCP"} & set(chunks)
    image = _open(clean.data)
    assert image.mode == "RGBA"
    assert not image.getexif()
    assert not {"Comment", "parameters", "exif", "icc_profile"} & set(image.info)
    assert np.array_equal(np.asarray(image), np.asarray(_noise((32, 24), "RGBA")))


def test_jpeg_is_reencoded_without_exif_comment_or_icc():
    source = _save(_noise((40, 30)), "JPEG", exif=_exif(), comment=b"secret", icc_profile=_srgb_icc())
    assert _open(source).getexif()

    clean = clean_image(source)

    assert (clean.format, clean.extension, clean.width, clean.height) == ("jpeg", ".jpg", 40, 30)
    image = _open(clean.data)
    assert image.format == "JPEG"
    assert not image.getexif()
    assert not {"exif", "comment", "icc_profile"} & set(image.info)
    assert b"SecretCam" not in clean.data and b"secret" not in clean.data


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_is_reencoded_without_metadata_keeping_lossless_and_alpha(lossless):
    picture = _noise((20, 16), "RGBA")
    source = _save(picture, "WEBP", lossless=lossless, exif=_exif(), icc_profile=_srgb_icc())
    assert _open(source).getexif()

    clean = clean_image(source)

    assert (clean.format, clean.extension, clean.width, clean.height) == ("webp", ".webp", 20, 16)
    assert (b"VP8L" in clean.data) is lossless
    assert b"EXIF" not in clean.data and b"ICCP" not in clean.data
    image = _open(clean.data)
    assert image.mode == "RGBA"
    assert not image.getexif()
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)
    if lossless:
        assert np.array_equal(np.asarray(image), np.asarray(_open(source)))


def test_exif_orientation_is_applied_to_the_pixels():
    picture = Image.new("RGB", (40, 20), "blue")
    picture.paste((255, 0, 0), (0, 0, 20, 20))  # left half red
    source = _save(picture, "JPEG", quality=100, exif=_exif(orientation=6))  # 6: rotate 90° clockwise to show

    clean = clean_image(source)

    assert (clean.width, clean.height) == (20, 40)
    image = _open(clean.data).convert("RGB")
    assert image.size == (20, 40)
    red, _, blue = image.getpixel((10, 5))
    assert red > 200 and blue < 60  # the left half is now on top
    red, _, blue = image.getpixel((10, 35))
    assert blue > 200 and red < 60
    assert not image.getexif()


def test_palette_png_keeps_its_transparency():
    picture = Image.new("P", (8, 8), 1)
    picture.putpalette([0, 0, 0, 255, 0, 0])
    clean = clean_image(_save(picture, "PNG", transparency=1))
    image = _open(clean.data)
    assert image.convert("RGBA").getpixel((0, 0)) == (255, 0, 0, 0)


def test_cmyk_jpeg_becomes_rgb():
    clean = clean_image(_save(Image.new("CMYK", (8, 8), (0, 255, 255, 0)), "JPEG"))
    image = _open(clean.data)
    assert image.mode == "RGB"
    red, green, blue = image.getpixel((4, 4))
    assert red > 200 and green < 60 and blue < 60


def test_sixteen_bit_greyscale_png_is_scaled_not_clipped():
    grey = Image.fromarray(np.full((4, 4), 40000, dtype=np.uint16))
    image = _open(clean_image(_save(grey, "PNG")).data)
    assert image.mode == "L"
    assert image.getpixel((0, 0)) == 40000 // 256


# Refused pictures -------------------------------------------------------------------------------------------


def test_decompression_bomb_header_is_refused_before_decoding():
    small = _save(Image.new("1", (8, 8)), "PNG")
    _rejected(_with_ihdr_size(small, 30000, 30000), "too many pixels")


def test_own_pixel_limit_holds_without_pillows_global_limit(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    small = _save(Image.new("1", (8, 8)), "PNG")
    _rejected(_with_ihdr_size(small, 30000, 30000), "30000×30000 pixels")


def test_real_picture_over_the_pixel_limit_is_refused():
    big = _save(Image.new("1", (7000, 7000)), "PNG")  # 49 megapixels in a few KB
    assert len(big) < 100_000
    _rejected(big, "40-megapixel limit")


def test_picture_with_a_side_over_the_limit_is_refused():
    _rejected(_save(Image.new("L", (20000, 4)), "PNG"), "longer than 16384 pixels")


def test_truncated_png_is_refused():
    whole = _save(_noise((64, 64)), "PNG")
    _rejected(whole[: len(whole) // 2], "damaged or cut short")


def test_truncated_jpeg_is_refused_even_if_pillow_was_told_to_accept_them(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = _save(_noise((64, 64)), "JPEG")
    _rejected(whole[: len(whole) // 2], "damaged or cut short")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back afterwards


def test_html_named_png_is_refused():
    error = _rejected(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "decoded as HTML text")
    assert "upload a picture saved as PNG, JPEG or WebP" in str(error)


def test_svg_named_png_is_refused():
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    _rejected(svg, "decoded as SVG drawing")


def test_gif_is_refused():
    _rejected(_save(Image.new("P", (8, 8)), "GIF"), "decoded as GIF image")


@pytest.mark.parametrize("format", ["PNG", "WEBP"])
def test_animated_picture_is_refused(format):
    frames = [Image.new("RGB", (8, 8), colour) for colour in ("red", "blue", "green")]
    animated = _save(frames[0], format, save_all=True, append_images=frames[1:])
    _rejected(animated, "animated or holds 3 frames")


def test_too_many_bytes_is_refused_before_decoding():
    _rejected(b"\x89PNG" + b"\0" * 200, "more than the 100 bytes limit", limits=UploadLimits(max_bytes=100))


def test_empty_upload_is_refused():
    _rejected(b"", "empty")


def test_rejection_pickles_and_keeps_its_fields():
    error = pickle.loads(pickle.dumps(UploadRejected("avatar", "too big; upload a smaller one")))
    assert (error.field, error.message, str(error)) == (
        "avatar",
        "too big; upload a smaller one",
        "avatar: too big; upload a smaller one",
    )


# File names -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\Pictures\\page 1.png", "page 1.png"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("", "upload"),
        (None, "upload"),
        ("/", "upload"),
        ("..", "upload"),
        ("...png", "png"),
        (".bashrc", "bashrc"),
        ("a..b.png", "a.b.png"),
        ("ev\x00il\x1b[31m\x7f.png", "evil[31m.png"),
        ("photo\u202egnp.exe", "photognp.exe"),  # right-to-left override removed
        ("line\nbreak.png", "line break.png"),
        ("漫画 ページ１.png", "漫画 ページ１.png"),
        ("what?.png", "what_.png"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_default_and_length():
    assert safe_filename("\x00\x01", default_stem="page") == "page"
    long = safe_filename("x" * 300 + ".png")
    assert len(long) == 100 and long.endswith(".png")


@given(st.one_of(st.none(), st.text()))
def test_safe_filename_is_never_a_path_hidden_or_empty(name):
    shown = safe_filename(name)
    assert shown
    assert "/" not in shown and "\\" not in shown
    assert not shown.startswith(".")
    assert len(shown) <= 100


# Model files ------------------------------------------------------------------------------------------------


def _safetensors(tmp_path, tensors: dict[str, np.ndarray] | None = None) -> bytes:
    path = tmp_path / "made.safetensors"
    save_file(tensors or {"lora_unet_down.lora_down.weight": np.ones((4, 2), dtype=np.float32)}, str(path))
    return path.read_bytes()


def _model_rejected(source: object, filename: str, fragment: str, **kwargs: object) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        clean_model_file(source, filename=filename, field="model", **kwargs)
    assert caught.value.field == "model"
    assert fragment in caught.value.message
    return caught.value


def test_real_safetensors_is_accepted_from_bytes_stream_and_path(tmp_path):
    data = _safetensors(tmp_path, {"a": np.zeros((2, 3), np.float32), "b": np.ones(4, np.int64)})
    path = tmp_path / "weights.safetensors"
    path.write_bytes(data)
    expected = CleanModelFile(sha256=hashlib.sha256(data).hexdigest(), size=len(data), tensor_count=2, kind="unknown")

    assert clean_model_file(data, filename="weights.safetensors") == expected
    assert clean_model_file(io.BytesIO(data), filename="My LoRA.SafeTensors") == expected
    assert clean_model_file(path, filename="weights.safetensors") == expected


def test_lora_is_recognised(tmp_path):
    assert clean_model_file(_safetensors(tmp_path), filename="style.safetensors").kind == "lora"


def test_header_length_that_looks_like_a_pickle_opcode_is_still_accepted():
    header = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).encode().ljust(0x280)
    data = struct.pack("<Q", len(header)) + header + b"\0" * 4
    assert data.startswith(b"\x80\x02")
    assert clean_model_file(data, filename="w.safetensors").tensor_count == 1


@pytest.mark.parametrize("suffix", [".ckpt", ".pt", ".pth", ".bin"])
def test_pickle_checkpoint_is_refused(suffix):
    payload = pickle.dumps({"state_dict": {"weight": [1.0, 2.0]}})
    error = _model_rejected(payload, f"model{suffix}", "pickle-based checkpoint")
    assert "can run arbitrary code" in error.message and ".safetensors" in error.message


def test_other_extensions_are_refused():
    _model_rejected(b"whatever", "model.gguf", "only .safetensors model files are accepted")


def test_pickle_renamed_to_safetensors_is_refused(tmp_path):
    payload = pickle.dumps({"weight": list(range(100))}, protocol=4)
    error = _model_rejected(payload, "model.safetensors", "holds a pickle")
    assert "can run arbitrary code" in error.message
    path = tmp_path / "model.safetensors"
    path.write_bytes(payload)
    _model_rejected(path, "model.safetensors", "holds a pickle")


def test_zip_checkpoint_renamed_to_safetensors_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("archive/data.pkl", pickle.dumps({"weight": 1}))
    _model_rejected(buffer.getvalue(), "model.safetensors", "holds a ZIP archive")


def test_truncated_safetensors_is_refused(tmp_path):
    data = _safetensors(tmp_path)
    error = _model_rejected(data[:-5], "model.safetensors", "outside the file")
    assert str(tmp_path) not in str(error) and "stripstudio-upload" not in str(error)


def test_text_renamed_to_safetensors_is_refused():
    _model_rejected(b"this is not a model at all, just some words", "model.safetensors", "not a .safetensors file")


def test_model_over_the_size_limit_is_refused(tmp_path):
    data = _safetensors(tmp_path)
    _model_rejected(io.BytesIO(data), "m.safetensors", "limit", limits=UploadLimits(model_max_bytes=len(data) - 1))


def test_empty_model_is_refused():
    _model_rejected(b"", "m.safetensors", "empty")
