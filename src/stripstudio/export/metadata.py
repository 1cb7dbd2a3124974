"""ComicInfo.xml (Anansi schema v2.0): the metadata comic readers and library servers read from a CBZ.

Elements are written in the order the schema's sequence requires; empty fields are left out.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Literal

from stripstudio.domain import Comic
from stripstudio.export.encoding import PageInfo

Manga = Literal["Unknown", "No", "Yes", "YesAndRightToLeft"]
MANGA_VALUES: tuple[str, ...] = ("Unknown", "No", "Yes", "YesAndRightToLeft")
PENCILLER = "stripstudio"

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def comic_info_xml(comic: Comic, pages: Sequence[PageInfo], *, manga: Manga = "Unknown") -> bytes:
    """ComicInfo.xml for ``comic`` whose pages, in reading order, are ``pages``.

    The first page is the front cover, the others story pages. ``manga`` says whether readers
    should treat the book as manga (``YesAndRightToLeft``: read right to left).
    """
    if manga not in MANGA_VALUES:
        raise ValueError(f"Manga must be one of {', '.join(MANGA_VALUES)}, not {manga!r}")
    root = ET.Element("ComicInfo")
    fields = [
        ("Title", comic.title),
        ("Series", comic.series),
        ("Number", "" if comic.episode is None else str(comic.episode)),
        ("Summary", comic.summary),
        ("Writer", comic.author),
        ("Penciller", PENCILLER),
        ("PageCount", str(len(pages))),
        ("LanguageISO", comic.language),
        ("Manga", manga),
    ]
    for name, value in fields:
        if value:
            ET.SubElement(root, name).text = _NOT_XML.sub("", value)
    listing = ET.SubElement(root, "Pages")
    for index, page in enumerate(pages):
        ET.SubElement(listing, "Page", _page_attributes(index, page))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _page_attributes(index: int, page: PageInfo) -> dict[str, str]:
    return {
        "Image": str(index),
        "Type": "FrontCover" if index == 0 else "Story",
        "ImageSize": str(page.size),
        "ImageWidth": str(page.width),
        "ImageHeight": str(page.height),
    }
