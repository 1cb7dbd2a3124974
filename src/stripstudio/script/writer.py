"""Write a Comic as a canonical comic script: short forms, defaults left out, paths relative."""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from stripstudio.domain import Bubble, Character, Comic, Panel
from stripstudio.script.messages import BUBBLE_KINDS, SPEAKER_KEYS, did_you_mean
from stripstudio.script.paths import relative_path

_PARTS = ("style", "generation", "characters", "panels", "layout")
_RESERVED_KEYS = {*BUBBLE_KINDS, *SPEAKER_KEYS, "kind", "text"}


def dump_comic(comic: Comic, base_dir: str | os.PathLike[str] | None = None) -> str:
    """The comic as script text; paths inside ``base_dir`` are written relative to it.

    Loading the text with the same ``base_dir`` gives back an equal Comic.
    """
    stream = io.StringIO()
    _yaml().dump(_with_text_styles(_comic_tree(comic, base_dir)), stream)
    return stream.getvalue()


def save_comic(comic: Comic, path: str | os.PathLike[str]) -> None:
    """Write the comic to ``path`` atomically: the old file stays whole until the new one is complete."""
    path = Path(path)
    text = dump_comic(comic, base_dir=path.parent.absolute())
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.width = 4096  # one line per prompt: folded lines are hard to edit by hand
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _comic_tree(comic: Comic, base_dir: str | os.PathLike[str] | None) -> CommentedMap:
    tree = CommentedMap(comic.model_dump(mode="json", exclude_defaults=True, exclude=set(_PARTS)))
    for name in ("style", "generation"):
        part = getattr(comic, name).model_dump(mode="json", exclude_defaults=True)
        if part:
            tree[name] = part
    if comic.characters:
        tree["characters"] = _characters(comic.characters, base_dir)
    if comic.panels:
        tree["panels"] = [_panel(panel, base_dir) for panel in comic.panels]
    layout = comic.layout.model_dump(mode="json", exclude_defaults=True)
    if layout:
        tree["layout"] = layout
    return tree


def _characters(characters: list[Character], base_dir: str | os.PathLike[str] | None) -> Any:
    """A mapping from name to fields, or a list when names repeat (a comic built without checks)."""
    entries = []
    for character in characters:
        fields = character.model_dump(mode="json", exclude_defaults=True, exclude={"name"})
        if character.reference_images:
            fields["reference_images"] = [relative_path(image, base_dir) for image in character.reference_images]
        entries.append((character.name, fields))
    if len({name for name, _ in entries}) < len(entries):
        return [CommentedMap({"name": name, **fields}) for name, fields in entries]
    return CommentedMap(entries)


def _panel(panel: Panel, base_dir: str | os.PathLike[str] | None) -> CommentedMap:
    fields = CommentedMap(panel.model_dump(mode="json", exclude_defaults=True, exclude={"bubbles"}))
    if panel.sketch:
        fields["sketch"] = relative_path(panel.sketch, base_dir)
    for region, written in zip(panel.regions, fields.get("regions", []), strict=False):
        if region.mask:
            written["mask"] = relative_path(region.mask, base_dir)
    if panel.characters and all(_fits_flow(name) for name in panel.characters):
        fields["characters"] = CommentedSeq(panel.characters)
        fields["characters"].fa.set_flow_style()
    if panel.bubbles:
        fields["bubbles"] = [_bubble(bubble) for bubble in panel.bubbles]
    return fields


def _bubble(bubble: Bubble) -> CommentedMap:
    """``{Leo: text}`` for speech with a speaker, ``{kind: text, by: speaker}`` otherwise."""
    text = bubble.text
    placed = bubble.model_dump(exclude_defaults=True, exclude={"kind", "text", "speaker"})
    if bubble.kind == "speech" and bubble.speaker and _speaker_key_safe(bubble.speaker) and not placed:
        return CommentedMap({bubble.speaker: text})
    fields = CommentedMap({bubble.kind.value: text})
    if bubble.speaker is not None:
        fields["by"] = bubble.speaker
    fields.update(placed)
    return fields


def _speaker_key_safe(name: str) -> bool:
    """Whether ``{name: text}`` reads back as speech by ``name`` rather than as another form."""
    return name not in _RESERVED_KEYS and did_you_mean(name, BUBBLE_KINDS, cutoff=0.75) is None


def _with_text_styles(value: Any) -> Any:
    """``value`` with every string, keys included, in a YAML style that reads back exactly."""
    if isinstance(value, dict):
        return CommentedMap((_text_style(key, block=False), _with_text_styles(item)) for key, item in value.items())
    if isinstance(value, list):
        block = not (isinstance(value, CommentedSeq) and value.fa.flow_style())
        for index, item in enumerate(value):
            value[index] = _text_style(item, block) if isinstance(item, str) else _with_text_styles(item)
        return value
    return _text_style(value, block=True) if isinstance(value, str) else value


def _text_style(text: Any, block: bool) -> Any:
    """Several clean lines as a literal block (``|``); other unprintable text double-quoted.

    ruamel.yaml writes some line breaks (such as U+0085) inside plain or single-quoted text
    as breaks that read back as spaces; double quotes escape them.
    """
    if not isinstance(text, str) or text.isprintable():
        return text
    lines = text.split("\n")
    if block and all(line == line.rstrip() and line.isprintable() for line in lines):
        return LiteralScalarString(text)
    return DoubleQuotedScalarString(text)


def _fits_flow(name: str) -> bool:
    """Names plain enough for ``[Mia, Alex]``; others go one per line, where YAML is less picky."""
    return re.fullmatch(r"\w[\w .'-]*", name) is not None
