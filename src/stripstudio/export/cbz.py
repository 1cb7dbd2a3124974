"""CBZ export: a ZIP of the pages named in reading order (001.png, 002.jpg, ...) with ComicInfo.xml
at its root.

Pages are stored as they are (PNG and JPEG are compressed already); ComicInfo.xml is deflated.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from stripstudio.domain import Comic
from stripstudio.export.encoding import EncodedImage
from stripstudio.export.errors import ExportError
from stripstudio.export.metadata import Manga, comic_info_xml
from stripstudio.export.staging import Staging, staged

COMIC_INFO = "ComicInfo.xml"


def page_names(pages: Sequence[EncodedImage]) -> list[str]:
    """``001.png``, ``002.png``, ... with each page's own extension."""
    return [f"{i:03d}.{page.extension}" for i, page in enumerate(pages, start=1)]


def cbz_bytes(comic: Comic, pages: Sequence[EncodedImage], *, manga: Manga = "Unknown") -> bytes:
    """The CBZ archive of ``pages`` with ``comic``'s ComicInfo.xml."""
    if not pages:
        raise ExportError("there are no pages to put in the CBZ: add at least one panel", setting="panels")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, page in zip(page_names(pages), pages, strict=True):
            archive.writestr(name, page.data, compress_type=zipfile.ZIP_STORED)
        archive.writestr(COMIC_INFO, comic_info_xml(comic, pages, manga=manga), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def write_cbz(
    comic: Comic,
    pages: Sequence[EncodedImage],
    path: Path,
    *,
    manga: Manga = "Unknown",
    staging: Staging | None = None,
) -> Path:
    """Write :func:`cbz_bytes` to ``path``, through ``staging`` if given, else on its own, all or nothing."""
    data = cbz_bytes(comic, pages, manga=manga)
    if staging is not None:
        return staging.write(Path(path), data)
    with staged() as own:
        return own.write(Path(path), data)
