"""Fixtures for the comic script tests: write a script into a temporary folder and load it."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from stripstudio.domain import Comic
from stripstudio.script import ScriptError, ScriptProblem, load_comic


@pytest.fixture
def write_script(tmp_path: Path) -> Callable[[str], Path]:
    """Write dedented script text to ``comic.yaml`` in a fresh folder; returns its path."""

    def write(text: str, name: str = "comic.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(write_script: Callable[[str], Path]) -> Callable[[str], Comic]:
    """Load dedented script text as ``comic.yaml``."""
    return lambda text: load_comic(write_script(text))


@pytest.fixture
def problems(write_script: Callable[[str], Path]) -> Callable[[str], list[ScriptProblem]]:
    """The problems found in dedented script text, which must not load."""

    def find(text: str) -> list[ScriptProblem]:
        with pytest.raises(ScriptError) as caught:
            load_comic(write_script(text))
        return caught.value.problems

    return find


@pytest.fixture
def where() -> Callable[[list[ScriptProblem]], list[tuple[int, str]]]:
    """Problems as (line, field) pairs, the part of a report most tests check."""
    return lambda found: [(problem.line, problem.field) for problem in found]
