"""Exporting a whole episode: every format at once, all or nothing, with errors that say what to fix."""

from __future__ import annotations

import zipfile

import pytest
from PIL import Image
from pypdf import PdfReader

from stripstudio.domain import Comic, Layout, PageLayout, Panel
from stripstudio.export import ExportError, ExportOptions, SliceOptions, export_episode, load_panel_art
from stripstudio.layout import PanelArt
from tests.layout.pictures import art, noise, speckled


def comic(count: int, **layout) -> Comic:
    return Comic(
        title="Stars",
        episode=1,
        panels=[Panel(description=f"scene {i}", id=f"p{i + 1}") for i in range(count)],
        layout=Layout(**layout),
    )


def snapshot(folder) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_webtoon_episode_writes_slices_strip_pdf_and_cbz(tmp_path):
    result = export_episode(comic(5), art([(800, 1100)] * 5), tmp_path)
    assert [p.name for p in result.slices] == [f"{i:03d}.png" for i in range(1, len(result.slices) + 1)]
    assert all(p.parent == tmp_path / "webtoon" for p in result.slices)
    with Image.open(result.strip_png) as tall:
        assert tall.size == (800, 5 * 1100 + 4 * 40)
    assert len(PdfReader(result.pdf).pages) == len(result.slices)
    with zipfile.ZipFile(result.cbz) as archive:
        assert archive.namelist()[-1] == "ComicInfo.xml" and len(archive.namelist()) == len(result.slices) + 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["episode.cbz", "episode.pdf", "strip.png", "webtoon"]


def test_a_pages_episode_writes_a_print_pdf_and_a_screen_cbz(tmp_path):
    book = comic(5, mode="pages", page=PageLayout(paper="B5", dpi=72, preset="2x2", bleed_mm=5))
    result = export_episode(book, art([(300, 200)] * 5), tmp_path, ExportOptions(name="stars"))
    assert result.slices == () and result.strip_png is None
    reader = PdfReader(result.pdf)
    assert len(reader.pages) == 2
    assert float(reader.pages[0].mediabox.width) == pytest.approx((182 + 10) * 72 / 25.4, abs=1)
    with zipfile.ZipFile(result.cbz) as archive, Image.open(archive.open("001.png")) as first:
        # Screen pages are cut to the trim: no bleed.
        assert first.size == (round(182 * 72 / 25.4), round(257 * 72 / 25.4))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stars.cbz", "stars.pdf"]


def test_a_failed_export_leaves_the_folder_as_it_was(tmp_path):
    export_episode(comic(2), art([(800, 900)] * 2), tmp_path)
    before = snapshot(tmp_path)
    storm = [PanelArt("p1", speckled(800, 900)), PanelArt("p2", noise(800, 1200))]
    options = ExportOptions(slices=SliceOptions(format="jpeg", max_file_bytes=70_000))
    with pytest.raises(ExportError, match="slice .* does not fit"):
        export_episode(comic(2), storm, tmp_path, options)
    assert snapshot(tmp_path) == before


def test_a_failed_first_export_leaves_no_folder_behind(tmp_path):
    with pytest.raises(ExportError):
        export_episode(comic(1), art([(800, 900)]), tmp_path / "new", ExportOptions(slices=SliceOptions(max_height=5)))
    assert not (tmp_path / "new").exists()


def test_a_comic_with_no_panels_is_an_export_error(tmp_path):
    with pytest.raises(ExportError, match="add at least one") as caught:
        export_episode(comic(0), [], tmp_path)
    assert caught.value.setting == "panels"
    with pytest.raises(ExportError, match="add at least one"):
        load_panel_art(comic(0), {})


def test_an_unknown_preset_is_an_export_error_naming_the_setting(tmp_path):
    book = comic(1, mode="pages")
    # Built without validation, as data from elsewhere might be.
    book.layout.page = PageLayout.model_construct(**{**PageLayout().model_dump(), "preset": "4x4"})
    with pytest.raises(ExportError, match="unknown page preset '4x4'") as caught:
        export_episode(book, art([(100, 100)]), tmp_path)
    assert caught.value.setting == "layout.page.preset"
    assert list(tmp_path.iterdir()) == []


def test_panel_pictures_load_from_files_with_the_panels_focus(tmp_path):
    book = comic(2)
    book.panels[1].focus_x = 0.2
    speckled(80, 60).save(tmp_path / "one.png")
    pictures = load_panel_art(book, {"p1": tmp_path / "one.png", "p2": speckled(80, 60)})
    assert [(a.panel_id, a.image.size, a.focus_x) for a in pictures] == [("p1", (80, 60), 0.5), ("p2", (80, 60), 0.2)]
    assert load_panel_art(book, [tmp_path / "one.png", str(tmp_path / "one.png")])[1].panel_id == "p2"


def test_a_missing_picture_or_file_is_an_error_naming_the_panel(tmp_path):
    book = comic(2)
    with pytest.raises(ExportError, match="has no picture: render it and pick a candidate") as caught:
        load_panel_art(book, {"p1": speckled(10, 10)})
    assert caught.value.setting == "panel 2 (p2)"
    with pytest.raises(
        ExportError, match=r"gone\.png does not exist: render the panel again or fix the path"
    ) as caught:
        load_panel_art(book, {"p1": tmp_path / "gone.png", "p2": speckled(10, 10)})
    assert caught.value.setting == "panel 1 (p1)"
    (tmp_path / "bad.png").write_bytes(b"not a picture")
    with pytest.raises(ExportError, match="is not a readable image"):
        load_panel_art(book, [speckled(10, 10), tmp_path / "bad.png"])
    with pytest.raises(ExportError, match="1 pictures for 2 panels"):
        load_panel_art(book, [speckled(10, 10)])
