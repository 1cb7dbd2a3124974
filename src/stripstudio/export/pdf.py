"""PDF export: each page image embedded as it is (PNG or JPEG data, never re-encoded) through img2pdf.

A page's size in points is its pixel size at its resolution (``pixels * 72 / dpi``). Print pages
carry their bleed; the PDF's TrimBox then marks the trim size inside it. Pages may come from
memory (:class:`EncodedImage`) or from files (:class:`PageFile`, for long exports drawn page by page).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import img2pdf

from stripstudio.export.encoding import EncodedImage, PageFile
from stripstudio.export.errors import ExportError
from stripstudio.export.staging import Staging, staged_file

POINTS_PER_INCH = 72


def pdf_bytes(pages: Sequence[EncodedImage], *, title: str = "", author: str = "", bleed_px: int = 0) -> bytes:
    """A PDF with one page per image, in order, sized from the images' pixels and resolution."""
    data = _convert(pages, None, title=title, author=author, bleed_px=bleed_px)
    assert data is not None
    return data


def write_pdf(
    pages: Sequence[EncodedImage] | Sequence[PageFile],
    path: Path,
    *,
    title: str = "",
    author: str = "",
    bleed_px: int = 0,
    staging: Staging | None = None,
) -> Path:
    """Write the PDF of ``pages`` to ``path``, through ``staging`` if given, else on its own, all or nothing."""
    with staged_file(Path(path), staging) as handle:
        _convert(pages, handle, title=title, author=author, bleed_px=bleed_px)
    return Path(path)


def _convert(
    pages: Sequence[EncodedImage] | Sequence[PageFile],
    out: BinaryIO | None,
    *,
    title: str,
    author: str,
    bleed_px: int,
) -> bytes | None:
    if not pages:
        raise ExportError("there are no pages to put in the PDF: add at least one panel", setting="panels")
    dpis = {page.dpi for page in pages}
    if len(dpis) > 1:
        raise ExportError(f"the pages have different resolutions ({sorted(dpis)} dpi): lay them out at one dpi")
    dpi = dpis.pop()
    bleed_pt = bleed_px * POINTS_PER_INCH / dpi
    try:
        return img2pdf.convert(
            [page.data if isinstance(page, EncodedImage) else page.path for page in pages],
            layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)),
            title=title or None,
            author=author or None,
            creator="stripstudio",
            trimborder=(bleed_pt, bleed_pt) if bleed_pt else None,
            outputstream=out,
        )
    except (img2pdf.ImageOpenError, ValueError) as error:
        raise ExportError(f"a page could not be put in the PDF ({error}): export the pages again") from error
