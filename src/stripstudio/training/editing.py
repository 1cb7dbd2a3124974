"""Editing a prepared dataset one image at a time: its caption, or leaving it out."""

from __future__ import annotations

from pathlib import Path

from stripstudio.training.captions import check_caption
from stripstudio.training.kohya_layout import (
    DatasetError,
    Layout,
    caption_path,
    image_size,
    manifest_flags,
    manifest_key,
    read_layout,
    read_manifest,
    write_manifest,
    write_text_atomically,
)
from stripstudio.training.spec import DatasetImage


def set_caption(dataset_dir: Path, image_name: str, caption: str) -> DatasetImage:
    """Replace the caption of the image named ``image_name`` (e.g. ``astronaut.png``) in the dataset at
    ``dataset_dir``; the caption file is replaced atomically. Returns the image with its new caption."""
    caption = check_caption(caption)
    _layout, path = _find(dataset_dir, image_name)
    write_text_atomically(caption_path(path), caption + "\n")
    width, height = image_size(path)
    flags = manifest_flags(Path(dataset_dir)).get(manifest_key(path), ())
    return DatasetImage(path=path.absolute(), caption=caption, width=width, height=height, flags=tuple(flags))


def remove_image(dataset_dir: Path, image_name: str) -> None:
    """Take the image named ``image_name`` (e.g. a flagged near-duplicate) and its caption out of the
    dataset at ``dataset_dir``. The last character image cannot be removed: a dataset needs one."""
    layout, path = _find(dataset_dir, image_name)
    if layout.images == (path,):
        raise DatasetError("image_name", f"{image_name} is the dataset's only image; add others before removing it")
    path.unlink()
    for caption in (caption_path(path), path.with_suffix(".caption")):
        caption.unlink(missing_ok=True)
    manifest = read_manifest(Path(dataset_dir))
    entries = [entry for entry in (manifest.get("flags"), manifest.get("sources")) if isinstance(entry, dict)]
    if any(manifest_key(path) in entry for entry in entries):
        for entry in entries:
            entry.pop(manifest_key(path), None)
        write_manifest(Path(dataset_dir), manifest)


def _find(dataset_dir: Path, image_name: str) -> tuple[Layout, Path]:
    """The image named ``image_name`` among the dataset's images (then its regularisation images)."""
    layout = read_layout(dataset_dir)
    found = [path for path in (*layout.images, *layout.regularisation) if path.name == image_name]
    if not found or Path(image_name).name != image_name:
        raise DatasetError("image_name", f"no image named {image_name!r} in {dataset_dir}; give a file name it lists")
    return layout, found[0]
