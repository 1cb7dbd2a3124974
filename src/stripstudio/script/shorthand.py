"""The friendly forms a writer may use, expanded into the domain's full form.

* ``characters`` may be a mapping from name to fields instead of a list of mappings with ``name``.
* A bubble may be ``{Leo: "Hello!"}`` (speech by Leo) or ``{thought: "Hmm", by: Leo}`` (any kind
  as the key, with an optional ``by:`` or ``speaker:``) instead of ``{kind, text, speaker}``;
  ``by`` may stand for ``speaker`` in the full form too.

Positions are moved along with the data so that problems still point at what the writer wrote.
"""

from __future__ import annotations

from typing import Any

from stripstudio.script.errors import FieldProblem
from stripstudio.script.locate import Path, Positions
from stripstudio.script.messages import BUBBLE_KINDS, SPEAKER_KEYS, did_you_mean

_CHARACTER_NOT_MAPPING = "must be a mapping of the character's fields (description, clothes, seed, ...)"


def expand_shorthand(data: dict[str, Any], positions: Positions) -> list[FieldProblem]:
    """Rewrite ``data`` (a whole script) in place into the full form; returns what cannot be read."""
    problems: list[FieldProblem] = []
    if isinstance(data.get("characters"), dict):
        data["characters"] = _character_list(data["characters"], positions, problems)
    names = _character_names(data.get("characters"))
    panels = data.get("panels")
    for i, panel in enumerate(panels if isinstance(panels, list) else []):
        bubbles = panel.get("bubbles") if isinstance(panel, dict) else None
        if not isinstance(bubbles, list):
            continue
        for j, bubble in enumerate(bubbles):
            bubbles[j] = _expand_bubble(bubble, ("panels", i, "bubbles", j), names, positions, problems)
    return problems


def _character_list(mapping: dict[Any, Any], positions: Positions, problems: list[FieldProblem]) -> list[Any]:
    characters = []
    for i, (name, fields) in enumerate(mapping.items()):
        key_position = positions.get(("characters", name))
        path = ("characters", i)
        positions.move(("characters", name), path)
        if fields is None:
            fields = {}
        if not isinstance(fields, dict):
            problems.append((path, _CHARACTER_NOT_MAPPING))
            fields = {}
        if "name" in fields and fields["name"] != name:
            message = f"the name is the key above ({name!r}); remove this field or make the two equal"
            problems.append(((*path, "name"), message))
        if key_position and not positions.get((*path, "name")):
            positions.set((*path, "name"), key_position)
        characters.append({**fields, "name": name})
    return characters


def _character_names(characters: Any) -> set[str]:
    if not isinstance(characters, list):
        return set()
    return {item["name"] for item in characters if isinstance(item, dict) and isinstance(item.get("name"), str)}


def _expand_bubble(item: Any, path: Path, names: set[str], positions: Positions, problems: list[FieldProblem]) -> Any:
    if not isinstance(item, dict):
        return item
    full = "text" in item or "kind" in item
    kinds = [key for key in item if key in BUBBLE_KINDS]
    if kinds and not full:
        return _kind_form(item, kinds, path, positions, problems)
    if len(item) == 1 and not full:
        key = next(iter(item))
        if isinstance(key, str) and key not in SPEAKER_KEYS:
            return _speaker_form(item, path, names, positions)
    return _with_speaker(item, {}, path, positions, problems)


def _kind_form(
    item: dict[Any, Any], kinds: list[str], path: Path, positions: Positions, problems: list[FieldProblem]
) -> dict[Any, Any]:
    """``{thought: "Hmm", by: Leo}`` -> ``{kind: thought, text: "Hmm", speaker: Leo}``."""
    kind = kinds[0]
    if len(kinds) > 1:
        problems.append((path, f"a bubble has one kind, not {' and '.join(map(repr, kinds))}"))
    _rename(positions, path, kind, "text", also="kind")
    rest = {key: value for key, value in item.items() if key not in kinds}
    return _with_speaker(rest, {"kind": kind, "text": item[kind]}, path, positions, problems)


def _with_speaker(
    item: dict[Any, Any],
    bubble: dict[Any, Any],
    path: Path,
    positions: Positions,
    problems: list[FieldProblem],
) -> dict[Any, Any]:
    """``bubble`` plus the fields of ``item``, its ``by:`` (if any) renamed to ``speaker``."""
    speakers = [key for key in SPEAKER_KEYS if key in item]
    if len(speakers) > 1:
        problems.append(((*path, "speaker"), "give the speaker once, with either 'by' or 'speaker'"))
    for key, value in item.items():
        if key in SPEAKER_KEYS and key != speakers[0]:
            continue
        bubble["speaker" if key in SPEAKER_KEYS else key] = value
    if speakers:
        _rename(positions, path, speakers[0], "speaker")
    return bubble


def _speaker_form(item: dict[Any, Any], path: Path, names: set[str], positions: Positions) -> dict[Any, Any]:
    """``{Leo: "Hello!"}`` -> a speech bubble by Leo; a mistyped kind such as ``speach`` stays a kind."""
    ((key, text),) = item.items()
    _rename(positions, path, key, "text", also="kind")
    if key not in names and did_you_mean(key, BUBBLE_KINDS, cutoff=0.75) and not did_you_mean(key, names):
        return {"kind": key, "text": text}
    positions.set((*path, "speaker"), positions.find((*path, "text")))
    return {"kind": "speech", "text": text, "speaker": key}


def _rename(positions: Positions, path: Path, old: Any, new: str, also: str | None = None) -> None:
    positions.move((*path, old), (*path, new))
    if also:
        positions.set((*path, also), positions.find((*path, new)))
