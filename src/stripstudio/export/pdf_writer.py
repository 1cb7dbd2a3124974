"""A PDF written page by page: each page's PNG or JPEG data is copied into the file as it is, in
pieces, so a book of any length needs the memory of one piece, not of every page.

A PNG page's IDAT data is a zlib stream of filtered rows, which PDF reads as it is with the PNG
predictor (``/FlateDecode`` with ``/Predictor 15``); a JPEG page is embedded whole (``/DCTDecode``).
Pages are 8-bit RGB, as export encodes them. Objects are numbered as they are written; the page
tree, the document information and the cross-reference table follow the last page.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PIECE = 1 << 20
MAX_PAGE_POINTS = 14_400  # the largest page PDF readers must accept (200 inches)
PAGES_ID, CATALOG_ID = 1, 2


class PdfPageError(ValueError):
    """A page's data cannot be embedded as it is (not 8-bit RGB, or too large for a PDF page)."""


@dataclass(frozen=True)
class PdfPage:
    """One page to write: ``source`` holds a PNG or JPEG file of ``width`` x ``height`` pixels."""

    source: BinaryIO
    format: str  # "png" or "jpeg"
    width: int
    height: int
    dpi: float


@dataclass(frozen=True)
class DocumentInfo:
    """What a PDF says about itself: the Info dictionary's texts, the language and the reading direction.

    ``right_to_left`` sets ``/ViewerPreferences /Direction /R2L``, so readers lay out two-page
    spreads and turn pages from right to left.
    """

    title: str = ""
    author: str = ""
    subject: str = ""
    keywords: str = ""
    language: str = ""
    right_to_left: bool = False


NO_INFO = DocumentInfo()


class PdfWriter:
    """Writes a PDF to ``out``: :meth:`add_page` for each page in order, then :meth:`finish`."""

    def __init__(self, out: BinaryIO, *, trim_points: float = 0.0) -> None:
        self.out, self.trim = out, trim_points
        self._offsets: dict[int, int] = {}
        self._pages: list[int] = []
        self._next_id = CATALOG_ID + 1
        self._position = 0
        self._write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")

    def add_page(self, page: PdfPage) -> None:
        """Append one page the size of its pixels at its resolution, the picture filling it."""
        width, height = page.width * 72 / page.dpi, page.height * 72 / page.dpi
        if max(width, height) > MAX_PAGE_POINTS:
            raise PdfPageError(f"a {page.width} x {page.height} px page at {page.dpi:g} dpi is over 200 inches")
        image_id = self._image(page)
        drawing = f"q\n{_num(width)} 0 0 {_num(height)} 0 0 cm\n/Im0 Do\nQ\n".encode()
        content_id = self._object(b"<< /Length %d >>\nstream\n" % len(drawing) + drawing + b"\nendstream")
        boxes = f"/MediaBox [0 0 {_num(width)} {_num(height)}]"
        if self.trim:
            t = self.trim
            boxes += f" /TrimBox [{_num(t)} {_num(t)} {_num(width - t)} {_num(height - t)}]"
        self._pages.append(
            self._object(
                f"<< /Type /Page /Parent {PAGES_ID} 0 R {boxes} /Resources << /XObject << /Im0 {image_id} 0 R >> >> "
                f"/Contents {content_id} 0 R >>".encode()
            )
        )

    def finish(self, info: DocumentInfo = NO_INFO, *, creator: str = "stripstudio") -> None:
        """Write the page tree, catalogue, document information and cross-reference table."""
        kids = " ".join(f"{page} 0 R" for page in self._pages)
        self._object(f"<< /Type /Pages /Kids [{kids}] /Count {len(self._pages)} >>".encode(), PAGES_ID)
        self._object(_catalog(info).encode(), CATALOG_ID)
        fields = (
            ("Title", info.title),
            ("Author", info.author),
            ("Subject", info.subject),
            ("Keywords", info.keywords),
            ("Creator", creator),
            ("Producer", creator),
        )
        entries = " ".join(f"/{key} {_text(value)}" for key, value in fields if value)
        info_id = self._object(f"<< {entries} >>".encode())
        xref_at = self._position
        size = self._next_id
        lines = [f"xref\n0 {size}\n", "0000000000 65535 f \n"]
        lines += [f"{self._offsets[number]:010d} 00000 n \n" for number in range(1, size)]
        lines.append(f"trailer\n<< /Size {size} /Root {CATALOG_ID} 0 R /Info {info_id} 0 R >>\n")
        lines.append(f"startxref\n{xref_at}\n%%EOF\n")
        self._write("".join(lines).encode())

    def _image(self, page: PdfPage) -> int:
        if page.format == "png":
            length, pieces = _png_idat(page.source, page.width, page.height)
            details = (
                f"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 "
                f"/Columns {page.width} >>"
            )
        else:
            page.source.seek(0, 2)
            length, pieces = page.source.tell(), _pieces(page.source, 0, page.source.tell())
            details = "/Filter /DCTDecode"
        header = (
            f"<< /Type /XObject /Subtype /Image /Width {page.width} /Height {page.height} /ColorSpace /DeviceRGB "
            f"/BitsPerComponent 8 {details} /Length {length} >>\nstream\n"
        )
        number = self._start_object()
        self._write(header.encode())
        for piece in pieces:
            self._write(piece)
        self._write(b"\nendstream\nendobj\n")
        return number

    def _start_object(self, number: int | None = None) -> int:
        if number is None:
            number, self._next_id = self._next_id, self._next_id + 1
        self._offsets[number] = self._position
        self._write(b"%d 0 obj\n" % number)
        return number

    def _object(self, body: bytes, number: int | None = None) -> int:
        number = self._start_object(number)
        self._write(body + b"\nendobj\n")
        return number

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self._position += len(data)


def _png_idat(source: BinaryIO, width: int, height: int) -> tuple[int, Iterator[bytes]]:
    """The total length of a PNG's IDAT data and its pieces, read from ``source`` when iterated."""
    source.seek(0)
    if source.read(8) != PNG_SIGNATURE:
        raise PdfPageError("a page is not a PNG file")
    spans, at = [], 8
    while True:
        header = source.read(8)
        if len(header) < 8:
            break
        length, kind = struct.unpack(">I4s", header)
        if kind == b"IHDR":
            _check_header(source.read(13), width, height)
            source.seek(at + 8 + length)
        elif kind == b"IDAT":
            spans.append((at + 8, length))
        at += 12 + length
        source.seek(at)
        if kind == b"IEND":
            break
    if not spans:
        raise PdfPageError("a PNG page has no image data")
    return sum(length for _, length in spans), (p for start, n in spans for p in _pieces(source, start, n))


def _check_header(ihdr: bytes, width: int, height: int) -> None:
    png_width, png_height, depth, colour, _compression, _filter, interlace = struct.unpack(">IIBBBBB", ihdr)
    if (png_width, png_height) != (width, height) or depth != 8 or colour != 2 or interlace:
        raise PdfPageError("a PNG page is not the expected 8-bit RGB picture without interlacing")


def _pieces(source: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    source.seek(start)
    while length > 0:
        piece = source.read(min(PIECE, length))
        if not piece:
            raise PdfPageError("a page file ended early")
        length -= len(piece)
        yield piece


def _catalog(info: DocumentInfo) -> str:
    entries = f"/Type /Catalog /Pages {PAGES_ID} 0 R"
    if info.language:
        entries += f" /Lang {_text(info.language)}"
    if info.right_to_left:
        entries += " /ViewerPreferences << /Direction /R2L >>"
    return f"<< {entries} >>"


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _text(value: str) -> str:
    """A PDF text string: UTF-16 with a byte-order mark, written in hex (no escaping needed)."""
    return "<FEFF" + value.encode("utf-16-be").hex().upper() + ">"
