"""Fonts: the bundled open-licence families, user font files, and per-character fallback.

Text is drawn with a chain of faces: the chosen family first, then Noto Sans (accented Latin,
Cyrillic, Greek), then Noto Sans JP (kana and kanji). Each character cluster goes to the first
face whose character map covers it, so one line may mix several fonts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

from stripstudio.lettering.errors import LetteringError
from stripstudio.lettering.graphemes import clusters, significant_codepoints

FONT_DIR = Path(__file__).with_name("fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2")
TEXT_SCALE = 4  # text is drawn this much enlarged and scaled down, and measured the same way

# Family name -> (regular files, bold files); several files of a family are subsets of it.
BUNDLED_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Comic Neue": (("comic-neue-latin-400-normal.woff",), ("comic-neue-latin-700-normal.woff",)),
    "Bangers": (
        ("bangers-latin-400-normal.woff", "bangers-latin-ext-400-normal.woff", "bangers-vietnamese-400-normal.woff"),
        (),
    ),
    "Patrick Hand": (
        (
            "patrick-hand-latin-400-normal.woff",
            "patrick-hand-latin-ext-400-normal.woff",
            "patrick-hand-vietnamese-400-normal.woff",
        ),
        (),
    ),
    "Noto Sans": (
        (
            "noto-sans-latin-400-normal.woff",
            "noto-sans-latin-ext-400-normal.woff",
            "noto-sans-cyrillic-400-normal.woff",
            "noto-sans-greek-400-normal.woff",
        ),
        (),
    ),
    "Noto Sans JP": (("noto-sans-jp-japanese-400-normal.woff",), ()),
}
FALLBACK_FAMILIES = ("Noto Sans", "Noto Sans JP")


@dataclass(frozen=True)
class FontFace:
    """One font file and the code points it has glyphs for."""

    path: Path

    @property
    def coverage(self) -> frozenset[int]:
        """The code points with a glyph (read on first use: a CJK font's map takes a while to read)."""
        return _coverage(str(self.path))

    def covers(self, codepoints: list[int]) -> bool:
        """True when every code point has a glyph in this face."""
        return all(code in self.coverage for code in codepoints)

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        """The face as a Pillow font at ``size`` pixels (cached)."""
        return _pillow_font(str(self.path), size)

    def length(self, text: str, size: int) -> float:
        """Advance width of ``text`` in this face at ``size`` pixels, as drawn at TEXT_SCALE (cached)."""
        return _length(str(self.path), size * TEXT_SCALE, text) / TEXT_SCALE

    def metrics(self, size: int) -> tuple[float, float]:
        """(ascent, descent) at ``size`` pixels, as drawn at TEXT_SCALE."""
        ascent, descent = self.at(size * TEXT_SCALE).getmetrics()
        return ascent / TEXT_SCALE, descent / TEXT_SCALE


@dataclass(frozen=True)
class TextRun:
    """A piece of text drawn with one face."""

    text: str
    face: FontFace


@dataclass(frozen=True)
class FontChain:
    """The families one bubble's text is drawn with, most preferred first; each family is one or
    more files (subsets of it by script)."""

    name: str
    families: tuple[tuple[FontFace, ...], ...]

    @property
    def faces(self) -> tuple[FontFace, ...]:
        """Every file of every family, in order of preference."""
        return tuple(face for family in self.families for face in family)

    def face_for(self, cluster: str, faces: tuple[FontFace, ...] | None = None) -> FontFace:
        """The first face (of ``faces``, or of all) that can draw ``cluster``; the very first when none can."""
        codepoints = significant_codepoints(cluster)
        faces = faces or self.faces
        for face in faces:
            if face.covers(codepoints):
                return face
        return next((face for face in self.faces if face.covers(codepoints[:1])), self.faces[0])

    def runs(self, text: str) -> tuple[TextRun, ...]:
        """``text`` split into runs of one face each; spaces stay in the run they follow."""
        return _runs(self, text)

    def width(self, text: str, size: int) -> float:
        """Advance width of ``text`` at ``size`` pixels, summed over its runs."""
        return sum(run.face.length(run.text, size) for run in self.runs(text))

    def metrics(self, text: str, size: int) -> tuple[float, float]:
        """(ascent, descent) in pixels: the largest of the faces ``text`` needs."""
        faces = {run.face for run in self.runs(text)} or {self.faces[0]}
        measured = [face.metrics(size) for face in faces]
        return max(a for a, _ in measured), max(d for _, d in measured)


class FontBook:
    """Font families by name and font files by path; builds the fallback chain for a bubble.

    ``search_dirs`` are where relative font paths are looked up (e.g. the comic script's folder)
    before the current directory.
    """

    def __init__(self, search_dirs: tuple[Path, ...] = ()) -> None:
        self.search_dirs = tuple(Path(d) for d in search_dirs)
        self._families: dict[str, tuple[tuple[Path, ...], tuple[Path, ...]]] = {}
        self._names: dict[str, str] = {}
        for name, (regular, bold) in BUNDLED_FAMILIES.items():
            self.add_family(name, [FONT_DIR / f for f in regular], [FONT_DIR / f for f in bold])

    def add_family(self, name: str, regular: list[Path], bold: list[Path] | None = None) -> None:
        """Register (or replace) a family: its regular files and optional bold files."""
        self._families[_key(name)] = (tuple(regular), tuple(bold or ()))
        self._names[_key(name)] = name

    def families(self) -> list[str]:
        """The names of the known families, sorted."""
        return sorted(self._names.values())

    def has_bold(self, font: str) -> bool:
        """Whether the family ``font`` has bold files of its own (else bold text is drawn regular)."""
        family = self._families.get(_key(font))
        return bool(family and family[1])

    def chain(self, font: str, *, bold: bool = False) -> FontChain:
        """The fallback chain for a family name or a font file path; LetteringError if unknown or unreadable."""
        try:
            own = self._family_files(font, bold) if not _looks_like_path(font) else (self._resolve_path(font),)
            families = list(dict.fromkeys([own, *(self._families[_key(n)][0] for n in FALLBACK_FAMILIES)]))
            return FontChain(font, tuple(tuple(load_face(path) for path in family) for family in families))
        except LetteringError as error:
            raise LetteringError(f"{error}; known families: {', '.join(self.families())}") from None

    def _family_files(self, name: str, bold: bool) -> tuple[Path, ...]:
        try:
            regular, bold_files = self._families[_key(name)]
        except KeyError:
            raise LetteringError(
                f"unknown font {name!r} (give a family name or the path of a {'/'.join(FONT_SUFFIXES)} file)"
            ) from None
        return (bold_files or regular) if bold else regular

    def _resolve_path(self, font: str) -> Path:
        path = Path(font).expanduser()
        candidates = [path] if path.is_absolute() else [d / path for d in self.search_dirs] + [path]
        for candidate in candidates:
            if candidate.is_file():
                return candidate
        looked = ", ".join(str(c) for c in candidates)
        raise LetteringError(f"font file {font!r} not found (looked for {looked})")


def load_face(path: Path) -> FontFace:
    """The face in ``path`` with its character map; LetteringError if the file is not a readable font."""
    return _load_face(str(path))


@cache
def default_fontbook() -> FontBook:
    """A font book with the bundled families only, shared by callers that bring none."""
    return FontBook()


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.casefold())


def _looks_like_path(font: str) -> bool:
    return font.lower().endswith(FONT_SUFFIXES) or "/" in font or "\\" in font


@lru_cache(maxsize=64)
def _load_face(path: str) -> FontFace:
    try:
        _pillow_font(path, 12)
    except Exception as error:
        raise LetteringError(f"cannot read font file {path}: {error}") from None
    return FontFace(Path(path))


@lru_cache(maxsize=64)
def _coverage(path: str) -> frozenset[int]:
    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or {})
    except ImportError as error:  # fontTools needs brotli to read .woff2
        raise LetteringError(f"cannot read font file {path}: {error} (install brotli, or use a .ttf/.otf)") from None
    except Exception as error:
        raise LetteringError(f"cannot read font file {path}: {error}") from None


@lru_cache(maxsize=512)
def _pillow_font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


@lru_cache(maxsize=65536)
def _length(path: str, size: int, text: str) -> float:
    return _pillow_font(path, size).getlength(text)


@lru_cache(maxsize=8192)
def _runs(chain: FontChain, text: str) -> tuple[TextRun, ...]:
    runs: list[TextRun] = []
    for segment in re.split(r"(\s+)", text):
        for piece in _segment_runs(chain, segment, runs[-1].face if runs else None):
            if runs and runs[-1].face == piece.face:
                runs[-1] = TextRun(runs[-1].text + piece.text, piece.face)
            else:
                runs.append(piece)
    return tuple(runs)


def _segment_runs(chain: FontChain, segment: str, previous: FontFace | None) -> list[TextRun]:
    """Runs for one word or one stretch of white space.

    A word stays in one family when some family has all its letters (mixing designs inside a word
    looks worse than a neighbouring word in a fallback family); white space stays in the face
    before it.
    """
    if not segment:
        return []
    units = list(clusters(segment))
    if segment.isspace() and previous is not None and previous.covers([ord(c) for c in segment]):
        return [TextRun(segment, previous)]
    for family in chain.families:
        if all(any(face.covers(significant_codepoints(u)) for face in family) for u in units):
            return [TextRun(unit, chain.face_for(unit, family)) for unit in units]
    return [TextRun(unit, chain.face_for(unit)) for unit in units]
