"""Exporting a rendered comic: the picked candidate of every panel, lettered, laid out and published."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import overload

from PIL import Image

from stripstudio.domain import Comic
from stripstudio.export import EpisodeExport, ExportError, ExportOptions, export_episode
from stripstudio.export.episode import translate_layout_errors
from stripstudio.layout import (
    Checkpoint,
    PanelArt,
    check_page_budget,
    cover_crop,
    crop_to_frame,
    page_frames,
    page_geometry,
)
from stripstudio.lettering import PlacedBubble, draw_bubbles, layout_bubbles
from stripstudio.production.faces import find_faces
from stripstudio.production.manifest import read_manifest, write_manifest

EXPORT_FOLDER = "export"


def picked_files(comic: Comic, render_dir: Path) -> list[Path]:
    """The picked candidate of every panel, in reading order, from the render's manifest."""
    manifest = read_manifest(render_dir)
    if manifest is None:
        raise ExportError(
            f"{render_dir} holds no render (no manifest.json): run `stripstudio render` first", setting="render_dir"
        )
    files = []
    for index in range(len(comic.panels)):
        panel_id = comic.panel_id(index)
        render = manifest.panel(panel_id)
        if render is None or not render.candidates:
            raise ExportError(
                f"this panel has not been rendered: run `stripstudio render … --panel {panel_id}`",
                setting=comic.panel_label(index),
            )
        files.append(Path(render_dir) / render.candidates[render.picked].file)
    return files


def pick_candidate(render_dir: Path, panel_id: str, candidate: int) -> None:
    """Record that candidate ``candidate`` (1-based, as in candidate-N.png) of ``panel_id`` is the one to use."""
    manifest = read_manifest(render_dir)
    render = manifest.panel(panel_id) if manifest else None
    if manifest is None or render is None:
        raise ExportError(f"no rendered panel {panel_id!r} in {render_dir}", setting="panel")
    if not 1 <= candidate <= len(render.candidates):
        raise ExportError(f"panel {panel_id} has candidates 1 to {len(render.candidates)}", setting="candidate")
    render.picked = candidate - 1
    write_manifest(render_dir, manifest)


def lettered_art(
    comic: Comic, files: list[Path], on_panel: Callable[[str], None] | None = None, checkpoint: Checkpoint | None = None
) -> LetteredPanels:
    """Every panel's picture, read from ``files`` when needed, with its bubbles drawn (see :class:`LetteredPanels`)."""
    return LetteredPanels(comic, lambda index: open_picture(files[index]), on_panel, checkpoint)


def open_picture(path: Path) -> Image.Image:
    """The picture at ``path`` as RGB, read in full (the file is closed again)."""
    with Image.open(path) as picture:
        picture.load()
        return picture.convert("RGB")


def letter_all(
    comic: Comic,
    pictures: list[Image.Image],
    on_panel: Callable[[str], None] | None = None,
    find_faces_in: Callable[[Image.Image], list] = find_faces,
) -> list[PanelArt]:
    """Every panel lettered at once (see :class:`LetteredPanels`), for callers that hold the pictures already."""
    return list(LetteredPanels(comic, pictures.__getitem__, on_panel, find_faces_in=find_faces_in)[:])


class LetteredPanels(Sequence[PanelArt]):
    """The comic's panels lettered at the size they are shown, kept clear of the faces found in them.

    In a page layout each picture is first fitted to its frame (scaled to cover it, cropped around
    the panel's focus point) and then lettered in the frame, every bubble kept inside it, so the
    page crops nothing of the lettering. A webtoon's panels are lettered at the strip's width.

    Lettering happens when a panel is asked for and nothing is kept: a slice letters its panels in
    parallel threads (Pillow and OpenCV release the interpreter lock while they work), one per
    core, so an export drawing page after page holds only one page's panels. ``load(index)``
    gives panel ``index``'s picture; ``checkpoint`` runs before each panel.
    """

    def __init__(
        self,
        comic: Comic,
        load: Callable[[int], Image.Image],
        on_panel: Callable[[str], None] | None = None,
        checkpoint: Checkpoint | None = None,
        find_faces_in: Callable[[Image.Image], list] = find_faces,
    ) -> None:
        self.comic, self.load, self.on_panel, self.checkpoint = comic, load, on_panel, checkpoint
        self.find_faces_in = find_faces_in
        self.width = lettering_width(comic)
        pages = comic.layout.mode == "pages"
        self.frames = [(box.width, box.height) for box in page_frames(comic.layout)] if pages else []

    def __len__(self) -> int:
        return len(self.comic.panels)

    @overload
    def __getitem__(self, index: int) -> PanelArt: ...
    @overload
    def __getitem__(self, index: slice) -> list[PanelArt]: ...
    def __getitem__(self, index: int | slice) -> PanelArt | list[PanelArt]:
        if isinstance(index, slice):
            indices = range(len(self))[index]
            with ThreadPoolExecutor(max_workers=min(len(indices), os.cpu_count() or 1) or 1) as pool:
                art = list(pool.map(self._letter, indices))
        else:
            art = [self._letter(range(len(self))[index])]
        for piece in art:
            if self.on_panel:
                self.on_panel(piece.panel_id)
        return art if isinstance(index, slice) else art[0]

    def _letter(self, index: int) -> PanelArt:
        if self.checkpoint:
            self.checkpoint()
        panel = self.comic.panels[index]
        image = self.shown(index, self.load(index))
        lettered = draw_bubbles(image, self.placed(index, image)) if panel.bubbles else image
        return PanelArt(self.comic.panel_id(index), lettered, panel.focus_x, panel.focus_y)

    def shown(self, index: int, picture: Image.Image) -> Image.Image:
        """Panel ``index``'s picture at the size it is lettered: its page frame, or the strip's width."""
        if not self.frames:
            return at_least_width(picture, self.width)
        panel = self.comic.panels[index]
        return crop_to_frame(picture, self.frames[index % len(self.frames)], panel.focus_x, panel.focus_y)

    def window(self, index: int, size: tuple[int, int]) -> tuple[float, float, float, float]:
        """The part of a picture of ``size`` that panel ``index`` shows, as fractions (left, top, right, bottom)."""
        if not self.frames:
            return (0.0, 0.0, 1.0, 1.0)
        panel = self.comic.panels[index]
        crop = cover_crop(size, self.frames[index % len(self.frames)], panel.focus_x, panel.focus_y)
        left, top, right, bottom = crop.source_box(size)
        return (left / size[0], top / size[1], right / size[0], bottom / size[1])

    def placed(self, index: int, image: Image.Image, *, free_last: bool = False) -> list[PlacedBubble]:
        """Panel ``index``'s bubbles laid out on ``image`` (as :meth:`shown` gives it), in its pixels.

        ``free_last`` puts the last bubble in free space (see :func:`layout_bubbles`).
        """
        panel = self.comic.panels[index]
        faces = self.find_faces_in(image) if panel.bubbles else []
        return layout_bubbles(
            panel,
            image.size,
            panel_index=index,
            faces=faces,
            inside=bool(self.frames),
            lettering=self.comic.lettering,
            free_last=free_last,
            rtl=self.comic.reading_direction == "rtl",
        )


def lettering_width(comic: Comic) -> int:
    """The width a panel is shown at: the strip's inner width, or a page's live area."""
    layout = comic.layout
    if layout.mode == "pages":
        return page_geometry(layout.page).live.width
    return layout.width - 2 * layout.margin


def at_least_width(image: Image.Image, width: int) -> Image.Image:
    """``image`` scaled up to ``width`` if it is narrower, so lettering is drawn at the size it is shown."""
    if image.width >= width:
        return image
    height = round(image.height * width / image.width)
    return image.resize((width, height), Image.Resampling.LANCZOS)


def export_comic(
    comic: Comic,
    render_dir: Path,
    out_dir: Path | None = None,
    formats: set[str] | None = None,
    on_panel: Callable[[str], None] | None = None,
    checkpoint: Checkpoint | None = None,
) -> EpisodeExport:
    """Letter the picked panels of ``render_dir`` and write ``formats`` (default: the layout's) to ``out_dir``."""
    check_export_size(comic)
    options = ExportOptions(name=file_stem(comic.title), formats=frozenset(formats) if formats else None)
    art = lettered_art(comic, picked_files(comic, render_dir), on_panel, checkpoint)
    return export_episode(comic, art, Path(out_dir or Path(render_dir) / EXPORT_FOLDER), options, checkpoint)


def check_export_size(comic: Comic) -> None:
    """Raise :class:`ExportError` naming the field when the comic has no panels or too many page pixels."""
    if not comic.panels:
        raise ExportError("the comic has no panels: add at least one under 'panels:'", setting="panels")
    if comic.layout.mode == "pages":
        with translate_layout_errors():
            check_page_budget(len(comic.panels), comic.layout)


def file_stem(title: str) -> str:
    """A safe file name from a title: "To the Stars and Back - episode 1" -> "to-the-stars-and-back-episode-1"."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80] or "episode"
