"""File references in a script: relative to the script's folder on disk, absolute in the Comic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from stripstudio.script.errors import FieldProblem

_MISSING_SKETCH = "file not found: {} (put the drawing there or fix the path)"
_MISSING_IMAGE = "file not found: {} (put the image there or fix the path)"


def absolute_path(text: str, base_dir: str | os.PathLike[str]) -> str:
    """``text`` as a normalised absolute path; relative paths are taken from ``base_dir``."""
    return os.path.abspath(os.path.join(base_dir, os.path.expanduser(text)))


def relative_path(text: str, base_dir: str | os.PathLike[str] | None) -> str:
    """``text`` relative to ``base_dir`` (with '/') when it lies inside it; otherwise unchanged."""
    if base_dir is None or not os.path.isabs(text):
        return text
    try:
        return Path(text).relative_to(os.path.abspath(base_dir)).as_posix()
    except ValueError:
        return text


def resolve_files(data: dict[str, Any], base_dir: str | os.PathLike[str], check: bool) -> list[FieldProblem]:
    """Make ``panels[i].sketch``, ``panels[i].regions[j].mask`` and ``characters[i].reference_images[j]``
    absolute, in place.

    With ``check``, every file that does not exist is a problem. Values that are not text are
    left for validation to report.
    """
    problems: list[FieldProblem] = []
    for i, panel in _mappings(data.get("panels")):
        if _is_path(panel.get("sketch")):
            panel["sketch"] = absolute_path(panel["sketch"].strip(), base_dir)
            if check and not os.path.isfile(panel["sketch"]):
                problems.append((("panels", i, "sketch"), _MISSING_SKETCH.format(panel["sketch"])))
        for j, region in _mappings(panel.get("regions")):
            if _is_path(region.get("mask")):
                region["mask"] = absolute_path(region["mask"].strip(), base_dir)
                if check and not os.path.isfile(region["mask"]):
                    problems.append((("panels", i, "regions", j, "mask"), _MISSING_IMAGE.format(region["mask"])))
    for i, character in _mappings(data.get("characters")):
        images = character.get("reference_images")
        if not isinstance(images, list):
            continue
        for j, image in enumerate(images):
            if _is_path(image):
                images[j] = absolute_path(image.strip(), base_dir)
                if check and not os.path.isfile(images[j]):
                    problems.append((("characters", i, "reference_images", j), _MISSING_IMAGE.format(images[j])))
    return problems


def _mappings(items: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _is_path(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
