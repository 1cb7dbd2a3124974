"""What uploaded bytes look like, to tell people what they sent instead of a picture."""

from __future__ import annotations

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


def describe(data: bytes) -> str:
    """What the bytes look like, such as ``PDF document``, for telling people what they sent."""
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
