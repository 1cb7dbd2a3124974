"""PDF export: each page image embedded as it is (PNG or JPEG data, never re-encoded).

A page's size in points is its pixel size at its resolution (``pixels * 72 / dpi``). Print pages
carry their bleed; the PDF's TrimBox then marks the trim size inside it. Pages may come from
memory (:class:`EncodedImage`) or from files (:class:`PageFile`, for long exports drawn page by
page); either way the PDF is written one page at a time (see :mod:`stripstudio.export.pdf_writer`).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from stripstudio.export.encoding import EncodedImage, PageFile
from stripstudio.export.errors import ExportError
from stripstudio.export.pdf_writer import NO_INFO, DocumentInfo, PdfPage, PdfPageError, PdfWriter
from stripstudio.export.staging import Staging, staged_file

POINTS_PER_INCH = 72


def pdf_bytes(pages: Sequence[EncodedImage], *, info: DocumentInfo = NO_INFO, bleed_px: int = 0) -> bytes:
    """A PDF with one page per image, in order, sized from the images' pixels and resolution."""
    buffer = io.BytesIO()
    _write(pages, buffer, info=info, bleed_px=bleed_px)
    return buffer.getvalue()


def write_pdf(
    pages: Sequence[EncodedImage | PageFile],
    path: Path,
    *,
    info: DocumentInfo = NO_INFO,
    bleed_px: int = 0,
    staging: Staging | None = None,
) -> Path:
    """Write the PDF of ``pages`` to ``path``, through ``staging`` if given, else on its own, all or nothing."""
    with staged_file(Path(path), staging) as handle:
        _write(pages, handle, info=info, bleed_px=bleed_px)
    return Path(path)


def _write(pages: Sequence[EncodedImage | PageFile], out: BinaryIO, *, info: DocumentInfo, bleed_px: int) -> None:
    if not pages:
        raise ExportError("there are no pages to put in the PDF: add at least one panel", setting="panels")
    dpis = {page.dpi for page in pages}
    if len(dpis) > 1:
        raise ExportError(f"the pages have different resolutions ({sorted(dpis)} dpi): lay them out at one dpi")
    writer = PdfWriter(out, trim_points=bleed_px * POINTS_PER_INCH / dpis.pop())
    try:
        for page in pages:
            with _opened(page) as source:
                writer.add_page(PdfPage(source, page.format, page.width, page.height, page.dpi))
    except PdfPageError as error:
        raise ExportError(f"a page could not be put in the PDF ({error}): export the pages again") from error
    writer.finish(info)


@contextlib.contextmanager
def _opened(page: EncodedImage | PageFile) -> Iterator[BinaryIO]:
    if isinstance(page, EncodedImage):
        yield io.BytesIO(page.data)
        return
    with open(page.path, "rb") as handle:
        yield handle
