"""Client-supplied file names made fit to show (never used as paths)."""

from __future__ import annotations

import re
import unicodedata

_MAX_NAME_CHARS = 100
_RESERVED = re.compile(r'[<>:"|?*]')


def safe_filename(name: str | None, *, default_stem: str = "upload") -> str:
    """A client-supplied file name made fit to *show* to people; never use it as a path.

    Keeps only the part after the last ``/`` or ``\\``, drops control and invisible formatting
    characters (such as right-to-left overrides), collapses ``..`` and strips leading dots, and
    keeps at most 100 characters (the extension survives shortening). Letters in any script
    are kept. Returns ``default_stem`` (cleaned the same way) when nothing is left.

    Uploaded files are stored under content-addressed names (their SHA-256) chosen by the
    server; this name is only for display, for example in a list of uploads.
    """
    return _clean_name(name or "") or _clean_name(default_stem) or "upload"


def _clean_name(name: str) -> str:
    text = re.split(r"[/\\]", unicodedata.normalize("NFC", name))[-1]
    text = "".join(_display_char(char) for char in text)
    text = _RESERVED.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    return _shorten(text, _MAX_NAME_CHARS)


def _display_char(char: str) -> str:
    category = unicodedata.category(char)
    if category in ("Zl", "Zp") or char.isspace():
        return " "
    return "" if category.startswith("C") else char


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    stem, dot, extension = text.rpartition(".")
    if dot and stem and len(extension) < 16:
        return stem[: limit - len(extension) - 1].rstrip(" .") + "." + extension
    return text[:limit].rstrip(" .")
