"""CBZ archives read back with zipfile, the ComicInfo v2.0 schema and comicapi (ComicTagger's library)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema
from hypothesis import given, settings
from hypothesis import strategies as st

from stripstudio.domain import Comic, Layout, Panel
from stripstudio.export import EncodedImage, SliceOptions, cbz_bytes, comic_info_xml, slice_strip, write_cbz
from stripstudio.export.errors import ExportError
from stripstudio.layout import build_strip
from tests.layout.pictures import art

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "ComicInfo-v2.0.xsd")
SCHEMA_ORDER = [
    element.local_name
    for element in SCHEMA.types["ComicInfo"].content.iter_elements()  # type: ignore[union-attr]
]


def comic(**fields) -> Comic:
    defaults = {"title": "To the Stars and Back", "panels": [Panel(description="a rocket")]}
    return Comic(**{**defaults, **fields})


def pages(count: int = 3) -> list[EncodedImage]:
    strip = build_strip(art([(300, 400)] * count), Layout(width=300, gutter=20))
    return slice_strip(strip, SliceOptions(max_height=420)).images


def test_the_archive_holds_the_pages_in_order_and_comic_info_at_the_root(tmp_path):
    images = pages(3)
    path = write_cbz(comic(), images, tmp_path / "stars.cbz")
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["001.png", "002.png", "003.png", "ComicInfo.xml"]
        assert archive.testzip() is None
        assert [archive.read(f"{i:03d}.png") for i in (1, 2, 3)] == [image.data for image in images]
        assert archive.getinfo("001.png").compress_type == zipfile.ZIP_STORED


def test_comic_info_is_valid_v2_in_schema_order_with_one_entry_per_page():
    images = pages(3)
    xml = comic_info_xml(
        comic(series="Stars", episode=7, summary="A trip.", author="Ada", language="ja"), images, manga="Yes"
    )
    SCHEMA.validate(xml)
    root = ET.fromstring(xml)
    names = [child.tag for child in root]
    assert names == [
        "Title",
        "Series",
        "Number",
        "Summary",
        "Writer",
        "Penciller",
        "PageCount",
        "LanguageISO",
        "Manga",
        "Pages",
    ]
    assert [SCHEMA_ORDER.index(name) for name in names] == sorted(SCHEMA_ORDER.index(name) for name in names)
    assert root.findtext("Number") == "7" and root.findtext("Penciller") == "stripstudio"
    assert root.findtext("PageCount") == "3" and root.findtext("Manga") == "Yes"
    entries = root.findall("Pages/Page")
    assert [e.get("Type") for e in entries] == ["FrontCover", "Story", "Story"]
    for index, (entry, image) in enumerate(zip(entries, images, strict=True)):
        assert entry.get("Image") == str(index)
        assert (entry.get("ImageWidth"), entry.get("ImageHeight")) == (str(image.width), str(image.height))
        assert entry.get("ImageSize") == str(len(image.data))


def test_empty_fields_are_left_out():
    root = ET.fromstring(comic_info_xml(comic(), pages(1)))
    assert root.find("Series") is None and root.find("Number") is None and root.find("Writer") is None
    assert root.findtext("Manga") == "Unknown"


@pytest.mark.parametrize("manga", ["Unknown", "No", "Yes", "YesAndRightToLeft"])
def test_every_manga_value_is_valid(manga):
    SCHEMA.validate(comic_info_xml(comic(), pages(1), manga=manga))


def test_an_unknown_manga_value_is_refused():
    with pytest.raises(ValueError, match="Manga must be one of"):
        comic_info_xml(comic(), pages(1), manga="Maybe")  # type: ignore[arg-type]


def as_xml_reads_it(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot hold, line ends normalised as a parser does."""
    kept = "".join(c for c in value if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
    return kept.replace("\r\n", "\n").replace("\r", "\n")


any_text = st.text(st.characters(codec="utf-8"))


@settings(max_examples=40)
@given(title=any_text.filter(str.strip), summary=any_text, author=any_text)
def test_any_text_is_escaped_into_valid_xml(title, summary, author):
    book = comic(title=title, summary=summary, author=author)
    xml = comic_info_xml(book, [])
    SCHEMA.validate(xml)
    root = ET.fromstring(xml)
    for name, value in (("Title", book.title), ("Summary", book.summary), ("Writer", book.author)):
        if as_xml_reads_it(value):
            assert root.findtext(name) == as_xml_reads_it(value)


def test_comicapi_reads_title_pages_and_metadata(tmp_path):
    from comicapi.comicarchive import ComicArchive, MetaDataStyle

    path = write_cbz(comic(title="Stars & <Stripes>", episode=2, author="Ada"), pages(4), tmp_path / "stars.cbz")
    archive = ComicArchive(path)
    assert archive.seems_to_be_a_comic_archive()
    assert archive.get_number_of_pages() == 4
    metadata = archive.read_metadata(MetaDataStyle.CIX)
    assert metadata.title == "Stars & <Stripes>"
    assert metadata.page_count == 4
    assert metadata.issue == "2"
    assert len(metadata.pages) == 4 and metadata.pages[0]["Type"] == "FrontCover"


def test_no_pages_is_an_error():
    with pytest.raises(ExportError, match="no pages"):
        cbz_bytes(comic(), [])


def test_writing_over_an_earlier_archive_replaces_it_whole(tmp_path):
    path = tmp_path / "stars.cbz"
    write_cbz(comic(), pages(3), path)
    write_cbz(comic(), pages(1), path)
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        assert archive.namelist() == ["001.png", "ComicInfo.xml"]
    assert [p.name for p in tmp_path.iterdir()] == ["stars.cbz"]
