"""PDFs read back with pypdf: page count, page sizes in millimetres, images embedded as they were,
written a piece at a time."""

from __future__ import annotations

import dataclasses
import io
import struct
import tracemalloc

import pytest
from pypdf import PdfReader

from stripstudio.domain import Layout, PageLayout
from stripstudio.export import DocumentInfo, ExportError, SliceOptions, page_images, pdf_bytes, slice_strip, write_pdf
from stripstudio.export.encoding import PageFile, png_image
from stripstudio.layout import build_pages, build_strip
from tests.layout.pictures import art, noise

PT_PER_MM = 72 / 25.4
PAPER_SIZES_MM = {"A4": (210, 297), "Letter": (215.9, 279.4), "B5": (182, 257)}


def size_mm(box) -> tuple[float, float]:
    return float(box.width) / PT_PER_MM, float(box.height) / PT_PER_MM


@pytest.mark.parametrize(("paper", "dpi"), [("A4", 300), ("A4", 100), ("Letter", 100), ("B5", 100)])
def test_print_pages_are_the_paper_size_plus_bleed(tmp_path, paper, dpi):
    layout = Layout(mode="pages", page=PageLayout(paper=paper, dpi=dpi, preset="2x2", bleed_mm=3))
    pages = build_pages(art([(120, 90)] * 5), layout)
    path = write_pdf(
        page_images(pages), tmp_path / "book.pdf", info=DocumentInfo(title="Stars"), bleed_px=pages[0].geometry.bleed
    )

    reader = PdfReader(path)
    assert len(reader.pages) == 2
    width_mm, height_mm = PAPER_SIZES_MM[paper]
    tolerance = 25.4 / dpi  # one pixel either way
    for page in reader.pages:
        media_w, media_h = size_mm(page.mediabox)
        assert media_w == pytest.approx(width_mm + 6, abs=2 * tolerance)
        assert media_h == pytest.approx(height_mm + 6, abs=2 * tolerance)
        trim_w, trim_h = size_mm(page.trimbox)
        assert trim_w == pytest.approx(width_mm, abs=2 * tolerance)
        assert trim_h == pytest.approx(height_mm, abs=2 * tolerance)
    assert reader.metadata.title == "Stars"


def idat(png: bytes) -> bytes:
    data, at = b"", 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        if png[at + 4 : at + 8] == b"IDAT":
            data += png[at + 8 : at + 8 + length]
        at += 12 + length
    return data


def test_png_and_jpeg_pages_are_embedded_without_re_encoding():
    strip = build_strip(art([(400, 600), (400, 900)]), Layout(width=400))
    pngs = slice_strip(strip, SliceOptions(max_height=700)).images
    jpeg = slice_strip(strip, SliceOptions(format="jpeg", max_height=700)).images[0]
    reader = PdfReader(io.BytesIO(pdf_bytes([*pngs, jpeg])))
    assert len(reader.pages) == len(pngs) + 1
    for page, source in zip(reader.pages, [*pngs, jpeg], strict=True):
        (xobject,) = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
        raw = xobject._data  # the stream as stored in the file, still compressed
        if source.format == "png":
            assert xobject["/Filter"] == "/FlateDecode" and xobject["/DecodeParms"]["/Predictor"] == 15
            assert raw == idat(source.data)
        else:
            assert xobject["/Filter"] == "/DCTDecode" and raw == source.data
        # Page size in points from pixels and dpi (96 for webtoon slices).
        assert float(page.mediabox.width) == pytest.approx(source.width * 72 / 96)
        assert float(page.mediabox.height) == pytest.approx(source.height * 72 / 96)


def test_a_webtoon_pdf_has_one_page_per_slice():
    strip = build_strip(art([(800, 1000)] * 3), Layout(width=800, gutter=40))
    slices = slice_strip(strip)
    assert len(PdfReader(io.BytesIO(pdf_bytes(slices.images))).pages) == len(slices.slices) == 3


def test_no_pages_is_an_error():
    with pytest.raises(ExportError, match="no pages"):
        pdf_bytes([])


def test_the_pdf_is_written_page_by_page_from_files_without_holding_them(tmp_path):
    files = []
    for index in range(8):  # noise: the PNGs are as large as the pixels, about 1.7 MB each
        encoded = png_image(noise(800, 720, seed=index), 150)
        path = tmp_path / f"page-{index}.png"
        path.write_bytes(encoded.data)
        files.append(PageFile(path, "png", encoded.width, encoded.height, 150, encoded.size))
    total = sum(page.size for page in files)
    tracemalloc.start()
    try:
        write_pdf(files, tmp_path / "book.pdf", info=DocumentInfo(title="Étoiles — 星", author="A. Writer"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < total / 4, (peak, total)  # one piece at a time, not the pages
    reader = PdfReader(tmp_path / "book.pdf", strict=True)
    assert len(reader.pages) == 8 and reader.metadata.title == "Étoiles — 星"
    (xobject,) = [obj.get_object() for obj in reader.pages[3]["/Resources"]["/XObject"].values()]
    assert xobject._data == idat(files[3].path.read_bytes())
    assert reader.pages[3].images[0].image.tobytes() == noise(800, 720, seed=3).tobytes()


def test_a_page_that_is_not_what_it_says_is_a_clear_error():
    strip = build_strip(art([(400, 600)]), Layout(width=400))
    (page,) = slice_strip(strip).images
    wrong = dataclasses.replace(page, width=page.width + 1)
    with pytest.raises(ExportError, match="could not be put in the PDF"):
        pdf_bytes([wrong])
