"""Exporting a whole episode in one go, all or nothing, in the layout the comic asks for.

Webtoon layout: ``webtoon/001.png`` ... upload slices, ``strip.png`` (the whole strip), and the
slices as the pages of ``<name>.pdf`` and ``<name>.cbz``.
Page layout: ``<name>.pdf`` for print (pages with bleed, TrimBox set) and ``<name>.cbz`` for screens
(pages cut to the trim size).
"""

from __future__ import annotations

import contextlib
import dataclasses
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from stripstudio.domain import Comic
from stripstudio.export.cbz import write_cbz
from stripstudio.export.encoding import ImageFormat, PageFile, page_file, worker_pool
from stripstudio.export.errors import ExportError
from stripstudio.export.metadata import Manga, document_info
from stripstudio.export.pdf import write_pdf
from stripstudio.export.png_slices import SliceOptions, slice_strip, stage_slices, strip_png
from stripstudio.export.staging import Staging, staged
from stripstudio.layout import (
    Checkpoint,
    LayoutError,
    Page,
    PanelArt,
    build_strip,
    check_page_budget,
    iter_pages,
    page_geometry,
)

SLICE_FOLDER = "webtoon"
STRIP_NAME = "strip.png"
# webtoon: upload slices; png: one tall strip; pdf and cbz: pages (or the slices, for a webtoon layout).
FORMATS = ("webtoon", "png", "pdf", "cbz")


@dataclass(frozen=True)
class ExportOptions:
    """What to write and how: file base name, slice limits, print page format, the Manga flag.

    PNG print pages use the slices' ``compress_level``.
    """

    name: str = "episode"
    slices: SliceOptions = field(default_factory=SliceOptions)
    page_format: ImageFormat = "png"
    manga: Manga = "Unknown"
    formats: frozenset[str] | None = None  # None: what the layout is for (see natural_formats)

    def __post_init__(self) -> None:
        if self.formats is None:
            return
        unknown = sorted(set(self.formats) - set(FORMATS))
        if unknown or not self.formats:
            raise ExportError(
                f"unknown export format {', '.join(unknown) or '(none given)'}; choose from {', '.join(FORMATS)}",
                setting="formats",
            )


@dataclass(frozen=True)
class EpisodeExport:
    """The files an export wrote, and the warnings it gave (limits exceeded, fallbacks taken)."""

    slices: tuple[Path, ...] = ()
    strip_png: Path | None = None
    pdf: Path | None = None
    cbz: Path | None = None
    warnings: tuple[str, ...] = ()


def export_episode(
    comic: Comic,
    art: Sequence[PanelArt],
    folder: Path,
    options: ExportOptions = ExportOptions(),
    checkpoint: Checkpoint | None = None,
) -> EpisodeExport:
    """Lay out ``art`` (the comic's lettered panels, in reading order) and write every format into ``folder``.

    Pages are drawn, encoded and written to a scratch folder one at a time, then put into the PDF
    and CBZ from there, so ``art`` may be a lazy sequence that letters a page's panels when asked.
    ``checkpoint`` runs between panels, pages and bands of encoded rows; what it raises (e.g. a
    cancelled job) stops the export and leaves nothing behind.
    """
    folder = Path(folder)
    wanted = options.formats or natural_formats(comic)
    options = dataclasses.replace(options, formats=wanted)
    step = checkpoint or _no_checkpoint
    with translate_layout_errors(), worker_pool() as pool, staged() as staging:
        webtoon = EpisodeExport()
        if comic.layout.mode == "pages" and wanted & {"pdf", "cbz"}:
            check_page_budget(len(art), comic.layout)  # before any work, the webtoon formats included
        if wanted & {"webtoon", "png"} or (comic.layout.mode == "webtoon" and wanted & {"pdf", "cbz"}):
            webtoon = _export_webtoon(comic, art, folder, options, staging, pool, step)
        if comic.layout.mode == "pages" and wanted & {"pdf", "cbz"}:
            pages = _export_pages(comic, art, folder, options, staging, pool, step)
            return EpisodeExport(webtoon.slices, webtoon.strip_png, pages.pdf, pages.cbz, webtoon.warnings)
        return webtoon


def natural_formats(comic: Comic) -> frozenset[str]:
    """Every format for a webtoon; PDF and CBZ for a comic laid out in pages."""
    return frozenset(FORMATS) if comic.layout.mode == "webtoon" else frozenset({"pdf", "cbz"})


def _no_checkpoint() -> None:
    pass


def _export_webtoon(
    comic: Comic,
    art: Sequence[PanelArt],
    folder: Path,
    options: ExportOptions,
    staging: Staging,
    pool: Executor,
    checkpoint: Checkpoint,
) -> EpisodeExport:
    assert options.formats is not None
    wanted, paged = options.formats, comic.layout.mode == "webtoon"
    strip = build_strip(art, comic.layout)  # a lazy sequence letters a few panels at a time, in parallel
    checkpoint()
    slices = slice_strip(strip, options.slices, pool)
    checkpoint()
    level = options.slices.compress_level
    return EpisodeExport(
        slices=tuple(stage_slices(slices, folder / SLICE_FOLDER, staging)) if "webtoon" in wanted else (),
        strip_png=staging.write(folder / STRIP_NAME, strip_png(strip, slices, level, pool))
        if "png" in wanted
        else None,
        pdf=write_pdf(slices.images, folder / f"{options.name}.pdf", info=document_info(comic), staging=staging)
        if paged and "pdf" in wanted
        else None,
        cbz=write_cbz(comic, slices.images, folder / f"{options.name}.cbz", manga=options.manga, staging=staging)
        if paged and "cbz" in wanted
        else None,
        warnings=slices.warnings,
    )


def _export_pages(
    comic: Comic,
    art: Sequence[PanelArt],
    folder: Path,
    options: ExportOptions,
    staging: Staging,
    pool: Executor,
    checkpoint: Checkpoint,
) -> EpisodeExport:
    assert options.formats is not None
    bleed = page_geometry(comic.layout.page).bleed
    with tempfile.TemporaryDirectory(prefix="stripstudio-pages-") as scratch:
        printed: list[PageFile] = []
        screen: list[PageFile] = []
        for number, page in enumerate(iter_pages(art, comic.layout, checkpoint), start=1):
            encode = _page_encoder(page, Path(scratch), number, options, pool, checkpoint)
            if "pdf" in options.formats or not bleed:
                printed.append(encode("print", False))
            if "cbz" in options.formats and bleed:
                screen.append(encode("screen", True))
            checkpoint()
        pdf = cbz = None
        if "pdf" in options.formats:
            pdf = write_pdf(
                printed,
                folder / f"{options.name}.pdf",
                info=document_info(comic),
                bleed_px=bleed,
                staging=staging,
            )
        checkpoint()
        if "cbz" in options.formats:
            pages = screen if bleed else printed
            cbz = write_cbz(comic, pages, folder / f"{options.name}.cbz", manga=options.manga, staging=staging)
    return EpisodeExport(pdf=pdf, cbz=cbz)


def _page_encoder(
    page: Page, scratch: Path, number: int, options: ExportOptions, pool: Executor, checkpoint: Checkpoint
) -> Callable[[str, bool], PageFile]:
    def encode(kind: str, trim: bool) -> PageFile:
        return page_file(
            page,
            scratch / f"{kind}-{number:04d}",
            trim=trim,
            format=options.page_format,
            level=options.slices.compress_level,
            pool=pool,
            checkpoint=checkpoint,
        )

    return encode


@contextlib.contextmanager
def translate_layout_errors() -> Iterator[None]:
    """Re-raise a :class:`LayoutError` as the :class:`ExportError` callers of export expect."""
    try:
        yield
    except LayoutError as error:
        raise ExportError(error.message, setting=error.setting) from error
