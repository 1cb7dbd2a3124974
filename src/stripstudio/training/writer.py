"""Writing a dataset folder in kohya's layout: images, one caption each, and the flags manifest."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PIL import Image

from stripstudio.training.flags import DuplicateFinder, image_flags, output_name
from stripstudio.training.kohya_layout import (
    IMAGES_FOLDER,
    REGULARISATION_FOLDER,
    caption_path,
    concept_folder_name,
    regularisation_folder_name,
    write_manifest,
)
from stripstudio.uploads import DEFAULT_LIMITS, UploadLimits
from stripstudio.uploads.limits import check_byte_size

Section = Literal["img", "reg"]
MANIFEST_FORMAT = 1


class DatasetWriter:
    """Adds images and captions to a (staged) dataset folder and finally writes its ``dataset.json``.

    Character images go to ``img/<repeats>_<trigger> <class>/``, regularisation images to
    ``reg/1_<class>/``. Each section has its own names and its own duplicate check.
    """

    def __init__(self, root: Path, *, trigger: str, class_word: str, repeats: int, small_side: int = 512) -> None:
        self.root = Path(root)
        self.folders: dict[Section, Path] = {
            "img": self.root / IMAGES_FOLDER / concept_folder_name(repeats, trigger, class_word),
            "reg": self.root / REGULARISATION_FOLDER / regularisation_folder_name(class_word),
        }
        self.small_side = small_side
        self.flags: dict[str, list[str]] = {}
        self.sources: dict[str, str] = {}
        self._taken: dict[Section, set[str]] = {"img": set(), "reg": set()}
        self._duplicates: dict[Section, DuplicateFinder] = {"img": DuplicateFinder(), "reg": DuplicateFinder()}

    def add(
        self,
        section: Section,
        source_name: str,
        picture: Image.Image,
        *,
        caption: str,
        data: bytes | None = None,
        suffix: str = ".png",
        flags: tuple[str, ...] = (),
        measured: Image.Image | None = None,
    ) -> Path:
        """Write ``picture`` (or ``data``, its encoded bytes, when given) and its caption; returns its path.

        ``flags`` are added to those found here (small, duplicate), measured on ``measured`` when given
        (the picture as it came, before any crop), else on ``picture``.
        """
        folder = self.folders[section]
        folder.mkdir(parents=True, exist_ok=True)
        name = output_name(source_name, self._taken[section], suffix)
        path = folder / name
        noticed = image_flags(name, measured or picture, self._duplicates[section], small_side=self.small_side)
        if data is None:
            picture.save(path, "PNG")
        else:
            path.write_bytes(data)
        caption_path(path).write_text(caption + "\n", encoding="utf-8")
        key = f"{section}/{name}"
        self.sources[key] = source_name
        if flags or noticed:
            self.flags[key] = [*flags, *noticed]
        return path

    def count(self, section: Section) -> int:
        """How many images ``section`` holds so far."""
        return len(self._taken[section])

    def finish(self, **settings: object) -> None:
        """Write ``dataset.json``: the flags, each image's original name, and ``settings`` (mode, resolution...)."""
        write_manifest(self.root, {"format": MANIFEST_FORMAT, **settings, "flags": self.flags, "sources": self.sources})


def read_image_bytes(path: Path, limits: UploadLimits = DEFAULT_LIMITS) -> bytes:
    """The bytes of the file at ``path``, refused (``UploadRejected``) without reading when over the size limit."""
    check_byte_size(path.stat().st_size, limits.max_bytes, path.name, "scale the picture down or compress it more")
    with path.open("rb") as file:
        return file.read(limits.max_bytes + 1)
