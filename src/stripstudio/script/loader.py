"""Read a comic script: YAML text -> a valid Comic, or a ScriptError listing every problem."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import MaxDepthExceededError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from stripstudio.domain import Comic
from stripstudio.domain.comic import format_path
from stripstudio.script.bounds import MAX_DEPTH, RecordingComposer, TooManyValues, alias_problem
from stripstudio.script.errors import FieldProblem, ScriptError, ScriptProblem
from stripstudio.script.locate import Positions, to_plain
from stripstudio.script.paths import resolve_files
from stripstudio.script.shorthand import expand_shorthand
from stripstudio.script.validate import build_comic

_NOT_A_MAPPING = "a comic script must be a mapping of fields, starting with e.g. 'title: My comic' (found {})"


def load_comic(path: str | os.PathLike[str], *, check_files: bool = True) -> Comic:
    """Load the comic script at ``path``; file paths in it are taken from the script's folder.

    Raises ScriptError, listing every problem with its line and field, when the script cannot be
    read or is not a valid comic; nothing is returned half-loaded.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScriptError([ScriptProblem(str(path), 1, 1, "", f"cannot read the script: {error}")]) from error
    return load_comic_text(text, filename=str(path), base_dir=path.parent, check_files=check_files)


def load_comic_text(
    text: str,
    filename: str = "<text>",
    base_dir: str | os.PathLike[str] | None = None,
    *,
    check_files: bool = True,
) -> Comic:
    """Load a comic script from ``text``; ``filename`` is only used in problem reports.

    Relative file paths are taken from ``base_dir`` (the current folder when None) and become
    absolute in the Comic; with ``check_files`` a missing file is a problem.
    """
    tree = _parse(text, filename)
    if not isinstance(tree, dict):
        raise ScriptError([ScriptProblem(filename, 1, 1, "", _NOT_A_MAPPING.format(_describe(tree)))])
    data, positions = to_plain(tree)
    problems = expand_shorthand(data, positions)
    problems += resolve_files(data, base_dir if base_dir is not None else os.getcwd(), check_files)
    comic, invalid = build_comic(data)
    problems += invalid
    if comic is None or problems:
        raise ScriptError(_placed(problems, positions, filename))
    return comic


def _parse(text: str, filename: str) -> Any:
    """The YAML tree, or ScriptError for a syntax error or a script past the bounds (see ``bounds``)."""
    yaml = YAML(typ="rt")
    yaml.Composer = RecordingComposer
    yaml.max_depth = MAX_DEPTH
    try:
        root = yaml.compose(text)
        problem = alias_problem(root, yaml.composer.alias_uses, filename)
        if problem is not None:
            raise ScriptError([problem])
        return None if root is None else yaml.constructor.construct_document(root)
    except TooManyValues as error:
        raise ScriptError([error.problem(filename)]) from None
    except MaxDepthExceededError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"values nest more than {MAX_DEPTH} levels deep, far more than a comic needs; flatten them"
        raise ScriptError([ScriptProblem(filename, line, column, "", message)]) from None
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ScriptError([ScriptProblem(filename, line, column, "", _syntax_message(error))]) from None
    except (YAMLError, TypeError, ValueError) as error:
        # ruamel.yaml raises TypeError/ValueError for some odd input, e.g. a list used as a key.
        raise ScriptError([ScriptProblem(filename, 1, 1, "", f"invalid YAML: {error}")]) from None


def _describe(tree: Any) -> str:
    if tree is None:
        return "an empty file"
    if isinstance(tree, list):
        return "a list"
    return "text" if isinstance(tree, str) else f"the value {tree!r}"


def _syntax_message(error: MarkedYAMLError) -> str:
    parts = [part for part in (error.problem, error.context) if part]
    return "invalid YAML: " + (", ".join(parts) if parts else "syntax error")


def _placed(problems: list[FieldProblem], positions: Positions, filename: str) -> list[ScriptProblem]:
    placed = []
    for path, message in problems:
        position = positions.find(path)
        placed.append(ScriptProblem(filename, position.line, position.column, format_path(path), message))
    return placed
