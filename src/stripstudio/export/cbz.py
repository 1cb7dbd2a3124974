"""CBZ export: a ZIP of the pages named in reading order (001.png, 002.jpg, ...) with ComicInfo.xml
at its root.

Pages are stored as they are (PNG and JPEG are compressed already); ComicInfo.xml is deflated.
Pages on disk (:class:`PageFile`) are copied into the archive in chunks, one entry at a time.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from stripstudio.domain import Comic
from stripstudio.export.encoding import EncodedImage, PageFile, PageInfo
from stripstudio.export.errors import ExportError
from stripstudio.export.metadata import Manga, comic_info_xml
from stripstudio.export.staging import Staging, staged_file

COMIC_INFO = "ComicInfo.xml"


def page_names(pages: Sequence[PageInfo]) -> list[str]:
    """``001.png``, ``002.png``, ... with each page's own extension."""
    return [f"{i:03d}.{page.extension}" for i, page in enumerate(pages, start=1)]


def cbz_bytes(comic: Comic, pages: Sequence[EncodedImage], *, manga: Manga = "Unknown") -> bytes:
    """The CBZ archive of ``pages`` with ``comic``'s ComicInfo.xml."""
    buffer = io.BytesIO()
    _write_archive(buffer, comic, pages, manga)
    return buffer.getvalue()


def write_cbz(
    comic: Comic,
    pages: Sequence[EncodedImage | PageFile],
    path: Path,
    *,
    manga: Manga = "Unknown",
    staging: Staging | None = None,
) -> Path:
    """Write the CBZ of ``pages`` to ``path``, through ``staging`` if given, else on its own, all or nothing."""
    with staged_file(Path(path), staging) as handle:
        _write_archive(handle, comic, pages, manga)
    return Path(path)


def _add_page(archive: zipfile.ZipFile, name: str, page: EncodedImage | PageFile) -> None:
    if isinstance(page, EncodedImage):
        archive.writestr(name, page.data, compress_type=zipfile.ZIP_STORED)
    else:
        archive.write(page.path, name, compress_type=zipfile.ZIP_STORED)


def _write_archive(out: BinaryIO, comic: Comic, pages: Sequence[EncodedImage | PageFile], manga: Manga) -> None:
    if not pages:
        raise ExportError("there are no pages to put in the CBZ: add at least one panel", setting="panels")
    info = comic_info_xml(comic, pages, manga=manga)
    with zipfile.ZipFile(out, "w") as archive:
        for name, page in zip(page_names(pages), pages, strict=True):
            _add_page(archive, name, page)
        archive.writestr(COMIC_INFO, info, compress_type=zipfile.ZIP_DEFLATED)
