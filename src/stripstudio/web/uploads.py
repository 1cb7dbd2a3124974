"""Checking what people upload: pictures and model files, before anything else touches them.

Nothing here imports Django, so the checks run the same in a view, a worker or a test.

* :func:`clean_image` takes the bytes of an uploaded picture and returns a re-encoded copy
  (PNG, JPEG or WebP only, decided by decoding with Pillow, never by the file name or the
  content type the browser sent), with every piece of metadata removed: EXIF (GPS position,
  camera serial), text chunks, ICC profile, XMP.
* :func:`clean_model_file` takes an uploaded model or LoRA and accepts only ``.safetensors``
  files whose header is sound; pickle-based checkpoints are refused because loading one can
  run arbitrary code.
* :func:`safe_filename` turns a client-supplied file name into something fit to *show*.
  Files are stored under content-addressed names (their SHA-256), never under this name.

Every refusal is an :class:`UploadRejected` naming the form field and saying how to fix it.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
import threading
import unicodedata
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, ImageFile, ImageOps

from stripstudio.modelfiles import BadModelFile, classify_model_file, read_safetensors_header

try:  # Pillow built without LittleCMS: embedded colour profiles are dropped without conversion
    from PIL import ImageCms
except ImportError:  # pragma: no cover - depends on how Pillow was built
    ImageCms = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_LIMITS",
    "CleanImage",
    "CleanModelFile",
    "UploadLimits",
    "UploadRejected",
    "clean_image",
    "clean_model_file",
    "safe_filename",
]

_IMAGE_ADVICE = "upload a picture saved as PNG, JPEG or WebP"
_PICKLE_ADVICE = (
    "pickle-based checkpoints can run arbitrary code when they are loaded, so they are not accepted; "
    "convert the model to .safetensors and upload that file"
)
_OPEN_FORMATS = ("PNG", "JPEG", "WEBP")
# Pillow format name -> (our format name, file extension, name for people).
_FORMATS = {
    "PNG": ("png", ".png", "PNG"),
    "JPEG": ("jpeg", ".jpg", "JPEG"),
    "MPO": ("jpeg", ".jpg", "JPEG"),  # what Pillow calls a JPEG carrying extra pictures
    "WEBP": ("webp", ".webp", "WebP"),
}
_SAVE_AS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}
_KEPT_MODES = {
    "png": {"1", "L", "LA", "P", "RGB", "RGBA"},
    "jpeg": {"L", "RGB"},
    "webp": {"RGB", "RGBA"},
}
_PICKLE_SUFFIXES = {".ckpt", ".pt", ".pth", ".bin", ".pkl", ".pickle", ".joblib", ".mar"}
_CHUNK_BYTES = 1024 * 1024
_MAX_NAME_CHARS = 100


class UploadRejected(ValueError):
    """An upload was refused; ``field`` names the form field, ``message`` says what is wrong and how to fix it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class UploadLimits:
    """Size limits for uploads; pictures are measured both in bytes and in decoded pixels."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 16384
    model_max_bytes: int = 8 * 1024**3


DEFAULT_LIMITS = UploadLimits()


@dataclass(frozen=True)
class CleanImage:
    """An accepted picture, re-encoded without metadata; store ``data`` under ``sha256`` + ``extension``."""

    data: bytes
    format: str  # "png", "jpeg" or "webp"
    width: int
    height: int
    sha256: str  # hex digest of ``data``
    extension: str  # ".png", ".jpg" or ".webp"


@dataclass(frozen=True)
class CleanModelFile:
    """An accepted ``.safetensors`` file: its hash, size, tensor count and what it looks like it holds."""

    sha256: str
    size: int
    tensor_count: int
    kind: str  # checkpoint, lora, vae, controlnet or unknown (see stripstudio.modelfiles)


# Pictures ---------------------------------------------------------------------------------------------------


def clean_image(data: bytes, *, field: str = "file", limits: UploadLimits = DEFAULT_LIMITS) -> CleanImage:
    """Check an uploaded picture and return it re-encoded in its own format, without any metadata.

    The byte size is checked first, then the header (format, dimensions, frame count) before any
    pixel is decoded, then the whole picture is decoded so a truncated file is refused. EXIF
    orientation is applied to the pixels, an embedded colour profile is converted to sRGB, and
    transparency is kept for PNG and WebP. Raises :class:`UploadRejected`.
    """
    _check_byte_size(len(data), limits.max_bytes, field, "upload a smaller picture or save it with more compression")
    with _strict_decoding(), _open_header(data, field, limits) as image:
        kind, extension, label = _FORMATS[image.format or ""]
        try:
            image.load()
        except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError... for damaged data
            raise UploadRejected(field, _damaged(label, error)) from error
        info, mode = dict(image.info), image.mode
        picture = _orient(image)
    try:
        picture = _normalise_mode(picture, kind, info.get("icc_profile"))
    except ValueError as error:
        raise UploadRejected(field, f"the colour mode {mode} is not supported; {_IMAGE_ADVICE} in RGB") from error
    transparency = info.get("transparency") if picture.mode == mode else None
    lossless = kind == "webp" and _webp_is_lossless(data)
    encoded = _encode(picture, kind, transparency=transparency, lossless=lossless)
    digest = hashlib.sha256(encoded).hexdigest()
    return CleanImage(encoded, kind, picture.width, picture.height, digest, extension)


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
    found = _describe(data)
    if found in ("PNG image", "JPEG image", "WebP image"):
        return _damaged(found.split()[0], error)
    return f"not a PNG, JPEG or WebP image (decoded as {found}); {_IMAGE_ADVICE}"


_SIGNATURES = (
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"BM", "BMP image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "ICO icon"),
    (b"8BPS", "Photoshop document"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
)


def _describe(data: bytes) -> str:
    """What the bytes look like, for telling people what they uploaded instead of a picture."""
    if not data:
        return "an empty file"
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF":
        return "WebP image" if data[8:12] == b"WEBP" else "RIFF audio or video"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        return {b"avif": "AVIF image", b"heic": "HEIC image", b"heix": "HEIC image", b"mif1": "HEIF image"}.get(
            brand, "MP4 or QuickTime video"
        )
    return _describe_text(data[:4096])


def _describe_text(head: bytes) -> str:
    try:
        text = head.decode("utf-8-sig").lower()
    except UnicodeDecodeError:
        return "unknown binary data"
    if "<svg" in text:
        return "SVG drawing"
    if any(tag in text for tag in ("<!doctype html", "<html", "<head", "<body", "<script")):
        return "HTML text"
    if text.lstrip().startswith("<?xml"):
        return "XML text"
    return "plain text"


def _check_byte_size(size: int, limit: int, field: str, advice: str) -> None:
    if size == 0:
        raise UploadRejected(field, "the file is empty; choose the file again and re-upload it")
    if size > limit:
        raise UploadRejected(field, f"the file is {_human(size)}, more than the {_human(limit)} limit; {advice}")


def _human(size: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


# File names -------------------------------------------------------------------------------------------------

_RESERVED = re.compile(r'[<>:"|?*]')


def safe_filename(name: str | None, *, default_stem: str = "upload") -> str:
    """A client-supplied file name made fit to *show* to people; never use it as a path.

    Keeps only the part after the last ``/`` or ``\\``, drops control and invisible formatting
    characters (such as right-to-left overrides), collapses ``..`` and strips leading dots, and
    keeps at most 100 characters (the extension survives shortening). Letters in any script
    are kept. Returns ``default_stem`` (cleaned the same way) when nothing is left.

    Uploaded files are stored under content-addressed names (their SHA-256) chosen by the
    server; this name is only for display, for example in a list of uploads.
    """
    return _clean_name(name or "") or _clean_name(default_stem) or "upload"


def _clean_name(name: str) -> str:
    text = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    text = "".join(_display_char(char) for char in text)
    text = _RESERVED.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    return _shorten(text, _MAX_NAME_CHARS)


def _display_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Zl", "Zp") or char.isspace():
        return " "
    return "" if category.startswith("C") else char


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    stem, dot, extension = text.rpartition(".")
    if dot and stem and len(extension) < 16:
        return stem[: limit - len(extension) - 1].rstrip(" .") + "." + extension
    return text[:limit].rstrip(" .")


# Model files ------------------------------------------------------------------------------------------------


def clean_model_file(
    source: BinaryIO | Path | bytes,
    *,
    filename: str,
    field: str = "file",
    limits: UploadLimits = DEFAULT_LIMITS,
) -> CleanModelFile:
    """Check an uploaded model or LoRA: only a sound ``.safetensors`` file is accepted.

    ``filename`` is the name the client sent; it decides only whether the file claims to be
    ``.safetensors`` (pickle-based ``.ckpt``/``.pt``/``.bin``/``.pth`` files are refused). The
    content is then checked: no pickle or ZIP inside, and a header that
    :func:`stripstudio.modelfiles.read_safetensors_header` accepts. A :class:`~pathlib.Path` is
    checked where it lies; a stream or bytes is copied to a temporary file that is removed
    afterwards. Streams are read to the end in chunks (seek back to reuse them) and hashed as
    they go, so the file never has to fit in memory. Raises :class:`UploadRejected`.
    """
    _check_model_name(filename, field)
    if isinstance(source, Path):
        _check_byte_size(source.stat().st_size, limits.model_max_bytes, field, "upload a smaller model file")
        with source.open("rb") as handle:
            digest, size = _hash_stream(handle, None, field, limits)
        return _check_model(source, digest, size, field)
    stream = io.BytesIO(source) if isinstance(source, (bytes, bytearray, memoryview)) else source
    with tempfile.TemporaryDirectory(prefix="stripstudio-upload-") as folder:
        copy = Path(folder) / "upload.safetensors"
        with copy.open("wb") as sink:
            digest, size = _hash_stream(stream, sink, field, limits)
        return _check_model(copy, digest, size, field)


def _check_model_name(filename: str, field: str) -> None:
    shown = safe_filename(filename, default_stem="the file")
    suffix = Path(re.split(r"[/\\]", filename or "")[-1]).suffix.lower()
    if suffix == ".safetensors":
        return
    if suffix in _PICKLE_SUFFIXES:
        raise UploadRejected(field, f"{shown} is a pickle-based checkpoint ({suffix}); {_PICKLE_ADVICE}")
    raise UploadRejected(
        field, f"{shown} is not a .safetensors file; only .safetensors model files are accepted, so convert it first"
    )


def _hash_stream(stream: BinaryIO, sink: BinaryIO | None, field: str, limits: UploadLimits) -> tuple[str, int]:
    """SHA-256 and size of the stream, read in chunks (copied to ``sink`` if given); checks the size and magic."""
    digest = hashlib.sha256()
    size, prefix = 0, b""
    while chunk := stream.read(_CHUNK_BYTES):
        size += len(chunk)
        _check_byte_size(size, limits.model_max_bytes, field, "upload a smaller model file")
        if len(prefix) < 9:
            prefix += chunk[: 9 - len(prefix)]
            if len(prefix) == 9:
                _check_magic(prefix, field)
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    _check_byte_size(size, limits.model_max_bytes, field, "upload a smaller model file")
    return digest.hexdigest(), size


def _check_magic(prefix: bytes, field: str) -> None:
    """Refuse a pickle or ZIP (a PyTorch checkpoint) renamed to ``.safetensors``."""
    if prefix[8:9] == b"{":  # the safetensors shape: an 8-byte header length, then the JSON header
        return
    if prefix[:1] == b"\x80" and prefix[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise UploadRejected(field, f"the file is named .safetensors but holds a pickle; {_PICKLE_ADVICE}")
    if prefix[:4] == b"PK\x03\x04":
        raise UploadRejected(
            field, f"the file is named .safetensors but holds a ZIP archive (a PyTorch checkpoint); {_PICKLE_ADVICE}"
        )


def _check_model(path: Path, digest: str, size: int, field: str) -> CleanModelFile:
    """Check the ``.safetensors`` header of the file at ``path`` and describe the file."""
    try:
        header = read_safetensors_header(path)
    except (BadModelFile, OSError) as error:
        detail = str(error).removeprefix(f"{path}: ")
        raise UploadRejected(field, f"{detail}; upload a complete, unmodified .safetensors file") from error
    tensors = sum(1 for name in header if name != "__metadata__")
    if tensors == 0:
        raise UploadRejected(field, "the .safetensors file holds no tensors, so it is not a model; check the file")
    return CleanModelFile(sha256=digest, size=size, tensor_count=tensors, kind=classify_model_file(header))
