"""Reading a dataset folder in kohya sd-scripts' layout, or a plain folder of images and captions.

The layout (what kohya's ``train_data_dir`` and ``reg_data_dir`` expect)::

    DATASET/
      img/20_rc_test man/NAME.png   # <repeats>_<trigger> <class>; one caption NAME.txt per image
      reg/1_man/NAME.png            # optional regularisation images of the class
      dataset.json                  # optional: flags preparation noticed (never needed by kohya)

The folder names are the truth for repeats, trigger and class; ``dataset.json`` only adds flags.
A caption is ``NAME.txt`` (or ``NAME.caption``); a missing one reads as the folder's "trigger class"
words, as kohya trains it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from stripstudio.field_errors import FieldError
from stripstudio.training.spec import Dataset, DatasetImage
from stripstudio.uploads import DEFAULT_LIMITS

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
MANIFEST = "dataset.json"
IMAGES_FOLDER = "img"
REGULARISATION_FOLDER = "reg"
MAX_CAPTION_BYTES = 64 * 1024
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
_CONCEPT = re.compile(r"^(\d+)_(\S.*)$")
MAX_WORD_CHARS = 64
MAX_REPEATS = 1000
_TRIGGER = re.compile(r"^[^\s,/\\\x00-\x1f\x7f]+$")
_CLASS_WORD = re.compile(r"^[^,/\\\x00-\x1f\x7f]+$")
_ORIENTATION = 0x0112
_TURNED = (5, 6, 7, 8)  # EXIF orientations that swap width and height


class DatasetError(FieldError):
    """A dataset cannot be read, written or prepared; ``field`` names what to change, ``message`` how."""


@dataclass(frozen=True)
class Layout:
    """Where a dataset's files are and what its folder names say (nothing is decoded)."""

    trigger: str | None
    class_word: str | None
    repeats: int | None
    images: tuple[Path, ...]
    regularisation: tuple[Path, ...]


def concept_folder_name(repeats: int, trigger: str, class_word: str) -> str:
    """kohya's name of the folder of a character's images: ``20_rc_test man``."""
    return f"{repeats}_{trigger} {class_word}"


def regularisation_folder_name(class_word: str) -> str:
    """kohya's name of the folder of regularisation images: ``1_man``."""
    return f"1_{class_word}"


def check_trigger(trigger: str) -> str:
    """The trigger word, checked: one word (no spaces, commas or slashes), at most 64 characters."""
    trigger = trigger.strip()
    if not trigger or len(trigger) > MAX_WORD_CHARS or not _TRIGGER.match(trigger):
        raise DatasetError(
            "trigger",
            f"{trigger!r} cannot be a trigger word: use one word of at most {MAX_WORD_CHARS} characters with no "
            "spaces, commas or slashes, e.g. rc_test",
        )
    return trigger


def check_class_word(class_word: str) -> str:
    """The class, checked: words without commas or slashes, at most 64 characters (e.g. ``man``, ``young woman``)."""
    class_word = " ".join(class_word.split())
    if not class_word or len(class_word) > MAX_WORD_CHARS or not _CLASS_WORD.match(class_word):
        raise DatasetError(
            "class_word",
            f"{class_word!r} cannot be a class: use a few words of at most {MAX_WORD_CHARS} characters with no "
            "commas or slashes, e.g. man",
        )
    return class_word


def check_repeats(repeats: int) -> int:
    """The repeats, checked: 1 to 1000."""
    if not 1 <= repeats <= MAX_REPEATS:
        raise DatasetError("repeats", f"{repeats} repeats: use 1 to {MAX_REPEATS} (20 suits 10-100 images)")
    return repeats


def read_layout(directory: Path) -> Layout:
    """The files of the dataset in ``directory``: a kohya dataset folder (with ``img/``), kohya's
    ``img`` folder itself, one ``<repeats>_<trigger> <class>`` folder, or a plain folder of images."""
    directory = Path(directory)
    if not directory.is_dir():
        raise DatasetError("directory", f"{directory} is not a folder; give the folder that holds the dataset")
    if (directory / IMAGES_FOLDER).is_dir():
        image_root, reg_root = directory / IMAGES_FOLDER, directory / REGULARISATION_FOLDER
    elif _concept_folders(directory):
        image_root, reg_root = directory, None
    elif _CONCEPT.match(directory.name):
        return _concept_layout(directory, ())
    else:
        return Layout(None, None, None, _image_files(directory), ())
    concepts = _concept_folders(image_root)
    if len(concepts) != 1:
        found = ", ".join(repr(folder.name) for folder in concepts) or "none"
        raise DatasetError(
            "directory",
            f"{image_root} must hold exactly one folder named REPEATS_TRIGGER CLASS (e.g. '20_rc_test man'); "
            f"found {found}: merge the images into one such folder",
        )
    regularisation: list[Path] = []
    if reg_root is not None and reg_root.is_dir():
        for folder in _concept_folders(reg_root):
            regularisation.extend(_image_files(folder))
    return _concept_layout(concepts[0], tuple(regularisation))


def load_dataset(
    directory: Path,
    trigger: str | None = None,
    class_word: str | None = None,
    repeats: int | None = None,
) -> Dataset:
    """The dataset in ``directory`` (see :func:`read_layout` for the folders understood).

    ``trigger``, ``class_word`` and ``repeats``, when given, take precedence over the folder name;
    a plain folder needs ``trigger`` and ``class_word`` (repeats default to 20). Every image's header
    is read (not its pixels): an unreadable or oversized image is refused by name. Raises
    :class:`DatasetError`.
    """
    layout = read_layout(directory)
    trigger = trigger or layout.trigger
    class_word = class_word or layout.class_word
    if not trigger:
        raise DatasetError("trigger", f"{directory} does not name a trigger word; give one, e.g. --trigger rc_test")
    if not class_word:
        raise DatasetError("class_word", f"{directory} does not name a class; give one, e.g. --class man")
    trigger, class_word = check_trigger(trigger), check_class_word(class_word)
    repeats = check_repeats(repeats or layout.repeats or 20)
    if not layout.images:
        raise DatasetError(
            "directory", f"no PNG, JPEG or WebP images found in {directory}; add the images of the character"
        )
    flags = manifest_flags(Path(directory))
    default = f"{trigger} {class_word}"
    return Dataset(
        trigger=trigger,
        class_word=class_word,
        repeats=repeats,
        images=tuple(_dataset_image(path, default, flags) for path in layout.images),
        regularisation=tuple(_dataset_image(path, class_word, flags) for path in layout.regularisation),
    )


def caption_path(image: Path) -> Path:
    """The caption file of ``image``: same folder, same name, ``.txt``."""
    return image.with_suffix(".txt")


def read_caption(image: Path, default: str) -> str:
    """The first line of the image's caption file (``NAME.txt``, else ``NAME.caption``, sd-scripts' own
    default extension), or ``default`` when it has none (kohya's rule)."""
    path = next((found for found in (caption_path(image), image.with_suffix(".caption")) if found.is_file()), None)
    if path is None:
        return default
    with path.open("rb") as file:
        raw = file.read(MAX_CAPTION_BYTES + 1)
    if len(raw) > MAX_CAPTION_BYTES:
        raise DatasetError("caption", f"{path} is larger than {MAX_CAPTION_BYTES // 1024} KB; shorten the caption")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DatasetError("caption", f"{path} is not UTF-8 text; save it as UTF-8") from error
    lines = text.strip().splitlines()
    return lines[0].strip() if lines and lines[0].strip() else default


def read_manifest(directory: Path) -> dict:
    """The ``dataset.json`` of a dataset folder, or ``{}`` when there is none or it cannot be read."""
    path = Path(directory) / MANIFEST
    try:
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # the manifest only adds flags: without it the dataset is still whole
    return data if isinstance(data, dict) else {}


def manifest_flags(directory: Path) -> dict[str, list[str]]:
    """The flags ``dataset.json`` records, by :func:`manifest_key`; ``{}`` when it records none readable."""
    flags = read_manifest(directory).get("flags")
    if not isinstance(flags, dict):
        return {}
    return {str(key): [str(flag) for flag in value] for key, value in flags.items() if isinstance(value, list)}


def write_manifest(directory: Path, data: dict) -> None:
    """Write ``dataset.json`` in ``directory`` atomically."""
    write_text_atomically(Path(directory) / MANIFEST, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old file or the new one, never half of one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@contextmanager
def staged_directory(out_dir: Path) -> Iterator[Path]:
    """A fresh folder beside ``out_dir`` to write into; moved to ``out_dir`` when the block ends well,
    removed when it raises, so a failed preparation leaves nothing behind. ``out_dir`` must be new or empty."""
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise DatasetError("out", f"{out_dir} already exists and is not an empty folder; choose a new folder")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}."))
    try:
        yield staging
        if out_dir.exists():
            out_dir.rmdir()
        staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _concept_folders(directory: Path) -> list[Path]:
    return sorted(child for child in directory.iterdir() if child.is_dir() and _CONCEPT.match(child.name))


def _concept_layout(folder: Path, regularisation: tuple[Path, ...]) -> Layout:
    match = _CONCEPT.match(folder.name)
    assert match is not None
    repeats = int(match[1])
    if not 1 <= repeats <= MAX_REPEATS:
        raise DatasetError(
            "repeats", f"the folder {folder.name!r} asks for {repeats} repeats; rename it to 1-{MAX_REPEATS}"
        )
    trigger, _, class_word = match[2].partition(" ")
    return Layout(trigger, class_word.strip() or None, repeats, _image_files(folder), regularisation)


def _image_files(folder: Path) -> tuple[Path, ...]:
    return tuple(
        sorted(
            path
            for path in folder.iterdir()
            if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")
        )
    )


def _dataset_image(path: Path, default_caption: str, flags: dict[str, list[str]]) -> DatasetImage:
    width, height = image_size(path)
    return DatasetImage(
        path=path.absolute(),
        caption=read_caption(path, default_caption),
        width=width,
        height=height,
        flags=tuple(flags.get(manifest_key(path), ())),
    )


def manifest_key(path: Path) -> str:
    """The key of an image of a dataset folder in ``dataset.json``'s ``flags``: ``img/NAME.png`` or
    ``reg/NAME.png`` (the concept folder is left out, so renaming it to change the repeats keeps the flags)."""
    return f"{path.parent.parent.name}/{path.name}"


def image_size(path: Path) -> tuple[int, int]:
    """Width and height of the image at ``path`` as shown (EXIF orientation applied), from its header."""
    try:
        with Image.open(path, formats=("PNG", "JPEG", "WEBP")) as image:
            width, height = image.size
            turned = image.getexif().get(_ORIENTATION) in _TURNED
    except Exception as error:  # Pillow raises many types for files that are not images
        raise DatasetError(
            "images", f"{path.name} is not a readable PNG, JPEG or WebP image ({error}); remove or replace it"
        ) from error
    if max(width, height) > DEFAULT_LIMITS.max_side or width * height > DEFAULT_LIMITS.max_pixels:
        raise DatasetError("images", f"{path.name} is {width}×{height} pixels, too large to train on; scale it down")
    return (height, width) if turned else (width, height)
