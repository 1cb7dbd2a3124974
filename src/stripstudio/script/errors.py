"""Problems found in a comic script, each tied to a file, a line and a field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stripstudio.domain.comic import readable_path


@dataclass(frozen=True, order=True)
class ScriptProblem:
    """One thing wrong with a script.

    ``line`` and ``column`` are 1-based; ``field`` is the path of the field in the comic, such as
    ``panels[2].characters[0]`` (shown to people as ``panel 3, character 1``), or ``""`` when the
    problem is not about one field (a YAML syntax error, an empty file).
    """

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {readable_path(self.field)}: {self.message}" if self.field else f"{where}: {self.message}"


class ScriptError(Exception):
    """Everything wrong with a script, found in one pass; ``str()`` lists one problem per line."""

    def __init__(self, problems: Iterable[ScriptProblem]) -> None:
        self.problems: list[ScriptProblem] = sorted(set(problems))
        if not self.problems:
            raise ValueError("a ScriptError needs at least one problem")
        super().__init__("\n".join(str(problem) for problem in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def __reduce__(self) -> tuple[type[ScriptError], tuple[list[ScriptProblem]]]:
        return ScriptError, (self.problems,)


FieldProblem = tuple[tuple[str | int, ...], str]
"""A problem before it has a place in a file: (field path inside the comic, message)."""
