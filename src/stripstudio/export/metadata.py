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
from stripstudio.export.pdf_writer import DocumentInfo

Manga = Literal["Unknown", "No", "Yes", "YesAndRightToLeft"]
MANGA_VALUES: tuple[str, ...] = ("Unknown", "No", "Yes", "YesAndRightToLeft")
PENCILLER = "stripstudio"

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def comic_info_xml(comic: Comic, pages: Sequence[PageInfo], *, manga: Manga = "Unknown") -> bytes:
    """ComicInfo.xml for ``comic`` whose pages, in reading order, are ``pages``.

    The first page is the front cover, the others story pages. ``manga`` says whether readers
    should treat the book as manga (``YesAndRightToLeft``: read right to left); a comic whose
    reading direction is right to left is always ``YesAndRightToLeft``.
    """
    if manga not in MANGA_VALUES:
        raise ValueError(f"Manga must be one of {', '.join(MANGA_VALUES)}, not {manga!r}")
    if comic.reading_direction == "rtl":
        manga = "YesAndRightToLeft"
    root = ET.Element("ComicInfo")
    fields = [
        ("Title", comic.title),
        ("Series", comic.series),
        ("Number", "" if comic.episode is None else str(comic.episode)),
        ("Summary", comic.summary),
        ("Writer", comic.author),
        ("Penciller", PENCILLER),
        ("Genre", comic.genre),
        ("PageCount", str(len(pages))),
        ("LanguageISO", comic.language),
        ("Manga", manga),
        ("AgeRating", "" if comic.age_rating == "Unknown" else comic.age_rating),
    ]
    for name, value in fields:
        if value:
            ET.SubElement(root, name).text = _NOT_XML.sub("", value)
    listing = ET.SubElement(root, "Pages")
    for index, page in enumerate(pages):
        ET.SubElement(listing, "Page", _page_attributes(index, page))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def document_info(comic: Comic) -> DocumentInfo:
    """The PDF's document information for ``comic``: title, author, summary, keywords, language, direction."""
    title = comic.title
    if comic.series:
        number = "" if comic.episode is None else f" #{comic.episode}"
        title = f"{comic.series}{number}: {comic.title}"
    keywords = [word.strip() for word in comic.genre.split(",") if word.strip()]
    if comic.age_rating != "Unknown":
        keywords.append(comic.age_rating)
    return DocumentInfo(
        title=title,
        author=comic.author,
        subject=comic.summary,
        keywords=", ".join(keywords),
        language=comic.language,
        right_to_left=comic.reading_direction == "rtl",
    )


def _page_attributes(index: int, page: PageInfo) -> dict[str, str]:
    return {
        "Image": str(index),
        "Type": "FrontCover" if index == 0 else "Story",
        "ImageSize": str(page.size),
        "ImageWidth": str(page.width),
        "ImageHeight": str(page.height),
    }
