"""Webtoon upload slices: the strip cut into numbered PNG or JPEG files within the platform's limits.

WEBTOON Canvas takes images at most 800 px wide, 1280 px tall and 2 MB each, 20 MB per episode.
A strip wider than ``max_width`` (e.g. drawn at 2x) is scaled down first. Cuts fall in the gaps
between panels; a panel is cut only when it is taller than a slice may be. PNG slices stacked top to
bottom give back the (scaled) strip pixel for pixel.

A PNG slice over ``max_file_bytes`` is compressed again with the slower Paeth filter; if it is still
too large it is, by default, saved as a JPEG instead (the best quality that fits), with a warning
naming it; ``oversize_png="warn"`` keeps the PNG and warns, ``"error"`` stops.
"""

from __future__ import annotations

import re
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from stripstudio.export.encoding import EncodedImage, ImageFormat, jpeg_within, worker_pool
from stripstudio.export.errors import ExportError, warn
from stripstudio.export.png_writer import DeflatedRows, deflate_image_rows, encode_png, png_bytes
from stripstudio.export.slicing import plan_slices, scale_strip
from stripstudio.export.staging import Staging, staged
from stripstudio.layout import Strip

MIN_SLICE_SIDE = 100
MIN_FILE_BYTES = 64_000
SLICE_NAME = re.compile(r"^\d{3,}\.(png|jpg)$")


@dataclass(frozen=True)
class SliceOptions:
    """Limits and format of upload slices; the defaults are WEBTOON Canvas's (2 MB = 2,000,000 bytes).

    ``dpi`` only sets the page size when the slices become PDF pages (800 px at 96 dpi is 212 mm).
    """

    format: ImageFormat = "png"
    max_width: int = 800
    max_height: int = 1280
    max_file_bytes: int = 2_000_000
    max_episode_bytes: int = 20_000_000
    oversize_png: Literal["jpeg", "warn", "error"] = "jpeg"
    compress_level: int = 6
    dpi: float = 96.0

    def check(self) -> None:
        """Raise :class:`ExportError` for a limit no slice could meet or a choice that does not exist."""
        for name in ("max_width", "max_height"):
            if getattr(self, name) < MIN_SLICE_SIDE:
                raise ExportError(
                    f"{getattr(self, name)} px is too small for a slice: use at least {MIN_SLICE_SIDE} px "
                    "(WEBTOON takes 800 x 1280)",
                    setting=name,
                )
        if self.format not in ("png", "jpeg"):
            raise ExportError(f"unknown slice format {self.format!r}: use 'png' or 'jpeg'", setting="format")
        if self.oversize_png not in ("jpeg", "warn", "error"):
            raise ExportError(
                f"unknown choice {self.oversize_png!r}: use 'jpeg', 'warn' or 'error'", setting="oversize_png"
            )
        if self.dpi <= 0:
            raise ExportError(f"{self.dpi} dpi is not a resolution: use e.g. 96", setting="dpi")
        if not 0 <= self.compress_level <= 9:
            raise ExportError(f"{self.compress_level} is not a zlib level: use 0 to 9", setting="compress_level")
        if self.max_file_bytes < MIN_FILE_BYTES:
            raise ExportError(
                f"{self.max_file_bytes} bytes is too small for a slice: use at least {MIN_FILE_BYTES} "
                "(WEBTOON takes 2 MB)",
                setting="max_file_bytes",
            )


@dataclass(frozen=True)
class Slice:
    """One upload file: rows ``top``..``bottom`` (exclusive) of the scaled strip, encoded."""

    top: int
    bottom: int
    image: EncodedImage
    rows: DeflatedRows | None = None


@dataclass(frozen=True)
class WebtoonSlices:
    """A strip's slices in reading order, the scaled strip they were cut from, and any warnings."""

    strip: Strip
    slices: tuple[Slice, ...]
    warnings: tuple[str, ...]

    @property
    def images(self) -> list[EncodedImage]:
        """The encoded slices, e.g. as PDF or CBZ pages."""
        return [piece.image for piece in self.slices]

    def names(self) -> list[str]:
        """File names in reading order: ``001.png``, ``002.png``, ..."""
        return [f"{i:03d}.{piece.image.extension}" for i, piece in enumerate(self.slices, start=1)]


def slice_strip(strip: Strip, options: SliceOptions = SliceOptions(), pool: Executor | None = None) -> WebtoonSlices:
    """Cut ``strip`` into encoded slices within ``options``' limits (in memory; :func:`stage_slices` writes them)."""
    options.check()
    scaled = scale_strip(strip, options.max_width)
    bounds = plan_slices(scaled.height, [(r.y, r.bottom) for r in scaled.panels], options.max_height)
    with worker_pool(pool) as workers:
        slices = _encode_slices(scaled, bounds, options, workers)
    messages = [message for _, message in slices if message]
    total = sum(len(piece.image.data) for piece, _ in slices)
    if total > options.max_episode_bytes:
        messages.append(
            warn(
                f"the episode's slices add up to {_mb(total)}, over the {_mb(options.max_episode_bytes)} "
                "an episode may hold: split it into two episodes or export JPEG slices"
            )
        )
    return WebtoonSlices(scaled, tuple(piece for piece, _ in slices), tuple(messages))


def _encode_slices(
    strip: Strip, bounds: list[tuple[int, int]], options: SliceOptions, workers: Executor
) -> list[tuple[Slice, str | None]]:
    if options.format == "jpeg":
        return list(workers.map(lambda ib: _jpeg_slice(ib[0], ib[1], strip, options), enumerate(bounds)))
    encoded = workers.map(lambda bound: _smallest_png(strip, bound, options), bounds)
    return [
        _png_slice(i, bound, part, data, strip, options)
        for i, (bound, (part, data)) in enumerate(zip(bounds, encoded, strict=True))
    ]


def _smallest_png(strip: Strip, bound: tuple[int, int], options: SliceOptions) -> tuple[DeflatedRows, bytes]:
    part = deflate_image_rows(strip.image, *bound, options.compress_level)
    data = png_bytes([part], options.dpi)
    if len(data) <= options.max_file_bytes:
        return part, data
    # Detailed art compresses a few percent better with the slower Paeth filter: worth a second try.
    paeth = deflate_image_rows(strip.image, *bound, options.compress_level, "paeth")
    paeth_data = png_bytes([paeth], options.dpi)
    return (paeth, paeth_data) if len(paeth_data) < len(data) else (part, data)


def _png_slice(
    index: int, bound: tuple[int, int], part: DeflatedRows, data: bytes, strip: Strip, options: SliceOptions
) -> tuple[Slice, str | None]:
    top, bottom = bound
    encoded = EncodedImage(data, "png", strip.width, bottom - top, options.dpi)
    if len(data) <= options.max_file_bytes:
        return Slice(top, bottom, encoded, part), None
    where = f"slice {index + 1:03d} ({_panels_in(strip, top, bottom)})"
    if options.oversize_png == "error":
        raise ExportError(
            f"{where} is {_mb(len(data))} as a PNG, over {_mb(options.max_file_bytes)}: export JPEG slices, "
            "lower max_height, or allow JPEG fallback (oversize_png='jpeg')",
            setting="oversize_png",
        )
    if options.oversize_png == "warn":
        message = f"{where} is {_mb(len(data))} as a PNG, over the {_mb(options.max_file_bytes)} limit"
        return Slice(top, bottom, encoded, part), warn(message + ": export JPEG slices or lower max_height")
    jpeg, _ = _jpeg_slice(index, bound, strip, options)
    message = f"{where} was {_mb(len(data))} as a PNG, over {_mb(options.max_file_bytes)}: saved as JPEG instead"
    return Slice(top, bottom, jpeg.image), warn(message)


def _jpeg_slice(index: int, bound: tuple[int, int], strip: Strip, options: SliceOptions) -> tuple[Slice, None]:
    top, bottom = bound
    encoded = jpeg_within(strip.image.crop((0, top, strip.width, bottom)), options.dpi, options.max_file_bytes)
    if encoded is None:
        raise ExportError(
            f"slice {index + 1:03d} ({_panels_in(strip, top, bottom)}) does not fit in "
            f"{_mb(options.max_file_bytes)} even as a low-quality JPEG: lower max_height or raise max_file_bytes",
            setting="max_file_bytes",
        )
    return Slice(top, bottom, encoded), None


def _panels_in(strip: Strip, top: int, bottom: int) -> str:
    ids = [rect.panel_id for rect in strip.panels if rect.y < bottom and top < rect.bottom]
    return "panels " + ", ".join(ids) if ids else "between panels"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.2f} MB"


def stage_slices(slices: WebtoonSlices, folder: Path, staging: Staging) -> list[Path]:
    """Stage the slices as ``folder/001.png`` ...; numbered files of an earlier export go on commit."""
    folder = Path(folder)
    names = slices.names()
    paths = [staging.write(folder / name, piece.image.data) for name, piece in zip(names, slices.slices, strict=True)]
    if folder.is_dir():
        for old in folder.iterdir():
            if SLICE_NAME.match(old.name) and old.name not in names:
                staging.remove_on_commit(old)
    return paths


def strip_png(strip: Strip, slices: WebtoonSlices | None = None, level: int = 6, pool: Executor | None = None) -> bytes:
    """The whole strip as one tall PNG (at its own size).

    When ``slices`` are all PNG slices of this very strip (not scaled), their compressed rows are
    joined rather than compressed again.
    """
    if slices is not None and slices.strip is strip and all(piece.rows for piece in slices.slices):
        return png_bytes([piece.rows for piece in slices.slices if piece.rows])
    with worker_pool(pool) as workers:
        return encode_png(strip.image, None, level, workers)


def write_webtoon_slices(
    strip: Strip, folder: Path, options: SliceOptions = SliceOptions(), strip_path: Path | None = None
) -> WebtoonSlices:
    """Write the slices into ``folder`` (and the tall PNG to ``strip_path`` if given), all or nothing."""
    with worker_pool() as pool:
        slices = slice_strip(strip, options, pool)
        with staged() as staging:
            stage_slices(slices, folder, staging)
            if strip_path is not None:
                staging.write(Path(strip_path), strip_png(strip, slices, options.compress_level, pool))
    return slices
