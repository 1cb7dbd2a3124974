"""The comic's details (author, summary, language, reading direction, series, genre, age rating) in the
files a reader opens: ComicInfo.xml inside the CBZ and the PDF's document information and catalogue."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import xmlschema
from pypdf import PdfReader

from stripstudio.domain import Comic, Layout, PageLayout, Panel
from stripstudio.export import ExportOptions, export_episode
from tests.layout.pictures import art

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "data" / "ComicInfo-v2.0.xsd")
DETAILS = {
    "title": "Lift-off",
    "author": "Ada Writer",
    "summary": "Two friends build a rocket.",
    "language": "ja",
    "reading_direction": "rtl",
    "series": "To the Stars",
    "episode": 3,
    "genre": "science fiction, comedy",
    "age_rating": "Everyone 10+",
}
LAYOUTS = {
    "webtoon": Layout(width=300),
    "pages": Layout(mode="pages", page=PageLayout(paper="B5", dpi=72, preset="2x2", bleed_mm=3)),
}


def exported(tmp_path, layout: str, **details):
    comic = Comic(**details, panels=[Panel(description=f"scene {i}") for i in range(3)], layout=LAYOUTS[layout])
    return export_episode(comic, art([(300, 200)] * 3), tmp_path, ExportOptions(formats=frozenset({"pdf", "cbz"})))


def comic_info(cbz: Path) -> ET.Element:
    with zipfile.ZipFile(cbz) as archive:
        xml = archive.read("ComicInfo.xml")
    SCHEMA.validate(xml)
    return ET.fromstring(xml)


@pytest.mark.parametrize("layout", ["webtoon", "pages"])
def test_comic_info_in_the_cbz_carries_every_detail(tmp_path, layout):
    root = comic_info(exported(tmp_path, layout, **DETAILS).cbz)
    assert root.findtext("Title") == "Lift-off"
    assert root.findtext("Writer") == "Ada Writer"
    assert root.findtext("Summary") == "Two friends build a rocket."
    assert root.findtext("LanguageISO") == "ja"
    assert root.findtext("Manga") == "YesAndRightToLeft"
    assert root.findtext("Series") == "To the Stars" and root.findtext("Number") == "3"
    assert root.findtext("Genre") == "science fiction, comedy"
    assert root.findtext("AgeRating") == "Everyone 10+"


def test_a_left_to_right_comic_without_rating_says_neither(tmp_path):
    root = comic_info(exported(tmp_path, "webtoon", title="Lift-off").cbz)
    assert root.findtext("Manga") == "Unknown"
    assert root.find("AgeRating") is None and root.find("Genre") is None


@pytest.mark.parametrize("layout", ["webtoon", "pages"])
def test_the_pdf_carries_title_author_subject_keywords_language_and_direction(tmp_path, layout):
    reader = PdfReader(exported(tmp_path, layout, **DETAILS).pdf, strict=True)
    info = reader.metadata
    assert info.title == "To the Stars #3: Lift-off"
    assert info.author == "Ada Writer"
    assert info.subject == "Two friends build a rocket."
    assert info["/Keywords"] == "science fiction, comedy, Everyone 10+"
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ja"
    assert catalog["/ViewerPreferences"]["/Direction"] == "/R2L"


def test_a_left_to_right_pdf_has_no_direction_preference(tmp_path):
    reader = PdfReader(exported(tmp_path, "webtoon", title="Lift-off", language="fr").pdf, strict=True)
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "fr" and "/ViewerPreferences" not in catalog
    assert reader.metadata.title == "Lift-off" and reader.metadata.subject is None


def test_an_unknown_age_rating_or_direction_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="age_rating") as error:
        Comic(title="x", age_rating="PG-13")
    assert "Everyone 10+" in str(error.value)
    with pytest.raises(ValueError, match="reading_direction"):
        Comic(title="x", reading_direction="up")
