"""What a project archive holds: its entry names, its error, and the comic fields that name files."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from stripstudio.domain import Comic
from stripstudio.domain.comic import readable_path
from stripstudio.lettering.fonts import FONT_SUFFIXES
from stripstudio.script import ScriptProblem

FORMAT_NAME = "stripstudio-project"
FORMAT_VERSION = 1
SCRIPT_ENTRY = "comic.yaml"
MANIFEST_ENTRY = "project.json"
ASSETS_DIR = "assets"
PICKED_DIR = "picked"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_SUFFIX = re.compile(r"^\.[a-z0-9]{1,12}$")  # ".safetensors" included


class ProjectArchiveError(Exception):
    """A project archive cannot be written or read; the message names the entry or field and the fix.

    ``script_problems`` lists the problems of an invalid ``comic.yaml`` (file, line, field,
    message), as the script loader reports them; it is empty for other problems.
    """

    def __init__(self, message: str, script_problems: list[ScriptProblem] | None = None) -> None:
        super().__init__(message)
        self.script_problems: list[ScriptProblem] = list(script_problems or [])


@dataclass(frozen=True)
class FileField:
    """One field of a comic that names a file: where it is, what it says, and how to change it."""

    name: str
    path: str
    replace: Callable[[str], None]

    @property
    def label(self) -> str:
        """The field as an author reads it: ``panel 1, sketch`` for ``panels[0].sketch``."""
        return readable_path(self.name)


def file_fields(comic: Comic) -> Iterator[FileField]:
    """Every field of ``comic`` naming a file of the project, in script order; ``replace`` edits ``comic``."""
    for i, lora in enumerate(comic.style.loras):
        if _is_lora_path(lora.name):
            yield FileField(f"style.loras[{i}].name", lora.name, _setter(lora, "name"))
    for i, character in enumerate(comic.characters):
        for j, lora in enumerate(character.loras):
            if _is_lora_path(lora.name):
                yield FileField(f"characters[{i}].loras[{j}].name", lora.name, _setter(lora, "name"))
        for j, image in enumerate(character.reference_images):
            yield FileField(f"characters[{i}].reference_images[{j}]", image, _list_setter(character, j))
    for i, panel in enumerate(comic.panels):
        if panel.sketch:
            yield FileField(f"panels[{i}].sketch", panel.sketch, _setter(panel, "sketch"))
        for j, region in enumerate(panel.regions):
            if region.mask:
                yield FileField(f"panels[{i}].regions[{j}].mask", region.mask, _setter(region, "mask"))
        for j, bubble in enumerate(panel.bubbles):
            if bubble.font and _is_font_path(bubble.font):
                yield FileField(f"panels[{i}].bubbles[{j}].font", bubble.font, _setter(bubble, "font"))


def asset_name(data: bytes, original_path: str) -> str:
    """The archive path of a file: ``assets/<first 16 hex digits of its SHA-256><its suffix>``."""
    suffix = PurePosixPath(original_path.replace("\\", "/")).suffix.lower()
    return f"{ASSETS_DIR}/{hashlib.sha256(data).hexdigest()[:16]}{suffix if _SUFFIX.match(suffix) else ''}"


def picked_entry(panel_id: str) -> str:
    """The archive path of a panel's picked picture."""
    return f"{PICKED_DIR}/{panel_id}.png"


def _setter(model: Any, attribute: str) -> Callable[[str], None]:
    return lambda value: setattr(model, attribute, value)


def _list_setter(character: Any, index: int) -> Callable[[str], None]:
    def replace(value: str) -> None:
        images = list(character.reference_images)
        images[index] = value
        character.reference_images = images

    return replace


def _is_lora_path(name: str) -> bool:
    """A LoRA given by path (a file of the project), not by a name looked up in the model folders."""
    return "/" in name or "\\" in name or name.startswith("~") or os.path.isabs(name)


def _is_font_path(font: str) -> bool:
    """A font file (as the lettering reads it), not a family name."""
    return font.lower().endswith(FONT_SUFFIXES) or "/" in font or "\\" in font
