"""Uploaded pictures: checked by decoding and re-encoded without metadata (see :func:`clean_image`)."""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image, ImageFile, ImageOps

from stripstudio.uploads.limits import DEFAULT_LIMITS, UploadLimits, UploadRejected, check_byte_size
from stripstudio.uploads.sniff import describe

try:  # Pillow built without LittleCMS: embedded colour profiles are dropped without conversion
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on how Pillow was built
    ImageCms = None  # type: ignore[assignment]

_IMAGE_ADVICE = "upload a picture saved as PNG, JPEG or WebP"
_OPEN_FORMATS = ("PNG", "JPEG", "WEBP")
# Pillow format name -> (our format name, file extension, name for people).
_FORMATS = {
    "PNG": ("png", ".png", "PNG"),
    "JPEG": ("jpeg", ".jpg", "JPEG"),
    "MPO": ("jpeg", ".jpg", "JPEG"),  # what Pillow calls a JPEG carrying extra pictures
    "WEBP": ("webp", ".webp", "WebP"),
}
_FORMATS_BY_KIND = {kind: extension for kind, extension, _label in _FORMATS.values()}
_SAVE_AS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
_KEPT_MODES = {
    "png": {"1", "L", "LA", "P", "RGB", "RGBA"},
    "jpeg": {"L", "RGB"},
    "webp": {"RGB", "RGBA"},
}


@dataclass(frozen=True)
class CleanImage:
    """An accepted picture, re-encoded without metadata; store ``data`` under ``sha256`` + ``extension``."""

    data: bytes
    format: str  # "png", "jpeg" or "webp"
    width: int
    height: int
    sha256: str  # hex digest of ``data``
    extension: str  # ".png", ".jpg" or ".webp"


def clean_image(data: bytes, *, field: str = "file", limits: UploadLimits = DEFAULT_LIMITS) -> CleanImage:
    """Check an uploaded picture and return it re-encoded in its own format, without any metadata.

    The byte size is checked first, then the header (format, dimensions, frame count) before any
    pixel is decoded, then the whole picture is decoded so a truncated file is refused. EXIF
    orientation is applied to the pixels, an embedded colour profile is converted to sRGB, and
    transparency is kept for PNG and WebP. Raises :class:`UploadRejected`.
    """
    picture, kind, info, mode = _decode(data, field, limits)
    try:
        picture = _normalise_mode(picture, kind, info.get("icc_profile"))
    except ValueError as error:
        raise UploadRejected(field, f"the colour mode {mode} is not supported; {_IMAGE_ADVICE} in RGB") from error
    transparency = info.get("transparency") if picture.mode == mode else None
    lossless = kind == "webp" and _webp_is_lossless(data)
    encoded = _encode(picture, kind, transparency=transparency, lossless=lossless)
    digest = hashlib.sha256(encoded).hexdigest()
    return CleanImage(encoded, kind, picture.width, picture.height, digest, _FORMATS_BY_KIND[kind])


def decode_image(data: bytes, *, field: str = "file", limits: UploadLimits = DEFAULT_LIMITS) -> Image.Image:
    """Check and decode a picture by the same rules as :func:`clean_image`, returning its pixels.

    The result is EXIF-oriented, converted to sRGB where a colour profile said otherwise, and in
    ``RGB`` mode, or ``RGBA`` where the picture has transparency. Raises :class:`UploadRejected`.
    """
    picture, _kind, info, _mode = _decode(data, field, limits)
    converted = _to_srgb(picture, info.get("icc_profile"))
    picture = converted if converted is not None else picture
    alpha = "A" in picture.mode or "transparency" in picture.info
    return picture.convert("RGBA" if alpha else "RGB")


def _decode(data: bytes, field: str, limits: UploadLimits) -> tuple[Image.Image, str, dict, str]:
    """The oriented picture, our name of its format, its original ``info`` and mode; every check applied."""
    check_byte_size(len(data), limits.max_bytes, field, "upload a smaller picture or save it with more compression")
    with _strict_decoding(), _open_header(data, field, limits) as image:
        kind, _extension, label = _FORMATS[image.format or ""]
        try:
            image.load()
        except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError... for damaged data
            raise UploadRejected(field, _damaged(label, error)) from error
        info, mode = dict(image.info), image.mode
        return _orient(image), kind, info, mode


class _TruncationGuard:
    """Keeps ``ImageFile.LOAD_TRUNCATED_IMAGES`` False while any check runs, then restores it.

    The flag is process-wide, so overlapping calls share a counter: the first one saves the
    caller's value and the last one puts it back.
    """

    lock = threading.Lock()
    users = 0
    saved = False

    @classmethod
    def enter(cls) -> None:
        with cls.lock:
            if cls.users == 0:
                cls.saved = ImageFile.LOAD_TRUNCATED_IMAGES
            cls.users += 1
            ImageFile.LOAD_TRUNCATED_IMAGES = False

    @classmethod
    def leave(cls) -> None:
        with cls.lock:
            cls.users -= 1
            if cls.users == 0:
                ImageFile.LOAD_TRUNCATED_IMAGES = cls.saved


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Within: truncated files raise, and Pillow's decompression-bomb warning is an error."""
    _TruncationGuard.enter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        _TruncationGuard.leave()


def _open_header(data: bytes, field: str, limits: UploadLimits) -> Image.Image:
    """Open the picture lazily (header only) and check format, dimensions and frames; no pixel is decoded."""
    try:
        image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UploadRejected(
            field, f"the picture has too many pixels to decode safely ({error}); scale it down"
        ) from error
    except Exception as error:  # UnidentifiedImageError, SyntaxError, struct.error... for anything else
        raise UploadRejected(field, _not_an_image(data, error)) from error
    try:
        _check_dimensions(image.size, field, limits)
        frames = getattr(image, "n_frames", 1)
        if frames > 1:
            raise UploadRejected(
                field, f"the picture is animated or holds {frames} frames; upload a single still picture (one frame)"
            )
    except UploadRejected:
        image.close()
        raise
    return image


def _check_dimensions(size: tuple[int, int], field: str, limits: UploadLimits) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise UploadRejected(field, f"the picture is {width}×{height} pixels and has nothing to show; {_IMAGE_ADVICE}")
    if max(width, height) > limits.max_side:
        raise UploadRejected(
            field,
            f"the picture is {width}×{height} pixels, and a side longer than {limits.max_side} pixels is too large; "
            "scale it down and upload it again",
        )
    if width * height > limits.max_pixels:
        raise UploadRejected(
            field,
            f"the picture is {width}×{height} pixels ({width * height / 1e6:.1f} megapixels), more than the "
            f"{limits.max_pixels / 1e6:g}-megapixel limit; scale it down and upload it again",
        )


def _orient(image: Image.Image) -> Image.Image:
    """A copy of the picture with its EXIF orientation applied to the pixels."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # a broken EXIF block costs only the rotation: the metadata is dropped anyway
        return image.copy()


def _normalise_mode(picture: Image.Image, kind: str, icc: bytes | None) -> Image.Image:
    """The picture in a mode its format stores plainly, with colours in sRGB where a profile said otherwise."""
    converted = _to_srgb(picture, icc)
    if converted is not None:
        picture = converted
    if picture.mode in _KEPT_MODES[kind]:
        return picture
    if picture.mode.startswith("I"):  # 16-bit greyscale: scale to 8 bits rather than clip
        picture = picture.convert("I").point(lambda value: value * (1 / 256)).convert("L")
        return picture if kind == "png" else picture.convert("RGB")
    alpha = "A" in picture.mode or "transparency" in picture.info
    return picture.convert("RGBA" if alpha and kind != "jpeg" else "RGB")


def _to_srgb(picture: Image.Image, icc: bytes | None) -> Image.Image | None:
    """The picture converted from its embedded ICC profile to sRGB, or None where that does not apply."""
    if not icc or ImageCms is None or picture.mode not in ("RGB", "RGBA", "CMYK"):
        return None
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.createProfile("sRGB")
        mode = "RGBA" if picture.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(picture, source, srgb, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # a broken or mismatched profile: keep the pixels as they are


def _encode(picture: Image.Image, kind: str, *, transparency: object, lossless: bool) -> bytes:
    """The picture saved in ``kind`` with no metadata at all (Pillow copies some keys from ``info``)."""
    picture.info = {}
    options: dict[str, object]
    if kind == "png":
        options = {"optimize": False, "compress_level": 6}
        if transparency is not None:
            options["transparency"] = transparency
    elif kind == "jpeg":
        options = {"quality": 95}
    else:
        options = {"lossless": True, "exact": True} if lossless else {"quality": 95}
    buffer = io.BytesIO()
    picture.save(buffer, _SAVE_AS[kind], **options)
    return buffer.getvalue()


def _webp_is_lossless(data: bytes) -> bool:
    """Whether a WebP file holds a lossless (VP8L) bitstream rather than a lossy (VP8) one."""
    position = 12  # after "RIFF", the size and "WEBP"
    while position + 8 <= len(data):
        chunk = data[position : position + 4]
        if chunk == b"VP8L":
            return True
        if chunk == b"VP8 ":
            return False
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        position += 8 + size + (size & 1)
    return False


def _damaged(label: str, error: Exception) -> str:
    return (
        f"the {label} picture is damaged or cut short and could not be decoded ({error}); "
        "save or download it again and re-upload it"
    )


def _not_an_image(data: bytes, error: Exception) -> str:
    found = describe(data)
    if found in ("PNG image", "JPEG image", "WebP image"):
        return _damaged(found.split()[0], error)
    return f"not a PNG, JPEG or WebP image (decoded as {found}); {_IMAGE_ADVICE}"
