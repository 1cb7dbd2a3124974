"""Validate a script's data part by part, so that one pass finds every problem."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeGuard, TypeVar

from pydantic import BaseModel, ValidationError

from stripstudio.domain import Bubble, Character, Comic, Panel
from stripstudio.script.errors import FieldProblem
from stripstudio.script.messages import plain_message

_SKIP_REFERENCES = {"skip_reference_checks": True}
_LIST_OF = {"characters": "characters (or a mapping from name to character)", "panels": "panels"}


def build_comic(data: dict[str, Any]) -> tuple[Comic | None, list[FieldProblem]]:
    """The Comic described by ``data`` (full form, absolute paths), or None and every problem.

    The top-level fields, each character and each panel are validated on their own, and the
    cross-references are checked even when some parts are invalid, so no problem hides another.
    """
    problems: list[FieldProblem] = []
    characters = _list_field(data, "characters", problems)
    panels = _list_field(data, "panels", problems)
    top = {key: value for key, value in data.items() if key not in _LIST_OF}
    _validate(Comic, top, (), problems)
    cast = [_validate(Character, item, ("characters", i), problems) for i, item in enumerate(characters or [])]
    scenes = [_validate(Panel, item, ("panels", i), problems) for i, item in enumerate(panels or [])]
    if characters is not None and panels is not None:
        problems += _reference_problems(characters, cast, panels, scenes)
    if problems:
        return None, problems
    return Comic.model_validate(data, context=_SKIP_REFERENCES), []


def _list_field(data: dict[str, Any], key: str, problems: list[FieldProblem]) -> list[Any] | None:
    """``data[key]`` as a list ('characters:' with nothing after it is an empty list)."""
    if data.get(key) is None:
        data[key] = []
    if not isinstance(data[key], list):
        problems.append(((key,), f"must be a list of {_LIST_OF[key]}"))
        return None
    return data[key]


def _validate(model: type[BaseModel], item: Any, prefix: tuple[str | int, ...], problems: list[FieldProblem]) -> Any:
    try:
        return model.model_validate(item, context=_SKIP_REFERENCES)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            detail["loc"] = (*prefix, *detail["loc"])
            problems.append((detail["loc"], plain_message(detail)))
        return None


def _reference_problems(
    characters: list[Any], cast: list[Character | None], panels: list[Any], scenes: list[Panel | None]
) -> list[FieldProblem]:
    """The domain's cross-reference checks, with stand-ins for parts that failed validation."""
    kept_cast, cast_index = _with_stand_ins(characters, cast, _character_stand_in)
    kept_scenes, scene_index = _with_stand_ins(panels, scenes, _panel_stand_in)
    comic = _stand_in(Comic, characters=kept_cast, panels=kept_scenes)
    index = {"characters": cast_index, "panels": scene_index}
    return [
        ((path[0], index[str(path[0])][int(path[1])], *path[2:]), message)
        for path, message in comic.reference_problems()
    ]


def _with_stand_ins(raw: list[Any], valid: list[Any], stand_in: Callable[[Any], Any]) -> tuple[list[Any], list[int]]:
    """The valid models, or stand-ins where possible, and the original index of each."""
    kept, index = [], []
    for i, (item, model) in enumerate(zip(raw, valid, strict=True)):
        model = model if model is not None else stand_in(item)
        if model is not None:
            kept.append(model)
            index.append(i)
    return kept, index


def _character_stand_in(item: Any) -> Character | None:
    """An invalid character still has a name that panels may use."""
    name = item.get("name") if isinstance(item, dict) else None
    return _stand_in(Character, name=name.strip()) if _text(name) else None


def _panel_stand_in(item: Any) -> Panel | None:
    """An invalid panel's names and speakers, when they can be read, are checked all the same."""
    if not isinstance(item, dict):
        return None
    names, bubbles = item.get("characters") or [], item.get("bubbles") or []
    if not (isinstance(names, list) and all(_text(name) for name in names) and isinstance(bubbles, list)):
        return None
    speakers = [bubble.get("speaker") if isinstance(bubble, dict) else None for bubble in bubbles]
    return _stand_in(
        Panel,
        id=item["id"].strip() if _text(item.get("id")) else None,
        characters=[name.strip() for name in names],
        bubbles=[_stand_in(Bubble, speaker=s.strip() if _text(s) else None) for s in speakers],
    )


def _text(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


_Model = TypeVar("_Model", bound=BaseModel)


def _stand_in(model: type[_Model], **fields: Any) -> _Model:
    """A model built without validation from the fields that could be read: deliberately incomplete."""
    return model.model_construct(**fields)
