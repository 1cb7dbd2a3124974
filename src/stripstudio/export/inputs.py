"""Gathering each panel's finished picture, in reading order, from images in memory or files."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from stripstudio.domain import Comic
from stripstudio.export.errors import ExportError
from stripstudio.layout import PanelArt

PictureSource = Image.Image | str | os.PathLike[str]


def load_panel_art(comic: Comic, pictures: Mapping[str, PictureSource] | Sequence[PictureSource]) -> list[PanelArt]:
    """Every panel of ``comic`` with its picture and focus point, in reading order.

    ``pictures`` maps panel ids (``comic.panel_id(i)``) to images or image files, or lists them in
    panel order. A panel without a picture, or a file that is missing or unreadable, is an
    :class:`ExportError` naming the panel.
    """
    if not comic.panels:
        raise ExportError("the comic has no panels: add at least one under 'panels:'", setting="panels")
    ids = [comic.panel_id(i) for i in range(len(comic.panels))]
    if not isinstance(pictures, Mapping) and len(pictures) != len(ids):
        raise ExportError(
            f"{len(pictures)} pictures for {len(ids)} panels: give one picture per panel, in order", setting="panels"
        )
    art = []
    for index, (panel, panel_id) in enumerate(zip(comic.panels, ids, strict=True)):
        source = pictures.get(panel_id) if isinstance(pictures, Mapping) else pictures[index]
        setting = comic.panel_label(index)
        if source is None:
            raise ExportError("this panel has no picture: render it and pick a candidate first", setting=setting)
        art.append(PanelArt(panel_id, _open(source, setting), panel.focus_x, panel.focus_y))
    return art


def _open(source: PictureSource, setting: str) -> Image.Image:
    if isinstance(source, Image.Image):
        return source
    path = Path(source)
    if not path.is_file():
        raise ExportError(
            f"the image file {path} does not exist: render the panel again or fix the path", setting=setting
        )
    try:
        with Image.open(path) as image:
            image.load()
            return image
    except (UnidentifiedImageError, OSError) as error:
        raise ExportError(
            f"{path} is not a readable image ({error}): render the panel again", setting=setting
        ) from error
